package dev.siamtrack.pipeline;

import java.util.ArrayDeque;

/**
 * Hands packets from one pipeline thread to the next. In latest-only mode it holds at most one packet: putting
 * a new one displaces the unconsumed older one (returned to the caller, who counts it as dropped), so a slow
 * consumer always gets the newest frame and latency cannot build up. Otherwise it is a FIFO bounded by the
 * packet pool.
 */
final class FrameHandoff {

    private final ArrayDeque<FramePacket> queue;
    private final boolean latestOnly;
    private boolean finished;

    FrameHandoff(int capacity, boolean latestOnly) {
        this.queue = new ArrayDeque<>(capacity);
        this.latestOnly = latestOnly;
    }

    /** Adds {@code packet}; returns the packet it displaced (latest-only mode) or {@code null}. */
    synchronized FramePacket put(FramePacket packet) {
        FramePacket displaced = latestOnly ? queue.pollFirst() : null;
        queue.addLast(packet);
        notifyAll();
        return displaced;
    }

    /** Removes a waiting packet without blocking, or returns {@code null}. */
    synchronized FramePacket poll() {
        return queue.pollFirst();
    }

    /** Waits for the next packet; {@code null} once {@link #finish()} was called and nothing is left. */
    synchronized FramePacket take() throws InterruptedException {
        while (queue.isEmpty() && !finished) {
            wait();
        }
        return queue.pollFirst();
    }

    /** No more packets will be put; waiting takers return once the queue is drained. */
    synchronized void finish() {
        finished = true;
        notifyAll();
    }
}
