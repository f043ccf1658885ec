package dev.siamtrack.track;

import java.nio.FloatBuffer;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Turns a square region of a frame into network input: crop, resize, normalise, planar CHW floats.
 *
 * <p>Geometry (that of pysot/NanoTrack's get_subwindow, so models see what they were trained on):
 * with {@code sz = round(side)} and {@code c = (sz + 1) / 2}, the crop covers frame columns
 * {@code xmin = floor(cx - c + 0.5)} to {@code xmin + sz - 1} (rows likewise); pixels outside the frame take
 * {@code padBgr}; the {@code sz x sz} patch is resized bilinearly to {@code size x size} with OpenCV's pixel-centre
 * convention: output pixel u samples source {@code xmin + (u + 0.5) * sz / size - 0.5}.
 */
public interface CropPreprocessor extends AutoCloseable {

    /**
     * Writes the crop into {@code dst} as planar CHW floats (3*size*size values from index 0; dst's position
     * and limit are left untouched), channels in the spec's order and normalised as it says.
     */
    void crop(Mat bgr, double cx, double cy, double side, int size, double[] padBgr, FloatBuffer dst);

    String name();

    @Override
    default void close() {
    }
}
