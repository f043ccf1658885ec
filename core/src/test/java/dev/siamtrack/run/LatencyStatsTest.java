package dev.siamtrack.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class LatencyStatsTest {

    @Test
    void quantilesInterpolateLikeNumpy() {
        assertEquals(2.5, LatencyStats.quantile(new double[] {4, 1, 3, 2}, 0.5), 1e-12);
        double[] hundred = new double[100];
        for (int i = 0; i < 100; i++) {
            hundred[i] = i + 1;
        }
        assertEquals(95.05, LatencyStats.quantile(hundred, 0.95), 1e-9);
        assertEquals(Double.NaN, LatencyStats.quantile(new double[0], 0.5));
    }

    @Test
    void samplesUseTheSameRuleInMilliseconds() {
        LatencyStats stats = new LatencyStats(3);
        for (long ms : new long[] {9, 1, 2, 4}) {
            stats.add(ms * 1_000_000);
        }
        // the ring of 3 keeps the last three samples: 1, 2, 4 ms
        assertEquals(3, stats.count());
        assertEquals(2, stats.medianMs(), 1e-9);
        assertEquals(3.8, stats.p95Ms(), 1e-9);
        assertEquals(7.0 / 3, stats.meanMs(), 1e-9);
    }
}
