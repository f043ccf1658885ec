package dev.siamtrack.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class RocTest {

    private static Roc.Scored same(double s) {
        return new Roc.Scored(s, true);
    }

    private static Roc.Scored different(double s) {
        return new Roc.Scored(s, false);
    }

    @Test
    void curveAreaAndEqualErrorRateByHand() {
        // sorted: 0.9 S, 0.8 S, 0.8 D (tie), 0.7 D, 0.4 S, 0.3 D; 3 same, 3 different
        List<Roc.Scored> pairs = List.of(same(0.9), different(0.7), same(0.4), different(0.3), same(0.8), different(0.8));
        Roc roc = Roc.of(pairs);
        assertArrayEquals(new double[] {0, 0, 1.0 / 3, 2.0 / 3, 2.0 / 3, 1}, roc.fpr(), 1e-12);
        assertArrayEquals(new double[] {0, 1.0 / 3, 2.0 / 3, 2.0 / 3, 1, 1}, roc.tpr(), 1e-12);
        // trapezoids 1/6 + 2/9 + 1/3 = 13/18, the Mann-Whitney 6.5 / 9 with the tie counted half
        assertEquals(13.0 / 18, roc.auc(), 1e-12);
        // at 0.8: FAR 1/3, FRR 1/3
        assertEquals(1.0 / 3, roc.eer(), 1e-12);
        assertEquals(0.8, roc.eerThreshold(), 1e-12);
        assertEquals(4.0 / 6, Roc.accuracy(pairs, 0.8), 1e-12);
    }

    @Test
    void perfectSeparationAndOneSidedInput() {
        Roc roc = Roc.of(List.of(same(0.9), same(0.6), different(0.5), different(0.1)));
        assertEquals(1, roc.auc(), 1e-12);
        assertEquals(0, roc.eer(), 1e-12);
        assertEquals(0.6, roc.eerThreshold(), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> Roc.of(List.of(same(0.9), same(0.2))));
    }
}
