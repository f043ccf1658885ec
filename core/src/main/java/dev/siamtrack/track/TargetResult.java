package dev.siamtrack.track;

import dev.siamtrack.geom.Box;

/**
 * One target's answer on one frame of a {@link MultiTargetTracker}.
 *
 * @param id    the target's id, as given to {@link MultiTargetTracker#add}
 * @param box   the estimated box in frame pixels (the last known box while LOST)
 * @param score the classifier's probability at the chosen position, in [0, 1]
 * @param state TRACKING, UNCERTAIN or LOST
 * @param reacquired true on the frame a LOST target is found again by re-detection (its state is TRACKING)
 */
public record TargetResult(String id, Box box, double score, TrackState state, boolean reacquired) {

    /** A result without re-acquisition. */
    public TargetResult(String id, Box box, double score, TrackState state) {
        this(id, box, score, state, false);
    }

    public TrackResult result() {
        return new TrackResult(box, score, state, reacquired);
    }
}
