package dev.siamtrack.eval;

import dev.siamtrack.geom.Box;
import java.util.List;

/**
 * The two ways a tracker's LOST decisions and re-acquisitions go wrong, against the ground truth, on any
 * sequence (with or without absent frames):
 *
 * <ul>
 * <li>False LOST: a frame reported LOST while the target is present and the reported box has IoU >=
 * {@link #FALSE_LOST_IOU} with it: the tracker was right but said it was lost.</li>
 * <li>Wrong re-acquisition: a frame flagged {@code reacquired} whose box has IoU < {@link #WRONG_IOU} with a
 * present target, or any re-acquisition while the target is absent. The frames spent on the wrong object
 * after one: from that frame on, the frames the tracker keeps claiming the target (not LOST) with IoU <
 * {@link #WRONG_IOU} or the target absent, until it says LOST or its box is back on the target.</li>
 * </ul>
 */
public final class LossErrors {

    /** A LOST frame whose box overlaps the present target at least this much was a false LOST. */
    public static final double FALSE_LOST_IOU = 0.5;
    /** A re-acquired box overlapping the present target less than this is on another object. */
    public static final double WRONG_IOU = 0.1;

    private LossErrors() {
    }

    /**
     * Counts on one sequence, or pooled over several.
     *
     * @param presentFrames     frames with the target present
     * @param lostWhilePresent  of those, the frames reported LOST
     * @param falseLost         of those, the frames whose box had IoU >= {@link #FALSE_LOST_IOU}
     * @param reacquisitions    frames flagged re-acquired
     * @param wrongReacquisitions of those, the wrong ones
     * @param wrongObjectFrames frames spent on the wrong object after a wrong re-acquisition (its own frame
     *                          included)
     */
    public record Score(int presentFrames, int lostWhilePresent, int falseLost, int reacquisitions,
                        int wrongReacquisitions, int wrongObjectFrames) {

        Score plus(Score o) {
            return new Score(presentFrames + o.presentFrames, lostWhilePresent + o.lostWhilePresent,
                    falseLost + o.falseLost, reacquisitions + o.reacquisitions,
                    wrongReacquisitions + o.wrongReacquisitions, wrongObjectFrames + o.wrongObjectFrames);
        }
    }

    /**
     * Scores one sequence: {@code claimed[i]} says whether the tracker's state on frame i was not LOST,
     * {@code reacquired[i]} whether frame i was flagged re-acquired.
     */
    public static Score score(List<Box> truth, List<Box> predicted, boolean[] claimed, boolean[] reacquired) {
        int n = truth.size();
        if (predicted.size() != n || claimed.length != n || reacquired.length != n) {
            throw new IllegalArgumentException("need one prediction, state and re-acquired flag per ground-truth frame");
        }
        int present = 0;
        int lostWhilePresent = 0;
        int falseLost = 0;
        int reacquisitions = 0;
        int wrong = 0;
        int wrongFrames = 0;
        for (int i = 0; i < n; i++) {
            boolean visible = Metrics.isValid(truth.get(i));
            if (visible) {
                present++;
                if (!claimed[i]) {
                    lostWhilePresent++;
                    if (Metrics.overlap(truth.get(i), predicted.get(i)) >= FALSE_LOST_IOU) {
                        falseLost++;
                    }
                }
            }
            if (reacquired[i]) {
                reacquisitions++;
                if (offTarget(truth.get(i), predicted.get(i))) {
                    wrong++;
                    for (int j = i; j < n && claimed[j] && offTarget(truth.get(j), predicted.get(j))
                            && (j == i || !reacquired[j]); j++) {
                        wrongFrames++;
                    }
                }
            }
        }
        return new Score(present, lostWhilePresent, falseLost, reacquisitions, wrong, wrongFrames);
    }

    /** Counts pooled over sequences. */
    public static Score total(List<Score> scores) {
        Score sum = new Score(0, 0, 0, 0, 0, 0);
        for (Score s : scores) {
            sum = sum.plus(s);
        }
        return sum;
    }

    /** The box is not on the target: the target is absent, or the overlap is under {@link #WRONG_IOU}. */
    private static boolean offTarget(Box truth, Box predicted) {
        return !Metrics.isValid(truth) || Metrics.overlap(truth, predicted) < WRONG_IOU;
    }
}
