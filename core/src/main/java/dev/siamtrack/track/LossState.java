package dev.siamtrack.track;

/**
 * Whether one target is TRACKING, UNCERTAIN or LOST, frame by frame. A frame counts towards LOST when its score is
 * under the LOST threshold and the box is not verified as the target, or the box no longer looks like the target
 * (its similarity fell far below the confident level); {@code lostFrames} such frames in a row make it LOST, both
 * at once (an abrupt change: the target vanished) make it LOST at once. A LOST target stays LOST until a score at
 * or above the threshold (without re-detection) or until it is found again (with it).
 */
final class LossState {

    private final TrackerParams.Resolved params;
    private int lowScoreRun;
    private boolean lost;
    private boolean lostAtBorder;
    private boolean abrupt;
    private int followedRun;

    LossState(TrackerParams.Resolved params) {
        this.params = params;
    }

    /**
     * The state after a frame with this {@code score}; {@code unlike}: the box's similarity fell far; {@code
     * verified}: the box passes as the target although its score is low; {@code atBorder}: the box reaches past the
     * frame border (remembered when the target becomes LOST).
     */
    TrackState update(double score, boolean unlike, boolean verified, boolean atBorder) {
        if (!lost) {
            lostAtBorder = atBorder;
        }
        if (lost) {
            if (score >= params.lostThreshold()) {
                found();
            } else {
                return TrackState.LOST;
            }
        }
        if (score < params.lostThreshold() && !verified || unlike) {
            lowScoreRun++;
            if (lowScoreRun >= params.lostFrames() || (unlike && score < params.lostThreshold())) {
                lost = true;
                abrupt = lowScoreRun < params.lostFrames();
                return TrackState.LOST;
            }
        } else {
            lowScoreRun = 0;
        }
        return score < params.uncertainThreshold() ? TrackState.UNCERTAIN : TrackState.TRACKING;
    }

    /** LOST at once, as after an abrupt change. */
    TrackState loseAtOnce(boolean atBorder) {
        if (!lost) {
            lostAtBorder = atBorder;
        }
        lost = true;
        abrupt = true;
        lowScoreRun = params.lostFrames();
        return TrackState.LOST;
    }

    /** The target was found again. */
    void found() {
        lost = false;
        lowScoreRun = 0;
        followedRun = 0;
    }

    /**
     * While LOST: whether the box the target's own window follows passed as the target on this frame (see {@link
     * TrackedTarget}); a run of such frames ends with the first that does not.
     */
    void followed(boolean passed) {
        followedRun = passed ? followedRun + 1 : 0;
    }

    /**
     * Whether the own window's box passed as the target on the last {@code lostFrames} frames in a row, as many as
     * it takes to become LOST: a target that only looked unlike itself for a while (a skier turning, a face in
     * shadow) is found again where it is followed, as it was lost, without the stricter test for look-alikes.
     */
    boolean followedSteadily() {
        return followedRun >= params.lostFrames();
    }

    boolean lost() {
        return lost;
    }

    /** Whether the box reached past the frame border when the target became LOST: it most likely left the view. */
    boolean lostAtBorder() {
        return lostAtBorder;
    }

    /** Whether the last loss was abrupt (or came with a cut): a candidate must pass the stricter check. */
    boolean abrupt() {
        return abrupt;
    }

    /** A cut came while LOST: the loss counts as abrupt from now on. */
    void markAbrupt() {
        abrupt = true;
    }
}
