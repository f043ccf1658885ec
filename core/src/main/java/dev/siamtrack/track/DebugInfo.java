package dev.siamtrack.track;

import dev.siamtrack.geom.Box;

/**
 * What a tracker looked at on its last frame, for the viewer's debug overlay.
 *
 * @param searchRegion the search crop in frame pixels
 * @param scoreRegion  the area the score map's cells cover, in frame pixels (outer cell edges)
 * @param scoreMap     row-major classifier scores in [0, 1], or {@code null} when there is none
 * @param mapWidth     score map columns
 * @param mapHeight    score map rows
 */
public record DebugInfo(Box searchRegion, Box scoreRegion, float[] scoreMap, int mapWidth, int mapHeight) {
}
