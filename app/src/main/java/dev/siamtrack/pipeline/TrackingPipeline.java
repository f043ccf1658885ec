package dev.siamtrack.pipeline;

import dev.siamtrack.run.LatencyStats;
import dev.siamtrack.run.PlannedTarget;
import dev.siamtrack.run.SequenceRunner;
import dev.siamtrack.track.DebugInfo;
import dev.siamtrack.track.TargetEngine;
import dev.siamtrack.video.CaptureThread;
import dev.siamtrack.video.FrameHandoff;
import dev.siamtrack.video.FrameSource;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Capture ({@link CaptureThread}), tracking and output (view / record / write) on three threads joined by
 * bounded hand-offs over a fixed pool of {@link FramePacket}s. With {@code latestFrameOnly} (live sources,
 * {@code --realtime}) the tracker always gets the newest captured frame and the frames it had no time for are
 * counted as dropped; otherwise every frame is processed and capture waits for the slower stages.
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

    private final TargetEngine engine;
    private final SequenceRunner runner;
    private final TrackingControl control;
    private final List<FrameOutput> outputs;
    private final Settings settings;
    private final Consumer<String> log;

    private final CaptureThread<FramePacket> capture;
    private final FrameHandoff<FramePacket> tracked = new FrameHandoff<>(POOL_SIZE, false);
    private final LatencyStats latency = new LatencyStats(4096);
    private final AtomicLong processedCount = new AtomicLong();
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    private volatile boolean running = true;
    /** The packet being tracked; touched only by the tracking thread. */
    private FramePacket current;

    public TrackingPipeline(FrameSource source, TargetEngine engine, TrackingControl control, List<FrameOutput> outputs,
                            Settings settings, Consumer<String> log) {
        this.engine = engine;
        this.runner = new SequenceRunner(engine, settings.plan(), 4096);
        this.control = control;
        this.outputs = List.copyOf(outputs);
        this.settings = settings;
        this.log = log;
        this.capture = CaptureThread.of("siamtrack-capture", source, FramePacket::new,
                new CaptureThread.Settings(settings.latestFrameOnly(), settings.paceToFps(), POOL_SIZE));
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
        Thread tracking = new Thread(this::trackingLoop, "siamtrack-tracking");
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
        if (capture.join(10_000) && !tracking.isAlive()) {
            capture.close();
        }
        // A source failure ends the stages without one of their own: a stage's failure came first.
        failure.compareAndSet(null, capture.failure());
        Exception e = failure.get();
        if (e != null) {
            throw e;
        }
        return summary((System.nanoTime() - start) / 1e9);
    }

    private Summary summary(double seconds) {
        boolean presented = outputs.stream().anyMatch(FrameOutput::presents);
        return new Summary(capture.captured(), processedCount.get(), capture.dropped(), capture.reconnects(),
                latency.medianMs(), latency.p95Ms(), runner.updates().medianMs(), seconds, presented);
    }

    private void stop() {
        running = false;
        runner.stop();
        capture.stop();
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
            tracked.close();
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
            current = capture.take();
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
                capture.release(packet);
            }
            if (System.nanoTime() > nextProgress) {
                nextProgress += PROGRESS_INTERVAL_NANOS;
                log.accept(String.format(Locale.ROOT, "frame %d: %d processed, %d dropped, latency median %.1f ms",
                        packet.index(), processedCount.get(), capture.dropped(), latency.medianMs()));
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
