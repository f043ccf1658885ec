package dev.siamtrack.video;

import java.nio.file.Files;
import java.nio.file.Path;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.FrameRecorder;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Writes BGR frames to an MP4 file: H.264 through OpenH264 (this FFmpeg build has no libx264), falling back
 * to MPEG-4 part 2 where OpenH264 is missing. The MP4 is fragmented (a small index before every key frame),
 * so a process killed outright still leaves a playable file holding all but the last fragment;
 * {@link #close()} finishes it, and callers close it on signals too.
 */
public final class Mp4Writer implements AutoCloseable {

    /** A key frame, and so a fragment, every second at 25 FPS: what a killed run can lose at most. */
    private static final int GOP_FRAMES = 25;

    private final Path file;
    private final FFmpegFrameRecorder recorder;
    private final OpenCVFrameConverter.ToMat converter = new OpenCVFrameConverter.ToMat();
    private final String codec;
    private boolean closed;

    public Mp4Writer(Path file, int width, int height, double fps) throws SourceException {
        this.file = file;
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
        } catch (java.io.IOException e) {
            throw new SourceException(file + ": cannot create its folder (" + e.getMessage() + ")");
        }
        avutil.av_log_set_level(avutil.AV_LOG_ERROR);
        FFmpegFrameRecorder r = null;
        String used = null;
        for (String name : new String[] {"libopenh264", "mpeg4"}) {
            r = new FFmpegFrameRecorder(file.toFile(), width, height, 0);
            r.setFormat("mp4");
            r.setOption("movflags", "frag_keyframe+empty_moov+default_base_moof");
            // each fragment reaches the file when it is complete, not when FFmpeg's write buffer fills
            r.setOption("flush_packets", "1");
            r.setGopSize(GOP_FRAMES);
            r.setFrameRate(fps > 0 ? fps : 25);
            r.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
            r.setVideoBitrate(Math.max(1_000_000, width * height * 4));
            if (name.equals("mpeg4")) {
                r.setVideoCodec(avcodec.AV_CODEC_ID_MPEG4);
            } else {
                r.setVideoCodecName(name);
            }
            try {
                r.start();
                used = name;
                break;
            } catch (FrameRecorder.Exception e) {
                releaseQuietly(r);
                r = null;
            }
        }
        if (r == null) {
            throw new SourceException(file + ": cannot write a video there (no usable encoder or not writable)");
        }
        this.recorder = r;
        this.codec = used;
    }

    public String codec() {
        return codec;
    }

    /**
     * Writes a frame shown {@code timestampMicros} after the first one (live recordings): a frame that comes
     * late moves the clock forward, so dropped frames stretch the previous one instead of speeding playback up.
     */
    public void write(Mat bgr, long timestampMicros) throws SourceException {
        if (timestampMicros > recorder.getTimestamp()) {
            recorder.setTimestamp(timestampMicros);
        }
        write(bgr);
    }

    public void write(Mat bgr) throws SourceException {
        try {
            recorder.record(converter.convert(bgr), avutil.AV_PIX_FMT_BGR24);
        } catch (FrameRecorder.Exception e) {
            throw new SourceException(file + ": write failed (" + e.getMessage() + ")");
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            recorder.stop();
        } catch (FrameRecorder.Exception ignored) {
            // the frames written so far stay in the file
        }
        releaseQuietly(recorder);
        converter.close();
    }

    private static void releaseQuietly(FFmpegFrameRecorder r) {
        try {
            r.release();
        } catch (FrameRecorder.Exception ignored) {
            // already released
        }
    }
}
