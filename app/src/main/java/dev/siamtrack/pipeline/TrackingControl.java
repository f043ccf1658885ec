package dev.siamtrack.pipeline;

import dev.siamtrack.geom.Box;

/**
 * The user's commands to a running pipeline (pause, single step, new target, debug overlay, quit), shared
 * between the viewer's event thread and the tracking thread.
 */
public final class TrackingControl {

    private boolean paused;
    private int steps;
    private Box pendingInit;
    private boolean quit;
    private volatile boolean debug;
    private Runnable quitHook = () -> { };

    /** Starts (or restarts) tracking {@code box} on the next frame; wakes a paused pipeline for that frame. */
    public synchronized void requestInit(Box box) {
        pendingInit = box;
        notifyAll();
    }

    /** Takes the pending init box, if any. */
    synchronized Box takeInit() {
        Box box = pendingInit;
        pendingInit = null;
        return box;
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

    /** Blocks while paused (until a step, a new target or quit); false once quit was requested. */
    synchronized boolean awaitTurn() throws InterruptedException {
        while (paused && steps == 0 && pendingInit == null && !quit) {
            wait();
        }
        if (steps > 0) {
            steps--;
        }
        return !quit;
    }
}
