package dev.siamtrack.track;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_core.mean;

import dev.siamtrack.geom.Box;
import dev.siamtrack.model.ModelCard;
import dev.siamtrack.model.ModelException;
import dev.siamtrack.model.SiameseModel;
import java.nio.FloatBuffer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;

/**
 * The Siamese tracker: the template is embedded once at {@link #init}; every {@link #update} crops the search
 * region around the last position, embeds it with the same backbone, runs the correlation head, and picks
 * the best cell of the score map after a cosine window and a scale/aspect-ratio change penalty.
 *
 * <p>The reported score is the classifier's probability at the chosen cell (not the window-inflated value
 * used to choose it), so it falls when the target disappears; a run of low scores turns the state to LOST.
 * A target lost at the frame border is waited for where it left; one lost mid-frame is still followed.
 */
public final class SiameseTracker implements Tracker, DebugInfoProvider {

    /** Tuning knobs with sensible defaults; NaN hyper-parameters mean "take the model card's value". */
    public static final class Params {
        /** Context added around the target: p = contextAmount * (w + h). */
        public double contextAmount = 0.5;
        public double windowInfluence = Double.NaN;
        public double penaltyK = Double.NaN;
        public double lr = Double.NaN;
        /** Scores below this count towards LOST; while LOST, a score at or above it re-acquires the target (NaN: the model card's value, calibrated per model). */
        public double lostThreshold = Double.NaN;
        /** Consecutive low-score frames before the state becomes LOST. */
        public int lostFrames = 3;
        /** Scores below this are reported as UNCERTAIN (NaN: the model card's value). */
        public double uncertainThreshold = Double.NaN;
        /** Smallest box side in pixels. */
        public double minSize = 10;

        public Params copy() {
            Params p = new Params();
            p.contextAmount = contextAmount;
            p.windowInfluence = windowInfluence;
            p.penaltyK = penaltyK;
            p.lr = lr;
            p.lostThreshold = lostThreshold;
            p.lostFrames = lostFrames;
            p.uncertainThreshold = uncertainThreshold;
            p.minSize = minSize;
            return p;
        }
    }

    /** Nanoseconds spent in each stage of the last {@link #update}: for {@code bench}. */
    public static final class StageTimes {
        public long crop;
        public long backbone;
        public long head;
        public long post;
    }

    private final SiameseModel model;
    private final CropPreprocessor preprocessor;
    private final ModelCard card;
    private final Params params;
    private final double windowInfluence;
    private final double penaltyK;
    private final double lr;
    private final double lostThreshold;
    private final double uncertainThreshold;
    private final int cells;
    private final float[] window;
    private final float[] pointX;
    private final float[] pointY;
    private final float[] probability;
    private final double[] padBgr = new double[3];
    private final StageTimes times = new StageTimes();

    private double cx;
    private double cy;
    private double w;
    private double h;
    private int frameWidth;
    private int frameHeight;
    private int lowScoreRun;
    private boolean lost;
    private boolean initialised;
    private double searchSide;
    private double searchCx;
    private double searchCy;
    private boolean lostAtBorder;

    /** Whether the current box reaches past the frame border: the target is partly out of view. */
    private boolean atBorder() {
        return cx - w / 2 < 0 || cy - h / 2 < 0 || cx + w / 2 > frameWidth || cy + h / 2 > frameHeight;
    }

    public SiameseTracker(SiameseModel model, CropPreprocessor preprocessor, Params params) {
        this.model = model;
        this.preprocessor = preprocessor;
        this.card = model.card();
        this.params = params.copy();
        this.windowInfluence = Double.isNaN(params.windowInfluence) ? card.windowInfluence() : params.windowInfluence;
        this.penaltyK = Double.isNaN(params.penaltyK) ? card.penaltyK() : params.penaltyK;
        this.lr = Double.isNaN(params.lr) ? card.lr() : params.lr;
        this.lostThreshold = Double.isNaN(params.lostThreshold) ? card.lostThreshold() : params.lostThreshold;
        this.uncertainThreshold = Double.isNaN(params.uncertainThreshold)
                ? Math.max(card.uncertainThreshold(), lostThreshold) : params.uncertainThreshold;
        int s = card.scoreSize();
        this.cells = s * s;
        this.window = new float[cells];
        this.pointX = new float[cells];
        this.pointY = new float[cells];
        this.probability = new float[cells];
        for (int i = 0; i < s; i++) {
            for (int j = 0; j < s; j++) {
                int k = i * s + j;
                window[k] = (float) (hanning(i, s) * hanning(j, s));
                pointX[k] = card.gridOrigin() + j * card.stride();
                pointY[k] = card.gridOrigin() + i * card.stride();
            }
        }
    }

