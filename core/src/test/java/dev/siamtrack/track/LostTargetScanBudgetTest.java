package dev.siamtrack.track;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.siamtrack.testing.ShippedModel;
import dev.siamtrack.video.FrameSource;
import dev.siamtrack.video.FrameSources;
import java.nio.file.Path;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;

/**
 * Re-detection's scan windows are a budget per frame shared by the LOST targets: sixteen LOST targets embed
 * as many windows as sixteen tracked ones plus the scan windows of {@link
 * MultiTargetTracker#SCANNING_TARGETS_PER_FRAME} targets once they scan; one LOST target scans every frame once it does.
 */
class LostTargetScanBudgetTest {

    /** The shipped model: its card says LOST on targets started on the mirrored negative (the budget needs LOST ones). */
    private static final Path MODEL = ShippedModel.dir();

    @Test
    void sixteenLostTargetsShareTheScanWindowsOfTwo() throws Exception {
        int windows;
        int lostFramesToScan;
        try (FrameSource source = FrameSources.open(MultiTargetTrackerTest.CLIP.toString());
             MultiTargetTracker tracker = MultiTargetTracker.create(MODEL)) {
            windows = TrackerParams.DEFAULT.resolve(tracker.card()).scanWindows();
            lostFramesToScan = TrackerParams.DEFAULT.resolve(tracker.card()).lostFrames();
            Mat first = source.next();
            LostTargets.add(tracker, first, true);
            int allLostFrames = 0;
            int allLostRun = 0;
            for (int i = 0; i < 40; i++) {
                List<TargetResult> results = tracker.update(source.next());
                long lost = results.stream().filter(r -> r.state() == TrackState.LOST).count();
                int embedded = tracker.stageTimes().searchWindows;
                assertTrue(embedded <= LostTargets.COUNT + MultiTargetTracker.SCANNING_TARGETS_PER_FRAME * windows,
                        embedded + " windows with " + lost + " LOST targets");
                // Targets LOST for lostFrames frames scan on the next one.
                if (allLostRun >= lostFramesToScan) {
                    allLostFrames++;
                    assertEquals(LostTargets.COUNT + MultiTargetTracker.SCANNING_TARGETS_PER_FRAME * windows, embedded);
                }
                allLostRun = lost == LostTargets.COUNT ? allLostRun + 1 : 0;
            }
            assertTrue(allLostFrames >= 20, "targets started on the mirrored negative are LOST on the real frames: "
                    + allLostFrames + " of 40 frames with all 16 scanning");
        }
        try (FrameSource source = FrameSources.open(MultiTargetTrackerTest.CLIP.toString());
             MultiTargetTracker tracker = MultiTargetTracker.create(MODEL)) {
            Mat first = source.next();
            LostTargets.add(tracker, first, true);
            for (int i = 1; i < LostTargets.COUNT; i++) {
                tracker.remove("t" + i);
            }
            int lostFrames = 0;
            for (int i = 0; i < 20; i++) {
                TargetResult r = tracker.update(source.next()).get(0);
                if (r.state() == TrackState.LOST && tracker.stageTimes().searchWindows > 1) {
                    lostFrames++;
                    assertEquals(1 + windows, tracker.stageTimes().searchWindows, "a lone LOST target scans every frame");
                }
            }
            assertTrue(lostFrames >= 10, "one LOST target scanned on " + lostFrames + " frames");
        }
    }
}
