package dev.siamtrack.video;

import java.util.ArrayDeque;

/**
 * Hands items (pooled frames) from one thread to the next. In latest-only mode it holds at most one item: putting
 * a new one displaces the unconsumed older one (returned to the caller, who counts it as dropped and recycles it),
 * so a slow consumer always gets the newest frame and latency cannot build up. Otherwise it is a FIFO, bounded by
 * the pool its items come from.
 *
 * @param <T> what is handed over
 */
public final class FrameHandoff<T> {

    private final ArrayDeque<T> queue;
    private final boolean latestOnly;
    private boolean closed;

    public FrameHandoff(int capacity, boolean latestOnly) {
        this.queue = new ArrayDeque<>(capacity);
        this.latestOnly = latestOnly;
    }

    /** Adds {@code item}; returns the item it displaced (latest-only mode) or {@code null}. */
    public synchronized T put(T item) {
        T displaced = latestOnly ? queue.pollFirst() : null;
        queue.addLast(item);
        notifyAll();
        return displaced;
    }

    /** Removes a waiting item without blocking, or returns {@code null}. */
    public synchronized T poll() {
        return queue.pollFirst();
    }

    /** Waits for the next item; {@code null} once {@link #close()} was called and nothing is left. */
    public synchronized T take() throws InterruptedException {
        while (queue.isEmpty() && !closed) {
            wait();
        }
        return queue.pollFirst();
    }

    /** As {@link #take()}, but {@code null} also after {@code millis} without an item. */
    public synchronized T take(long millis) throws InterruptedException {
        long deadline = System.nanoTime() + millis * 1_000_000;
        while (queue.isEmpty() && !closed) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return null;
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return queue.pollFirst();
    }

    /** No more items will be put; waiting takers return once the queue is drained. */
    public synchronized void close() {
        closed = true;
        notifyAll();
    }
}
