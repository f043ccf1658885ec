package dev.siamtrack.track;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ScoringTest {

    @Test
    void hanningMatchesNumpy() {
        // numpy.hanning(5) = [0, 0.5, 1, 0.5, 0]
        assertEquals(0, Scoring.hanning(0, 5), 1e-12);
        assertEquals(0.5, Scoring.hanning(1, 5), 1e-12);
        assertEquals(1, Scoring.hanning(2, 5), 1e-12);
        assertEquals(0.5, Scoring.hanning(3, 5), 1e-12);
        // numpy.hanning(16)[1] = 0.5 - 0.5 cos(2 pi / 15) = 0.04322727
        assertEquals(0.04322727, Scoring.hanning(1, 16), 1e-8);
    }

    @Test
    void sizeWithContextIsTheContextPaddedSide() {
        // w = 40, h = 20: pad = 30, sqrt(70 * 50) = 59.16079783
        assertEquals(59.16079783, Scoring.sizeWithContext(40, 20), 1e-8);
    }

    @Test
    void penaltyIsOneWithoutChange() {
        double size = Scoring.sizeWithContext(40, 20);
        assertEquals(1.0, Scoring.penalty(40, 20, size, 2.0, 0.15), 1e-12);
    }

    @Test
    void penaltyCombinesScaleAndRatioChange() {
        // target 40x20 (ratio 2), prediction 60x20 (ratio 3):
        // s = sz(60,20)/sz(40,20) = sqrt(100*60)/sqrt(70*50) = 77.45966692/59.16079783 = 1.30930734
        // r = max(2/3, 3/2) = 1.5; penalty = exp(-(1.5 * 1.30930734 - 1) * 0.15) = exp(-0.14459415) = 0.86537343
        double size = Scoring.sizeWithContext(40, 20);
        assertEquals(0.86537343, Scoring.penalty(60, 20, size, 2.0, 0.15), 1e-7);
        // shrinking by the same factors is penalised the same way (max(x, 1/x))
        double grown = Scoring.sizeWithContext(60, 20);
        assertEquals(0.86537343, Scoring.penalty(40, 20, grown, 3.0, 0.15), 1e-7);
    }
}
