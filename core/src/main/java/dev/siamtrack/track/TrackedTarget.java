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

    /** Weight of a new frame in the running mean of the tracked box's similarity. */
    static final double SIMILARITY_RATE = 0.1;
    /**
     * How far below its confident level a candidate from a scan window (away from where the target was) may be
     * in similarity, as a share of the distance from the model's verification threshold to 1 (models differ in
     * how their similarities spread: NanoTrack v2's threshold is 0.84, ours 0.557).
     */
    static final double VERIFY_MARGIN = 0.5;
    /**
     * A fall of the tracked box's similarity by this share of that distance or more: it is not the target. A
     * candidate in the target's own search window that has not fallen this far is the target again.
     */
    static final double SIMILARITY_DROP = 1.0;
    /**
     * Colour distance (1 - Bhattacharyya coefficient with the first frame's colours, {@link TargetColour}) a
     * candidate may have beyond {@link #COLOUR_SPREAD} times the target's own mean distance while tracked with
     * confidence: a target whose colours hold steady must come back in those colours (a look-alike in other
     * colours is turned away, which the embedding alone does not do), one whose colours vary (lighting,
     * turning, a box that takes in background) is allowed correspondingly more.
     */
    static final double COLOUR_MARGIN = 0.1;
    static final double COLOUR_SPREAD = 6;
    /**
     * How much faster than its recent mean speed on confident frames a LOST target may have moved: a candidate
     * farther from the last confident position than the target's size plus this many times the distance at that
     * speed over the frames since is a look-alike, however well it matches.
     */
    static final double SPEED_SLACK = 2;

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

    // Re-detection (TrackerParams.redetect): the target's embedding (from its template) and colours, how similar
    // the tracked box was to them on confident frames, where a LOST target is searched for, and this frame's best
    // verified candidate (centre, score, and whether a scan window found it).
    private final SearchEmbedding searchEmbedding;
    private final float[] targetEmbedding;
    /** The target's colour on its first frame; null without re-detection. */
    private final TargetColour colour;
    /** Running mean of the tracked box's similarity on TRACKING frames inside the frame; NaN before the first. */
    private double confidentSimilarity = Double.NaN;
    /** Running mean of the tracked box's colour distance on the same frames; NaN before the first. */
    private double confidentColourDistance = Double.NaN;
    /** Size of the box on the last TRACKING frame: a LOST target is searched for at this size. */
    private double confidentW;
    private double confidentH;
    /** Centre of the box on the last TRACKING frame, the frames since it, and the running mean speed there. */
    private double confidentCx;
    private double confidentCy;
    private int sinceConfident;
    /** NaN before the second confident frame. */
    private double confidentSpeed = Double.NaN;
    private ScanSchedule schedule;
    /** LOST frames reported since the target was last found; scan windows start after {@code lostFrames} of them. */
    private int lostRun;
    /** Whether the target became LOST at once (score and similarity fell together: it vanished). */
    private boolean abruptLoss;
    /** Whether a cut came since the target was last found: its motion before says nothing of where it is now. */
    private boolean cutSinceFound;
    /** Scale and side of this frame's scan windows: at the size the target had on its last TRACKING frame. */
    private double scanScale;
    private double scanSide;
    private final double[] scanCx;
    private final double[] scanCy;
    private double candidateCx;
    private double candidateCy;
    /** Score of this frame's best verified candidate; negative when there is none. */
    private double candidateScore;
    private boolean candidateFromScan;
    /**
     * A scan window's verified candidate of the last frame, not yet acted on: this frame's first scan window is
     * centred on it, and only a verified candidate there again re-acquires the target.
     */
    private boolean pending;
    private double pendingCx;
    private double pendingCy;

    /** {@code searchEmbedding} is null when the target is not re-detected (no verification). */
    TrackedTarget(String id, Scoring scoring, Mat frame, Box box, SearchEmbedding searchEmbedding, int embeddingSize) {
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
        confidentW = w;
        confidentH = h;
        confidentCx = cx;
        confidentCy = cy;
        colour = searchEmbedding == null ? null : new TargetColour(frame, cx, cy, w, h);
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

    /** Where the target's embedding (pooled from its template at {@code add}) is written. */
    float[] targetEmbedding() {
        return targetEmbedding;
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
        candidateScore = -1;
        sinceConfident++;
        preprocessor.crop(frame, cx, cy, searchSide, scoring.card.instanceSize(), padBgr, dst);
    }

    /** Whether the target is LOST and re-detected: only a verified candidate ends LOST. */
    boolean redetecting() {
        return lost && schedule != null;
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
            double side = exemplarSide(confidentW, confidentH);
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

    private double exemplarSide() {
        return exemplarSide(w, h);
    }

    private double exemplarSide(double width, double height) {
        double p = scoring.params.contextAmount() * (width + height);
        return Math.sqrt((width + p) * (height + p));
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
        int best = 0;
        double bestPscore = Double.NEGATIVE_INFINITY;
        double bestPenalty = 0;
        for (int k = 0; k < cells; k++) {
            double prob = scoring.probability(scores, k);
            probability[k] = (float) prob;
            double penalty = scoring.cellPenalty(boxes, k, targetSize, targetRatio);
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

        double similarity = searchEmbedding == null ? Double.NaN
                : similarityAt(features, predCx, predCy, scale);
        TrackState state;
        if (redetecting()) {
            if (cut) {
                // Another shot: a candidate from before it is void, and the target may be anywhere now.
                pending = false;
                abruptLoss = true;
                cutSinceFound = true;
                lostRun = Math.max(lostRun, p.lostFrames());
            }
            // Only a verified candidate ends LOST (see MultiTargetTracker); the normal window's best is one.
            offerCandidate(frame, cx + predCx, cy + predCy, score, similarity, false);
            state = TrackState.LOST;
        } else {
            // A low score where the box still passes the tracked box's own test (its similarity has not fallen
            // by SIMILARITY_DROP, the target's colours) is the classifier's doubt, not a loss.
            boolean verified = score < p.lostThreshold() && !Double.isNaN(confidentSimilarity)
                    && similarity >= acceptedSimilarity(SIMILARITY_DROP)
                    && 1 - colour.similarity(frame, cx + predCx, cy + predCy, confidentW, confidentH)
                    <= acceptedColourDistance();
            boolean cutAway = cut && !(similarity >= acceptedSimilarity(VERIFY_MARGIN)
                    && 1 - colour.similarity(frame, cx + predCx, cy + predCy, confidentW, confidentH)
                    <= acceptedColourDistance());
            state = cutAway ? loseAtOnce() : updateState(score, similarity, verified);
            if (state == TrackState.LOST && p.redetect()) {
                startScan(cx, cy);
                // after a cut the scan windows start at once: the target's motion says nothing any more
                lostRun = cutAway ? p.lostFrames() : 0;
                cutSinceFound = cutAway;
                pending = false;
            }
        }
        if (state == TrackState.LOST) {
            lostRun++;
        }
        // A target lost at the frame border has most likely left the view: hold the box where it left and
        // wait for it there. Lost mid-frame (blur, deformation, partial occlusion), following the best
        // candidate recovers more often than stopping. After a cut, where it was last seen with confidence is
        // the best guess: the box goes back there and the scan starts around it.
        if (cut && state == TrackState.LOST) {
            cx = confidentCx;
            cy = confidentCy;
            w = confidentW;
            h = confidentH;
            startScan(cx, cy);
        } else if (state != TrackState.LOST || !lostAtBorder) {
            double rate = bestPenalty * score * p.lr();
            cx = clamp(cx + predCx, 0, frameWidth);
            cy = clamp(cy + predCy, 0, frameHeight);
            w = clamp(w * (1 - rate) + predW * rate, p.minSize(), frameWidth);
            h = clamp(h * (1 - rate) + predH * rate, p.minSize(), frameHeight);
        }
        if (state == TrackState.TRACKING) {
            double step = Math.hypot(cx - confidentCx, cy - confidentCy) / sinceConfident;
            confidentSpeed = Double.isNaN(confidentSpeed) ? step
                    : confidentSpeed + SIMILARITY_RATE * (step - confidentSpeed);
            confidentCx = cx;
            confidentCy = cy;
            sinceConfident = 0;
            confidentW = w;
            confidentH = h;
            // A box reaching past the border is embedded with padding: its similarity says less.
            if (!Double.isNaN(similarity) && !atBorder()) {
                confidentSimilarity = Double.isNaN(confidentSimilarity) ? similarity
                        : confidentSimilarity + SIMILARITY_RATE * (similarity - confidentSimilarity);
                double distance = 1 - colour.similarity(frame, cx, cy, w, h);
                confidentColourDistance = Double.isNaN(confidentColourDistance) ? distance
                        : confidentColourDistance + SIMILARITY_RATE * (distance - confidentColourDistance);
            }
        }
        return new TargetResult(id, Box.ofCenter(cx, cy, w, h), score, state);
    }

    /**
     * The state after a frame with this score and verification similarity (NaN without re-detection). A frame
     * counts towards LOST when its score is low and the box is not {@code verified} as the target, or the
     * tracked box no longer looks like the target (its similarity fell far below the confident level); both at
     * once, an abrupt change (the target vanished or the scene cut), make it LOST at once.
     */
    private TrackState updateState(double score, double similarity, boolean verified) {
        TrackerParams.Resolved p = scoring.params;
        boolean unlike = similarity < confidentSimilarity - SIMILARITY_DROP * (1 - p.verifyThreshold());
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
        if (score < p.lostThreshold() && !verified || unlike) {
            lowScoreRun++;
            if (lowScoreRun >= p.lostFrames() || (unlike && score < p.lostThreshold())) {
                lost = true;
                abruptLoss = lowScoreRun < p.lostFrames();
                return TrackState.LOST;
            }
        } else {
            lowScoreRun = 0;
        }
        return score < p.uncertainThreshold() ? TrackState.UNCERTAIN : TrackState.TRACKING;
    }

    /**
     * Starts a scan of the whole frame from (x, y) outwards, at the size the target had when it was last tracked
     * with confidence (the box may have shrunk onto background since).
     */
    private void startScan(double x, double y) {
        double side = exemplarSide(confidentW, confidentH) * scoring.card.instanceSize() / scoring.card.exemplarSize();
        double coverage = (scoring.size - 1) * scoring.card.stride() * side / scoring.card.instanceSize();
        schedule = new ScanSchedule(frameWidth, frameHeight, coverage, x, y);
    }

    /** LOST at once, as after an abrupt change: a candidate must then pass the re-detection check. */
    private TrackState loseAtOnce() {
        if (!lost) {
            lostAtBorder = atBorder();
        }
        lost = true;
        abruptLoss = true;
        lowScoreRun = scoring.params.lostFrames();
        return TrackState.LOST;
    }

    /**
     * Offers scan window {@code k}'s best cell (probability times the size-change penalty, no cosine window: the
     * target may be anywhere in it) as a candidate; {@code features} are the window's backbone features, {@code
     * frame} the frame it was cropped from.
     */
    void scanCandidate(int k, FloatBuffer scores, FloatBuffer boxes, FloatBuffer features, Mat frame) {
        TrackerParams.Resolved p = scoring.params;
        int cells = scoring.cells;
        double targetSize = Scoring.sizeWithContext(confidentW * scanScale, confidentH * scanScale);
        double targetRatio = confidentW / confidentH;
        int best = 0;
        double bestValue = Double.NEGATIVE_INFINITY;
        double bestProb = 0;
        for (int c = 0; c < cells; c++) {
            double prob = scoring.probability(scores, c);
            double value = prob * scoring.cellPenalty(boxes, c, targetSize, targetRatio);
            if (value > bestValue) {
                bestValue = value;
                best = c;
                bestProb = prob;
            }
        }
        if (bestProb >= p.lostThreshold()) {
            double dx = (scoring.pointX[best] + (boxes.get(2 * cells + best) - boxes.get(best)) / 2) / scanScale;
            double dy = (scoring.pointY[best] + (boxes.get(3 * cells + best) - boxes.get(cells + best)) / 2) / scanScale;
            offerCandidate(frame, scanCx[k] + dx, scanCy[k] + dy, bestProb,
                    similarityAt(features, dx, dy, scanScale), true);
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
     * Keeps (x, y) as this frame's candidate when its score reaches the LOST threshold, it passes verification
     * (the embedding, then the colours, measured only for a candidate that got this far), and it beats the
     * candidate kept so far; a verified candidate of the normal window (offered first) beats every scan
     * window's. Every candidate must lie within the target's {@link #reach}. One in the target's own search window
     * while the loss is young (before the scan windows start, and not after an abrupt loss) is verified as the
     * tracked box is (its similarity has not fallen by {@link #SIMILARITY_DROP}); any other must come within
     * {@link #VERIFY_MARGIN} of the target's confident level.
     */
    private void offerCandidate(Mat frame, double x, double y, double score, double similarity, boolean fromScan) {
        boolean normalWindowKept = candidateScore >= 0 && !candidateFromScan;
        double margin = fromScan || scanning() || abruptLoss ? VERIFY_MARGIN : SIMILARITY_DROP;
        if (!normalWindowKept && score >= scoring.params.lostThreshold() && score > candidateScore
                && Math.hypot(x - confidentCx, y - confidentCy) <= reach()
                && similarity >= acceptedSimilarity(margin)
                && 1 - colour.similarity(frame, x, y, confidentW, confidentH) <= acceptedColourDistance()) {
            candidateCx = clamp(x, 0, frameWidth);
            candidateCy = clamp(y, 0, frameHeight);
            candidateScore = score;
            candidateFromScan = fromScan;
        }
    }

    /**
     * How far from its last confident position the target can be now: its size, plus {@link #SPEED_SLACK} times
     * its recent speed over the frames since; anywhere after a cut.
     */
    private double reach() {
        if (cutSinceFound) {
            return Double.POSITIVE_INFINITY;
        }
        double speed = Double.isNaN(confidentSpeed) ? 0 : confidentSpeed;
        return Math.max(confidentW, confidentH) + SPEED_SLACK * speed * sinceConfident;
    }

    /**
     * The similarity a candidate needs: close to what the target itself scored while tracked with confidence
     * (a stranger scores much lower), within {@code margin} times the distance from the model's threshold to 1;
     * the model's threshold before the target was ever tracked with confidence.
     */
    private double acceptedSimilarity(double margin) {
        double threshold = scoring.params.verifyThreshold();
        return Double.isNaN(confidentSimilarity) ? threshold : confidentSimilarity - margin * (1 - threshold);
    }

    /**
     * The colour distance a candidate may have (see {@link #COLOUR_MARGIN}); the margin alone before any
     * confident frame.
     */
    private double acceptedColourDistance() {
        return COLOUR_MARGIN + (Double.isNaN(confidentColourDistance) ? 0 : COLOUR_SPREAD * confidentColourDistance);
    }

    /**
     * Acts on this frame's verified candidate. One in the normal window ends LOST there: the re-acquired result.
     * One in a scan window re-acquires the target only when it confirms last frame's scan candidate (found
     * again in the window centred on it); otherwise it waits for the next frame's confirmation, and the answer
     * stays with the normal window (a single match far away moves nothing). Null while LOST.
     */
    TargetResult takeCandidate() {
        boolean confirms = pending && candidateFromScan && candidateScore >= 0
                && Math.hypot(candidateCx - pendingCx, candidateCy - pendingCy) <= Math.max(confidentW, confidentH) / 2;
        pending = candidateScore >= 0 && candidateFromScan && !confirms;
        if (pending) {
            pendingCx = candidateCx;
            pendingCy = candidateCy;
        }
        if (candidateScore < 0 || candidateFromScan && !confirms) {
            return null;
        }
        cx = candidateCx;
        cy = candidateCy;
        if (candidateFromScan) {
            w = confidentW;
            h = confidentH;
        }
        lost = false;
        lowScoreRun = 0;
        schedule = null;
        pending = false;
        cutSinceFound = false;
        return new TargetResult(id, Box.ofCenter(cx, cy, w, h), candidateScore, TrackState.TRACKING, true);
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
