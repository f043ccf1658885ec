package dev.siamtrack.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.siamtrack.geom.Box;
import dev.siamtrack.model.ModelException;
import dev.siamtrack.run.SequenceRunner;
import dev.siamtrack.track.MultiTargetTracker;
import dev.siamtrack.track.TargetResult;
import dev.siamtrack.track.TrackState;
import dev.siamtrack.video.FrameSource;
import dev.siamtrack.video.LiveSource;
import dev.siamtrack.video.LoopedFileSource;
import dev.siamtrack.video.SourceException;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.bytedeco.opencv.opencv_core.Mat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One source: a capture thread reads frames (reconnecting a live source, looping a file) into a
 * {@link FrameSlot}; a tracking thread runs the one frame loop ({@link SequenceRunner}) over them with a
 * {@link MultiTargetTracker}, applies the target commands that HTTP requests queued (the tracker is not
 * thread-safe, so only this thread touches it) between frames,
 * publishes events on state changes and offers frames to the preview encoder. A failing source is retried
 * with back-off and never affects the others.
 */
final class SourceWorker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SourceWorker.class);
    private static final long MAX_REOPEN_MILLIS = 10_000;
    private static final double EWMA = 0.1;

    /** A change to the targets, applied by the tracking thread between frames. */
    private sealed interface Command permits Add, Remove {
    }

    private record Add(String id, Box box, CompletableFuture<TargetResult> done) implements Command {
    }

    private record Remove(String id, CompletableFuture<Boolean> done) implements Command {
    }

    private final SourceConfig config;
    private final ServeOptions options;
    private final EventHub events;
    private final PreviewEncoder preview;
    private final FrameSlot slot;
    private final boolean live;
    private final CounterDataPoint framesCounter;
    private final DistributionDataPoint trackerSeconds;
    private final ConcurrentLinkedQueue<Command> commands = new ConcurrentLinkedQueue<>();
    private final Thread captureThread;
    private final Thread trackingThread;
    private volatile boolean running = true;
    private volatile SourceStatus status;
    private volatile long lastFrameNanos;
    private volatile String openError;
    private volatile LiveSource liveSource;
    private volatile int reconnects;

    // Tracking-thread state.
    private final Map<String, TrackState> lastStates = new HashMap<>();
    private final Map<String, CompletableFuture<TargetResult>> starting = new HashMap<>();
    private List<TargetResult> results = List.of();
    private String state = "STARTING";
    private long stateSinceNanos = System.nanoTime();
    private long frames;
    private long frameIndex = -1;
    private double fps;
    private long fpsWindowStart = System.nanoTime();
    private long fpsWindowFrames;
    private double latencyMs;
    private double trackerMs;
    private int width;
    private int height;
    private int nextId = 1;

    SourceWorker(SourceConfig config, ServeOptions options, EventHub events, ServerMetrics metrics) {
        this.config = config;
        this.options = options;
        this.events = events;
        this.live = LiveSource.isLive(config.uri()) && !Files.isRegularFile(Path.of(config.uri()));
        this.slot = new FrameSlot(live || options.realtimeFiles());
        this.preview = new PreviewEncoder(config.name(), options.previewFps(), options.jpegQuality());
        this.framesCounter = metrics.frames.labelValues(config.name());
        this.trackerSeconds = metrics.trackerSeconds.labelValues(config.name());
        this.status = SourceStatus.starting(config.name(), config.uri());
        this.captureThread = new Thread(this::captureLoop, "siamtrack-capture-" + config.name());
        this.trackingThread = new Thread(this::trackingLoop, "siamtrack-tracking-" + config.name());
        captureThread.setDaemon(true);
        trackingThread.setDaemon(true);
    }

    void start() {
        captureThread.start();
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
        CompletableFuture<TargetResult> done = new CompletableFuture<>();
        commands.add(new Add(id, box, done));
        return done;
    }

    /** Queues a removal; completes with false when no such target exists. */
    CompletableFuture<Boolean> remove(String id) {
        CompletableFuture<Boolean> done = new CompletableFuture<>();
        commands.add(new Remove(id, done));
        return done;
    }

    private void captureLoop() {
        long backoff = 500;
        while (running) {
            FrameSource source;
            try {
                source = open();
                openError = null;
                backoff = 500;
            } catch (SourceException e) {
                openError = e.getMessage();
                sleepQuietly(backoff);
                backoff = Math.min(MAX_REOPEN_MILLIS, backoff * 2);
                continue;
            }
            try {
                Mat frame;
                while (running && (frame = source.next()) != null) {
                    long now = System.nanoTime();
                    lastFrameNanos = now;
                    if (!slot.put(frame, source.frameIndex(), now)) {
                        break;
                    }
                }
            } catch (SourceException e) {
                openError = e.getMessage();
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                // A decoder failure on one source: reopen it after the back-off, like a lost stream.
                LOG.warn("source {}: reading failed: {}", config.name(), e.toString());
                openError = "reading failed: " + e.getMessage();
            } finally {
                if (source instanceof LiveSource l) {
                    reconnects += l.reconnects();
                }
                liveSource = null;
                source.close();
            }
            if (running) {
                sleepQuietly(backoff);
            }
        }
    }

    private FrameSource open() throws SourceException {
        if (!live) {
            return new LoopedFileSource(Path.of(config.uri()), options.realtimeFiles());
        }
        LiveSource source = LiveSource.open(config.uri(), options.stallTimeout(), options.rtspTransport(),
                line -> LOG.info("source {}: {}", config.name(), line));
        liveSource = source;
        return source;
    }

    private void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    private void trackingLoop() {
        try (MultiTargetTracker tracker = MultiTargetTracker.create(options.modelDir(), options.modelOptions(),
                options.trackerParams(), options.crop())) {
            SequenceRunner runner = new SequenceRunner(tracker, List.of(), 1024);
            SequenceRunner.Frames frames = new SequenceRunner.Frames() {
                @Override
                public Mat next() throws InterruptedException {
                    return nextFrame(runner, tracker);
                }

                @Override
                public int index() {
                    return (int) slot.currentIndex();
                }
            };
            while (running) {
                try {
                    runner.run(frames, 0, this::tracked);
                } catch (IllegalArgumentException rejected) {
                    // The engine refused the one target started on that frame; the source goes on without it.
                    failStarting(rejected.getMessage());
                }
            }
        } catch (ModelException e) {
            LOG.error("source {}: cannot load the model: {}", config.name(), e.getMessage());
            changeState("DOWN", e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.error("source {}: tracking failed", config.name(), e);
            changeState("DOWN", "tracking failed: " + e);
        } finally {
            failPending("the source has stopped");
        }
    }

    /**
     * The runner's next frame: waits for one from the capture thread, watching for stalls meanwhile, and
     * applies the queued target commands before handing it over (a new target starts on that frame).
     * {@code null} once the source stops.
     */
    private Mat nextFrame(SequenceRunner runner, MultiTargetTracker tracker) throws InterruptedException {
        while (running) {
            Mat frame = slot.take(100);
            if (frame == null) {
                watchdog();
                applyCommands(runner, tracker, false);
                continue;
            }
            width = frame.cols();
            height = frame.rows();
            if (!state.equals("UP")) {
                changeState("UP", null);
            }
            applyCommands(runner, tracker, true);
            return frame;
        }
        return null;
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
            CompletableFuture<TargetResult> started = starting.remove(r.id());
            if (started != null) {
                lastStates.put(r.id(), r.state());
                events.publish("target_added", config.name(), r.id(), targetFields(r));
                started.complete(r);
            } else {
                publishStateChange(r);
            }
        }
        long done = System.nanoTime();
        latencyMs = average(latencyMs, (done - slot.currentNanos()) / 1e6);
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

    private void publishStateChange(TargetResult r) {
        TrackState before = lastStates.put(r.id(), r.state());
        if (before != null && before != r.state()) {
            ObjectNode f = targetFields(r);
            f.put("from", before.name());
            f.put("to", r.state().name());
            events.publish("state_changed", config.name(), r.id(), f);
            if (before == TrackState.LOST) {
                events.publish("target_reacquired", config.name(), r.id(), targetFields(r));
            }
        }
    }

    private ObjectNode targetFields(TargetResult r) {
        ObjectNode f = events.fields();
        f.put("state", r.state().name());
        f.put("score", Math.round(r.score() * 1000) / 1000.0);
        ObjectNode box = f.putObject("box");
        box.put("x", Math.round(r.box().x() * 10) / 10.0);
        box.put("y", Math.round(r.box().y() * 10) / 10.0);
        box.put("w", Math.round(r.box().w() * 10) / 10.0);
        box.put("h", Math.round(r.box().h() * 10) / 10.0);
        f.put("frame", frameIndex);
        return f;
    }

    /**
     * Applies the queued removals, and at most one new target (so that a box the engine refuses can only be
     * that one). New targets need a frame: without one ({@code haveFrame} false) they wait in the queue, and
     * are refused once the source is down.
     */
    private void applyCommands(SequenceRunner runner, MultiTargetTracker tracker, boolean haveFrame) {
        boolean addTaken = false;
        int size = commands.size();
        for (int i = 0; i < size; i++) {
            Command c = commands.poll();
            if (c instanceof Remove remove) {
                boolean removed = runner.remove(remove.id());
                if (removed) {
                    lastStates.remove(remove.id());
                    results = results.stream().filter(r -> !r.id().equals(remove.id())).toList();
                    events.publish("target_removed", config.name(), remove.id(), events.fields());
                    publishStatus();
                }
                remove.done().complete(removed);
            } else if (c instanceof Add add) {
                if (state.equals("DOWN") || !running) {
                    add.done().completeExceptionally(new ApiException(409, "source '" + config.name()
                            + "' is down: " + (openError == null ? "no frames" : openError)));
                } else if (!haveFrame || addTaken) {
                    commands.add(add);
                } else {
                    addTaken = start(runner, tracker, add);
                }
            }
        }
    }

    private boolean start(SequenceRunner runner, MultiTargetTracker tracker, Add add) {
        if (tracker.size() + starting.size() >= options.maxTargets()) {
            add.done().completeExceptionally(new ApiException(400, "source '" + config.name()
                    + "' already tracks the maximum of " + options.maxTargets() + " targets"));
            return false;
        }
        String id = add.id() != null ? add.id() : freeId(tracker);
        if (tracker.ids().contains(id) || starting.containsKey(id)) {
            add.done().completeExceptionally(new ApiException(409, "target id '" + id + "' is already tracked"));
            return false;
        }
        starting.put(id, add.done());
        runner.add(id, add.box());
        return true;
    }

    /** The target started on the last frame was refused by the engine. */
    private void failStarting(String reason) {
        starting.values().forEach(f -> f.completeExceptionally(new ApiException(400, reason)));
        starting.clear();
    }

    private String freeId(MultiTargetTracker tracker) {
        List<String> ids = tracker.ids();
        String id;
        do {
            id = "t" + nextId++;
        } while (ids.contains(id) || starting.containsKey(id));
        return id;
    }

    /** With no frame coming: a stalled source is reported reconnecting, then down after a while. */
    private void watchdog() {
        long now = System.nanoTime();
        long stall = options.stallTimeout().toNanos();
        long silent = now - Math.max(lastFrameNanos, stateSinceNanos);
        if (state.equals("UP") && now - lastFrameNanos > stall) {
            changeState("RECONNECTING", "no frame for " + options.stallTimeout().toMillis() + " ms");
        } else if (state.equals("RECONNECTING") && silent > 2 * stall) {
            changeState("DOWN", openError != null ? openError : "no frame for " + (now - lastFrameNanos) / 1_000_000 + " ms");
        } else if (state.equals("STARTING") && openError != null) {
            changeState("DOWN", openError);
        }
    }

    private void changeState(String next, String reason) {
        String before = state;
        long now = System.nanoTime();
        long downMillis = (now - stateSinceNanos) / 1_000_000;
        state = next;
        stateSinceNanos = now;
        // The rate is measured afresh from here: a source without frames reports 0, not its last rate.
        fps = 0;
        fpsWindowStart = now;
        fpsWindowFrames = 0;
        ObjectNode f = events.fields();
        if (reason != null) {
            f.put("reason", reason);
        }
        switch (next) {
            case "UP" -> {
                if (before.equals("STARTING")) {
                    f.put("width", width);
                    f.put("height", height);
                    events.publish("source_up", config.name(), null, f);
                } else {
                    f.put("after_ms", downMillis);
                    events.publish("source_back", config.name(), null, f);
                }
            }
            case "RECONNECTING" -> events.publish("source_reconnecting", config.name(), null, f);
            default -> events.publish("source_down", config.name(), null, f);
        }
        if (!next.equals("UP")) {
            LOG.warn("source {}: {}{}", config.name(), next, reason == null ? "" : " (" + reason + ")");
        }
        publishStatus();
    }

    private void publishStatus() {
        LiveSource l = liveSource;
        int totalReconnects = reconnects + (l == null ? 0 : l.reconnects());
        status = new SourceStatus(config.name(), config.uri(), state, width, height, frames, frameIndex, fps,
                latencyMs, trackerMs, slot.dropped(), totalReconnects, results,
                state.equals("UP") ? null : openError);
    }

    private void failPending(String reason) {
        failStarting(reason);
        Command c;
        while ((c = commands.poll()) != null) {
            ApiException e = new ApiException(409, reason);
            if (c instanceof Add add) {
                add.done().completeExceptionally(e);
            } else if (c instanceof Remove remove) {
                remove.done().completeExceptionally(e);
            }
        }
    }

    /** Asks both threads to stop (a live read returns within about the stall timeout). */
    void stop() {
        running = false;
        slot.close();
        LiveSource l = liveSource;
        if (l != null) {
            l.stop();
        }
    }

    @Override
    public void close() {
        stop();
        try {
            trackingThread.join(3000);
            captureThread.join(3000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        preview.close();
        if (!trackingThread.isAlive() && !captureThread.isAlive()) {
            slot.release();
        }
    }
}
