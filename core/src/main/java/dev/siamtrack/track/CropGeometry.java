package dev.siamtrack.track;

import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;

/** The crop rectangle of {@link CropPreprocessor} and the argument checks all implementations share. */
public final class CropGeometry {

    /** Largest output side accepted (the native kernel keeps its row buffers on the stack). */
    public static final int MAX_SIZE = 2048;

    private CropGeometry() {
    }

    /** Side of the crop in whole frame pixels: {@code max(1, rint(side))}. */
    public static int side(double side) {
        return (int) Math.max(1, Math.rint(side));
    }

    /** First frame row/column of a crop of {@code side} whole pixels centred at {@code centre}. */
    public static int origin(double centre, int side) {
        return (int) Math.floor(centre - (side + 1) / 2.0 + 0.5);
    }

    static void check(Mat bgr, double cx, double cy, double side, int size, double[] padBgr, FloatBuffer dst) {
        if (bgr == null || bgr.empty() || bgr.type() != opencv_core.CV_8UC3) {
            throw new IllegalArgumentException("the frame must be a non-empty 8-bit BGR image (CV_8UC3)");
        }
        if (!(Double.isFinite(cx) && Double.isFinite(cy) && Double.isFinite(side) && side > 0)) {
            throw new IllegalArgumentException("crop centre must be finite and side positive, got (" + cx + ", "
                    + cy + ") side " + side);
        }
        if (side > 1e6) {
            throw new IllegalArgumentException("crop side " + side + " is absurdly large");
        }
        if (size < 1 || size > MAX_SIZE) {
            throw new IllegalArgumentException("output size must be in 1.." + MAX_SIZE + ", got " + size);
        }
        if (padBgr == null || padBgr.length != 3) {
            throw new IllegalArgumentException("padBgr needs 3 values (B, G, R)");
        }
        if (dst == null || !dst.isDirect() || dst.order() != ByteOrder.nativeOrder()
                || dst.capacity() < 3 * size * size) {
            throw new IllegalArgumentException("dst must be a direct FloatBuffer in native byte order of at least "
                    + 3 * size * size + " floats");
        }
    }
}
