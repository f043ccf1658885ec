package dev.siamtrack.track;

import dev.siamtrack.geom.Box;

/**
 * What a tracker looked at on its last frame, for the viewer's debug overlay.
 *
 * @param searchRegion the search crop in frame pixels
 * @param scoreMap     row-major classifier scores in [0, 1] covering the search region, or {@code null}
 * @param mapWidth     score map columns
 * @param mapHeight    score map rows
 */
public record DebugInfo(Box searchRegion, float[] scoreMap, int mapWidth, int mapHeight) {
}
