package dev.siamtrack.video;

import org.bytedeco.opencv.opencv_core.Mat;

/**
 * A sequence of 8-bit BGR frames: a video file, an image folder, later a camera or stream.
 * In the spirit of JavaCV's FrameGrabber, but it hands out one reused {@link Mat}.
 */
public interface FrameSource extends AutoCloseable {

    /**
     * Reads the next frame. The returned Mat is owned by the source and overwritten by the next call:
     * copy it if it must outlive that. Returns {@code null} at the end of the source.
     */
    Mat next() throws SourceException;

    /** Index of the frame last returned by {@link #next()} (0-based), counting skipped frames. */
    int frameIndex();

    int width();

    int height();

    /** Frames per second as declared by the source, or 0 when unknown. */
    double fps();

    /** Frame count if known in advance, else -1. */
    int frameCount();

    /** Frames that could not be decoded and were skipped. */
    int skippedFrames();

    /** Frames the decoder reported as damaged (corrupt bitstream, missing reference, failed decode). */
    default int decodeErrors() {
        return 0;
    }

    /** Frames delivered with damage patched over by the decoder's error concealment (frozen or garbled areas). */
    default int concealedFrames() {
        return 0;
    }

    /** Frames the container announced but that never came (a truncated file); known once the end is reached. */
    default int missingFrames() {
        return 0;
    }

    /** A human-readable description (path or URL). */
    String description();

    @Override
    void close();
}
