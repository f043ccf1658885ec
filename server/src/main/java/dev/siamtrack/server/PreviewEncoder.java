package dev.siamtrack.server;

import static org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_JPEG_QUALITY;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imencode;

import dev.siamtrack.draw.FrameAnnotator;
import dev.siamtrack.track.TargetResult;
import java.util.List;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Turns a source's tracked frames into JPEGs with the overlay drawn, on its own thread, at most
 * {@code maxFps} a second and only while someone watches (a preview viewer, or a snapshot asked for in the
 * last few seconds). Each JPEG is encoded once and the same bytes go to every viewer.
 */
final class PreviewEncoder implements AutoCloseable {

    /** One encoded frame; {@code seq} grows by one per JPEG. */
    record Jpeg(long seq, byte[] data, long frameIndex) {
    }

    private static final long DEMAND_NANOS = 3_000_000_000L;

    private final long intervalNanos;
    private final IntPointer params;
    private final Thread thread;
    private final Mat input = new Mat();
    private final Mat work = new Mat();
    private final BytePointer encoded = new BytePointer();
    private final FrameAnnotator annotator = new FrameAnnotator();
    private List<TargetResult> inputResults = List.of();
    private long inputIndex;
    private boolean hasInput;
    private long nextDueNanos;
    private volatile long demandUntilNanos;
    private int viewers;
    private Jpeg latest;
    private boolean closed;

    PreviewEncoder(String name, double maxFps, int quality) {
        this.intervalNanos = (long) (1e9 / maxFps);
        this.params = new IntPointer(IMWRITE_JPEG_QUALITY, quality);
        this.thread = new Thread(this::encodeLoop, "siamtrack-preview-" + name);
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Called by the tracking thread after each frame: copies the frame for encoding when a JPEG is due and
     * wanted, else returns at once.
     */
    void offer(Mat frame, List<TargetResult> results, long frameIndex) {
        long now = System.nanoTime();
        if (now < nextDueNanos || !wanted(now)) {
            return;
        }
        nextDueNanos = now + intervalNanos;
        synchronized (this) {
            frame.copyTo(input);
            inputResults = results;
            inputIndex = frameIndex;
            hasInput = true;
            notifyAll();
        }
    }

    private boolean wanted(long now) {
        synchronized (this) {
            if (viewers > 0) {
                return true;
            }
        }
        return now < demandUntilNanos;
    }

    /** A preview viewer starts (true) or stops (false) watching. */
    synchronized void viewer(boolean watching) {
        viewers += watching ? 1 : -1;
    }

    synchronized int viewers() {
        return viewers;
    }

    /**
     * The first JPEG newer than {@code afterSeq}, waiting at most {@code millis}; {@code null} on timeout or
     * close. Asking counts as demand, so the encoder starts if it was idle.
     */
    synchronized Jpeg awaitNewer(long afterSeq, long millis) throws InterruptedException {
        demandUntilNanos = System.nanoTime() + DEMAND_NANOS;
        long deadline = System.nanoTime() + millis * 1_000_000;
        while ((latest == null || latest.seq() <= afterSeq) && !closed) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return null;
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return latest != null && latest.seq() > afterSeq ? latest : null;
    }

    /** The newest JPEG, or {@code null} before the first. */
    synchronized Jpeg latest() {
        return latest;
    }

    private void encodeLoop() {
        long seq = 0;
        while (true) {
            List<TargetResult> results;
            long index;
            synchronized (this) {
                while (!hasInput && !closed) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (closed) {
                    return;
                }
                input.copyTo(work);
                results = inputResults;
                index = inputIndex;
                hasInput = false;
            }
            annotator.draw(work, results, (int) index);
            imencode(".jpg", work, encoded, params);
            byte[] data = new byte[(int) encoded.limit()];
            encoded.position(0).get(data);
            synchronized (this) {
                latest = new Jpeg(++seq, data, index);
                notifyAll();
            }
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            notifyAll();
        }
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        input.close();
        work.close();
        encoded.close();
        params.close();
        annotator.close();
    }
}
