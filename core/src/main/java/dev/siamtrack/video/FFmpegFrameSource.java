package dev.siamtrack.video;

import java.nio.file.Files;
import java.nio.file.Path;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Frames of any file FFmpeg decodes. Frame numbers come from presentation timestamps, so frames lost in
 * a corrupt stretch are counted as skipped and later frames keep their true index.
 */
public final class FFmpegFrameSource implements FrameSource {

    /** Consecutive decode errors after which the rest of the file is considered unreadable. */
    private static final int MAX_CONSECUTIVE_ERRORS = 100;

    static {
        // decoder errors on corrupt stretches are counted and reported as skipped frames instead
        avutil.av_log_set_level(avutil.AV_LOG_FATAL);
    }

    private final Path file;
    private final FFmpegFrameGrabber grabber;
    private final OpenCVFrameConverter.ToMat converter = new OpenCVFrameConverter.ToMat();
    private final double fps;
    private int frameIndex = -1;
    private int skipped;
    private long firstTimestamp = Long.MIN_VALUE;

    public FFmpegFrameSource(Path file) throws SourceException {
        if (!Files.isRegularFile(file)) {
            throw new SourceException(file + ": no such file");
        }
        if (!Files.isReadable(file)) {
            throw new SourceException(file + ": not readable (check its permissions)");
        }
        this.file = file;
        this.grabber = new FFmpegFrameGrabber(file.toFile());
        try {
            grabber.start();
        } catch (FFmpegFrameGrabber.Exception e) {
            closeQuietly();
            throw new SourceException(file + ": FFmpeg cannot decode it (" + e.getMessage() + ")");
        }
        if (grabber.getImageWidth() <= 0 || grabber.getImageHeight() <= 0) {
            closeQuietly();
            throw new SourceException(file + ": has no video stream");
        }
        this.fps = grabber.getFrameRate() > 0 && grabber.getFrameRate() < 1000 ? grabber.getFrameRate() : 0;
    }

    @Override
    public Mat next() throws SourceException {
        int errors = 0;
        while (true) {
            Frame frame;
            try {
                frame = grabber.grabImage();
            } catch (FFmpegFrameGrabber.Exception e) {
                if (++errors >= MAX_CONSECUTIVE_ERRORS) {
                    throw new SourceException(file + ": unreadable after frame " + frameIndex + " (" + e.getMessage() + ")");
                }
                continue;
            }
            if (frame == null) {
                return null;
            }
            if (frame.image == null || frame.imageWidth <= 0) {
                continue;
            }
            advanceIndex(frame.timestamp);
            return converter.convert(frame);
        }
    }

    private void advanceIndex(long timestampMicros) {
        if (fps <= 0 || timestampMicros < 0) {
            frameIndex++;
            return;
        }
        if (firstTimestamp == Long.MIN_VALUE) {
            firstTimestamp = timestampMicros;
        }
        int byTime = (int) Math.round((timestampMicros - firstTimestamp) * fps / 1e6);
        if (byTime > frameIndex + 1) {
            skipped += byTime - frameIndex - 1;
            frameIndex = byTime;
        } else {
            frameIndex++;
        }
    }

    @Override
    public int frameIndex() {
        return frameIndex;
    }

    @Override
    public int width() {
        return grabber.getImageWidth();
    }

    @Override
    public int height() {
        return grabber.getImageHeight();
    }

    @Override
    public double fps() {
        return fps;
    }

    @Override
    public int frameCount() {
        int n = grabber.getLengthInVideoFrames();
        return n > 0 ? n : -1;
    }

    @Override
    public int skippedFrames() {
        return skipped;
    }

    @Override
    public String description() {
        return file.toString();
    }

    @Override
    public void close() {
        closeQuietly();
        converter.close();
    }

    private void closeQuietly() {
        try {
            grabber.close();
        } catch (org.bytedeco.javacv.FrameGrabber.Exception ignored) {
            // nothing more can be read or released
        }
    }
}
