package dev.siamtrack.track;

import dev.siamtrack.geom.Box;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * A single-object tracker in the spirit of OpenCV's Tracker API.
 * Frames are 8-bit BGR {@link Mat}s; the tracker never keeps a reference to them between calls.
 */
public interface Tracker extends AutoCloseable {

    /** A short label for reports, e.g. {@code siamtrack@nanotrack-v2} or {@code csrt}. */
    String name();

    /** Starts tracking the target inside {@code box} on {@code frame}. */
    void init(Mat frame, Box box);

    /** Locates the target on the next frame. */
    TrackResult update(Mat frame);

    @Override
    default void close() {
    }
}
