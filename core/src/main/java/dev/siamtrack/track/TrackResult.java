package dev.siamtrack.track;

import dev.siamtrack.geom.Box;

/**
 * One frame's answer.
 *
 * @param box   the estimated target box in frame pixels (the last known box while LOST)
 * @param score the classifier's probability at the chosen position, in [0, 1]
 * @param state TRACKING, UNCERTAIN or LOST
 */
public record TrackResult(Box box, double score, TrackState state) {

    public boolean found() {
        return state != TrackState.LOST;
    }
}
