package dev.siamtrack.video;

/**
 * The waits between attempts to reach a source, as its {@link BackoffOptions} say: each call of
 * {@link #nextDelayMillis()} doubles the following wait up to the longest; {@link #reset()} after a success starts
 * over. Used by one thread.
 */
public final class Backoff {

    private final long initialMillis;
    private final long maxMillis;
    private long nextMillis;

    public Backoff(BackoffOptions options) {
        this.initialMillis = options.initialDelay().toMillis();
        this.maxMillis = options.maxDelay().toMillis();
        this.nextMillis = initialMillis;
    }

    /** The wait before the next attempt; the one after it will be twice as long, up to the longest. */
    public long nextDelayMillis() {
        long delay = nextMillis;
        nextMillis = Math.min(maxMillis, nextMillis * 2);
        return delay;
    }

    /** The source answered: the next failure waits the initial delay again. */
    public void reset() {
        nextMillis = initialMillis;
    }
}
