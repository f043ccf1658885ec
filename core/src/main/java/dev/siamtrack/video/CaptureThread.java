package dev.siamtrack.video;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.bytedeco.opencv.opencv_core.Mat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a source on its own thread into a fixed pool of {@link CapturedFrame}s and hands them to one consumer
 * through a {@link FrameHandoff}. With {@code latestFrameOnly} (live sources, real-time playback) capture never
 * waits: a frame the consumer has not taken yet is replaced by the newer one and counted as dropped, so the
 * consumer always gets the newest frame; otherwise capture waits for the consumer and every frame goes through.
 *
 * <p>A source {@linkplain #of borrowed} from the caller ends capture when it ends or fails (the failure is kept
 * for {@link #failure()}). A source the capture {@linkplain #reopening opens itself} is closed and opened again
 * after a {@link Backoff} whenever it cannot be opened, ends or fails, until {@link #stop()}.
 *
 * @param <F> the pooled frames, a {@link CapturedFrame} or a subclass carrying more
 */
public final class CaptureThread<F extends CapturedFrame> implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CaptureThread.class);
    private static final long JOIN_MILLIS = 3000;

    /** Opens the source (again). */
    @FunctionalInterface
    public interface Opener {
        FrameSource open() throws SourceException;
    }

    /**
     * How capture runs.
     *
     * @param latestFrameOnly hand over the newest frame, dropping the ones the consumer had no time for
     * @param paceToFps       read no faster than the source's declared frame rate
     * @param poolSize        frames in the pool (the consumer and later stages hold some of them)
     */
    public record Settings(boolean latestFrameOnly, boolean paceToFps, int poolSize) {
        public Settings {
            if (poolSize < 2) {
                throw new IllegalArgumentException("a capture pool needs at least 2 frames, got " + poolSize);
            }
        }
    }

    private final String name;
    private final Opener opener;
    private final BackoffOptions reopen;
    private final Settings settings;
    private final List<F> frames = new ArrayList<>();
    private final ArrayBlockingQueue<F> pool;
    private final FrameHandoff<F> handoff;
    private final Thread thread;
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final AtomicLong captured = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private volatile boolean running = true;
    private volatile FrameSource current;
    private volatile int reconnectsOfClosedSources;
    private volatile long lastFrameNanos;
    private volatile String lastError;
    private volatile Exception failure;

    private CaptureThread(String name, Opener opener, BackoffOptions reopen,
                          Supplier<F> frameFactory, Settings settings) {
        this.name = name;
        this.opener = opener;
        this.reopen = reopen;
        this.settings = settings;
        this.pool = new ArrayBlockingQueue<>(settings.poolSize());
        this.handoff = new FrameHandoff<>(settings.poolSize(), settings.latestFrameOnly());
        for (int i = 0; i < settings.poolSize(); i++) {
            F frame = frameFactory.get();
            frames.add(frame);
            pool.add(frame);
        }
        this.thread = new Thread(this::run, name);
        thread.setDaemon(true);
    }

    /**
     * Captures {@code source}, which the caller opened and closes: capture ends when the source ends or fails.
     *
     * @param threadName the capture thread's name
     */
    public static <F extends CapturedFrame> CaptureThread<F> of(String threadName, FrameSource source,
                                                                  Supplier<F> frameFactory, Settings settings) {
        return new CaptureThread<>(threadName, () -> source, null, frameFactory, settings);
    }

    /**
     * Captures the sources {@code opener} opens, for as long as capture runs: one that cannot be opened, ends or
     * fails is closed and opened again after a back-off (reset once a source gives a frame).
     */
    public static <F extends CapturedFrame> CaptureThread<F> reopening(String threadName, Opener opener,
                                                                         BackoffOptions backoff,
                                                                         Supplier<F> frameFactory, Settings settings) {
        return new CaptureThread<>(threadName, opener, backoff, frameFactory, settings);
    }

    public void start() {
        thread.start();
    }

    /** The next frame, waiting for it; {@code null} once capture has ended and every frame was taken. */
    public F take() throws InterruptedException {
        return handoff.take();
    }

    /** As {@link #take()}, but {@code null} also after {@code millis} without a frame. */
    public F take(long millis) throws InterruptedException {
        return handoff.take(millis);
    }

    /** Gives a frame taken from here back to the pool, once every stage is done with it. */
    public void release(F frame) {
        pool.offer(frame);
    }

    /**
     * Asks capture to end: a live read returns within about its stall timeout, a wait for a frame or a reopen
     * ends at once, and waiting consumers get what is left, then {@code null}. Safe from any thread.
     */
    public void stop() {
        running = false;
        stopRequested.countDown();
        if (current instanceof LiveSource live) {
            live.stop();
        }
        handoff.close();
    }

    /** Waits up to {@code millis} for the capture thread to end; true when it has. */
    public boolean join(long millis) throws InterruptedException {
        thread.join(millis);
        return !thread.isAlive();
    }

    /** Stops capture and, once its thread has ended, frees the frames: call when no consumer uses them any more. */
    @Override
    public void close() {
        stop();
        try {
            if (join(JOIN_MILLIS)) {
                frames.forEach(CapturedFrame::release);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Frames read from the source. */
    public long captured() {
        return captured.get();
    }

    /** Frames replaced by a newer one before the consumer took them (latest-only mode). */
    public long dropped() {
        return dropped.get();
    }

    /** Reconnect attempts of the live sources read so far (successful or not). */
    public int reconnects() {
        int total = reconnectsOfClosedSources;
        return current instanceof LiveSource live ? total + live.reconnects() : total;
    }

    /** When the last frame was read ({@link System#nanoTime()}), 0 before the first. */
    public long lastFrameNanos() {
        return lastFrameNanos;
    }

    /** Why the source could not be opened or read last time, {@code null} after it opened again. */
    public String lastError() {
        return lastError;
    }

    /** What ended the capture of a borrowed source, or {@code null}. */
    public Exception failure() {
        return failure;
    }

    private void run() {
        Backoff backoff = reopen == null ? null : new Backoff(reopen);
        try {
            do {
                FrameSource source = open();
                if (source != null) {
                    read(source, backoff);
                }
            } while (running && backoff != null
                    && !stopRequested.await(backoff.nextDelayMillis(), TimeUnit.MILLISECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            handoff.close();
        }
    }

    /** The source, or {@code null} when it cannot be opened (a failure that ends a capture that does not reopen). */
    private FrameSource open() {
        try {
            FrameSource source = opener.open();
            lastError = null;
            return source;
        } catch (SourceException e) {
            lastError = e.getMessage();
            if (!ownsSources()) {
                failure = e;
            }
            return null;
        }
    }

    /**
     * Reads {@code source} until it ends, fails or capture stops; closes it when this capture opened it. The
     * back-off (null when capture does not reopen) starts over once the source gives a frame: one that opens but
     * gives nothing is tried again ever less often, like one that does not open.
     */
    private void read(FrameSource source, Backoff backoff) throws InterruptedException {
        current = source;
        try {
            FramePacer pacer = new FramePacer(settings.paceToFps() ? source.fps() : 0);
            Mat frame;
            while (running && (frame = source.next()) != null) {
                if (backoff != null) {
                    backoff.reset();
                }
                pacer.awaitNext();
                deliver(frame, source.frameIndex());
            }
        } catch (SourceException | RuntimeException e) {
            if (!ownsSources()) {
                failure = e;
            } else if (e instanceof SourceException) {
                lastError = e.getMessage();
            } else {
                // A decoder failure on one source: reopen it after the back-off, like a lost stream.
                LOG.warn("{}: reading failed: {}", name, e.toString());
                lastError = "reading failed: " + e.getMessage();
            }
        } finally {
            if (source instanceof LiveSource live) {
                reconnectsOfClosedSources += live.reconnects();
            }
            current = null;
            if (ownsSources()) {
                source.close();
            }
        }
    }

    /** Whether this capture opens (and so closes and reopens) its sources, rather than borrowing one. */
    private boolean ownsSources() {
        return reopen != null;
    }

    private void deliver(Mat image, int index) throws InterruptedException {
        long now = System.nanoTime();
        lastFrameNanos = now;
        captured.incrementAndGet();
        F frame = acquire();
        if (frame == null) {
            return;
        }
        frame.fill(image, index, now, System.currentTimeMillis());
        F displaced = handoff.put(frame);
        if (displaced != null) {
            dropped.incrementAndGet();
            pool.offer(displaced);
        }
    }

    /**
     * A free frame. In latest-only mode it never waits: with the pool exhausted it reuses the frame still waiting
     * for the consumer (counted as dropped), or drops the new frame ({@code null}) when none waits.
     */
    private F acquire() throws InterruptedException {
        if (settings.latestFrameOnly()) {
            F frame = pool.poll();
            if (frame == null) {
                frame = handoff.poll();
                dropped.incrementAndGet();
            }
            return frame;
        }
        while (running) {
            F frame = pool.poll(100, TimeUnit.MILLISECONDS);
            if (frame != null) {
                return frame;
            }
        }
        return null;
    }
}
