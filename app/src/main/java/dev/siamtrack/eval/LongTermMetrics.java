package dev.siamtrack.eval;

import dev.siamtrack.geom.Box;
import dev.siamtrack.run.LatencyStats;
import java.util.ArrayList;
import java.util.List;

/**
 * Long-term figures for sequences in which the target is absent for stretches (ground truth NaN or empty).
 * The tracker claims the target present on a frame when its state is not LOST; the init frame counts, with
 * the init box as a present prediction.
 *
 * <ul>
 * <li>VOT-LT tracking precision: mean IoU over the frames the tracker claims present (0 where the target is
 * absent); recall: mean IoU over the frames the target is present (0 where the tracker claims LOST);
 * F-score 2PR / (P + R). At one operating point: the tracker's own LOST decision.</li>
 * <li>Absent frames reported LOST: share of the absent frames on which the tracker says LOST.</li>
 * <li>Re-finding: a return is a frame with the target right after an absent one; the frames needed are the
 * frames from the return to the first frame with a present claim and IoU > 0.3 (0: on the return frame),
 * searched until the target is absent again or the sequence ends (never found: not re-found).</li>
 * <li>Long-term success: per frame, the target present: IoU of a present claim (0 for LOST) > t; absent:
 * a success at every t when the tracker reports LOST. AUC over t = 0, 0.05, ..., 1.</li>
 * </ul>
 */
public final class LongTermMetrics {

    /** IoU a re-found target must exceed. */
    public static final double REFOUND_IOU = 0.3;
    /** Returns counted as quick when re-found within this many frames. */
    public static final int QUICK_REFIND_FRAMES = 30;

    private LongTermMetrics() {
    }

    /**
     * One tracker on one sequence.
     *
     * @param refindFrames per return, the frames needed to re-find the target, or -1 when it was not re-found
     */
    public record Score(int frames, int absentFrames, int presentClaims, double precision, double recall,
                        int absentLost, int[] refindFrames, double[] success) {

        public double fScore() {
            return LongTermMetrics.fScore(precision, recall);
        }

        public double auc() {
            return Metrics.mean(success);
        }
    }

    /** The long-term figures of a whole dataset. */
    public record Summary(int sequences, int absentFrames, double precision, double recall, double absentLostShare,
                          int returns, int refoundQuickly, double medianRefindFrames, double auc, double[] success) {

        public double fScore() {
            return LongTermMetrics.fScore(precision, recall);
        }

        /** Share of returns re-found within {@link #QUICK_REFIND_FRAMES} frames; NaN without returns. */
        public double refoundQuicklyShare() {
            return returns == 0 ? Double.NaN : (double) refoundQuickly / returns;
        }
    }

    /** Scores one sequence; {@code present[i]} says whether the tracker's state on frame i was not LOST. */
    public static Score score(List<Box> truth, List<Box> predicted, boolean[] present) {
        int n = truth.size();
        if (predicted.size() != n || present.length != n || n == 0) {
            throw new IllegalArgumentException("need one prediction and one state per ground-truth frame");
        }
        double[] overlap = new double[n];
        boolean[] visible = new boolean[n];
        double claimedSum = 0;
        int claims = 0;
        double recallSum = 0;
        int visibleFrames = 0;
        int absentLost = 0;
        for (int i = 0; i < n; i++) {
            visible[i] = Metrics.isValid(truth.get(i));
            overlap[i] = visible[i] && present[i] ? Math.max(0, Metrics.overlap(truth.get(i), predicted.get(i))) : 0;
            if (present[i]) {
                claims++;
                claimedSum += overlap[i];
            }
            if (visible[i]) {
                visibleFrames++;
                recallSum += overlap[i];
            } else if (!present[i]) {
                absentLost++;
            }
        }
        List<Integer> refind = new ArrayList<>();
        for (int r = 1; r < n; r++) {
            if (visible[r] && !visible[r - 1]) {
                int found = -1;
                for (int i = r; i < n && visible[i]; i++) {
                    if (present[i] && overlap[i] > REFOUND_IOU) {
                        found = i - r;
                        break;
                    }
                }
                refind.add(found);
            }
        }
        double[] success = new double[Metrics.OVERLAP_THRESHOLDS.length];
        for (int t = 0; t < success.length; t++) {
            int hits = 0;
            for (int i = 0; i < n; i++) {
                if (visible[i] ? overlap[i] > Metrics.OVERLAP_THRESHOLDS[t] : !present[i]) {
                    hits++;
                }
            }
            success[t] = (double) hits / n;
        }
        return new Score(n, n - visibleFrames, claims, claims == 0 ? 0 : claimedSum / claims,
                visibleFrames == 0 ? 0 : recallSum / visibleFrames, absentLost,
                refind.stream().mapToInt(Integer::intValue).toArray(), success);
    }

    /**
     * Dataset figures: precision, recall and AUC are means over sequences (F from the mean precision and
     * recall, as VOT-LT); absent frames and returns are pooled over sequences.
     */
    public static Summary summarise(List<Score> scores) {
        int absent = 0;
        int absentLost = 0;
        List<Integer> found = new ArrayList<>();
        int returns = 0;
        for (Score s : scores) {
            absent += s.absentFrames();
            absentLost += s.absentLost();
            for (int f : s.refindFrames()) {
                returns++;
                if (f >= 0) {
                    found.add(f);
                }
            }
        }
        int quick = (int) found.stream().filter(f -> f <= QUICK_REFIND_FRAMES).count();
        double[] foundFrames = found.stream().mapToDouble(Integer::doubleValue).toArray();
        return new Summary(scores.size(), absent,
                scores.stream().mapToDouble(Score::precision).average().orElse(Double.NaN),
                scores.stream().mapToDouble(Score::recall).average().orElse(Double.NaN),
                absent == 0 ? Double.NaN : (double) absentLost / absent, returns, quick,
                LatencyStats.quantile(foundFrames, 0.5),
                scores.stream().mapToDouble(Score::auc).average().orElse(Double.NaN),
                scores.isEmpty() ? new double[Metrics.OVERLAP_THRESHOLDS.length]
                        : Metrics.meanCurve(scores.stream().map(Score::success).toList()));
    }

    static double fScore(double precision, double recall) {
        return precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0;
    }

    /** Whether any of the sequences has an absent frame: then reports add the long-term figures. */
    public static boolean anyAbsent(List<Score> scores) {
        return scores.stream().anyMatch(s -> s.absentFrames() > 0);
    }
}
