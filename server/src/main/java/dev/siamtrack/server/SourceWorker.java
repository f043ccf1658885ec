package dev.siamtrack.server;

import dev.siamtrack.geom.Box;
import dev.siamtrack.model.ModelException;
import dev.siamtrack.run.SequenceRunner;
import dev.siamtrack.track.MultiTargetTracker;
import dev.siamtrack.track.TargetResult;
import dev.siamtrack.video.BackoffOptions;
import dev.siamtrack.video.CaptureThread;
import dev.siamtrack.video.CapturedFrame;
import dev.siamtrack.video.FrameSource;
import dev.siamtrack.video.LiveSource;
import dev.siamtrack.video.LoopedFileSource;
import dev.siamtrack.video.SourceException;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One source: a {@link CaptureThread} reads its frames (reopening a live source or a file that fails, looping a
 * file); a tracking thread runs the one frame loop ({@link SequenceRunner}) over them with a
 * {@link MultiTargetTracker}, applies the {@link TargetCommands} that HTTP requests queued between frames, keeps
 * the {@link SourceHealth} and the {@link SourceStatus} current, publishes the {@link TargetEvents} and offers
 * frames to the preview encoder. A failing source is retried and never affects the others.
 */
final class SourceWorker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SourceWorker.class);
    /** A source that cannot be opened, ends or fails is opened again after 0.5 s, doubled up to 10 s. */
    static final BackoffOptions REOPEN = new BackoffOptions(Duration.ofMillis(500), Duration.ofSeconds(10));
    private static final int FRAME_POOL = 3;
    private static final long FRAME_WAIT_MILLIS = 100;
    private static final double EWMA = 0.1;

    private final SourceConfig config;
    private final ServeOptions options;
    private final PreviewEncoder preview;
    private final CaptureThread<CapturedFrame> capture;
    private final TargetCommands commands;
    private final TargetEvents targetEvents;
    private final SourceHealth health;
    private final CounterDataPoint framesCounter;
    private final DistributionDataPoint trackerSeconds;
    private final Thread trackingThread;
    private final Consumer<String> onRemoved = this::removed;
    private volatile boolean running = true;
    private volatile SourceStatus status;

    // Tracking-thread state.
    private CapturedFrame current;
    private List<TargetResult> results = List.of();
    private long frames;
    private long frameIndex = -1;
    private double fps;
    private long fpsWindowStart = System.nanoTime();
    private long fpsWindowFrames;
    private double latencyMs;
    private double trackerMs;
    private int width;
    private int height;

    SourceWorker(SourceConfig config, ServeOptions options, EventHub events, ServerMetrics metrics) {
        this.config = config;
        this.options = options;
        boolean live = LiveSource.isLive(config.uri()) && !Files.isRegularFile(Path.of(config.uri()));
        this.capture = CaptureThread.reopening("siamtrack-capture-" + config.name(), () -> open(live), REOPEN,
                CapturedFrame::new, new CaptureThread.Settings(live || options.realtimeFiles(), false, FRAME_POOL));
        this.preview = new PreviewEncoder(config.name(), options.previewFps(), options.jpegQuality());
        this.commands = new TargetCommands(config.name(), options.maxTargets());
        this.targetEvents = new TargetEvents(config.name(), events);
        this.health = new SourceHealth(config.name(), options.stallTimeout(), events, this::stateChanged);
        this.framesCounter = metrics.frames.labelValues(config.name());
        this.trackerSeconds = metrics.trackerSeconds.labelValues(config.name());
        this.status = SourceStatus.starting(config.name(), config.uri());
        this.trackingThread = new Thread(this::trackingLoop, "siamtrack-tracking-" + config.name());
        trackingThread.setDaemon(true);
    }

    void start() {
        capture.start();
        trackingThread.start();
    }

    String name() {
        return config.name();
    }

    SourceStatus status() {
        return status;
    }

    PreviewEncoder preview() {
        return preview;
    }

    /** Queues a new target; completes with its first result, or with the reason it was refused. */
    CompletableFuture<TargetResult> add(String id, Box box) {
        return commands.add(id, box);
    }

    /** Queues a removal; completes with false when no such target exists. */
    CompletableFuture<Boolean> remove(String id) {
        return commands.remove(id);
    }

    private FrameSource open(boolean live) throws SourceException {
        if (!live) {
            return new LoopedFileSource(Path.of(config.uri()), options.realtimeFiles());
        }
        return LiveSource.open(config.uri(), options.stallTimeout(), options.rtspTransport(),
                line -> LOG.info("source {}: {}", config.name(), line));
    }

    private void trackingLoop() {
        try (MultiTargetTracker tracker = MultiTargetTracker.create(options.modelDir(), options.modelOptions(),
                options.trackerParams(), options.crop())) {
            SequenceRunner runner = new SequenceRunner(tracker, List.of(), 1024);
            SequenceRunner.Frames captured = new SequenceRunner.Frames() {
                @Override
                public Mat next() throws InterruptedException {
                    return nextFrame(runner, tracker);
                }

                @Override
                public int index() {
                    return current.index();
                }
            };
            while (running) {
                try {
                    runner.run(captured, 0, this::tracked);
                } catch (IllegalArgumentException rejected) {
                    // The engine refused the one target started on that frame; the source goes on without it.
                    commands.failStarting(rejected.getMessage());
                }
            }
        } catch (ModelException e) {
            LOG.error("source {}: cannot load the model: {}", config.name(), e.getMessage());
            health.fail(e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.error("source {}: tracking failed", config.name(), e);
            health.fail("tracking failed: " + e);
        } finally {
            commands.failAll("the source has stopped");
        }
    }

    /**
     * The runner's next frame: waits for one from the capture thread, watching for stalls meanwhile, and
     * applies the queued target commands before handing it over (a new target starts on that frame).
     * {@code null} once the source stops.
     */
    private Mat nextFrame(SequenceRunner runner, MultiTargetTracker tracker) throws InterruptedException {
        while (running) {
            CapturedFrame next = capture.take(FRAME_WAIT_MILLIS);
            if (next == null) {
                health.noFrame(capture.lastFrameNanos(), capture.lastError());
                applyCommands(runner, tracker, false);
                continue;
            }
            if (current != null) {
                capture.release(current);
            }
            current = next;
            width = next.width();
            height = next.height();
            health.frameArrived(width, height);
            applyCommands(runner, tracker, true);
            return next.frame();
        }
        return null;
    }

    private void applyCommands(SequenceRunner runner, MultiTargetTracker tracker, boolean haveFrame) {
        String refusal = health.down() || !running ? "source '" + config.name() + "' is down: "
                + (capture.lastError() == null ? "no frames" : capture.lastError()) : null;
        commands.apply(runner, tracker, haveFrame, refusal, onRemoved);
    }

    private void removed(String id) {
        results = results.stream().filter(r -> !r.id().equals(id)).toList();
        targetEvents.removed(id);
        publishStatus();
    }

    /** Called by the runner after each frame with every target's result. */
    private void tracked(int index, Mat frame, List<TargetResult> frameResults, long trackNanos) {
        frameIndex = index;
        results = List.copyOf(frameResults);
        if (!results.isEmpty()) {
            trackerSeconds.observe(trackNanos / 1e9);
            trackerMs = average(trackerMs, trackNanos / 1e6);
        }
        for (TargetResult r : results) {
            CompletableFuture<TargetResult> started = commands.started(r.id());
            if (started != null) {
                targetEvents.added(r, frameIndex);
                started.complete(r);
            } else {
                targetEvents.tracked(r, frameIndex);
            }
        }
        long done = System.nanoTime();
        latencyMs = average(latencyMs, (done - current.captureNanos()) / 1e6);
        frames++;
        framesCounter.inc();
        fpsWindowFrames++;
        if (done - fpsWindowStart >= 1_000_000_000L) {
            fps = fpsWindowFrames * 1e9 / (done - fpsWindowStart);
            fpsWindowStart = done;
            fpsWindowFrames = 0;
        }
        publishStatus();
        preview.offer(frame, results, frameIndex);
    }

    private double average(double previous, double sample) {
        return previous == 0 ? sample : previous + EWMA * (sample - previous);
    }

    /** The rate is measured afresh from a change of state: a source without frames reports 0, not its last rate. */
    private void stateChanged() {
        fps = 0;
        fpsWindowStart = System.nanoTime();
        fpsWindowFrames = 0;
        publishStatus();
    }

    private void publishStatus() {
        status = new SourceStatus(config.name(), config.uri(), health.state(), width, height, frames, frameIndex, fps,
                latencyMs, trackerMs, capture.dropped(), capture.reconnects(), results,
                health.up() ? null : capture.lastError());
    }

    /** Asks both threads to stop (a live read returns within about the stall timeout). */
    void stop() {
        running = false;
        capture.stop();
    }

    @Override
    public void close() {
        stop();
        try {
            trackingThread.join(3000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        preview.close();
        if (!trackingThread.isAlive()) {
            capture.close();
        }
    }
}
