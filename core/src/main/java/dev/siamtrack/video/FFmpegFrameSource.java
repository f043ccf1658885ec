package dev.siamtrack.video;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.bytedeco.opencv.opencv_core.Mat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Frames of any file FFmpeg decodes. Frame numbers come from presentation timestamps, so frames lost in
 * a corrupt stretch are counted as skipped and later frames keep their true index. Damage FFmpeg hides is
 * counted too: frames the decoder flagged as erroneous or patched up by error concealment, and frames
 * missing at the end against the container's frame count (a truncated file).
 */
public final class FFmpegFrameSource implements FrameSource {

    private static final Logger LOG = LoggerFactory.getLogger(FFmpegFrameSource.class);

    /** Consecutive decode errors after which the rest of the file is considered unreadable. */
    private static final int MAX_CONSECUTIVE_ERRORS = 100;

    /** Frames larger than this (8192x8192) are refused rather than allocated. */
    static final long MAX_PIXELS = 8192L * 8192L;

    // AVFrame.decode_error_flags bits and AV_FRAME_FLAG_CORRUPT (libavutil/frame.h)
    private static final int FF_DECODE_ERROR_INVALID_BITSTREAM = 1;
    private static final int FF_DECODE_ERROR_MISSING_REFERENCE = 2;
    private static final int FF_DECODE_ERROR_CONCEALMENT_ACTIVE = 4;
    private static final int FF_DECODE_ERROR_DECODE_SLICES = 8;
    private static final int AV_FRAME_FLAG_CORRUPT = 1;

    /**
     * The grabber's decoded picture: JavaCV hands out the BGR conversion, which carries none of the decoder's
     * error flags, so they are read from its decoded frame (a private field; null if a JavaCV version renames it).
     */
    private static final Field DECODED_PICTURE = decodedPictureField();

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
    private int decodeErrors;
    private int concealed;
    private int missing;
    private int announcedFrames;
    private int announcedSlack;
    private long firstTimestamp = Long.MIN_VALUE;

    public FFmpegFrameSource(Path file) throws SourceException {
        if (!Files.isRegularFile(file)) {
            throw new SourceException(file + ": no such file");
        }
        if (!Files.isReadable(file)) {
            throw new SourceException(file + ": not readable (check its permissions)");
        }
        if (sizeOf(file) == 0) {
            throw new SourceException(file + ": is empty (0 bytes)");
        }
        this.file = file;
        this.grabber = new FFmpegFrameGrabber(file.toFile());
        try {
            grabber.start();
        } catch (FFmpegFrameGrabber.Exception e) {
            closeQuietly();
            if (FFmpegErrors.code(e.getMessage()) == avutil.AVERROR_INVALIDDATA && isMp4(file)) {
                throw new SourceException(file + ": an MP4 without its index (moov atom): the file is truncated, "
                        + "or its recording was stopped before it was finished");
            }
            throw new SourceException(file + ": FFmpeg cannot decode it (" + FFmpegErrors.describe(e) + ")");
        }
        if (grabber.getImageWidth() <= 0 || grabber.getImageHeight() <= 0) {
            closeQuietly();
            throw new SourceException(file + ": has no video stream");
        }
        int w = grabber.getImageWidth();
        int h = grabber.getImageHeight();
        if ((long) w * h > MAX_PIXELS) {
            closeQuietly();
            throw new SourceException(file + ": frames of " + w + "x" + h + " are too large (at most 8192x8192 pixels)");
        }
        this.fps = grabber.getFrameRate() > 0 && grabber.getFrameRate() < 1000 ? grabber.getFrameRate() : 0;
        readAnnouncedFrames();
    }

    @Override
    public Mat next() throws SourceException {
        int errors = 0;
        while (true) {
            Frame frame;
            try {
                frame = grabber.grabImage();
            } catch (FFmpegFrameGrabber.Exception e) {
                decodeErrors++;
                if (++errors >= MAX_CONSECUTIVE_ERRORS) {
                    throw new SourceException(file + ": unreadable after frame " + frameIndex
                            + " (" + FFmpegErrors.describe(e) + ")");
                }
                continue;
            }
            if (frame == null) {
                countMissingAtEnd();
                return null;
            }
            if (frame.image == null || frame.imageWidth <= 0) {
                continue;
            }
            countDecoderFlags();
            advanceIndex(frame.timestamp);
            return converter.convert(frame);
        }
    }

    private void countDecoderFlags() {
        if (DECODED_PICTURE == null) {
            return;
        }
        AVFrame picture;
        try {
            picture = (AVFrame) DECODED_PICTURE.get(grabber);
        } catch (IllegalAccessException e) {
            return;
        }
        if (picture == null || picture.isNull()) {
            return;
        }
        int flags = picture.decode_error_flags();
        if ((flags & (FF_DECODE_ERROR_INVALID_BITSTREAM | FF_DECODE_ERROR_MISSING_REFERENCE
                | FF_DECODE_ERROR_DECODE_SLICES)) != 0) {
            decodeErrors++;
        }
        if ((flags & FF_DECODE_ERROR_CONCEALMENT_ACTIVE) != 0 || (picture.flags() & AV_FRAME_FLAG_CORRUPT) != 0) {
            concealed++;
        }
    }

    /** Frames the container announces but the file did not deliver (counted once, at the end). */
    private void countMissingAtEnd() {
        int delivered = frameIndex + 1;
        if (missing == 0 && announcedFrames > delivered + announcedSlack) {
            missing = announcedFrames - delivered;
        }
    }

    /**
     * The video stream's own frame count: exact from its index (nb_frames), else estimated from the stream's
     * (not the container's, which may include a longer audio track) duration, so one frame of rounding is
     * allowed; 0 when neither is known (live-style and fragmented files).
     */
    private void readAnnouncedFrames() {
        AVFormatContext format = grabber.getFormatContext();
        for (int i = 0; i < format.nb_streams(); i++) {
            AVStream stream = format.streams(i);
            if (stream.codecpar().codec_type() != avutil.AVMEDIA_TYPE_VIDEO) {
                continue;
            }
            if (stream.nb_frames() > 0) {
                announcedFrames = (int) Math.min(Integer.MAX_VALUE, stream.nb_frames());
            } else if (stream.duration() > 0 && fps > 0) {
                announcedFrames = (int) Math.round(stream.duration() * avutil.av_q2d(stream.time_base()) * fps);
                announcedSlack = 1;
            }
            return;
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
    public int decodeErrors() {
        return decodeErrors;
    }

    @Override
    public int concealedFrames() {
        return concealed;
    }

    @Override
    public int missingFrames() {
        return missing;
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

    private static long sizeOf(Path file) throws SourceException {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new SourceException(file + ": cannot read its size (" + e.getMessage() + ")");
        }
    }

    /** ISO base media files start with an {@code ftyp} box. */
    private static boolean isMp4(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] head = in.readNBytes(8);
            return head.length == 8 && new String(head, 4, 4, StandardCharsets.ISO_8859_1).equals("ftyp");
        } catch (IOException e) {
            return false;
        }
    }

    private static Field decodedPictureField() {
        try {
            Field f = FFmpegFrameGrabber.class.getDeclaredField("picture");
            f.setAccessible(true);
            return f;
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warn("this JavaCV version hides FFmpeg's decoded frame: decode errors inside frames are not counted ({})",
                    e.toString());
            return null;
        }
    }

    private void closeQuietly() {
        try {
            grabber.close();
        } catch (org.bytedeco.javacv.FrameGrabber.Exception ignored) {
            // nothing more can be read or released
        }
    }
}
