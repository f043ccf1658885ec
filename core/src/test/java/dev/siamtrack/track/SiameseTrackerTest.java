package dev.siamtrack.track;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.siamtrack.geom.Box;
import dev.siamtrack.model.SiameseModel;
import dev.siamtrack.testing.ShippedModel;
import dev.siamtrack.video.synth.ClipConfig;
import dev.siamtrack.video.synth.ClipEvents;
import dev.siamtrack.video.synth.ClipGenerator;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;

/** Follows a generated clip (frames rendered in memory, exact ground truth) with the shipped default model. */
class SiameseTrackerTest {

    private static final ClipGenerator clip = new ClipGenerator(ClipConfig.demo());
    private static List<TrackResult> cached;

    /** The whole clip tracked once, on the first test that asks. */
    private static synchronized List<TrackResult> results() throws Exception {
        if (cached != null) {
            return cached;
        }
        List<TrackResult> tracked = new ArrayList<>();
        byte[] scratch = new byte[clip.config().width() * clip.config().height() * 3];
        try (SiameseTracker tracker = SiameseTrackers.create(ShippedModel.dir(), SiameseModel.Options.DEFAULT,
                TrackerParams.DEFAULT);
             Mat frame = new Mat()) {
            for (int i = 0; i < clip.frameCount(); i++) {
                clip.renderFrame(i, frame, scratch);
                if (i == 0) {
                    tracker.init(frame, clip.groundTruth(0));
                    tracked.add(new TrackResult(clip.groundTruth(0), 1, TrackState.TRACKING));
                } else {
                    tracked.add(tracker.update(frame));
                }
            }
        }
        cached = tracked;
        return cached;
    }

    @Test
    void followsTheTargetThroughDistractorOcclusionAndExit() throws Exception {
        List<TrackResult> results = results();
        double sum = 0;
        int n = 0;
        for (int i = 1; i < results.size(); i++) {
            Box truth = clip.groundTruth(i);
            if (!truth.isAbsent()) {
                sum += Math.max(0, results.get(i).box().iou(truth));
                n++;
            }
        }
        double meanIou = sum / n;
        assertTrue(meanIou >= 0.7, "mean IoU over visible frames " + meanIou);
    }

    @Test
    void scoreDropsAndStateTurnsLostWhileTheTargetIsOutOfView() throws Exception {
        List<TrackResult> results = results();
        ClipEvents.FrameRange out = clip.events().outOfView().get(0);
        double visibleScore = meanScore(results, 1, 100);
        double outScore = meanScore(results, out.first(), out.last());
        assertTrue(visibleScore > 0.95, "score while visible " + visibleScore);
        assertTrue(outScore < 0.9, "score while out of view " + outScore);
        long lostFrames = results.subList(out.first(), out.last() + 1).stream()
                .filter(r -> r.state() == TrackState.LOST).count();
        assertTrue(lostFrames >= out.length() - 5, lostFrames + " of " + out.length() + " out-of-view frames are LOST");
        long lostBefore = results.subList(0, 100).stream().filter(r -> r.state() == TrackState.LOST).count();
        assertEquals(0, lostBefore, "no LOST frames while the target is plainly visible");
    }

    @Test
    void reacquiresTheTargetWhenItComesBack() throws Exception {
        List<TrackResult> results = results();
        ClipEvents.FrameRange out = clip.events().outOfView().get(0);
        int from = out.last() + 30;
        int tracked = 0;
        for (int i = from; i < results.size(); i++) {
            if (results.get(i).state() != TrackState.LOST && results.get(i).box().iou(clip.groundTruth(i)) > 0.5) {
                tracked++;
            }
        }
        assertTrue(tracked > 0.8 * (results.size() - from), tracked + " of " + (results.size() - from) + " frames re-acquired");
    }

    private static double meanScore(List<TrackResult> results, int first, int last) {
        double s = 0;
        for (int i = first; i <= last; i++) {
            s += results.get(i).score();
        }
        return s / (last - first + 1);
    }

    @Test
    void rejectsBadInitBoxes() throws Exception {
        try (SiameseTracker tracker = SiameseTrackers.create(ShippedModel.dir(), SiameseModel.Options.DEFAULT,
                TrackerParams.DEFAULT); Mat frame = new Mat(120, 160, org.bytedeco.opencv.global.opencv_core.CV_8UC3)) {
            assertThrows(IllegalArgumentException.class, () -> tracker.init(frame, new Box(10, 10, 0, 20)));
            assertThrows(IllegalArgumentException.class, () -> tracker.init(frame, new Box(500, 10, 20, 20)));
            assertThrows(IllegalStateException.class, () -> tracker.update(frame));
        }
    }

    @Test
    void aTargetThatDoesNotMoveStaysWhereItWasGiven() throws Exception {
        byte[] scratch = new byte[clip.config().width() * clip.config().height() * 3];
        Box start = clip.groundTruth(0);
        try (SiameseTracker tracker = SiameseTrackers.create(ShippedModel.dir(), SiameseModel.Options.DEFAULT,
                TrackerParams.DEFAULT); Mat frame = new Mat()) {
            clip.renderFrame(0, frame, scratch);
            tracker.init(frame, start);
            for (int i = 1; i <= 10; i++) {
                TrackResult r = tracker.update(frame);
                // the same frame again: the box may breathe by a pixel or two, not wander
                double centreError = Math.hypot(r.box().cx() - start.cx(), r.box().cy() - start.cy());
                assertTrue(centreError < 3.5, "update " + i + ": " + r.box() + " vs " + start);
                assertEquals(TrackState.TRACKING, r.state(), "update " + i);
            }
        }
    }
}
