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

    /**
     * How far below its confident level a candidate on the strict test may be in similarity, as a share of the
     * distance from the model's verification threshold to 1 (see {@link TargetAppearance}).
     */
    static final double VERIFY_MARGIN = 0.5;
    /**
     * A fall of the tracked box's similarity by this share of that distance or more: it is not the target. A
     * candidate in the target's own search window that has not fallen this far is the target again.
     */
    static final double SIMILARITY_DROP = 1.0;

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
    private final LossState loss;
    private double scale;
    private double searchSide;
    private double searchCx;
    private double searchCy;

    // Re-detection (TrackerParams.redetect): the target's embedding and appearance, where a LOST target is
    // searched for, and this frame's best verified candidate (centre, score, from a scan window?, to be confirmed?).
    private final SearchEmbedding searchEmbedding;
    private final float[] targetEmbedding;
    /** What the target looks like while tracked with confidence; null without re-detection. */
    private final TargetAppearance appearance;
    /** Where, at what size and in what view the target was on its last TRACKING frame. */
    private final LastSeen lastSeen;
    private ScanSchedule schedule;
    /** LOST frames reported since the target was last found; scan windows start after {@code lostFrames} of them. */
    private int lostRun;
    /** Whether a cut came since the target was last found: its motion before says nothing of where it is now. */
    private boolean cutSinceFound;
    /** Scale and side of this frame's scan windows: at the size the target had on its last TRACKING frame. */
    private double scanScale;
    private double scanSide;
    private final double[] scanCx;
    private final double[] scanCy;
    private double candidateCx;
    private double candidateCy;
    /** Negative when this frame has no verified candidate. */
    private double candidateScore;
    private boolean candidateFromScan;
    private boolean candidateUnconfirmed;
    /** Last frame's candidate that needs confirmation: this frame's first scan window is centred on it. */
    private boolean pending;
    private double pendingCx;
    private double pendingCy;

    /** {@code searchEmbedding} and {@code scene} (just given {@code frame}) are null without re-detection. */
    TrackedTarget(String id, Scoring scoring, Mat frame, Box box, SearchEmbedding searchEmbedding, int embeddingSize,
                  SceneCut scene) {
        this.id = id;
        this.scoring = scoring;
        this.probability = new float[scoring.cells];
        TrackerParams.Resolved p = scoring.params;
        this.searchEmbedding = searchEmbedding;
        this.targetEmbedding = new float[embeddingSize];
        this.scanCx = new double[p.scanWindows()];
        this.scanCy = new double[p.scanWindows()];
        frameWidth = frame.cols();
        frameHeight = frame.rows();
        cx = box.cx();
        cy = box.cy();
        w = box.w();
        h = box.h();
        lastSeen = new LastSeen(cx, cy, w, h, scene);
        loss = new LossState(p);
        appearance = searchEmbedding == null ? null : new TargetAppearance(frame, cx, cy, w, h, p.verifyThreshold());
        try (Scalar m = mean(frame)) {
            padBgr[0] = m.get(0);
            padBgr[1] = m.get(1);
            padBgr[2] = m.get(2);
        }
    }

    /** Writes the exemplar crop (the template) around the current box into {@code dst}. */
    void cropExemplar(CropPreprocessor preprocessor, Mat frame, FloatBuffer dst) {
        preprocessor.crop(frame, cx, cy, Math.round(scoring.exemplarSide(w, h)), scoring.card.exemplarSize(), padBgr, dst);
    }

    /** Where the target's embedding (pooled from its template at {@code add}) is written. */
    float[] targetEmbedding() {
        return targetEmbedding;
    }

    /** Writes the search crop around the last position into {@code dst}, for the next {@link #locate}. */
    void cropSearch(CropPreprocessor preprocessor, Mat frame, FloatBuffer dst) {
        frameWidth = frame.cols();
        frameHeight = frame.rows();
        double sz = scoring.exemplarSide(w, h);
        scale = scoring.card.exemplarSize() / sz;
        searchSide = sz * scoring.card.instanceSize() / scoring.card.exemplarSize();
        searchCx = cx;
        searchCy = cy;
        candidateScore = -1;
        lastSeen.frame();
        preprocessor.crop(frame, cx, cy, searchSide, scoring.card.instanceSize(), padBgr, dst);
    }

    /** Whether the target is LOST and re-detected: only a verified candidate ends LOST. */
    boolean redetecting() {
        return loss.lost() && schedule != null;
    }

    /**
     * Whether this frame adds scan windows beyond the target's own search window: once it has been LOST for as
     * many frames as it takes to become LOST ({@code lostFrames}), so that a target that only looked unlike
     * itself for a moment is found again where it is before anything elsewhere is considered.
     */
    boolean scanning() {
        return redetecting() && lostRun >= scoring.params.lostFrames();
    }

    /**
     * Writes scan window {@code k} of this frame into {@code dst}: the first one on the candidate that waits for
     * confirmation, if any, else the next window of the schedule, at the size the target had when last tracked
     * with confidence. Call after {@link #cropSearch}.
     */
    void cropScan(CropPreprocessor preprocessor, Mat frame, int k, FloatBuffer dst) {
        if (k == 0) {
            double side = scoring.exemplarSide(lastSeen.w(), lastSeen.h());
            scanScale = scoring.card.exemplarSize() / side;
            scanSide = side * scoring.card.instanceSize() / scoring.card.exemplarSize();
        }
        if (k == 0 && pending) {
            scanCx[k] = pendingCx;
            scanCy[k] = pendingCy;
        } else {
            int i = schedule.next();
            scanCx[k] = schedule.x(i);
            scanCy[k] = schedule.y(i);
        }
        preprocessor.crop(frame, scanCx[k], scanCy[k], scanSide, scoring.card.instanceSize(), padBgr, dst);
    }

    /** Whether the current box reaches past the frame border: the target is partly out of view. */
    private boolean atBorder() {
        return cx - w / 2 < 0 || cy - h / 2 < 0 || cx + w / 2 > frameWidth || cy + h / 2 > frameHeight;
    }

    /**
     * Picks this frame's box from the head's answers for this target's search crop; {@code features} are the
     * crop's backbone features and {@code frame} the frame it was cropped from (for verification; ignored without
     * re-detection). After a {@code cut} ({@link SceneCut}) the box stands only if it passes the check a
     * re-detected candidate must pass; otherwise the target is LOST at once and scanned for from the next frame.
     */
    TargetResult locate(FloatBuffer scores, FloatBuffer boxes, FloatBuffer features, Mat frame, boolean cut) {
        TrackerParams.Resolved p = scoring.params;
        int cells = scoring.cells;
        double targetSize = Scoring.sizeWithContext(w * scale, h * scale);
        double targetRatio = w / h;
        int best = scoring.bestCell(scores, boxes, targetSize, targetRatio, probability);
        double bestPenalty = scoring.cellPenalty(boxes, best, targetSize, targetRatio);
        double score = probability[best];
        double left = boxes.get(best);
        double top = boxes.get(cells + best);
        double right = boxes.get(2 * cells + best);
        double bottom = boxes.get(3 * cells + best);
        double predCx = (scoring.pointX[best] + (right - left) / 2) / scale;
        double predCy = (scoring.pointY[best] + (bottom - top) / 2) / scale;
        double predW = (left + right) / scale;
        double predH = (top + bottom) / scale;

        double similarity = searchEmbedding == null ? Double.NaN
                : similarityAt(features, predCx, predCy, scale);
        TrackState state = decide(frame, cx + predCx, cy + predCy, score, similarity, cut);
        move(state, cut, predCx, predCy, predW, predH, bestPenalty * score * p.lr());
        if (state == TrackState.TRACKING) {
            lastSeen.confident(cx, cy, w, h);
            // A box reaching past the border is embedded with padding: its similarity says less.
            if (!Double.isNaN(similarity) && !atBorder()) {
                appearance.learn(frame, cx, cy, w, h, similarity);
            }
        }
        return new TargetResult(id, Box.ofCenter(cx, cy, w, h), score, state);
    }

    /**
     * The state after this frame, whose best box is centred at (x, y) with this score and similarity: while
     * re-detecting, that box is offered as a candidate (only a verified one ends LOST); otherwise the state machine
     * decides, and a target that becomes LOST gets its scan.
     */
    private TrackState decide(Mat frame, double x, double y, double score, double similarity, boolean cut) {
        TrackerParams.Resolved p = scoring.params;
        TrackState state;
        if (redetecting()) {
            if (cut) {
                // Another shot: a candidate from before it is void, and the target may be anywhere now.
                pending = false;
                loss.markAbrupt();
                cutSinceFound = true;
                lostRun = Math.max(lostRun, p.lostFrames());
            }
            // The own window's box on the tracked box's own test, colours included, measured once for both uses.
            boolean passes = score >= p.lostThreshold()
                    && appearance.passes(frame, x, y, lastSeen.w(), lastSeen.h(), similarity, SIMILARITY_DROP);
            // Within the shot, a box its own window keeps following as the target (close to the last box) on as
            // many frames in a row as it takes to become LOST is the target again.
            loss.followed(!cutSinceFound && passes && Math.hypot(x - cx, y - cy) <= lastSeen.side());
            offerOwnWindow(x, y, score, similarity, passes);
            state = TrackState.LOST;
        } else {
            // A low score where the box still passes the tracked box's own test (its similarity has not fallen
            // by SIMILARITY_DROP, the target's colours) is the classifier's doubt, not a loss.
            boolean verified = score < p.lostThreshold() && appearance != null && appearance.known()
                    && appearance.passes(frame, x, y, lastSeen.w(), lastSeen.h(), similarity, SIMILARITY_DROP);
            boolean cutAway = cut && !appearance.standsAfterCut(frame, x, y, lastSeen.w(), lastSeen.h(), score, similarity,
                    VERIFY_MARGIN);
            boolean unlike = appearance != null && appearance.fallen(similarity, SIMILARITY_DROP);
            state = cutAway ? loss.loseAtOnce(atBorder()) : loss.update(score, unlike, verified, atBorder());
            if (state == TrackState.LOST && p.redetect()) {
                if (!cutAway) {
                    // after a cut, move() starts the scan from where the target was last confident
                    startScan(cx, cy);
                }
                // after a cut the scan windows start at once: the target's motion says nothing any more
                lostRun = cutAway ? p.lostFrames() : 0;
                cutSinceFound = cutAway;
                pending = false;
            }
        }
        if (state == TrackState.LOST) {
            lostRun++;
        }
        return state;
    }

    /**
     * Moves the box by this frame's prediction (offset and size in frame pixels), its size smoothed at {@code
     * rate}. A target lost at the frame border has most likely left the view: the box holds where it left and
     * waits for it there. Lost mid-frame (blur, deformation, partial occlusion), following the best candidate
     * recovers more often than stopping. After a cut, where it was last seen with confidence is the best guess:
     * the box goes back there and the scan starts around it.
     */
    private void move(TrackState state, boolean cut, double predCx, double predCy, double predW, double predH,
                      double rate) {
        TrackerParams.Resolved p = scoring.params;
        if (cut && state == TrackState.LOST) {
            cx = lastSeen.x();
            cy = lastSeen.y();
            w = lastSeen.w();
            h = lastSeen.h();
            startScan(cx, cy);
        } else if (state != TrackState.LOST || !loss.lostAtBorder()) {
            cx = clamp(cx + predCx, 0, frameWidth);
            cy = clamp(cy + predCy, 0, frameHeight);
            w = clamp(w * (1 - rate) + predW * rate, p.minSize(), frameWidth);
            h = clamp(h * (1 - rate) + predH * rate, p.minSize(), frameHeight);
        }
    }

    /**
     * Starts a scan of the whole frame from (x, y) outwards, at the size the target had when it was last tracked
     * with confidence (the box may have shrunk onto background since).
     */
    private void startScan(double x, double y) {
        double side = scoring.exemplarSide(lastSeen.w(), lastSeen.h()) * scoring.card.instanceSize() / scoring.card.exemplarSize();
        double coverage = (scoring.size - 1) * scoring.card.stride() * side / scoring.card.instanceSize();
        schedule = new ScanSchedule(frameWidth, frameHeight, coverage, x, y);
    }

    /**
     * Offers scan window {@code k}'s best cell (probability times the size-change penalty, no cosine window: the
     * target may be anywhere in it) as a candidate; {@code features} are the window's backbone features, {@code
     * frame} the frame it was cropped from.
     */
    void scanCandidate(int k, FloatBuffer scores, FloatBuffer boxes, FloatBuffer features, Mat frame) {
        int cells = scoring.cells;
        double targetSize = Scoring.sizeWithContext(lastSeen.w() * scanScale, lastSeen.h() * scanScale);
        int best = scoring.bestUnwindowedCell(scores, boxes, targetSize, lastSeen.w() / lastSeen.h());
        double bestProb = scoring.probability(scores, best);
        if (bestProb >= scoring.params.lostThreshold()) {
            double dx = (scoring.pointX[best] + (boxes.get(2 * cells + best) - boxes.get(best)) / 2) / scanScale;
            double dy = (scoring.pointY[best] + (boxes.get(3 * cells + best) - boxes.get(cells + best)) / 2) / scanScale;
            offerScanCandidate(frame, scanCx[k] + dx, scanCy[k] + dy, bestProb,
                    similarityAt(features, dx, dy, scanScale));
        }
    }

    /**
     * Similarity with the target of the box at offset (dx, dy) frame pixels from the centre of a search window
     * cropped at {@code cropScale} crop pixels per frame pixel.
     */
    private double similarityAt(FloatBuffer features, double dx, double dy, double cropScale) {
        double half = scoring.card.instanceSize() / 2.0;
        return searchEmbedding.similarity(features, half + dx * cropScale, half + dy * cropScale, targetEmbedding);
    }

    /**
     * Keeps the own window's best box (offered first each frame), centred at (x, y), as this frame's candidate when
     * it lies within the target's reach ({@link MotionPrior}; anywhere after a cut) and {@code passes} the tracked
     * box's own test (its similarity has not fallen by {@link #SIMILARITY_DROP}, its colours). That test is enough
     * while the loss is young (before the scan windows start, and not after an abrupt loss), where the target was
     * last tracked with confidence in the view of that frame ({@link LastSeen#here}), and once its window has
     * followed it steadily ({@link LossState#followedSteadily}); otherwise its similarity must also come within
     * {@link #VERIFY_MARGIN} of the target's confident level, and, like a scan window's candidate, it is taken only
     * when found again on the next frame: a look-alike that strays into the window passes that test on single
     * frames, the target on frame after frame.
     */
    private void offerOwnWindow(double x, double y, double score, double similarity, boolean passes) {
        boolean strict = (scanning() || loss.abrupt()) && !lastSeen.here(x, y) && !loss.followedSteadily();
        if (passes && (cutSinceFound || lastSeen.reaches(x, y))
                && (!strict || appearance.resembles(similarity, VERIFY_MARGIN))) {
            keepCandidate(x, y, score, false, strict);
        }
    }

    /**
     * Keeps a scan window's best cell, centred at (x, y), as this frame's candidate unless the own window's is kept:
     * when it beats the scan candidate kept so far, lies within the target's reach (anywhere after a cut) and comes
     * within {@link #VERIFY_MARGIN} of the target's confident level (the embedding, then the colours, measured only
     * for a candidate that got this far).
     */
    private void offerScanCandidate(Mat frame, double x, double y, double score, double similarity) {
        boolean ownWindowKept = candidateScore >= 0 && !candidateFromScan;
        if (!ownWindowKept && score > candidateScore && (cutSinceFound || lastSeen.reaches(x, y))
                && appearance.passes(frame, x, y, lastSeen.w(), lastSeen.h(), similarity, VERIFY_MARGIN)) {
            keepCandidate(x, y, score, true, true);
        }
    }

    private void keepCandidate(double x, double y, double score, boolean fromScan, boolean unconfirmed) {
        candidateCx = clamp(x, 0, frameWidth);
        candidateCy = clamp(y, 0, frameHeight);
        candidateScore = score;
        candidateFromScan = fromScan;
        candidateUnconfirmed = unconfirmed;
    }

    /**
     * Acts on this frame's verified candidate. One in the normal window that passed on the tracked box's own test
     * ends LOST there: the re-acquired result. One that had to pass the strict test (every scan window's) re-acquires
     * the target only when it confirms last frame's candidate (found again within half the target's size of it);
     * otherwise it waits for the next frame's confirmation, and the answer stays with the normal window (a single
     * match moves nothing). Null while LOST.
     */
    TargetResult takeCandidate() {
        boolean confirms = pending && candidateUnconfirmed && candidateScore >= 0
                && Math.hypot(candidateCx - pendingCx, candidateCy - pendingCy) <= lastSeen.side() / 2;
        pending = candidateScore >= 0 && candidateUnconfirmed && !confirms;
        if (pending) {
            pendingCx = candidateCx;
            pendingCy = candidateCy;
        }
        if (candidateScore < 0 || candidateUnconfirmed && !confirms) {
            return null;
        }
        cx = candidateCx;
        cy = candidateCy;
        if (candidateFromScan) {
            w = lastSeen.w();
            h = lastSeen.h();
        }
        loss.found();
        appearance.distrust(VERIFY_MARGIN);
        schedule = null;
        pending = false;
        cutSinceFound = false;
        return new TargetResult(id, Box.ofCenter(cx, cy, w, h), candidateScore, TrackState.TRACKING, true);
    }

    /** Search region and score map of the last update (null before the first). */
    DebugInfo debugInfo() {
        return searchSide <= 0 ? null : scoring.debugInfo(searchCx, searchCy, searchSide, probability);
    }

    private static double clamp(double v, double lo, double hi) {
        return Math.max(lo, Math.min(hi, v));
    }
}
