package dev.siamtrack.track;

/**
 * Optionally implemented by a {@link Tracker} that can show its search region and score map. The viewer asks
 * only while its debug overlay is on, right after {@link Tracker#update}, on the tracking thread.
 */
public interface DebugInfoProvider {

    /** The last update's debug view, or {@code null} when there is none yet. May reuse its arrays. */
    DebugInfo debugInfo();
}
