package dev.siamtrack.server;

import java.util.ArrayDeque;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Hands frames from a source's capture thread to its tracking thread through three reused Mats. In
 * latest-only mode (cameras, streams, files at their frame rate) a new frame replaces one the tracker has not
 * taken yet, which counts as dropped, so the tracker always works on the newest frame; otherwise the capture
 * thread waits and every frame is tracked.
 */
final class FrameSlot {

    private final boolean latestOnly;
    private final ArrayDeque<Mat> free = new ArrayDeque<>(3);
    private Mat pending;
    private long pendingNanos;
    private long pendingIndex;
    private Mat current;
    private long currentNanos;
    private long currentIndex;
    private long dropped;
    private boolean closed;

    FrameSlot(boolean latestOnly) {
        this.latestOnly = latestOnly;
        for (int i = 0; i < 3; i++) {
            free.add(new Mat());
        }
    }

    /**
     * Copies {@code frame} (the source's frame {@code index}) in; blocks (not latest-only) while the previous
     * frame waits. False once closed.
     */
    boolean put(Mat frame, long index, long captureNanos) throws InterruptedException {
        Mat target;
        synchronized (this) {
            while (!latestOnly && pending != null && !closed) {
                wait();
            }
            if (closed) {
                return false;
            }
            target = free.poll();
        }
        frame.copyTo(target);
        synchronized (this) {
            if (pending != null) {
                free.add(pending);
                dropped++;
            }
            pending = target;
            pendingNanos = captureNanos;
            pendingIndex = index;
            notifyAll();
            return true;
        }
    }

    /**
     * The next frame, or {@code null} after {@code millis} without one (or once closed). The Mat stays valid
     * until the next call.
     */
    synchronized Mat take(long millis) throws InterruptedException {
        long deadline = System.nanoTime() + millis * 1_000_000;
        while (pending == null && !closed) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return null;
            }
            wait(Math.max(1, left / 1_000_000));
        }
        if (pending == null) {
            return null;
        }
        if (current != null) {
            free.add(current);
        }
        current = pending;
        currentNanos = pendingNanos;
        currentIndex = pendingIndex;
        pending = null;
        notifyAll();
        return current;
    }

    /** The last frame taken (valid until the next {@link #take}), or {@code null} before the first. */
    synchronized Mat current() {
        return current;
    }

    /** When the last frame taken was captured ({@link System#nanoTime()}). */
    synchronized long currentNanos() {
        return currentNanos;
    }

    /** The source's index of the last frame taken. */
    synchronized long currentIndex() {
        return currentIndex;
    }

    synchronized long dropped() {
        return dropped;
    }

    synchronized void close() {
        closed = true;
        notifyAll();
    }

    /** Frees the Mats; call after both threads have stopped. */
    synchronized void release() {
        free.forEach(Mat::close);
        free.clear();
        if (pending != null) {
            pending.close();
        }
        if (current != null) {
            current.close();
        }
    }
}
