package dev.siamtrack.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.siamtrack.geom.Box;
import dev.siamtrack.testing.SharedData;
import dev.siamtrack.track.TargetResult;
import dev.siamtrack.track.TrackState;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real footage: dev's Crossing as `make-longterm` cuts it with its defaults (the pedestrian away twice, 30 frames
 * each, the second time behind joggers of another film). A jogger strays into the pedestrian's own search window
 * and, on a single frame, passes the test for look-alikes; taken at once, the default model followed him as the
 * pedestrian on 28 of the 60 frames without the pedestrian. A candidate on that test is taken only when found
 * again on the next frame, as a scan window's is: the jogger is not, and every absent frame is reported LOST.
 */
class LookAlikeInFillerTest {

    @Test
    void aLookAlikeSeenOnOneFrameInTheOwnWindowIsNotTakenForTheTarget(@TempDir Path tmp) throws Exception {
        LongTermSets.Options defaults = new LongTermSets.Options(30, 3, 20, 1);
        Path set = tmp.resolve("dev-lt");
        LongTermSets.build(LongTermSets.validate(SharedData.devDataset(), set, defaults), set, defaults, name -> { });
        Path sequence = set.resolve("Crossing");
        List<Box> truth = GroundTruth.read(sequence.resolve("groundtruth_rect.txt"));

        List<TargetResult> answers = DefaultModelAnswers.track(sequence, truth.get(0));
        assertEquals(truth.size(), answers.size(), "one answer per frame");
        int absent = 0;
        int absentNotLost = 0;
        int reacquiredWhileAbsent = 0;
        for (int i = 0; i < truth.size(); i++) {
            if (truth.get(i).isAbsent()) {
                absent++;
                absentNotLost += answers.get(i).state() == TrackState.LOST ? 0 : 1;
                reacquiredWhileAbsent += answers.get(i).reacquired() ? 1 : 0;
            }
        }
        assertEquals(60, absent, "the long-term Crossing must keep the pedestrian away on 60 frames");
        assertEquals(0, reacquiredWhileAbsent, "re-acquisitions while the pedestrian is away");
        assertTrue(absentNotLost == 0, absentNotLost + " of the 60 frames without the pedestrian reported as tracked");
    }
}
