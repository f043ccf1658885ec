package dev.siamtrack.track;

import dev.siamtrack.geom.Box;

/**
 * One frame's answer.
 *
 * @param box   the estimated target box in frame pixels (the last known box while LOST)
 * @param score the classifier's probability at the chosen position, in [0, 1]
 * @param state TRACKING, UNCERTAIN or LOST
 * @param reacquired true on the frame a LOST target is found again by re-detection (its state is TRACKING)
 */
public record TrackResult(Box box, double score, TrackState state, boolean reacquired) {

    /** A result without re-acquisition. */
    public TrackResult(Box box, double score, TrackState state) {
        this(box, score, state, false);
    }

    public boolean found() {
        return state != TrackState.LOST;
    }
}