    /** numpy.hanning(n)[i]: 0.5 - 0.5 cos(2 pi i / (n - 1)). */
    static double hanning(int i, int n) {
        return n == 1 ? 1 : 0.5 - 0.5 * Math.cos(2 * Math.PI * i / (n - 1));
    }

    @Override
    public String name() {
        return "siamtrack@" + card.name();
    }

    public SiameseModel model() {
        return model;
    }

    /** The crop implementation in use (native or opencv). */
    public String cropName() {
        return preprocessor.name();
    }

    /** Stage timings of the last update (overwritten by the next one). */
    public StageTimes stageTimes() {
        return times;
    }

    /** The search region of the last update, in frame pixels (square), for debug overlays. */
    public Box searchRegion() {
        return Box.ofCenter(searchCx, searchCy, searchSide, searchSide);
    }

    /** Search region and score map of the last update; score cells are centred at gridOrigin + i * stride crop pixels. */
    @Override
    public DebugInfo debugInfo() {
        if (searchSide <= 0) {
            return null;
        }
        Box search = searchRegion();
        double framePerCrop = search.w() / card.instanceSize();
        double first = (card.gridOrigin() - card.stride() / 2.0) * framePerCrop;
        double side = card.scoreSize() * card.stride() * framePerCrop;
        Box scores = new Box(search.cx() + first, search.cy() + first, side, side);
        return new DebugInfo(search, scores, probability, card.scoreSize(), card.scoreSize());
    }

    /** Per-cell target probability of the last update, row-major S x S; do not modify. */
    public float[] scoreMap() {
        return probability;
    }

    public int scoreMapSize() {
        return card.scoreSize();
    }

    @Override
    public void init(Mat frame, Box box) {
        checkFrame(frame);
        if (box.isAbsent() || !(box.w() > 0) || !(box.h() > 0)) {
            throw new IllegalArgumentException("init box " + box + " must have a positive width and height");
        }
        if (box.x() + box.w() <= 0 || box.y() + box.h() <= 0 || box.x() >= frame.cols() || box.y() >= frame.rows()) {
            throw new IllegalArgumentException("init box " + box + " lies outside the " + frame.cols() + "x"
                    + frame.rows() + " frame");
        }
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
        double exemplarSide = Math.round(exemplarSide());
        preprocessor.crop(frame, cx, cy, exemplarSide, card.exemplarSize(), padBgr, model.templateInput());
        runModel(model::embedTemplate);
        lowScoreRun = 0;
        lost = false;
        initialised = true;
    }

    private double exemplarSide() {
        double p = params.contextAmount * (w + h);
        return Math.sqrt((w + p) * (h + p));
    }

    @Override
    public TrackResult update(Mat frame) {
        if (!initialised) {
            throw new IllegalStateException("update() called before init()");
        }
        checkFrame(frame);
        long t0 = System.nanoTime();
        double sz = exemplarSide();
        double scale = card.exemplarSize() / sz;
        searchSide = sz * card.instanceSize() / card.exemplarSize();
        searchCx = cx;
        searchCy = cy;
        preprocessor.crop(frame, cx, cy, searchSide, card.instanceSize(), padBgr, model.searchInput());
        long t1 = System.nanoTime();
        runModel(model::embedSearch);
        long t2 = System.nanoTime();
        runModel(model::runHead);
        long t3 = System.nanoTime();
        TrackResult result = postProcess(scale);
        long t4 = System.nanoTime();
        times.crop = t1 - t0;
        times.backbone = t2 - t1;
        times.head = t3 - t2;
        times.post = t4 - t3;
        return result;
    }

