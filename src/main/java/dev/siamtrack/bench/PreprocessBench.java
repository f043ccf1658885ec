package dev.siamtrack.bench;

import dev.siamtrack.track.CropPreprocessor;
import dev.siamtrack.track.NativeCropPreprocessor;
import dev.siamtrack.track.OpenCvCropPreprocessor;
import dev.siamtrack.track.PixelSpec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Times the per-frame crop (crop, resize, normalise, CHW floats) of each {@link CropPreprocessor} on a
 * 640x480 frame, for the 127 template and the 255 search inputs, with the crop inside the frame and
 * sticking out of it (padded). Run: {@code java ... dev.siamtrack.bench.PreprocessBench [iterations]}.
 */
public final class PreprocessBench {

    /** Crop side relative to the output side: a slight downscale, as for a mid-sized target. */
    private static final double SIDE_RATIO = 1.1;
    private static final int WARMUP = 300;

    private PreprocessBench() {
    }

    /** Per-call times in milliseconds of {@code iterations} search-size (255) crops inside the frame. */
    public static double[] timeMs(CropPreprocessor crop, Mat frame, int iterations) {
        return timeMs(crop, frame, 255, false, iterations);
    }

    /**
     * Per-call times in milliseconds of {@code iterations} crops to {@code size x size}. The crop centre
     * moves a little between calls; with {@code border} the crop sticks out of the frame's left edge by
     * a quarter of its side, so part of it is padding.
     */
    public static double[] timeMs(CropPreprocessor crop, Mat frame, int size, boolean border, int iterations) {
        FloatBuffer dst = ByteBuffer.allocateDirect(3 * size * size * Float.BYTES)
                .order(ByteOrder.nativeOrder()).asFloatBuffer();
        double side = size * SIDE_RATIO;
        double[] pad = {110, 120, 130};
        double cx0 = border ? side / 4 : frame.cols() / 2.0;
        double cy0 = frame.rows() / 2.0;
        for (int i = 0; i < WARMUP; i++) {
            crop.crop(frame, cx0 + (i % 7), cy0 + (i % 5), side, size, pad, dst);
        }
        double[] times = new double[iterations];
        for (int i = 0; i < iterations; i++) {
            double dx = (i % 7) + 0.3;
            double dy = (i % 5) + 0.6;
            long start = System.nanoTime();
            crop.crop(frame, cx0 + dx, cy0 + dy, side + (i % 3), size, pad, dst);
            times[i] = (System.nanoTime() - start) / 1e6;
        }
        return times;
    }

    /** The q-quantile (0..1) of the values, nearest rank. */
    public static double quantile(double[] values, double q) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank))];
    }

    public static void main(String[] args) {
        int iterations = args.length > 0 ? Integer.parseInt(args[0]) : 3000;
        List<CropPreprocessor> crops = new ArrayList<>();
        crops.add(new OpenCvCropPreprocessor(PixelSpec.RAW_BGR));
        if (NativeCropPreprocessor.isAvailable()) {
            crops.add(new NativeCropPreprocessor(PixelSpec.RAW_BGR));
        } else {
            System.err.println("note: " + NativeCropPreprocessor.unavailableReason());
        }
        try (Mat frame = noiseFrame(640, 480)) {
            System.out.printf(Locale.ROOT, "crop -> CHW float, 640x480 BGR frame, %d calls each, OpenCV threads %d, %s%n",
                    iterations, opencv_core.getNumThreads(), Runtime.version());
            System.out.println("impl     size  crop      median_us  p95_us");
            for (int size : new int[] {127, 255}) {
                for (boolean border : new boolean[] {false, true}) {
                    for (CropPreprocessor crop : crops) {
                        double[] t = timeMs(crop, frame, size, border, iterations);
                        System.out.printf(Locale.ROOT, "%-8s %4d  %-8s %10.1f %7.1f%n", crop.name(), size,
                                border ? "padded" : "inside", 1000 * quantile(t, 0.5), 1000 * quantile(t, 0.95));
                    }
                }
            }
        } finally {
            crops.forEach(CropPreprocessor::close);
        }
    }

    private static Mat noiseFrame(int w, int h) {
        Mat m = new Mat(h, w, opencv_core.CV_8UC3);
        byte[] row = new byte[w * 3];
        Random random = new Random(1);
        BytePointer data = m.data();
        for (int y = 0; y < h; y++) {
            random.nextBytes(row);
            data.position(y * m.step()).put(row, 0, row.length);
        }
        data.position(0);
        return m;
    }
}
