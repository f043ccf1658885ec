package dev.siamtrack.track;

import static org.bytedeco.opencv.global.opencv_core.mean;

import dev.siamtrack.geom.Box;
import java.nio.FloatBuffer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;

/**
 * One target of a {@link MultiTargetTracker}: where it is, its crop geometry, and how one frame's score map
 * turns into its box and state. Everything here is per target; the network runs for all targets at once.
 *
 * <p>The chosen cell is the best of the classifier's probability after a cosine window and a scale /
 * aspect-ratio change penalty; the reported score is the probability at that cell (not the window-inflated
 * value used to choose it), so it falls when the target disappears, and a run of low scores turns the state
 * to LOST. A target lost at the frame border is waited for where it left; one lost mid-frame is still followed.
 */
final class TrackedTarget {

    final String id;
    private final Scoring scoring;
    private final float[] probability;
    /** Padding for crops that leave the frame: the mean colour of the first frame. */
    private final double[] padBgr = new double[3];

    private double cx;
    private double cy;
    private double w;
    private double h;
    private int frameWidth;
    private int frameHeight;
    private int lowScoreRun;
    private boolean lost;
    private boolean lostAtBorder;
    private double scale;
    private double searchSide;
    private double searchCx;
    private double searchCy;

    TrackedTarget(String id, Scoring scoring, Mat frame, Box box) {
        this.id = id;
        this.scoring = scoring;
        this.probability = new float[scoring.cells];
        frameWidth = frame.cols();
        frameHeight = frame.rows();
        cx = box.cx();
        cy = box.cy();
        w = box.w();
        h = box.h();
        try (Scalar m = mean(frame)) {
            padBgr[0] = m.get(0);
            padBgr[1] = m.get(1);
            padBgr[2] = m.get(2);
        }
    }

    /** Writes the exemplar crop (the template) around the current box into {@code dst}. */
    void cropExemplar(CropPreprocessor preprocessor, Mat frame, FloatBuffer dst) {
        preprocessor.crop(frame, cx, cy, Math.round(exemplarSide()), scoring.card.exemplarSize(), padBgr, dst);
    }

    /** Writes the search crop around the last position into {@code dst}, for the next {@link #locate}. */
    void cropSearch(CropPreprocessor preprocessor, Mat frame, FloatBuffer dst) {
        frameWidth = frame.cols();
        frameHeight = frame.rows();
        double sz = exemplarSide();
        scale = scoring.card.exemplarSize() / sz;
        searchSide = sz * scoring.card.instanceSize() / scoring.card.exemplarSize();
        searchCx = cx;
        searchCy = cy;
        preprocessor.crop(frame, cx, cy, searchSide, scoring.card.instanceSize(), padBgr, dst);
    }

    private double exemplarSide() {
        double p = scoring.params.contextAmount() * (w + h);
        return Math.sqrt((w + p) * (h + p));
    }

    /** Whether the current box reaches past the frame border: the target is partly out of view. */
    private boolean atBorder() {
        return cx - w / 2 < 0 || cy - h / 2 < 0 || cx + w / 2 > frameWidth || cy + h / 2 > frameHeight;
    }

    /** Picks this frame's box from the head's answers for this target's search crop. */
    TargetResult locate(FloatBuffer scores, FloatBuffer boxes) {
        TrackerParams.Resolved p = scoring.params;
        int cells = scoring.cells;
        double targetSize = Scoring.sizeWithContext(w * scale, h * scale);
        double targetRatio = w / h;
        int best = 0;
        double bestPscore = Double.NEGATIVE_INFINITY;
        double bestPenalty = 0;
        for (int k = 0; k < cells; k++) {
            double prob;
            if (scoring.sigmoid) {
                prob = 1 / (1 + Math.exp(-scores.get(k)));
            } else {
                double background = scores.get(k);
                double target = scores.get(cells + k);
                prob = 1 / (1 + Math.exp(background - target));
            }
            probability[k] = (float) prob;
            double bw = boxes.get(k) + boxes.get(2 * cells + k);
            double bh = boxes.get(cells + k) + boxes.get(3 * cells + k);
            double penalty = Scoring.penalty(bw, bh, targetSize, targetRatio, p.penaltyK());
            double pscore = penalty * prob * (1 - p.windowInfluence()) + scoring.window[k] * p.windowInfluence();
            if (pscore > bestPscore) {
                bestPscore = pscore;
                best = k;
                bestPenalty = penalty;
            }
        }
        double score = probability[best];
        double left = boxes.get(best);
        double top = boxes.get(cells + best);
        double right = boxes.get(2 * cells + best);
        double bottom = boxes.get(3 * cells + best);
        double predCx = (scoring.pointX[best] + (right - left) / 2) / scale;
        double predCy = (scoring.pointY[best] + (bottom - top) / 2) / scale;
        double predW = (left + right) / scale;
        double predH = (top + bottom) / scale;

        TrackState state = updateState(score);
        // A target lost at the frame border has most likely left the view: hold the box where it left and
        // wait for it there. Lost mid-frame (blur, deformation, partial occlusion), following the best
        // candidate recovers more often than stopping.
        if (state != TrackState.LOST || !lostAtBorder) {
            double rate = bestPenalty * score * p.lr();
            cx = clamp(cx + predCx, 0, frameWidth);
            cy = clamp(cy + predCy, 0, frameHeight);
            w = clamp(w * (1 - rate) + predW * rate, p.minSize(), frameWidth);
            h = clamp(h * (1 - rate) + predH * rate, p.minSize(), frameHeight);
        }
        return new TargetResult(id, Box.ofCenter(cx, cy, w, h), score, state);
    }

    private TrackState updateState(double score) {
        TrackerParams.Resolved p = scoring.params;
        if (!lost) {
            lostAtBorder = atBorder();
        }
        if (lost) {
            if (score >= p.lostThreshold()) {
                lost = false;
                lowScoreRun = 0;
            } else {
                return TrackState.LOST;
            }
        }
        if (score < p.lostThreshold()) {
            lowScoreRun++;
            if (lowScoreRun >= p.lostFrames()) {
                lost = true;
                return TrackState.LOST;
            }
        } else {
            lowScoreRun = 0;
        }
        return score < p.uncertainThreshold() ? TrackState.UNCERTAIN : TrackState.TRACKING;
    }

    /** Search region and score map of the last update (null before the first); score cells are centred at gridOrigin + i * stride crop pixels. */
    DebugInfo debugInfo() {
        if (searchSide <= 0) {
            return null;
        }
        Box search = Box.ofCenter(searchCx, searchCy, searchSide, searchSide);
        double framePerCrop = search.w() / scoring.card.instanceSize();
        double first = (scoring.card.gridOrigin() - scoring.card.stride() / 2.0) * framePerCrop;
        double side = scoring.size * scoring.card.stride() * framePerCrop;
        Box scores = new Box(search.cx() + first, search.cy() + first, side, side);
        return new DebugInfo(search, scores, probability, scoring.size, scoring.size);
    }

    private static double clamp(double v, double lo, double hi) {
        return Math.max(lo, Math.min(hi, v));
    }
}
