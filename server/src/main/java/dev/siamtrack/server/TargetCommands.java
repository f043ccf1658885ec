package dev.siamtrack.server;

import dev.siamtrack.geom.Box;
import dev.siamtrack.run.SequenceRunner;
import dev.siamtrack.track.TargetEngine;
import dev.siamtrack.track.TargetResult;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;

/**
 * The target changes HTTP requests ask of one source, queued for its tracking thread (the tracker is not
 * thread-safe, so only that thread touches it) and applied there between frames. Each request gets a future: an
 * added target's first result, whether a removal found its target, or the reason it was refused.
 */
final class TargetCommands {

    /** A change to the targets, applied by the tracking thread between frames. */
    private sealed interface Command permits Add, Remove {
    }

    private record Add(String id, Box box, CompletableFuture<TargetResult> done) implements Command {
    }

    private record Remove(String id, CompletableFuture<Boolean> done) implements Command {
    }

    private final String source;
    private final int maxTargets;
    private final ConcurrentLinkedQueue<Command> queue = new ConcurrentLinkedQueue<>();
    // Tracking-thread state: targets added on the last frame whose first result is awaited.
    private final Map<String, CompletableFuture<TargetResult>> starting = new HashMap<>();
    private int nextId = 1;

    TargetCommands(String source, int maxTargets) {
        this.source = source;
        this.maxTargets = maxTargets;
    }

    /** Queues a new target ({@code id} null: the next free {@code tN}); completes with its first result. */
    CompletableFuture<TargetResult> add(String id, Box box) {
        CompletableFuture<TargetResult> done = new CompletableFuture<>();
        queue.add(new Add(id, box, done));
        return done;
    }

    /** Queues a removal; completes with false when no such target exists. */
    CompletableFuture<Boolean> remove(String id) {
        CompletableFuture<Boolean> done = new CompletableFuture<>();
        queue.add(new Remove(id, done));
        return done;
    }

    /**
     * Applies the queued removals (each one done reported to {@code removed}), and at most one new target (so
     * that a box the engine refuses can only be that one). New targets need a frame: without one
     * ({@code haveFrame} false) they wait in the queue; with {@code refusal} set (the source is down) they are
     * refused with it.
     */
    void apply(SequenceRunner runner, TargetEngine tracker, boolean haveFrame, String refusal,
               Consumer<String> removed) {
        boolean addTaken = false;
        int size = queue.size();
        for (int i = 0; i < size; i++) {
            Command c = queue.poll();
            if (c instanceof Remove remove) {
                boolean found = runner.remove(remove.id());
                if (found) {
                    removed.accept(remove.id());
                }
                remove.done().complete(found);
            } else if (c instanceof Add add) {
                if (refusal != null) {
                    add.done().completeExceptionally(new ApiException(409, refusal));
                } else if (!haveFrame || addTaken) {
                    queue.add(add);
                } else {
                    addTaken = start(runner, tracker, add);
                }
            }
        }
    }

    private boolean start(SequenceRunner runner, TargetEngine tracker, Add add) {
        if (tracker.size() + starting.size() >= maxTargets) {
            add.done().completeExceptionally(new ApiException(400, "source '" + source
                    + "' already tracks the maximum of " + maxTargets + " targets"));
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

    private String freeId(TargetEngine tracker) {
        List<String> ids = tracker.ids();
        String id;
        do {
            id = "t" + nextId++;
        } while (ids.contains(id) || starting.containsKey(id));
        return id;
    }

    /** The request that added {@code id} on the last frame, now to be answered with its first result; or null. */
    CompletableFuture<TargetResult> started(String id) {
        return starting.remove(id);
    }

    /** The target started on the last frame was refused by the engine. */
    void failStarting(String reason) {
        starting.values().forEach(f -> f.completeExceptionally(new ApiException(400, reason)));
        starting.clear();
    }

    /** Refuses everything still waiting: the source has stopped. */
    void failAll(String reason) {
        failStarting(reason);
        Command c;
        while ((c = queue.poll()) != null) {
            ApiException e = new ApiException(409, reason);
            if (c instanceof Add add) {
                add.done().completeExceptionally(e);
            } else if (c instanceof Remove remove) {
                remove.done().completeExceptionally(e);
            }
        }
    }
}
