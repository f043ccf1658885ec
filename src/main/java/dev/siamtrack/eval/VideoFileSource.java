package dev.siamtrack.eval;

import dev.siamtrack.video.FrameSource;
import dev.siamtrack.video.SourceException;
import java.nio.file.Path;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.bytedeco.opencv.opencv_core.Mat;

/** The frames of a benchmark clip stored as a video file, decoded by FFmpeg into BGR. */
final class VideoFileSource implements FrameSource {

    private final Path file;
    private final FFmpegFrameGrabber grabber;
    private final OpenCVFrameConverter.ToMat converter = new OpenCVFrameConverter.ToMat();
    private int index = -1;

    VideoFileSource(Path file) throws SourceException {
        this.file = file;
        avutil.av_log_set_level(avutil.AV_LOG_ERROR);
        grabber = new FFmpegFrameGrabber(file.toFile());
        try {
            grabber.start();
        } catch (FrameGrabber.Exception e) {
            closeQuietly();
            throw new SourceException("cannot open video " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Mat next() throws SourceException {
        try {
            Frame f = grabber.grabImage();
            if (f == null) {
                return null;
            }
            index++;
            return converter.convert(f);
        } catch (FrameGrabber.Exception e) {
            throw new SourceException("cannot decode " + file + " after frame " + index + ": " + e.getMessage(), e);
        }
    }

    @Override
    public int frameIndex() {
        return index;
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
        return grabber.getFrameRate();
    }

    @Override
    public int frameCount() {
        return grabber.getLengthInVideoFrames();
    }

    @Override
    public int skippedFrames() {
        return 0;
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
        } catch (FrameGrabber.Exception e) {
            // Closing after a failed start or at the end: nothing left to release or report.
        }
    }
}
