package dev.siamtrack.bench;

import dev.siamtrack.track.CropPreprocessor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Times the per-frame crop (crop, resize, normalise, CHW floats) of a {@link CropPreprocessor} on a frame,
 * with the crop inside the frame or sticking out of it (padded); {@code siamtrack bench} prints both
 * implementations side by side.
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
}
