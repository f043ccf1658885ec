package dev.siamtrack.track;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import org.bytedeco.javacpp.indexer.UByteIndexer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;

class OpenCvCropPreprocessorTest {

    /** 8x6 frame whose pixel (x, y) is B = 10x + y, G = 100 + y, R = 200. */
    private static Mat gradientFrame() {
        Mat m = new Mat(6, 8, CV_8UC3);
        UByteIndexer idx = m.createIndexer();
        for (int y = 0; y < 6; y++) {
            for (int x = 0; x < 8; x++) {
                idx.put(y, x, 0, 10 * x + y);
                idx.put(y, x, 1, 100 + y);
                idx.put(y, x, 2, 200);
            }
        }
        idx.release();
        return m;
    }

    private static FloatBuffer buffer(int size) {
        return ByteBuffer.allocateDirect(3 * size * size * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    @Test
    void sameSizeCropCopiesPixelsAsPlanarBgr() {
        try (OpenCvCropPreprocessor p = new OpenCvCropPreprocessor(PixelSpec.RAW_BGR)) {
            FloatBuffer dst = buffer(3);
            // side 3 centred on (4, 3): c = 2, xmin = floor(4 - 2 + 0.5) = 2, ymin = 1
            p.crop(gradientFrame(), 4, 3, 3, 3, new double[] {1, 2, 3}, dst);
            assertEquals(10 * 2 + 1, dst.get(0), 1e-4);
            assertEquals(10 * 4 + 3, dst.get(8), 1e-4);
            assertEquals(100 + 1, dst.get(9), 1e-4);
            assertEquals(200, dst.get(18 + 4), 1e-4);
            assertEquals(0, dst.position());
        }
    }

    @Test
    void outsideTheFrameIsPadding() {
        try (OpenCvCropPreprocessor p = new OpenCvCropPreprocessor(PixelSpec.RAW_BGR)) {
            FloatBuffer dst = buffer(4);
            p.crop(gradientFrame(), -50, -50, 4, 4, new double[] {7, 8, 9}, dst);
            for (int i = 0; i < 16; i++) {
                assertEquals(7, dst.get(i), 1e-4);
                assertEquals(8, dst.get(16 + i), 1e-4);
                assertEquals(9, dst.get(32 + i), 1e-4);
            }
        }
    }

    @Test
    void partlyOutsideMixesPaddingAndPixels() {
        try (OpenCvCropPreprocessor p = new OpenCvCropPreprocessor(PixelSpec.RAW_BGR)) {
            FloatBuffer dst = buffer(3);
            // centred on (0, 0): xmin = floor(0 - 2 + 0.5) = -2, so columns -2, -1 are padding and column 0 is x = 0
            p.crop(gradientFrame(), 0, 0, 3, 3, new double[] {7, 8, 9}, dst);
            assertEquals(7, dst.get(0), 1e-4);
            assertEquals(7, dst.get(1), 1e-4);
            assertEquals(7, dst.get(3 * 2 + 1), 1e-4);
            assertEquals(0, dst.get(3 * 2 + 2), 1e-4);
        }
    }

    @Test
    void downscaleAveragesNeighboursAndNormalisesInRgbOrder() {
        PixelSpec spec = new PixelSpec(true, 1 / 255.0, new double[] {0.5, 0, 0}, new double[] {0.5, 1, 1});
        try (OpenCvCropPreprocessor p = new OpenCvCropPreprocessor(spec)) {
            FloatBuffer dst = buffer(2);
            // side 4 at (4, 3): xmin = floor(4 - 2.5 + 0.5) = 2, ymin = 1; output u samples x = 2 + (u + .5) * 2 - .5
            p.crop(gradientFrame(), 4, 3, 4, 2, new double[] {0, 0, 0}, dst);
            double r = (200 / 255.0 - 0.5) / 0.5;
            assertEquals(r, dst.get(0), 1e-3);
            double blue = 10 * 2.5 + 1.5; // bilinear between x = 2..3 and y = 1..2
            assertEquals(blue / 255.0, dst.get(8), 2e-3);
        }
    }

    @Test
    void reusesBuffersAcrossCalls() {
        try (OpenCvCropPreprocessor p = new OpenCvCropPreprocessor(PixelSpec.RAW_BGR)) {
            FloatBuffer dst = buffer(3);
            Mat frame = gradientFrame();
            p.crop(frame, 4, 3, 3, 3, new double[] {0, 0, 0}, dst);
            p.crop(frame, 5, 3, 3, 3, new double[] {0, 0, 0}, dst);
            assertEquals(10 * 3 + 1, dst.get(0), 1e-4);
        }
    }
}
