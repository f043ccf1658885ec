package dev.siamtrack.run;

import dev.siamtrack.geom.Box;
import dev.siamtrack.track.TargetEngine;
import dev.siamtrack.track.TargetResult;
import dev.siamtrack.track.TrackState;
import dev.siamtrack.video.FrameSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * The one frame loop: takes frames, starts the targets that are due, locates the tracked ones with a
 * {@link TargetEngine} and hands every frame's results to a {@link Listener}. {@code track}, {@code demo},
 * {@code eval}, {@code bench} and the live pipeline all run through it.
 *
 * <p>Targets come from a plan (each with the frame it starts on) and from {@link #add}, {@link #remove} and
 * {@link #clear}, which take effect on the next frame. Starting an id that is already tracked starts it over
 * from the new box. Those three and {@link #run} belong to one thread (the
 * frame source may call them from {@link Frames#next}); {@link #stop} may be called from any thread.
 */
public final class SequenceRunner {

    /** Where the frames come from. */
    public interface Frames {
        /** The next frame, or {@code null} at the end; the Mat may be overwritten by the following call. */
        Mat next() throws Exception;

        /** The index of the frame last returned, counting frames the source skipped or dropped. */
        int index();

        static Frames of(FrameSource source) {
            return new Frames() {
                @Override
                public Mat next() throws Exception {
                    return source.next();
                }

                @Override
                public int index() {
                    return source.frameIndex();
                }
            };
        }
    }

    /** Told about every processed frame, on the running thread, before the next frame is taken. */
    public interface Listener {
        /**
         * @param results    every target's answer, in the order they were added; a target started on this
         *                   frame answers its start box with score 1
         * @param trackNanos time spent in the engine on this frame (locating and starting targets)
         */
        void frame(int index, Mat frame, List<TargetResult> results, long trackNanos) throws Exception;
    }

    /**
     * What a run did.
     *
     * @param frames     frames processed
     * @param lostFrames frames on which at least one target was LOST
     * @param lostById   per target (in the order they started): frames it was LOST
     * @param updates    engine time per frame for the frames that had targets to locate (starting a target
     *                   embeds its template and is kept out)
     * @param seconds    wall time of the loop, frame reading included
     * @param stopped    whether {@link #stop} ended the run before the frames did
     */
    public record Stats(int frames, int lostFrames, Map<String, Integer> lostById, LatencyStats updates,
                        double seconds, boolean stopped) {
    }

    private final TargetEngine engine;
    private final List<PlannedTarget> pending = new ArrayList<>();
    private final Map<String, Integer> lostById = new LinkedHashMap<>();
    private final LatencyStats updates;
    private volatile boolean stopRequested;

    /**
     * @param plan          targets to start, each on its frame (in plan order within a frame)
     * @param statsCapacity how many per-frame engine times to keep for the quantiles
     */
    public SequenceRunner(TargetEngine engine, List<PlannedTarget> plan, int statsCapacity) {
        this.engine = engine;
        this.updates = new LatencyStats(statsCapacity);
        plan.stream().sorted(Comparator.comparingInt(PlannedTarget::frame)).forEach(pending::add);
    }

    /** Starts tracking {@code box} on the next frame, under the smallest free number as its id; returns the id. */
    public String add(Box box) {
        int number = 1;
        while (isUsed(String.valueOf(number))) {
            number++;
        }
        String id = String.valueOf(number);
        add(id, box);
        return id;
    }

    /** Starts tracking {@code box} as {@code id} on the next frame. */
    public void add(String id, Box box) {
        pending.add(new PlannedTarget(id, Integer.MIN_VALUE, box));
    }

    /** Stops tracking {@code id} (tracked or still to start); false when there is no such target. */
    public boolean remove(String id) {
        boolean planned = pending.removeIf(t -> t.id().equals(id));
        return engine.remove(id) || planned;
    }

    /** Stops tracking every target, including the planned ones that have not started yet. */
    public void clear() {
        pending.clear();
        engine.ids().forEach(engine::remove);
    }

    /** The engine times of the frames so far (see {@link Stats#updates}); readable while running. */
    public LatencyStats updates() {
        return updates;
    }

    /**
     * The targets of the plan given to the constructor that have not started yet, in frame order: after
     * {@link #run}, those whose start frame never came (the frames ended before it).
     */
    public List<PlannedTarget> notStarted() {
        return pending.stream().filter(t -> t.frame() != Integer.MIN_VALUE).toList();
    }

    /** Ends {@link #run} after the frame in progress; safe from any thread (a signal handler, a viewer). */
    public void stop() {
        stopRequested = true;
    }

    /**
     * Runs until the frames end, {@code maxFrames} frames were processed (0: no limit) or {@link #stop}.
     *
     * @throws IllegalArgumentException when a target cannot start (its box is rejected by the engine); the
     *                                  message names the target and the frame
     * @throws Exception                what the frames or the listener threw
     */
    public Stats run(Frames frames, int maxFrames, Listener listener) throws Exception {
        long start = System.nanoTime();
        int limit = maxFrames > 0 ? maxFrames : Integer.MAX_VALUE;
        int processed = 0;
        int lostFrames = 0;
        Mat frame;
        while (processed < limit && !stopRequested && (frame = frames.next()) != null) {
            int index = frames.index();
            long t0 = System.nanoTime();
            boolean located = engine.size() > 0;
            List<TargetResult> results = located ? new ArrayList<>(engine.update(frame)) : new ArrayList<>();
            long t1 = System.nanoTime();
            if (located) {
                updates.add(t1 - t0);
            }
            startDue(index, frame, results);
            long trackNanos = System.nanoTime() - t0;
            boolean anyLost = false;
            for (TargetResult r : results) {
                if (r.state() == TrackState.LOST) {
                    lostById.merge(r.id(), 1, Integer::sum);
                    anyLost = true;
                } else {
                    lostById.putIfAbsent(r.id(), 0);
                }
            }
            if (anyLost) {
                lostFrames++;
            }
            processed++;
            listener.frame(index, frame, results, trackNanos);
        }
        return new Stats(processed, lostFrames, Collections.unmodifiableMap(new LinkedHashMap<>(lostById)), updates,
                (System.nanoTime() - start) / 1e9, stopRequested);
    }

    private void startDue(int index, Mat frame, List<TargetResult> results) {
        for (var it = pending.iterator(); it.hasNext(); ) {
            PlannedTarget t = it.next();
            if (t.frame() > index) {
                continue;
            }
            it.remove();
            if (engine.ids().contains(t.id())) {
                // the same id again: the target starts over from the new box
                engine.remove(t.id());
                results.removeIf(r -> r.id().equals(t.id()));
            }
            try {
                results.add(engine.add(t.id(), frame, t.box()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("target " + t.id() + " on frame " + index + ": " + e.getMessage(), e);
            }
        }
    }

    private boolean isUsed(String id) {
        return engine.ids().contains(id) || pending.stream().anyMatch(t -> t.id().equals(id));
    }
}
