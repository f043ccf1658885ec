package dev.siamtrack.render;

import dev.siamtrack.pipeline.FrameOutput;
import dev.siamtrack.pipeline.FramePacket;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.Consumer;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.FrameRecorder;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Records the annotated frames ({@code --save out.mp4}). H.264 goes through the openh264 encoder (the bundled
 * FFmpeg has no libx264); when that cannot start, MPEG-4 part 2 is used. Live recordings are timed by the capture
 * clock, so dropped frames stretch the previous one instead of speeding the video up.
 */
public final class VideoRecorder implements FrameOutput {

    private final Path file;
    private final double fps;
    private final boolean captureClock;
    private final Consumer<String> log;
    private final MatOverlay overlay = new MatOverlay();
    private final OpenCVFrameConverter.ToMat converter = new OpenCVFrameConverter.ToMat();
    private final Mat canvas = new Mat();
    private FFmpegFrameRecorder recorder;
    private long firstCaptureNanos;
    private long lastFrameNanos;
    private double fpsEstimate;

    /**
     * @param fps          the output frame rate (the source's, or a nominal rate for live sources)
     * @param captureClock time frames by their capture time (live) instead of one frame per 1/fps
     */
    public VideoRecorder(Path file, double fps, boolean captureClock, Consumer<String> log) {
        this.file = file;
        this.fps = fps > 0 ? fps : 25;
        this.captureClock = captureClock;
        this.log = log;
    }

    @Override
    public void accept(FramePacket packet) throws FrameRecorder.Exception {
        if (recorder == null) {
            recorder = start(packet.width(), packet.height());
            firstCaptureNanos = packet.captureNanos();
        }
        long now = System.nanoTime();
        long dt = now - lastFrameNanos;
        if (lastFrameNanos != 0 && dt > 0) {
            fpsEstimate = fpsEstimate == 0 ? 1e9 / dt : 0.9 * fpsEstimate + 0.1 * 1e9 / dt;
        }
        lastFrameNanos = now;
        packet.frame().copyTo(canvas);
        overlay.paint(canvas, packet, fpsEstimate, (System.nanoTime() - packet.captureNanos()) / 1e6);
        if (captureClock) {
            long micros = (packet.captureNanos() - firstCaptureNanos) / 1000;
            if (micros > recorder.getTimestamp()) {
                recorder.setTimestamp(micros);
            }
        }
        recorder.record(converter.convert(canvas));
    }

    private FFmpegFrameRecorder start(int width, int height) throws FrameRecorder.Exception {
        avutil.av_log_set_level(avutil.AV_LOG_ERROR);
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (!name.endsWith(".avi")) {
            FFmpegFrameRecorder h264 = configure(width, height);
            h264.setVideoCodecName("libopenh264");
            try {
                h264.start();
                log.accept("recording " + file + " (H.264, openh264)");
                return h264;
            } catch (FrameRecorder.Exception e) {
                h264.release();
                log.accept("openh264 unavailable (" + e.getMessage() + "); recording MPEG-4 part 2");
            }
        }
        FFmpegFrameRecorder mpeg4 = configure(width, height);
        mpeg4.setVideoCodec(avcodec.AV_CODEC_ID_MPEG4);
        mpeg4.setVideoQuality(4);
        mpeg4.start();
        log.accept("recording " + file + " (MPEG-4 part 2)");
        return mpeg4;
    }

    private FFmpegFrameRecorder configure(int width, int height) {
        FFmpegFrameRecorder r = new FFmpegFrameRecorder(file.toString(), width, height, 0);
        r.setFrameRate(fps);
        r.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
        r.setVideoBitrate(Math.max(1_000_000, (int) (width * height * this.fps * 0.15)));
        r.setGopSize((int) Math.round(fps * 2));
        return r;
    }

    @Override
    public void close() throws FrameRecorder.Exception {
        if (recorder != null) {
            recorder.stop();
            recorder.release();
            recorder = null;
        }
    }
}
