package dev.siamtrack.eval;

import dev.siamtrack.geom.Box;
import java.util.Arrays;
import java.util.List;

/**
 * Benchmark-standard accuracy figures for one sequence (OTB/pysot success and precision, GOT-10k AO/SR).
 *
 * <p>Conventions, as in pysot's OPE benchmark: every frame of the sequence counts, the first (init) frame
 * included with the init box as its prediction; a frame whose ground truth is absent (NaN) or has zero
 * width or height is scored as IoU -1 and infinite centre error, i.e. a failure at every threshold; the
 * denominator is always the number of frames. AO and SR use the same frames with both boxes clipped to the
 * image (GOT-10k) and a failed frame counting as overlap 0.
 */
public final class Metrics {

    /** Overlap thresholds 0, 0.05, ..., 1 of the success plot. */
    public static final double[] OVERLAP_THRESHOLDS = steps(21, 20.0);
    /** Centre-error thresholds 0..50 px of the precision plot. */
    public static final double[] PIXEL_THRESHOLDS = steps(51, 1.0);
    /** Normalised centre-error thresholds 0, 0.01, ..., 0.5. */
    public static final double[] NORMALISED_THRESHOLDS = steps(51, 100.0);

    private static final int PRECISION_INDEX = 20;      // 20 px
    private static final int NORM_PRECISION_INDEX = 20; // 0.20 of the target size

    private Metrics() {
    }

    /** Scores of one tracker on one sequence: headline values plus the curves behind them. */
    public record Score(int frames, double auc, double precision20, double normPrecision20,
                        double ao, double sr50, double sr75,
                        double[] success, double[] precision, double[] normPrecision) {
    }

    /** Scores predictions against ground truth frame by frame; both lists have one box per frame. */
    public static Score score(List<Box> truth, List<Box> predicted, int imageWidth, int imageHeight) {
        if (truth.size() != predicted.size() || truth.isEmpty()) {
            throw new IllegalArgumentException("need one prediction per ground-truth frame, got "
                    + predicted.size() + " for " + truth.size());
        }
        int n = truth.size();
        double[] overlaps = new double[n];
        double[] errors = new double[n];
        double[] normErrors = new double[n];
        double[] clipped = new double[n];
        for (int i = 0; i < n; i++) {
            Box gt = truth.get(i);
            Box pred = predicted.get(i);
            overlaps[i] = overlap(gt, pred);
            errors[i] = centreError(gt, pred);
            normErrors[i] = normalisedCentreError(gt, pred);
            clipped[i] = Math.max(0, overlap(gt.clip(imageWidth, imageHeight), pred.clip(imageWidth, imageHeight)));
        }
        double[] success = successCurve(overlaps);
        double[] precision = precisionCurve(errors, PIXEL_THRESHOLDS);
        double[] normPrecision = precisionCurve(normErrors, NORMALISED_THRESHOLDS);
        return new Score(n, mean(success), precision[PRECISION_INDEX], normPrecision[NORM_PRECISION_INDEX],
                mean(clipped), fractionAbove(clipped, 0.5), fractionAbove(clipped, 0.75),
                success, precision, normPrecision);
    }

    /** Ground truth that can be scored: present and with positive width and height. */
    public static boolean isValid(Box truth) {
        return !truth.isAbsent() && truth.w() > 0 && truth.h() > 0;
    }

    /** IoU in [0, 1]; -1 when the ground truth is not valid; 0 when the prediction is absent or empty. */
    public static double overlap(Box truth, Box predicted) {
        if (!isValid(truth)) {
            return -1;
        }
        if (!isValid(predicted)) {
            return 0;
        }
        return Math.max(0, Math.min(1, truth.iou(predicted)));
    }

    /** Distance between OTB centres (x + (w-1)/2, y + (h-1)/2); infinite when either box is unusable. */
    public static double centreError(Box truth, Box predicted) {
        if (!isValid(truth) || predicted.isAbsent()) {
            return Double.POSITIVE_INFINITY;
        }
        return Math.hypot(centreX(predicted) - centreX(truth), centreY(predicted) - centreY(truth));
    }

    /** Centre error with x divided by the ground-truth width and y by its height (pysot's normalised precision). */
    public static double normalisedCentreError(Box truth, Box predicted) {
        if (!isValid(truth) || predicted.isAbsent()) {
            return Double.POSITIVE_INFINITY;
        }
        return Math.hypot((centreX(predicted) - centreX(truth)) / truth.w(),
                (centreY(predicted) - centreY(truth)) / truth.h());
    }

    /** success(t) = fraction of frames whose overlap is strictly above t, for each of the 21 thresholds. */
    public static double[] successCurve(double[] overlaps) {
        double[] curve = new double[OVERLAP_THRESHOLDS.length];
        for (int t = 0; t < curve.length; t++) {
            curve[t] = fractionAbove(overlaps, OVERLAP_THRESHOLDS[t]);
        }
        return curve;
    }

    /** precision(t) = fraction of frames whose error is at most t. */
    public static double[] precisionCurve(double[] errors, double[] thresholds) {
        double[] curve = new double[thresholds.length];
        for (int t = 0; t < curve.length; t++) {
            int hits = 0;
            for (double e : errors) {
                if (e <= thresholds[t]) {
                    hits++;
                }
            }
            curve[t] = (double) hits / errors.length;
        }
        return curve;
    }

    public static double mean(double[] values) {
        return Arrays.stream(values).average().orElse(Double.NaN);
    }

    /** Element-wise mean of equally long curves (the dataset curve is the mean over sequences). */
    public static double[] meanCurve(List<double[]> curves) {
        double[] sum = new double[curves.get(0).length];
        for (double[] c : curves) {
            for (int i = 0; i < sum.length; i++) {
                sum[i] += c[i];
            }
        }
        for (int i = 0; i < sum.length; i++) {
            sum[i] /= curves.size();
        }
        return sum;
    }

    private static double fractionAbove(double[] values, double threshold) {
        int hits = 0;
        for (double v : values) {
            if (v > threshold) {
                hits++;
            }
        }
        return (double) hits / values.length;
    }

    private static double centreX(Box b) {
        return b.x() + (b.w() - 1) / 2;
    }

    private static double centreY(Box b) {
        return b.y() + (b.h() - 1) / 2;
    }

    private static double[] steps(int count, double divisor) {
        double[] t = new double[count];
        for (int i = 0; i < count; i++) {
            t[i] = i / divisor;
        }
        return t;
    }
}
