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

    // Re-detection (TrackerParams.redetect): the target's embedding (from its template), where a LOST target
    // is searched for, and this frame's candidates (centre and score) from the normal and the scan windows.
    private final float[] targetEmbedding;
    private final float[] embedding;
    /** Size of the box on the last TRACKING frame: a LOST target is searched for at this size. */
    private double confidentW;
    private double confidentH;
    private ScanSchedule schedule;
    private final double[] scanCx;
    private final double[] scanCy;
    private final double[] candidateCx;
    private final double[] candidateCy;
    private final double[] candidateScore;
    private int candidates;

    TrackedTarget(String id, Scoring scoring, Mat frame, Box box, int embeddingSize) {
        this.id = id;
        this.scoring = scoring;
        this.probability = new float[scoring.cells];
        TrackerParams.Resolved p = scoring.params;
        this.targetEmbedding = new float[embeddingSize];
        this.embedding = new float[embeddingSize];
        this.scanCx = new double[p.scanWindows()];
        this.scanCy = new double[p.scanWindows()];
        this.candidateCx = new double[p.scanWindows() + 1];
        this.candidateCy = new double[p.scanWindows() + 1];
        this.candidateScore = new double[p.scanWindows() + 1];
        frameWidth = frame.cols();
        frameHeight = frame.rows();
        cx = box.cx();
        cy = box.cy();
        w = box.w();
        h = box.h();
        confidentW = w;
        confidentH = h;
        try (Scalar m = mean(frame)) {
            padBgr[0] = m.get(0);
            padBgr[1] = m.get(1);
            padBgr[2] = m.get(2);
        }
    }

    /** Writes the exemplar crop (the template) around the current box into {@code dst}. */
    void cropExemplar(CropPreprocessor preprocessor, Mat frame, FloatBuffer dst) {
        cropExemplarAt(preprocessor, frame, cx, cy, dst);
    }

    /** The exemplar crop of a box of the target's size centred at (x, y): what candidates are embedded from. */
    void cropExemplarAt(CropPreprocessor preprocessor, Mat frame, double x, double y, FloatBuffer dst) {
        preprocessor.crop(frame, x, y, Math.round(exemplarSide()), scoring.card.exemplarSize(), padBgr, dst);
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
        candidates = 0;
        preprocessor.crop(frame, cx, cy, searchSide, scoring.card.instanceSize(), padBgr, dst);
    }

    /** Whether the target is LOST and searched for beyond its last position (until {@link #locate} re-acquires it). */
    boolean redetecting() {
        return lost && schedule != null;
    }

    /**
     * Writes scan window {@code k} of this frame (the next window of the schedule, at the target's search
     * scale) into {@code dst}. Call after {@link #cropSearch}.
     */
    void cropScan(CropPreprocessor preprocessor, Mat frame, int k, FloatBuffer dst) {
        int i = schedule.next();
        scanCx[k] = schedule.x(i);
        scanCy[k] = schedule.y(i);
        preprocessor.crop(frame, scanCx[k], scanCy[k], searchSide, scoring.card.instanceSize(), padBgr, dst);
    }

    /** Side of the search crop, in frame pixels, at the current box size. */
    private double searchSideFor() {
        return exemplarSide() * scoring.card.instanceSize() / scoring.card.exemplarSize();
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

        boolean wasRedetecting = redetecting();
        TrackState state;
        if (wasRedetecting) {
            // Only a verified candidate ends LOST (see MultiTargetTracker); the normal window's best is one.
            if (score >= p.lostThreshold()) {
                addCandidate(cx + predCx, cy + predCy, score);
            }
            state = TrackState.LOST;
        } else {
            state = updateState(score);
            if (state == TrackState.LOST && p.redetect()) {
                // Re-detection widens the search from the next frame on, at the size the target had when it
                // was last tracked with confidence (the box may have shrunk onto background since).
                w = confidentW;
                h = confidentH;
                double coverage = (scoring.size - 1) * scoring.card.stride() * searchSideFor()
                        / scoring.card.instanceSize();
                schedule = new ScanSchedule(frameWidth, frameHeight, coverage, cx, cy);
            }
        }
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
        if (state == TrackState.TRACKING) {
            confidentW = w;
            confidentH = h;
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

    /**
     * Takes scan window {@code k}'s best cell (probability times the size-change penalty, no cosine window: the
     * target may be anywhere in it) as a candidate when its probability reaches the LOST threshold.
     */
    void scanCandidate(int k, FloatBuffer scores, FloatBuffer boxes) {
        TrackerParams.Resolved p = scoring.params;
        int cells = scoring.cells;
        double targetSize = Scoring.sizeWithContext(w * scale, h * scale);
        double targetRatio = w / h;
        int best = 0;
        double bestValue = Double.NEGATIVE_INFINITY;
        double bestProb = 0;
        for (int c = 0; c < cells; c++) {
            double prob = scoring.sigmoid ? 1 / (1 + Math.exp(-scores.get(c)))
                    : 1 / (1 + Math.exp(scores.get(c) - scores.get(cells + c)));
            double bw = boxes.get(c) + boxes.get(2 * cells + c);
            double bh = boxes.get(cells + c) + boxes.get(3 * cells + c);
            double value = prob * Scoring.penalty(bw, bh, targetSize, targetRatio, p.penaltyK());
            if (value > bestValue) {
                bestValue = value;
                best = c;
                bestProb = prob;
            }
        }
        if (bestProb >= p.lostThreshold()) {
            double dx = (scoring.pointX[best] + (boxes.get(2 * cells + best) - boxes.get(best)) / 2) / scale;
            double dy = (scoring.pointY[best] + (boxes.get(3 * cells + best) - boxes.get(cells + best)) / 2) / scale;
            addCandidate(scanCx[k] + dx, scanCy[k] + dy, bestProb);
        }
    }

    private void addCandidate(double x, double y, double score) {
        candidateCx[candidates] = clamp(x, 0, frameWidth);
        candidateCy[candidates] = clamp(y, 0, frameHeight);
        candidateScore[candidates] = score;
        candidates++;
    }

    /** This frame's best candidate other than {@code excluded} (-1 for none), or -1 when there is none. */
    int bestCandidate(int excluded) {
        int best = -1;
        for (int c = 0; c < candidates; c++) {
            if (c != excluded && (best < 0 || candidateScore[c] > candidateScore[best])) {
                best = c;
            }
        }
        return best;
    }

    double candidateX(int c) {
        return candidateCx[c];
    }

    double candidateY(int c) {
        return candidateCy[c];
    }

    /** The buffer an embedding of this target's crops is written into (reused). */
    float[] embeddingBuffer() {
        return embedding;
    }

    /** Stores {@link #embeddingBuffer()} as the target's embedding (from the template, at {@code add}). */
    void rememberTarget() {
        System.arraycopy(embedding, 0, targetEmbedding, 0, embedding.length);
    }

    /** Whether the crop in {@link #embeddingBuffer()} shows the target: its similarity reaches the threshold. */
    boolean verified() {
        return TargetEmbedder.similarity(targetEmbedding, embedding) >= scoring.params.verifyThreshold();
    }

    /** Ends LOST at candidate {@code c}, which passed verification: the re-acquired result. */
    TargetResult reacquire(int c) {
        cx = candidateCx[c];
        cy = candidateCy[c];
        lost = false;
        lowScoreRun = 0;
        schedule = null;
        return new TargetResult(id, Box.ofCenter(cx, cy, w, h), candidateScore[c], TrackState.TRACKING, true);
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