    private TrackResult postProcess(double scale) {
        FloatBuffer scores = model.scores();
        FloatBuffer boxes = model.boxes();
        boolean sigmoid = model.scoreChannels() == 1;
        double targetSize = sizeWithContext(w * scale, h * scale);
        double targetRatio = w / h;
        int best = 0;
        double bestPscore = Double.NEGATIVE_INFINITY;
        double bestPenalty = 0;
        for (int k = 0; k < cells; k++) {
            double prob;
            if (sigmoid) {
                prob = 1 / (1 + Math.exp(-scores.get(k)));
            } else {
                double background = scores.get(k);
                double target = scores.get(cells + k);
                prob = 1 / (1 + Math.exp(background - target));
            }
            probability[k] = (float) prob;
            double bw = boxes.get(k) + boxes.get(2 * cells + k);
            double bh = boxes.get(cells + k) + boxes.get(3 * cells + k);
            double penalty = penalty(bw, bh, targetSize, targetRatio, penaltyK);
            double pscore = penalty * prob * (1 - windowInfluence) + window[k] * windowInfluence;
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
        double predCx = (pointX[best] + (right - left) / 2) / scale;
        double predCy = (pointY[best] + (bottom - top) / 2) / scale;
        double predW = (left + right) / scale;
        double predH = (top + bottom) / scale;

        TrackState state = updateState(score);
        // A target lost at the frame border has most likely left the view: hold the box where it left and
        // wait for it there. Lost mid-frame (blur, deformation, partial occlusion), following the best
        // candidate recovers more often than stopping.
        if (state != TrackState.LOST || !lostAtBorder) {
            double rate = bestPenalty * score * lr;
            cx = clamp(cx + predCx, 0, frameWidth);
            cy = clamp(cy + predCy, 0, frameHeight);
            w = clamp(w * (1 - rate) + predW * rate, params.minSize, frameWidth);
            h = clamp(h * (1 - rate) + predH * rate, params.minSize, frameHeight);
        }
        return new TrackResult(Box.ofCenter(cx, cy, w, h), score, state);
    }

    private TrackState updateState(double score) {
        if (!lost) {
            lostAtBorder = atBorder();
        }
        if (lost) {
            if (score >= lostThreshold) {
                lost = false;
                lowScoreRun = 0;
            } else {
                return TrackState.LOST;
            }
        }
        if (score < lostThreshold) {
            lowScoreRun++;
            if (lowScoreRun >= params.lostFrames) {
                lost = true;
                return TrackState.LOST;
            }
        } else {
            lowScoreRun = 0;
        }
        return score < uncertainThreshold ? TrackState.UNCERTAIN : TrackState.TRACKING;
    }

    /**
     * exp(-(r * s - 1) * k) with s the change of the context-padded size and r the change of aspect ratio,
     * both as max(x, 1/x), measured against the current target size in crop pixels.
     */
    static double penalty(double predW, double predH, double targetSize, double targetRatio, double penaltyK) {
        double s = change(sizeWithContext(predW, predH) / targetSize);
        double r = change(targetRatio / (predW / predH));
        return Math.exp(-(r * s - 1) * penaltyK);
    }

    static double sizeWithContext(double w, double h) {
        double pad = (w + h) * 0.5;
        return Math.sqrt((w + pad) * (h + pad));
    }

    private static double change(double r) {
        return Math.max(r, 1 / r);
    }

    private static double clamp(double v, double lo, double hi) {
        return Math.max(lo, Math.min(hi, v));
    }

    private static void checkFrame(Mat frame) {
        if (frame == null || frame.empty() || frame.type() != CV_8UC3) {
            throw new IllegalArgumentException("frames must be non-empty 8-bit BGR images");
        }
    }

    private interface ModelStep {
        void run() throws ModelException;
    }

    private static void runModel(ModelStep step) {
        try {
            step.run();
        } catch (ModelException e) {
            throw new TrackingException(e.getMessage(), e);
        }
    }

    /** Releases the model and the preprocessor (the tracker owns both). */
    @Override
    public void close() {
        preprocessor.close();
        model.close();
    }
}
