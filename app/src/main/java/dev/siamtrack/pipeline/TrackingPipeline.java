package dev.siamtrack.pipeline;

import dev.siamtrack.run.LatencyStats;
import dev.siamtrack.run.PlannedTarget;
import dev.siamtrack.run.SequenceRunner;
import dev.siamtrack.track.DebugInfo;
import dev.siamtrack.track.TargetEngine;
import dev.siamtrack.video.FramePacer;
import dev.siamtrack.video.FrameSource;
import dev.siamtrack.video.LiveSource;
import dev.siamtrack.video.SourceException;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Capture, tracking and output (view / record / write) on three threads joined by bounded hand-offs over a
 * fixed pool of {@link FramePacket}s. With {@code latestFrameOnly} (live sources, {@code --realtime}) the
 * tracker always gets the newest captured frame and the frames it had no time for are counted as dropped;
 * otherwise every frame is processed and capture waits for the slower stages.
 */
public final class TrackingPipeline {

    /**
     * How the pipeline runs.
     *
     * @param latestFrameOnly track the newest frame, drop the ones the tracker had no time for
     * @param paceToFps       read a file no faster than its declared frame rate ({@code --realtime})
     * @param maxFrames       stop after this many processed frames; 0 for no limit
     * @param plan            targets to start, each on its frame; empty to wait for selections in the viewer
     */
    public record Settings(boolean latestFrameOnly, boolean paceToFps, int maxFrames, List<PlannedTarget> plan) {
    }

    /** What a run did; latencies are capture -> presented (the viewer) or capture -> all outputs done. */
    public record Summary(long captured, long processed, long dropped, int reconnects, double latencyMedianMs,
                          double latencyP95Ms, double trackMedianMs, double seconds, boolean presented) {

        public double fps() {
            return seconds > 0 ? processed / seconds : 0;
        }

        public String describe() {
            return String.format(Locale.ROOT,
                    "%d frames processed in %.1f s (%.1f FPS), %d captured, %d dropped, %d reconnects; "
                            + "%s latency median %.1f ms, p95 %.1f ms; tracker median %.2f ms",
                    processed, seconds, fps(), captured, dropped, reconnects,
                    presented ? "glass-to-glass (capture -> on screen)" : "end-to-end (capture -> output)",
                    latencyMedianMs, latencyP95Ms, trackMedianMs);
        }
    }

    private static final int POOL_SIZE = 6;
    private static final long PROGRESS_INTERVAL_NANOS = 5_000_000_000L;

    private final FrameSource source;
    private final TargetEngine engine;
    private final SequenceRunner runner;
    private final TrackingControl control;
    private final List<FrameOutput> outputs;
    private final Settings settings;
    private final Consumer<String> log;

    private final ArrayBlockingQueue<FramePacket> pool = new ArrayBlockingQueue<>(POOL_SIZE);
    private final FrameHandoff captured;
    private final FrameHandoff tracked = new FrameHandoff(POOL_SIZE, false);
    private final LatencyStats latency = new LatencyStats(4096);
    private final AtomicLong capturedCount = new AtomicLong();
    private final AtomicLong droppedCount = new AtomicLong();
    private final AtomicLong processedCount = new AtomicLong();
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    private volatile boolean running = true;
    /** The packet being tracked; touched only by the tracking thread. */
    private FramePacket current;

    public TrackingPipeline(FrameSource source, TargetEngine engine, TrackingControl control, List<FrameOutput> outputs,
                            Settings settings, Consumer<String> log) {
        this.source = source;
        this.engine = engine;
        this.runner = new SequenceRunner(engine, settings.plan(), 4096);
        this.control = control;
        this.outputs = List.copyOf(outputs);
        this.settings = settings;
        this.log = log;
        this.captured = new FrameHandoff(POOL_SIZE, settings.latestFrameOnly());
        for (int i = 0; i < POOL_SIZE; i++) {
            pool.add(new FramePacket());
        }
        control.onQuit(this::stop);
    }

    /**
     * Runs until the source ends, {@code maxFrames} were processed or quit was requested. The output stage
     * runs on the calling thread. The source is not closed.
     *
     * @throws Exception the first failure of any stage (a source error, a tracker or output failure)
     */
    public Summary run() throws Exception {
        long start = System.nanoTime();
        Thread capture = new Thread(this::captureLoop, "siamtrack-capture");
        Thread tracking = new Thread(this::trackingLoop, "siamtrack-tracking");
        capture.setDaemon(true);
        tracking.setDaemon(true);
        capture.start();
        tracking.start();
        try {
            outputLoop();
        } catch (Exception e) {
            failure.compareAndSet(null, e);
        } finally {
            stop();
            for (FrameOutput output : outputs) {
                closeQuietly(output);
            }
        }
        tracking.join(10_000);
        capture.join(10_000);
        Exception e = failure.get();
        if (e != null) {
            throw e;
        }
        return summary((System.nanoTime() - start) / 1e9);
    }

