package dev.siamtrack.server;

import dev.siamtrack.track.TargetResult;
import java.util.List;

/**
 * What a source is doing, as of its last tracked frame (immutable; replaced after every frame).
 *
 * @param state          STARTING, UP, RECONNECTING or DOWN
 * @param frames         frames tracked since start
 * @param frameIndex     the source's index of the last frame tracked (it keeps counting when a file loops)
 * @param fps            frames tracked per second over the last second or so
 * @param latencyMs      capture to tracked, exponentially averaged
 * @param trackerMs      time of the tracker's update, exponentially averaged
 * @param droppedFrames  frames the tracker had no time for (newest-frame mode)
 * @param reconnects     reconnect attempts of a live source
 * @param targets        every target's last result, in the order they were added
 * @param lastError      why the source is down, or {@code null}
 */
public record SourceStatus(String name, String uri, String state, int width, int height, long frames, long frameIndex,
                           double fps, double latencyMs, double trackerMs, long droppedFrames, int reconnects,
                           List<TargetResult> targets, String lastError) {

    static SourceStatus starting(String name, String uri) {
        return new SourceStatus(name, uri, "STARTING", 0, 0, 0, -1, 0, 0, 0, 0, 0, List.of(), null);
    }
}
