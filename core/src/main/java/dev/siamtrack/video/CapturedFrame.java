package dev.siamtrack.video;

import org.bytedeco.opencv.opencv_core.Mat;

/**
 * A frame copied out of a source, with its index and when it was captured. Captured frames come from a small
 * fixed pool and are refilled in place, so steady-state capture allocates no frame memory; a subclass adds what
 * travels with the frame further down a pipeline.
 */
public class CapturedFrame {

    private final Mat frame = new Mat();
    private int index;
    private long captureNanos;
    private long wallClockMillis;

    /** Copies {@code source} (the source's frame {@code frameIndex}) into this frame's own Mat. */
    public void fill(Mat source, int frameIndex, long captureNanoTime, long wallClock) {
        source.copyTo(frame);
        index = frameIndex;
        captureNanos = captureNanoTime;
        wallClockMillis = wallClock;
    }

    /** The BGR frame; owned here, valid until this frame goes back to its pool. */
    public final Mat frame() {
        return frame;
    }

    public final int width() {
        return frame.cols();
    }

    public final int height() {
        return frame.rows();
    }

    /** The source's index of this frame. */
    public final int index() {
        return index;
    }

    /** When the frame was captured ({@link System#nanoTime()}). */
    public final long captureNanos() {
        return captureNanos;
    }

    /** When the frame was captured, wall clock ({@link System#currentTimeMillis()}). */
    public final long wallClockMillis() {
        return wallClockMillis;
    }

    /** Frees the native frame; call once no thread uses it any more. */
    final void release() {
        frame.close();
    }
}
