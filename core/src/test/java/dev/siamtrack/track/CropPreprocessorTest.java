package dev.siamtrack.track;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Stream;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class CropPreprocessorTest {

    private static final double[] PAD = {7, 8, 9};

    static Stream<String> implementations() {
        return Stream.of("opencv", "native");
    }

    private static CropPreprocessor open(String name, PixelSpec spec) {
        if (name.equals("native")) {
            Assumptions.assumeTrue(NativeCropPreprocessor.isAvailable(),
                    "native crop library not built: " + NativeCropPreprocessor.unavailableReason());
            return new NativeCropPreprocessor(spec);
        }
        return new OpenCvCropPreprocessor(spec);
    }

    /** A 6x5 BGR frame where pixel (x, y) has B = 40x + 20y, G = B + 1, R = B + 2. */
    private static Mat ramp() {
        int w = 6;
        int h = 5;
        Mat m = new Mat(h, w, opencv_core.CV_8UC3);
        BytePointer p = m.data();
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int b = 40 * x + 20 * y;
                long o = y * m.step() + x * 3L;
                p.put(o, (byte) b);
                p.put(o + 1, (byte) (b + 1));
                p.put(o + 2, (byte) (b + 2));
            }
        }
        return m;
    }

    private static double rampB(double x, double y) {
        return 40 * x + 20 * y;
    }

    private static FloatBuffer buffer(int floats) {
        return ByteBuffer.allocateDirect(floats * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    private static float at(FloatBuffer dst, int size, int channel, int x, int y) {
        return dst.get(channel * size * size + y * size + x);
    }

    /** Checks every output pixel against expectedB(x, y) (G and R are +1 and +2, NaN means padding). */
    private static void assertCrop(FloatBuffer dst, int size, Function<int[], Double> expectedB, double tol) {
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                double b = expectedB.apply(new int[] {x, y});
                for (int c = 0; c < 3; c++) {
                    double expected = Double.isNaN(b) ? PAD[c] : b + c;
                    assertEquals(expected, at(dst, size, c, x, y), tol, "channel " + c + " at (" + x + ", " + y + ")");
                }
            }
        }
    }

    /** Crops the ramp frame (raw BGR values) with the named implementation and returns the output. */
    private static FloatBuffer cropRamp(String impl, double cx, double cy, double side, int size, double[] pad) {
        try (CropPreprocessor crop = open(impl, PixelSpec.RAW_BGR); Mat frame = ramp()) {
            FloatBuffer dst = buffer(3 * size * size);
            crop.crop(frame, cx, cy, side, size, pad, dst);
            return dst;
        }
    }

    @ParameterizedTest
    @MethodSource("implementations")
    void cropInsideTheFrameAtTheSameSizeCopiesPixels(String impl) {
        // side 3 centred at (2.5, 2): c = 2, xmin = floor(2.5 - 2 + 0.5) = 1, ymin = floor(0.5) = 0
        assertCrop(cropRamp(impl, 2.5, 2, 3, 3, PAD), 3, p -> rampB(1 + p[0], p[1]), 1e-4);
    }

    @ParameterizedTest
    @MethodSource("implementations")
    void cropStickingOutOfTheFrameIsPadded(String impl) {
        // side 4 centred at (0.4, 4.6): c = 2.5, xmin = floor(-1.6) = -2, ymin = floor(2.6) = 2
        assertCrop(cropRamp(impl, 0.4, 4.6, 4, 4, PAD), 4, p -> {
            int x = p[0] - 2;
            int y = p[1] + 2;
            return x < 0 || y > 4 ? Double.NaN : rampB(x, y);
        }, 1e-4);
    }

    @ParameterizedTest
    @MethodSource("implementations")
    void upscalingInterpolatesLikeOpenCvLinear(String impl) {
        // block 2x2 at (1, 1) -> 4x4: samples at -0.25 (clamped to 0), 0.25, 0.75, 1.25 (clamped to 1)
        double[] offsets = {0, 0.25, 0.75, 1};
        assertCrop(cropRamp(impl, 2, 2, 2, 4, PAD), 4, p -> rampB(1 + offsets[p[0]], 1 + offsets[p[1]]), 1e-3);
    }

    @ParameterizedTest
    @MethodSource("implementations")
    void downscalingAveragesNeighbours(String impl) {
        // block 4x4 at (1, 0) -> 2x2: samples at block coordinates 0.5 and 2.5
        assertCrop(cropRamp(impl, 3, 2, 4, 2, PAD), 2, p -> rampB(1.5 + 2 * p[0], 0.5 + 2 * p[1]), 1e-3);
    }

    @ParameterizedTest
    @MethodSource("implementations")
    void downscalingAcrossTheBorderBlendsPixelsAndPadding(String impl) {
        // block 4x4 at (-1, 0) -> 2x2: output column 0 averages the padding and frame column 0
        FloatBuffer dst = cropRamp(impl, 1, 2, 4, 2, PAD);
        for (int c = 0; c < 3; c++) {
            double left = (PAD[c] + rampB(0, 0.5) + c) / 2;
            assertEquals(left, at(dst, 2, c, 0, 0), 0.51, "channel " + c);
            assertEquals(rampB(1.5, 0.5) + c, at(dst, 2, c, 1, 0), 0.51, "channel " + c);
        }
    }

    @ParameterizedTest
    @MethodSource("implementations")
    void cropOutsideTheFrameIsAllPadding(String impl) {
        assertCrop(cropRamp(impl, -40, 3, 10, 5, new double[] {7.2, 7.8, 9}), 5, p -> Double.NaN, 0);
        assertCrop(cropRamp(impl, 3, 100, 10, 5, PAD), 5, p -> Double.NaN, 0);
    }

    @ParameterizedTest
    @MethodSource("implementations")
    void normalisesAndReordersChannels(String impl) {
        PixelSpec spec = new PixelSpec(true, 1 / 255.0, new double[] {0.485, 0.456, 0.406}, new double[] {0.229, 0.224, 0.225});
        try (CropPreprocessor crop = open(impl, spec); Mat frame = ramp()) {
            FloatBuffer dst = buffer(3 * 9);
            crop.crop(frame, 2.5, 2, 3, 3, PAD, dst);
            double[] mean = spec.mean();
            double[] std = spec.std();
            for (int y = 0; y < 3; y++) {
                for (int x = 0; x < 3; x++) {
                    double b = rampB(1 + x, y);
                    double[] rgb = {b + 2, b + 1, b};
                    for (int k = 0; k < 3; k++) {
                        assertEquals((rgb[k] / 255 - mean[k]) / std[k], at(dst, 3, k, x, y), 1e-4);
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("implementations")
    void writesFromPositionZeroAndLeavesTheBufferStateAlone(String impl) {
        try (CropPreprocessor crop = open(impl, PixelSpec.RAW_BGR); Mat frame = ramp()) {
            FloatBuffer dst = buffer(3 * 9 + 5);
            for (int i = 0; i < dst.capacity(); i++) {
                dst.put(i, -1);
            }
            dst.position(4).limit(20);
            crop.crop(frame, 2.5, 2, 3, 3, PAD, dst);
            assertEquals(4, dst.position());
            assertEquals(20, dst.limit());
            dst.clear();
            assertEquals(rampB(1, 0), dst.get(0), 1e-4);
            assertEquals(-1, dst.get(27));
        }
    }

    @ParameterizedTest
    @MethodSource("implementations")
    void rejectsBadArguments(String impl) {
        try (CropPreprocessor crop = open(impl, PixelSpec.RAW_BGR); Mat frame = ramp()) {
            FloatBuffer small = buffer(10);
            assertThrows(IllegalArgumentException.class, () -> crop.crop(frame, 2, 2, 3, 3, PAD, small));
            FloatBuffer heap = FloatBuffer.allocate(27);
            assertThrows(IllegalArgumentException.class, () -> crop.crop(frame, 2, 2, 3, 3, PAD, heap));
            assertThrows(IllegalArgumentException.class, () -> crop.crop(frame, Double.NaN, 2, 3, 3, PAD, buffer(27)));
            try (Mat grey = new Mat(5, 5, opencv_core.CV_8UC1)) {
                assertThrows(IllegalArgumentException.class, () -> crop.crop(grey, 2, 2, 3, 3, PAD, buffer(27)));
            }
        }
    }

    /** A camera-like random frame: smooth blobs plus pixel noise. */
    static Mat randomFrame(Random random, int w, int h) {
        Mat m = new Mat(h, w, opencv_core.CV_8UC3);
        BytePointer p = m.data();
        double[][] waves = new double[3][4];
        for (double[] wave : waves) {
            for (int i = 0; i < 4; i++) {
                wave[i] = random.nextDouble();
            }
        }
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                for (int c = 0; c < 3; c++) {
                    double[] wv = waves[c];
                    double v = 128 + 60 * Math.sin(x * wv[0] * 0.1 + wv[1] * 6) * Math.cos(y * wv[2] * 0.1 + wv[3] * 6)
                            + 40 * (random.nextDouble() - 0.5);
                    p.put(y * m.step() + x * 3L + c, (byte) Math.max(0, Math.min(255, (int) v)));
                }
            }
        }
        return m;
    }

    @Test
    void nativeAgreesWithOpenCvOnRandomFrames() {
        Assumptions.assumeTrue(NativeCropPreprocessor.isAvailable(),
                "native crop library not built: " + NativeCropPreprocessor.unavailableReason());
        Random random = new Random(11);
        PixelSpec[] specs = {PixelSpec.RAW_BGR,
            new PixelSpec(true, 1 / 255.0, new double[] {0.485, 0.456, 0.406}, new double[] {0.229, 0.224, 0.225})};
        for (PixelSpec spec : specs) {
            double unit = spec.alpha(0);
            try (CropPreprocessor cv = new OpenCvCropPreprocessor(spec);
                 CropPreprocessor nat = new NativeCropPreprocessor(spec);
                 Mat frame = randomFrame(random, 640, 480)) {
                for (int trial = 0; trial < 40; trial++) {
                    int size = trial % 2 == 0 ? 127 : 255;
                    double side = 20 + random.nextDouble() * 600;
                    double cx = -100 + random.nextDouble() * 840;
                    double cy = -100 + random.nextDouble() * 680;
                    double[] pad = {random.nextDouble() * 255, random.nextDouble() * 255, random.nextDouble() * 255};
                    FloatBuffer a = buffer(3 * size * size);
                    FloatBuffer b = buffer(3 * size * size);
                    cv.crop(frame, cx, cy, side, size, pad, a);
                    nat.crop(frame, cx, cy, side, size, pad, b);
                    double max = 0;
                    double sum = 0;
                    for (int i = 0; i < 3 * size * size; i++) {
                        double d = Math.abs(a.get(i) - b.get(i)) / Math.abs(unit);
                        max = Math.max(max, d);
                        sum += d;
                    }
                    String what = spec + " crop (" + cx + ", " + cy + ") side " + side + " -> " + size;
                    assertTrue(max <= 1.01, what + ": max difference " + max + " grey levels");
                    assertTrue(sum / (3 * size * size) < 0.3, what + ": mean difference " + sum / (3 * size * size));
                }
            }
        }
    }

    @Test
    void nativeReadsFramesThatAreViewsIntoLargerImages() {
        Assumptions.assumeTrue(NativeCropPreprocessor.isAvailable(),
                "native crop library not built: " + NativeCropPreprocessor.unavailableReason());
        try (Mat big = randomFrame(new Random(5), 200, 150);
             Mat view = big.apply(new org.bytedeco.opencv.opencv_core.Rect(30, 20, 120, 100));
             CropPreprocessor cv = new OpenCvCropPreprocessor(PixelSpec.RAW_BGR);
             CropPreprocessor nat = new NativeCropPreprocessor(PixelSpec.RAW_BGR)) {
            FloatBuffer a = buffer(3 * 64 * 64);
            FloatBuffer b = buffer(3 * 64 * 64);
            for (double[] c : new double[][] {{60, 50, 70}, {5, 90, 80}, {115, 10, 150}}) {
                cv.crop(view, c[0], c[1], c[2], 64, PAD, a);
                nat.crop(view, c[0], c[1], c[2], 64, PAD, b);
                for (int i = 0; i < 3 * 64 * 64; i++) {
                    assertEquals(a.get(i), b.get(i), 1.01, "crop " + java.util.Arrays.toString(c) + " value " + i);
                }
            }
        }
    }

    @Test
    void factoryHonoursThePreference() {
        try (CropPreprocessor cv = CropPreprocessors.create(PixelSpec.RAW_BGR, "opencv");
             CropPreprocessor auto = CropPreprocessors.create(PixelSpec.RAW_BGR, "AUTO")) {
            assertEquals("opencv", cv.name());
            assertEquals(NativeCropPreprocessor.isAvailable() ? "native" : "opencv", auto.name());
        }
        assertThrows(IllegalArgumentException.class, () -> CropPreprocessors.create(PixelSpec.RAW_BGR, "cuda"));
    }
}
