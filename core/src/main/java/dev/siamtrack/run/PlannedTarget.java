package dev.siamtrack.run;

import dev.siamtrack.geom.Box;

/**
 * A target to start tracking once the run reaches {@code frame}: it is added on the first processed frame
 * whose index is {@code frame} or later (a live source may have dropped the exact frame).
 */
public record PlannedTarget(String id, int frame, Box box) {
}
