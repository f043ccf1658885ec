package dev.siamtrack.video;

import java.nio.file.Path;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * A video file played over and over, for demos and tests of services that expect an endless stream. When
 * {@code paced}, frames come at the file's declared frame rate, like a camera; otherwise as fast as they
 * decode. Frame indices keep counting across loops.
 */
public final class LoopedFileSource implements FrameSource {

    private final Path file;
    private final FramePacer pacer;
    private FFmpegFrameSource current;
    private int frameIndex = -1;
    private int loops;

    public LoopedFileSource(Path file, boolean paced) throws SourceException {
        this.file = file;
        this.current = new FFmpegFrameSource(file);
        this.pacer = new FramePacer(paced ? current.fps() : 0);
    }

    /**
     * The next frame, reopening the file at its end; {@code null} only if the file yields no frame at all.
     * The Mat is owned by the source and overwritten by the next call.
     */
    @Override
    public Mat next() throws SourceException {
        Mat frame = current.next();
        if (frame == null) {
            current.close();
            current = new FFmpegFrameSource(file);
            loops++;
            frame = current.next();
            if (frame == null) {
                return null;
            }
        }
        try {
            pacer.awaitNext();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
        frameIndex++;
        return frame;
    }

    /** How many times the file was restarted from its beginning. */
    public int loops() {
        return loops;
    }

    @Override
    public int frameIndex() {
        return frameIndex;
    }

    @Override
    public int width() {
        return current.width();
    }

    @Override
    public int height() {
        return current.height();
    }

    @Override
    public double fps() {
        return current.fps();
    }

    @Override
    public int frameCount() {
        return -1;
    }

    @Override
    public int skippedFrames() {
        return current.skippedFrames();
    }

    @Override
    public String description() {
        return file + " (looped)";
    }

    @Override
    public void close() {
        current.close();
    }
}
