package dev.siamtrack.track;

import org.bytedeco.opencv.opencv_core.Mat;

/**
 * What one target looks like while tracked with confidence, and the test a box must pass to be it (used only with
 * re-detection): its embedding's similarity with the target's own (from its template, see {@link SearchEmbedding})
 * and its colours' distance from the first frame's ({@link TargetColour}), each against the running mean the
 * target itself had on its confident frames. A stranger scores much lower than the target's own level; how much
 * lower a box may be depends on how sure the caller must be (a margin, as a share of the distance from the model's
 * verification threshold to 1: models differ in how their similarities spread), or the model's threshold, whichever
 * is lower.
 */
final class TargetAppearance {

    /** Weight of a new confident frame in the running means. */
    static final double RATE = 0.1;
    /**
     * Colour distance a box may have beyond {@link #COLOUR_SPREAD} times the target's own mean distance while
     * tracked with confidence: a target whose colours hold steady must come back in those colours (a look-alike in
     * other colours is turned away, which the embedding alone does not do), one whose colours vary (lighting,
     * turning, a box that takes in background) is allowed correspondingly more. Four times: at six, a target whose
     * own distance is 0.15 (a small box, a moving background) allowed any colours at all, and NanoTrack v2 took a
     * boat for a wakeboarder; at three, the default model no longer re-found targets that come back in other light
     * (docs/tracking.md has the figures).
     */
    static final double COLOUR_MARGIN = 0.1;
    static final double COLOUR_SPREAD = 4;
    /** A target probability under this says a box is more likely background than the target. */
    static final double BACKGROUND = 0.5;

    private final TargetColour colour;
    private final double verifyThreshold;
    /** Running mean of the tracked box's similarity on confident frames; NaN before the first. */
    private double similarity = Double.NaN;
    /** Running mean of the tracked box's colour distance on the same frames; NaN before the first. */
    private double colourDistance = Double.NaN;
    /** The margin a confident frame must pass within before it teaches the means again; 0 while they learn. */
    private double distrustMargin;

    /** The target's colours are those of the box centred at (cx, cy), w x h, on {@code frame}. */
    TargetAppearance(Mat frame, double cx, double cy, double w, double h, double verifyThreshold) {
        this.colour = new TargetColour(frame, cx, cy, w, h);
        this.verifyThreshold = verifyThreshold;
    }

    /** Whether the target was ever tracked with confidence (inside the frame). */
    boolean known() {
        return !Double.isNaN(similarity);
    }

    /** Whether {@code boxSimilarity} has fallen below the confident level by {@code margin} or more. */
    boolean fallen(double boxSimilarity, double margin) {
        return boxSimilarity < similarity - margin * (1 - verifyThreshold);
    }

    /**
     * Whether the box centred at (x, y), w x h, on {@code frame} with this embedding similarity passes as the
     * target within {@code margin}: the embedding first, the colours (measured only for a box that got this far).
     */
    boolean passes(Mat frame, double x, double y, double w, double h, double boxSimilarity, double margin) {
        return resembles(boxSimilarity, margin) && 1 - colour.similarity(frame, x, y, w, h) <= acceptedColourDistance();
    }

    /** Whether a box with this embedding similarity passes the embedding half of {@link #passes}. */
    boolean resembles(double boxSimilarity, double margin) {
        return boxSimilarity >= acceptedSimilarity(margin);
    }

    /**
     * Whether the box keeps the target across a cut (another shot): it passes as the target within {@code margin}
     * and the classifier, at {@code score}, does not call it background. In a new scene the box lands on whatever
     * stands where the target was; a patch whose pooled features and colours happen to resemble the target's is
     * not the target when the classifier itself sees background there.
     */
    boolean standsAfterCut(Mat frame, double x, double y, double w, double h, double score, double boxSimilarity,
                           double margin) {
        return score >= BACKGROUND && passes(frame, x, y, w, h, boxSimilarity, margin);
    }

    /**
     * The target was found again on a test that may be more lenient than {@code margin} (the tracked box's own, in
     * its own window): its confident frames teach the running means again only from the first one whose
     * similarity passes within {@code margin}. A look-alike taken so would otherwise drag the level, and with it
     * every later test, towards itself; the target itself soon looks like itself again.
     */
    void distrust(double margin) {
        distrustMargin = margin;
    }

    /**
     * Takes a confident frame's box (centred at (x, y), w x h) and similarity into the running means, unless they
     * are distrusted ({@link #distrust}) and this similarity does not pass.
     */
    void learn(Mat frame, double x, double y, double w, double h, double boxSimilarity) {
        if (distrustMargin > 0 && !resembles(boxSimilarity, distrustMargin)) {
            return;
        }
        distrustMargin = 0;
        similarity = Double.isNaN(similarity) ? boxSimilarity : similarity + RATE * (boxSimilarity - similarity);
        double distance = 1 - colour.similarity(frame, x, y, w, h);
        colourDistance = Double.isNaN(colourDistance) ? distance : colourDistance + RATE * (distance - colourDistance);
    }

    /**
     * The similarity a box needs: within {@code margin} times the distance from the model's threshold to 1 of the
     * confident level, or the model's threshold itself where that is lower (a target that matched its template
     * closely on its confident frames is not held to more than the model's own same-object test); the model's
     * threshold before the target was ever tracked with confidence.
     */
    private double acceptedSimilarity(double margin) {
        return Double.isNaN(similarity) ? verifyThreshold
                : Math.min(verifyThreshold, similarity - margin * (1 - verifyThreshold));
    }

    /** The colour distance a box may have; the margin alone before any confident frame. */
    private double acceptedColourDistance() {
        return COLOUR_MARGIN + (Double.isNaN(colourDistance) ? 0 : COLOUR_SPREAD * colourDistance);
    }
}
