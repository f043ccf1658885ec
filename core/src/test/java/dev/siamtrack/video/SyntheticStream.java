package dev.siamtrack.video;

import dev.siamtrack.geom.Box;
import java.util.concurrent.atomic.AtomicInteger;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.FrameRecorder;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Scalar;

/**
 * Sends a procedurally drawn clip (a red square circling over a striped background) as MPEG-TS over UDP to
 * 127.0.0.1, in real time, on its own thread. {@link #pause()} stops sending (the receiver sees a stall),
 * {@link #resume()} starts a fresh sender on the same port.
 */
public final class SyntheticStream implements AutoCloseable {

    public static final int WIDTH = 320;
    public static final int HEIGHT = 240;
    public static final int FPS = 25;
    public static final int SQUARE = 40;

    private final String url;
    private final AtomicInteger sent = new AtomicInteger();
    private final long[] drawnAt = new long[1024];
    private volatile boolean sending;
    private Thread thread;

    public SyntheticStream(int port) {
        this.url = "udp://127.0.0.1:" + port + "?pkt_size=1316";
    }

    /** Where the square is on frame {@code t}. */
    public static Box squareAt(int t) {
        double a = t * 2 * Math.PI / 100;
        return Box.ofCenter(WIDTH / 2.0 + 90 * Math.cos(a), HEIGHT / 2.0 + 60 * Math.sin(a), SQUARE, SQUARE);
    }

    /** Draws frame {@code t} into {@code frame} (allocated on first use). */
    public static void draw(int t, Mat frame) {
        frame.create(HEIGHT, WIDTH, org.bytedeco.opencv.global.opencv_core.CV_8UC3);
        frame.put(new Scalar(90, 90, 90, 0));
        for (int x = 0; x < WIDTH; x += 32) {
            opencv_imgproc.rectangle(frame, new Rect(x, 0, 16, HEIGHT), new Scalar(120, 110, 100, 0), -1, 8, 0);
        }
        Box b = squareAt(t);
        opencv_imgproc.rectangle(frame, new Point((int) b.x(), (int) b.y()),
                new Point((int) (b.x() + b.w()) - 1, (int) (b.y() + b.h()) - 1), new Scalar(0, 0, 255, 0), -1, 8, 0);
    }

    public synchronized void start() {
        sending = true;
        thread = new Thread(this::sendLoop, "synthetic-stream");
        thread.setDaemon(true);
        thread.start();
    }

    public synchronized void pause() throws InterruptedException {
        sending = false;
        if (thread != null) {
            thread.join(5000);
            thread = null;
        }
    }

    public void resume() {
        start();
    }

    /** Waits (at most 20 s) until the sender is running, so a receiver does not race its start-up. */
    public void awaitSending() throws InterruptedException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (sent.get() < 3 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
    }

    /** When frame {@code t} was drawn (System.nanoTime), for the last 1024 frames. */
    public long drawnAtNanos(int t) {
        return drawnAt[t % drawnAt.length];
    }

    /**
     * Which recent frame shows the square centred nearest to ({@code cx}, {@code cy}): the square's path
     * repeats every 100 frames, so the search covers the last 50 frames sent.
     */
    public int frameShowing(double cx, double cy) {
        int newest = sent.get() - 1;
        int best = newest;
        double bestDistance = Double.MAX_VALUE;
        for (int t = Math.max(0, newest - 49); t <= newest; t++) {
            Box b = squareAt(t);
            double d = Math.hypot(b.cx() - cx, b.cy() - cy);
            if (d < bestDistance) {
                bestDistance = d;
                best = t;
            }
        }
        return best;
    }

    public int framesSent() {
        return sent.get();
    }

    private void sendLoop() {
        avutil.av_log_set_level(avutil.AV_LOG_QUIET);
        FFmpegFrameRecorder recorder = new FFmpegFrameRecorder(url, WIDTH, HEIGHT, 0);
        recorder.setFormat("mpegts");
        recorder.setVideoCodec(avcodec.AV_CODEC_ID_MPEG1VIDEO);
        recorder.setFrameRate(FPS);
        recorder.setGopSize(5);
        recorder.setMaxBFrames(0);
        recorder.setVideoBitrate(2_000_000);
        OpenCVFrameConverter.ToMat converter = new OpenCVFrameConverter.ToMat();
        Mat frame = new Mat();
        long start = System.nanoTime();
        try {
            recorder.start();
            int local = 0;
            while (sending) {
                int t = sent.get();
                draw(t, frame);
                drawnAt[t % drawnAt.length] = System.nanoTime();
                recorder.record(converter.convert(frame));
                sent.incrementAndGet();
                local++;
                long due = start + local * 1_000_000_000L / FPS;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
            }
            recorder.stop();
            recorder.release();
        } catch (FrameRecorder.Exception | InterruptedException e) {
            throw new IllegalStateException("synthetic stream sender failed", e);
        }
    }

    @Override
    public void close() throws InterruptedException {
        pause();
    }
}
