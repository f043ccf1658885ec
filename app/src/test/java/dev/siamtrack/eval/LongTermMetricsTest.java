package dev.siamtrack.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.siamtrack.geom.Box;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Long-term figures against values computed by hand (the comments show the arithmetic). */
class LongTermMetricsTest {

    private static final Box A = new Box(0, 0, 10, 10);
    private static final Box X = Box.ABSENT;

    /** Target present on 0-3 and 6-9, absent on 4-5; the tracker says LOST on 2, 4 and 6. */
    private static LongTermMetrics.Score first() {
        List<Box> truth = List.of(A, A, A, A, X, X, A, A, A, A);
        List<Box> predicted = List.of(A, new Box(5, 0, 10, 10), A, A, A, A, A, new Box(0, 0, 10, 20), A,
                new Box(0, 0, 20, 20));
        boolean[] present = {true, true, false, true, false, true, false, true, true, true};
        return LongTermMetrics.score(truth, predicted, present);
    }

    /** Target absent on frame 1 only; the tracker claims it everywhere and is far off after the return. */
    private static LongTermMetrics.Score second() {
        Box far = new Box(50, 50, 10, 10);
        return LongTermMetrics.score(List.of(A, X, A, A), List.of(A, A, far, far), new boolean[] {true, true, true, true});
    }

    @Test
    void oneSequence() {
        LongTermMetrics.Score s = first();
        // IoUs of the present claims: 1, 1/3, 1, 0 (absent frame 5), 0.5, 1, 0.25 -> 4.0833 / 7
        assertEquals(7, s.presentClaims());
        assertEquals(4.0833333333 / 7, s.precision(), 1e-9);
        // frames with the target: 1, 1/3, 0 (LOST), 1, 0 (LOST), 0.5, 1, 0.25 -> 4.0833 / 8
        assertEquals(4.0833333333 / 8, s.recall(), 1e-9);
        assertEquals(0.5444444444, s.fScore(), 1e-9);
        assertEquals(2, s.absentFrames());
        assertEquals(1, s.absentLost());
        // the return on frame 6 is LOST; frame 7 (IoU 0.5) re-finds it one frame later
        assertArrayEquals(new int[] {1}, s.refindFrames());
        // overlaps > t over the 21 thresholds: 6,6,6,6,6,5,5,4,4,4,3 then 3 x 9 and 0 at t = 1 -> 82,
        // plus the absent LOST frame at every threshold (21): 103 / (21 * 10)
        assertEquals(103.0 / 210, s.auc(), 1e-9);
        assertEquals(0.7, s.success()[0], 1e-9);
        assertEquals(0.1, s.success()[20], 1e-9);
    }

    @Test
    void aReturnNeverReFoundAndTheDatasetSummary() {
        LongTermMetrics.Score s = second();
        assertEquals(0.25, s.precision(), 1e-9);
        assertEquals(1.0 / 3, s.recall(), 1e-9);
        assertEquals(0, s.absentLost());
        assertArrayEquals(new int[] {-1}, s.refindFrames());
        assertEquals(20.0 / 84, s.auc(), 1e-9);

        LongTermMetrics.Summary sum = LongTermMetrics.summarise(List.of(first(), s));
        assertEquals((4.0833333333 / 7 + 0.25) / 2, sum.precision(), 1e-9);
        assertEquals((4.0833333333 / 8 + 1.0 / 3) / 2, sum.recall(), 1e-9);
        assertEquals(2 * sum.precision() * sum.recall() / (sum.precision() + sum.recall()), sum.fScore(), 1e-12);
        assertEquals(0.4192546584, sum.fScore(), 1e-9);
        assertEquals(3, sum.absentFrames());
        assertEquals(1.0 / 3, sum.absentLostShare(), 1e-12);
        assertEquals(2, sum.returns());
        assertEquals(1, sum.refoundQuickly());
        assertEquals(0.5, sum.refoundQuicklyShare(), 1e-12);
        assertEquals(1, sum.medianRefindFrames(), 1e-12);
        assertEquals((103.0 / 210 + 20.0 / 84) / 2, sum.auc(), 1e-9);
    }

    @Test
    void shortTermSequencesHaveNoLongTermFigures() {
        LongTermMetrics.Score s = LongTermMetrics.score(List.of(A, A), List.of(A, A), new boolean[] {true, false});
        assertEquals(0, s.absentFrames());
        assertEquals(0, s.refindFrames().length);
        assertEquals(false, LongTermMetrics.anyAbsent(List.of(s)));
    }
}