    private Summary summary(double seconds) {
        int reconnects = source instanceof LiveSource live ? live.reconnects() : 0;
        boolean presented = outputs.stream().anyMatch(FrameOutput::presents);
        return new Summary(capturedCount.get(), processedCount.get(), droppedCount.get(), reconnects,
                latency.medianMs(), latency.p95Ms(), runner.updates().medianMs(), seconds, presented);
    }

    private void stop() {
        running = false;
        runner.stop();
        if (source instanceof LiveSource live) {
            live.stop();
        }
    }

    private void captureLoop() {
        FramePacer pacer = new FramePacer(settings.paceToFps() ? source.fps() : 0);
        try {
            while (running && !control.quitRequested()) {
                Mat frame = source.next();
                if (frame == null) {
                    break;
                }
                pacer.awaitNext();
                long now = System.nanoTime();
                long wallClock = System.currentTimeMillis();
                capturedCount.incrementAndGet();
                FramePacket packet = acquire();
                if (packet == null) {
                    continue;
                }
                packet.fill(frame, source.frameIndex(), now, wallClock);
                FramePacket displaced = captured.put(packet);
                if (displaced != null) {
                    droppedCount.incrementAndGet();
                    pool.offer(displaced);
                }
            }
        } catch (SourceException e) {
            failure.compareAndSet(null, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            failure.compareAndSet(null, e);
        } finally {
            captured.finish();
        }
    }

    /**
     * A free packet. In latest-only mode it never waits: with the pool exhausted it reuses the frame still
     * waiting for the tracker (counted as dropped), or drops the new frame ({@code null}) when none waits.
     */
    private FramePacket acquire() throws InterruptedException {
        if (settings.latestFrameOnly()) {
            FramePacket packet = pool.poll();
            if (packet == null) {
                packet = captured.poll();
                droppedCount.incrementAndGet();
            }
            return packet;
        }
        while (running) {
            FramePacket packet = pool.poll(100, TimeUnit.MILLISECONDS);
            if (packet != null) {
                return packet;
            }
        }
        return null;
    }

    /** The tracking thread: the {@link SequenceRunner} over the captured packets. */
    private void trackingLoop() {
        try {
            runner.run(new CapturedFrames(), settings.maxFrames(), (index, frame, results, trackNanos) -> {
                FramePacket packet = current;
                packet.setResults(results, trackNanos);
                if (control.debug() && !results.isEmpty()) {
                    String id = control.selected() != null ? control.selected() : results.get(0).id();
                    DebugInfo info = engine.debugInfo(id);
                    if (info != null) {
                        packet.setDebug(info);
                    }
                }
                tracked.put(packet);
                processedCount.incrementAndGet();
            });
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            failure.compareAndSet(null, e);
        } finally {
            stop();
            tracked.finish();
        }
    }

    /**
     * The captured packets as the runner's frames. Waiting for the turn before taking a frame: after a pause or
     * step the newest frame is tracked. The viewer's target changes are applied between frames.
     */
    private final class CapturedFrames implements SequenceRunner.Frames {
        @Override
        public Mat next() throws InterruptedException {
            if (!running || !control.awaitTurn()) {
                return null;
            }
            current = captured.take();
            if (current == null) {
                return null;
            }
            control.applyTargetChanges(runner);
            return current.frame();
        }

        @Override
        public int index() {
            return current.index();
        }
    }

    private void outputLoop() throws Exception {
        long nextProgress = System.nanoTime() + PROGRESS_INTERVAL_NANOS;
        FramePacket packet;
        while ((packet = tracked.take()) != null) {
            try {
                boolean measured = false;
                for (FrameOutput output : outputs) {
                    output.accept(packet);
                    if (output.presents()) {
                        latency.add(System.nanoTime() - packet.captureNanos());
                        measured = true;
                    }
                }
                if (!measured) {
                    latency.add(System.nanoTime() - packet.captureNanos());
                }
            } finally {
                pool.offer(packet);
            }
            if (System.nanoTime() > nextProgress) {
                nextProgress += PROGRESS_INTERVAL_NANOS;
                log.accept(String.format(Locale.ROOT, "frame %d: %d processed, %d dropped, latency median %.1f ms",
                        packet.index(), processedCount.get(), droppedCount.get(), latency.medianMs()));
            }
            if (control.quitRequested()) {
                stop();
            }
        }
    }

    private void closeQuietly(FrameOutput output) {
        try {
            output.close();
        } catch (Exception e) {
            failure.compareAndSet(null, e);
        }
    }
}
