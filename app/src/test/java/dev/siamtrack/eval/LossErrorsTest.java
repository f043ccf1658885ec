package dev.siamtrack.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.siamtrack.geom.Box;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** False LOST frames and wrong re-acquisitions against counts made by hand (the comments show them). */
class LossErrorsTest {

    private static final Box A = new Box(0, 0, 10, 10);
    private static final Box X = Box.ABSENT;
    private static final Box FAR = new Box(50, 50, 10, 10);

    @TempDir
    Path tmp;

    /**
     * Target present on 0-3 and 6-9, absent on 4-5. LOST on 1 (IoU 1), 2 (IoU 0.5, the boundary), 3 (IoU 1/3)
     * and 7 (IoU 0); re-acquired on 4 (target absent), 8 (IoU 1) and 9 (IoU 0).
     */
    private static final List<Box> TRUTH = List.of(A, A, A, A, X, X, A, A, A, A);
    private static final List<Box> PREDICTED = List.of(A, A, new Box(0, 0, 10, 20), new Box(5, 0, 10, 10), A, A, FAR,
            FAR, A, FAR);
    private static final boolean[] CLAIMED = {true, false, false, false, true, true, true, false, true, true};
    private static final boolean[] REACQUIRED = {false, false, false, false, true, false, false, false, true, true};

    private static LossErrors.Score first() {
        return LossErrors.score(TRUTH, PREDICTED, CLAIMED, REACQUIRED);
    }

    /** Re-acquired on the wrong object twice in a row, then back on the target without a re-acquisition. */
    private static LossErrors.Score second() {
        return LossErrors.score(List.of(A, A, A, A), List.of(A, FAR, FAR, A), new boolean[] {true, true, true, true},
                new boolean[] {false, true, true, false});
    }

    @Test
    void falseLostFramesAreLostFramesOnTheTarget() {
        LossErrors.Score s = first();
        assertEquals(8, s.presentFrames());
        // LOST with the target present: 1, 2, 3, 7; of those on the target (IoU >= 0.5): 1 and 2
        assertEquals(4, s.lostWhilePresent());
        assertEquals(2, s.falseLost());
    }

    @Test
    void wrongReacquisitionsAndTheFramesSpentOnTheWrongObject() {
        LossErrors.Score s = first();
        assertEquals(3, s.reacquisitions());
        // 4 (target absent) and 9 (IoU 0) are wrong, 8 is right
        assertEquals(2, s.wrongReacquisitions());
        // after 4: 4, 5 (absent, claimed), 6 (claimed, IoU 0), then LOST on 7; after 9: 9, the last frame
        assertEquals(4, s.wrongObjectFrames());

        LossErrors.Score t = second();
        assertEquals(2, t.wrongReacquisitions());
        // 1 stops at the next re-acquisition (2 counts as its own), 2 stops when the box is back on the target
        assertEquals(2, t.wrongObjectFrames());
        assertEquals(0, t.lostWhilePresent());
    }

    @Test
    void countsArePooledOverSequences() {
        LossErrors.Score sum = LossErrors.total(List.of(first(), second()));
        assertEquals(new LossErrors.Score(12, 4, 2, 5, 4, 6), sum);
    }

    @Test
    void oneFlagPerFrameIsRequired() {
        assertThrows(IllegalArgumentException.class,
                () -> LossErrors.score(TRUTH, PREDICTED, CLAIMED, new boolean[TRUTH.size() - 1]));
    }

    @Test
    void theReportShowsThemForEveryTracker() throws Exception {
        SequenceOutcome outcome = new SequenceOutcome("seq", TRUTH.size(),
                Map.of("t", Metrics.score(TRUTH, PREDICTED, 100, 100)), Map.of("t", new double[] {1.0}),
                Map.of("t", LongTermMetrics.score(TRUTH, PREDICTED, CLAIMED)), Map.of("t", first()));
        Report.write(tmp, new ReportData("set", "dir", 1, ReportData.Status.COMPLETE, List.of("t"), List.of(outcome),
                List.of(), List.of()));
        String md = Files.readString(tmp.resolve("summary.md"));
        assertTrue(md.contains("## LOST decisions and re-acquisitions"), md);
        assertTrue(md.contains("| t | 2 | 4 | 8 | 2 | 3 | 4 |"), md);
        String json = Files.readString(tmp.resolve("summary.json"));
        assertTrue(json.contains("\"false_lost\" : 2"), json);
        assertTrue(json.contains("\"wrong_reacquisitions\" : 2"), json);
        assertTrue(json.contains("\"wrong_object_frames\" : 4"), json);
    }
}
