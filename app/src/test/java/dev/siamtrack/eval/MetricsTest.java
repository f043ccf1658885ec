package dev.siamtrack.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.siamtrack.geom.Box;
import java.util.List;
import org.junit.jupiter.api.Test;

class MetricsTest {

    private static final double EPS = 1e-12;
    private static final Box GT = new Box(10, 10, 20, 20);

    @Test
    void overlapFollowsPysotConventions() {
        assertEquals(1, Metrics.overlap(GT, GT), EPS);
        // 10x20 intersection over 20x20 + 20x20 - 200 union
        assertEquals(1.0 / 3, Metrics.overlap(GT, new Box(20, 10, 20, 20)), EPS);
        assertEquals(0, Metrics.overlap(GT, new Box(100, 100, 5, 5)), EPS);
        assertEquals(-1, Metrics.overlap(Box.ABSENT, GT), EPS, "absent ground truth");
        assertEquals(-1, Metrics.overlap(new Box(10, 10, 0, 20), GT), EPS, "zero-width ground truth");
        assertEquals(-1, Metrics.overlap(new Box(10, 10, 20, 0), GT), EPS, "zero-height ground truth");
        assertEquals(0, Metrics.overlap(GT, Box.ABSENT), EPS, "absent prediction");
        assertEquals(0, Metrics.overlap(GT, new Box(10, 10, 0, 0)), EPS, "zero-area prediction");
    }

    @Test
    void centreErrorsUseOtbCentres() {
        // centres (x + (w-1)/2): gt (19.5, 19.5), prediction (22.5, 23.5) -> 3-4-5 triangle
        assertEquals(5, Metrics.centreError(GT, new Box(13, 14, 20, 20)), EPS);
        // a different size moves the OTB centre by half the size change
        assertEquals(5, Metrics.centreError(GT, new Box(10, 10, 26, 28)), EPS);
        assertEquals(Math.hypot(3.0 / 20, 4.0 / 20), Metrics.normalisedCentreError(GT, new Box(13, 14, 20, 20)), EPS);
        assertEquals(Double.POSITIVE_INFINITY, Metrics.centreError(Box.ABSENT, GT));
        assertEquals(Double.POSITIVE_INFINITY, Metrics.centreError(new Box(0, 0, 0, 0), GT));
        assertEquals(Double.POSITIVE_INFINITY, Metrics.normalisedCentreError(GT, Box.ABSENT));
    }

    @Test
    void successCurveIsStrictAndAucIsItsMean() {
        double[] curve = Metrics.successCurve(new double[] {1, 0.5, 0, -1});
        assertEquals(21, curve.length);
        assertEquals(0.5, curve[0], EPS, "t = 0: only overlaps > 0");
        assertEquals(0.5, curve[9], EPS, "t = 0.45");
        assertEquals(0.25, curve[10], EPS, "t = 0.5: 0.5 is not > 0.5");
        assertEquals(0.25, curve[19], EPS, "t = 0.95");
        assertEquals(0, curve[20], EPS, "t = 1: nothing is > 1");
        assertEquals((10 * 0.5 + 10 * 0.25) / 21, Metrics.mean(curve), EPS);
    }

    @Test
    void precisionCurveCountsErrorsAtMostTheThreshold() {
        double[] curve = Metrics.precisionCurve(new double[] {0, 20, 20.5, Double.POSITIVE_INFINITY},
                Metrics.PIXEL_THRESHOLDS);
        assertEquals(51, curve.length);
        assertEquals(0.25, curve[0], EPS);
        assertEquals(0.5, curve[20], EPS, "an error of exactly 20 px counts");
        assertEquals(0.75, curve[50], EPS);
        assertEquals(0.2, Metrics.NORMALISED_THRESHOLDS[20], EPS);
        assertEquals(1.0, Metrics.OVERLAP_THRESHOLDS[20], EPS);
    }

    @Test
    void sequenceScoreCountsAbsentAndZeroAreaFramesAsFailures() {
        List<Box> truth = List.of(GT, GT, Box.ABSENT, new Box(10, 10, 0, 20));
        List<Box> predicted = List.of(GT, new Box(20, 10, 20, 20), GT, GT);
        Metrics.Score s = Metrics.score(truth, predicted, 100, 100);
        // overlaps 1, 1/3, -1, -1: success 0.5 for t <= 0.30 (7 thresholds), 0.25 up to 0.95 (13), 0 at 1
        assertEquals((7 * 0.5 + 13 * 0.25) / 21, s.auc(), EPS);
        assertEquals(0.5, s.precision20(), EPS, "errors 0 and 10 px");
        assertEquals(0.25, s.normPrecision20(), EPS, "normalised errors 0 and 0.5");
        assertEquals((1 + 1.0 / 3) / 4, s.ao(), EPS);
        assertEquals(0.25, s.sr50(), EPS);
        assertEquals(0.25, s.sr75(), EPS);
        assertEquals(4, s.frames());
    }

    @Test
    void averageOverlapClipsBoxesToTheImage() {
        Box gt = new Box(90, 90, 20, 20);
        Box pred = new Box(90, 90, 10, 10);
        Metrics.Score s = Metrics.score(List.of(gt), List.of(pred), 100, 100);
        assertEquals(1, s.ao(), EPS, "both are (90,90,10,10) inside a 100x100 image");
        assertEquals((5 * 1 + 15 * 0) / 21.0, s.auc(), EPS, "unclipped IoU 0.25 for the success plot");
    }

    @Test
    void curvesAverageElementWise() {
        assertArrayEquals(new double[] {0.5, 1}, Metrics.meanCurve(List.of(new double[] {0, 1}, new double[] {1, 1})), EPS);
    }

    @Test
    void mismatchedListsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> Metrics.score(List.of(GT), List.of(), 10, 10));
    }
}
