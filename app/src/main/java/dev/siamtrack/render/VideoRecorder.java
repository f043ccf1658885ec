package dev.siamtrack.render;

import dev.siamtrack.pipeline.FrameOutput;
import dev.siamtrack.pipeline.FramePacket;
import dev.siamtrack.video.Mp4Writer;
import dev.siamtrack.video.SourceException;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Records the annotated frames of a pipeline run ({@code --save out.mp4} with {@code --view} or a live source)
 * through {@link Mp4Writer}. Live recordings are timed by the capture clock, so dropped frames stretch the
 * previous one instead of speeding the video up.
 */
public final class VideoRecorder implements FrameOutput {

    private final Path file;
    private final double fps;
    private final boolean captureClock;
    private final Consumer<String> log;
    private final MatOverlay overlay = new MatOverlay();
    private final Mat canvas = new Mat();
    private Mp4Writer writer;
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
    public void accept(FramePacket packet) throws SourceException {
        if (writer == null) {
            writer = new Mp4Writer(file, packet.width(), packet.height(), fps);
            firstCaptureNanos = packet.captureNanos();
            log.accept("recording " + file + " (" + writer.codec() + ")");
        }
        long now = System.nanoTime();
        if (lastFrameNanos != 0 && now > lastFrameNanos) {
            double instant = 1e9 / (now - lastFrameNanos);
            fpsEstimate = fpsEstimate == 0 ? instant : 0.9 * fpsEstimate + 0.1 * instant;
        }
        lastFrameNanos = now;
        packet.frame().copyTo(canvas);
        overlay.paint(canvas, packet, fpsEstimate, (now - packet.captureNanos()) / 1e6);
        if (captureClock) {
            writer.write(canvas, (packet.captureNanos() - firstCaptureNanos) / 1000);
        } else {
            writer.write(canvas);
        }
    }

    @Override
    public void close() {
        if (writer != null) {
            writer.close();
            writer = null;
        }
        overlay.close();
        canvas.close();
    }
}
