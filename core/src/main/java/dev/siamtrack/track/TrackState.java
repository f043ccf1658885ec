package dev.siamtrack.track;

/** What the tracker believes about the target after a frame. */
public enum TrackState {
    /** Confident: the score is above the uncertain threshold. */
    TRACKING,
    /** Still following, but the score is low; the target may be occluded or leaving. */
    UNCERTAIN,
    /** The score stayed under the lost threshold for the configured number of frames. */
    LOST
}
