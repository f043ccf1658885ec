package dev.siamtrack.track;

import java.nio.FloatBuffer;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Turns a square region of a BGR frame into the network input: crop, resize, normalise, planar CHW floats.
 *
 * <h2>Geometry (the pysot / NanoTrack {@code get_subwindow} crop)</h2>
 * With {@code sz = max(1, rint(side))} (ties to even, as Python's {@code round}) and
 * {@code c = (sz + 1) / 2}, the crop is the {@code sz x sz} block of frame pixels whose top-left pixel is
 * {@code (xmin, ymin) = (floor(cx - c + 0.5), floor(cy - c + 0.5))}; pixels of that block outside the
 * frame take the value {@code padBgr} (rounded to integers, as in an 8-bit image). The block is then
 * resized to {@code size x size} exactly as OpenCV's {@code resize(..., INTER_LINEAR)} does: output pixel
 * {@code d} samples block coordinate {@code (d + 0.5) * sz / size - 0.5}, bilinearly, clamped to the
 * block's edge pixels (not to the padding beyond them). {@link CropGeometry} computes {@code sz} and
 * {@code xmin}.
 *
 * <h2>Values</h2>
 * Output channel {@code k} (BGR order, or RGB when {@link PixelSpec#channelOrderRgb()}) holds
 * {@code (pixel * scale - mean[k]) / std[k]}, written as plane {@code k} of {@code size * size} floats.
 * Implementations agree to within about one grey level (OpenCV rounds the resized pixel to 8 bits).
 */
public interface CropPreprocessor extends AutoCloseable {

    /** Writes the square crop of side `side` frame pixels centred at (cx, cy), resized to size x size,
     *  into dst as planar CHW floats (3*size*size, from position 0; dst's position/limit untouched),
     *  pixels outside the frame filled with padBgr; channels in `spec`'s order and normalised as spec says. */
    void crop(Mat bgr, double cx, double cy, double side, int size, double[] padBgr, FloatBuffer dst);

    String name();

    @Override
    default void close() {
    }
}
