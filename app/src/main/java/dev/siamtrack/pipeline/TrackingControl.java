package dev.siamtrack.pipeline;

import dev.siamtrack.geom.Box;
import dev.siamtrack.run.SequenceRunner;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The user's commands to a running pipeline (pause, single step, add / select / remove / clear targets, debug
 * overlay, quit), shared between the viewer's event thread and the tracking thread. Target changes are queued
 * here and handed to the {@link SequenceRunner} on the tracking thread before the next frame.
 */
public final class TrackingControl {

    private boolean paused;
    private int steps;
    private final List<Consumer<SequenceRunner>> targetChanges = new ArrayList<>();
    private volatile String selected;
    private boolean quit;
    private volatile boolean debug;
    private Runnable quitHook = () -> { };

    /** Starts tracking {@code box} as a new target (next free number as id) on the next frame; wakes a paused pipeline for it. */
    public void addTarget(Box box) {
        change(runner -> runner.add(box));
    }

    /** Stops tracking {@code id} from the next frame on. */
    public void removeTarget(String id) {
        if (id.equals(selected)) {
            selected = null;
        }
        change(runner -> runner.remove(id));
    }

    /** Stops tracking every target from the next frame on. */
    public void clearTargets() {
        selected = null;
        change(SequenceRunner::clear);
    }

    private synchronized void change(Consumer<SequenceRunner> change) {
        targetChanges.add(change);
        notifyAll();
    }

    /** Hands the queued target changes to {@code runner}; called on the tracking thread between frames. */
    synchronized void applyTargetChanges(SequenceRunner runner) {
        targetChanges.forEach(change -> change.accept(runner));
        targetChanges.clear();
    }

    /** Marks {@code id} as the selected target ({@code null}: none): the viewer highlights it, the debug overlay follows it. */
    public void select(String id) {
        selected = id;
    }

    /** The selected target's id, or {@code null}. */
    public String selected() {
        return selected;
    }

    public synchronized void togglePause() {
        paused = !paused;
        notifyAll();
    }

    public synchronized boolean paused() {
        return paused;
    }

    /** While paused: process exactly one more frame. */
    public synchronized void step() {
        if (paused) {
            steps++;
            notifyAll();
        }
    }

    /** Asks the pipeline to stop, also while its source is blocked waiting for a stalled stream. */
    public void quit() {
        Runnable hook;
        synchronized (this) {
            quit = true;
            notifyAll();
            hook = quitHook;
        }
        hook.run();
    }

    /** What {@link #quit()} runs besides setting the flag (the pipeline stops its source). */
    synchronized void onQuit(Runnable hook) {
        quitHook = hook;
    }

    public synchronized boolean quitRequested() {
        return quit;
    }

    public void toggleDebug() {
        debug = !debug;
    }

    public boolean debug() {
        return debug;
    }

    /** Blocks while paused (until a step, a target change or quit); false once quit was requested. */
    synchronized boolean awaitTurn() throws InterruptedException {
        while (paused && steps == 0 && targetChanges.isEmpty() && !quit) {
            wait();
        }
        if (steps > 0) {
            steps--;
        }
        return !quit;
    }
}
