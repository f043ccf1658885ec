package dev.siamtrack.video;

import java.time.Duration;

/**
 * How often a lost source is tried again: {@code initialDelay} after the first failed attempt, doubled after each
 * further one, never more than {@code maxDelay}. Validated on construction.
 *
 * @param initialDelay the wait after the first failed attempt; positive
 * @param maxDelay     the longest wait between two attempts; at least {@code initialDelay}
 */
public record BackoffOptions(Duration initialDelay, Duration maxDelay) {

    public BackoffOptions {
        if (initialDelay == null || maxDelay == null) {
            throw new IllegalArgumentException("back-off delays must be given");
        }
        if (initialDelay.toMillis() <= 0) {
            throw new IllegalArgumentException("back-off initial delay must be at least 1 ms, got "
                    + initialDelay.toMillis() + " ms");
        }
        if (maxDelay.compareTo(initialDelay) < 0) {
            throw new IllegalArgumentException("back-off max delay (" + maxDelay.toMillis()
                    + " ms) must not be shorter than the initial delay (" + initialDelay.toMillis() + " ms)");
        }
    }
}
