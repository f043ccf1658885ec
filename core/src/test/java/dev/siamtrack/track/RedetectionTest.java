package dev.siamtrack.track;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.siamtrack.geom.Box;
import dev.siamtrack.model.SiameseModel;
import dev.siamtrack.testing.ShippedModel;
import dev.siamtrack.video.synth.ClipConfig;
import dev.siamtrack.video.synth.ClipGenerator;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;

/** Re-detection with the default model on generated clips (frames rendered in memory). */
class RedetectionTest {

    private static final Path MODEL = ShippedModel.dir();
    /** Marks a frame of noise (an unrelated scene) in a frame order. */
    private static final int NOISE = -1;

    /**
     * Results of tracking the clip's frames in the order given (NOISE: a frame of random pixels); frame 0 of the
     * order initialises.
     */
    private static List<TargetResult> track(ClipGenerator clip, int[] order, TrackerParams params) throws Exception {
        List<TargetResult> results = new ArrayList<>();
        int width = clip.config().width();
        int height = clip.config().height();
        byte[] scratch = new byte[width * height * 3];
        Random random = new Random(3);
        try (MultiTargetTracker tracker = MultiTargetTracker.create(MODEL, SiameseModel.Options.DEFAULT, params);
             Mat frame = new Mat(height, width, CV_8UC3)) {
            for (int i = 0; i < order.length; i++) {
                if (order[i] == NOISE) {
                    random.nextBytes(scratch);
                    frame.data().put(scratch);
                } else {
                    clip.renderFrame(order[i], frame, scratch);
                }
                results.add(i == 0 ? tracker.add("t", frame, clip.groundTruth(order[0])) : tracker.update(frame).get(0));
            }
        }
        return results;
    }

    @Test
    void aCutToAnotherSceneIsLostAtOnceAndNothingThereIsAccepted() throws Exception {
        // 140 frames of the clip (the look-alike distractor has passed by then), 25 frames of noise, then the clip
        // 25 frames later (the target has moved on)
        ClipGenerator clip = new ClipGenerator(ClipConfig.demo());
        int cut = 140;
        int gap = 25;
        int[] order = IntStream.concat(IntStream.concat(IntStream.range(0, cut), IntStream.generate(() -> NOISE)
                .limit(gap)), IntStream.rangeClosed(cut + gap, 179)).toArray();
        List<TargetResult> results = track(clip, order, TrackerParams.DEFAULT);
        assertEquals(TrackState.TRACKING, results.get(cut - 1).state());
        for (int i = cut; i < cut + gap; i++) {
            assertEquals(TrackState.LOST, results.get(i).state(), "frame " + i + " of noise: LOST from the first one");
            assertFalse(results.get(i).reacquired());
        }
        int back = cut + gap;
        int reacquired = -1;
        for (int i = back; i < results.size() && reacquired < 0; i++) {
            if (results.get(i).reacquired()) {
                reacquired = i;
            }
        }
        assertTrue(reacquired >= back && reacquired - back <= 10, "re-acquired " + (reacquired - back) + " frames after the cut back");
        TargetResult r = results.get(reacquired);
        assertTrue(r.box().iou(clip.groundTruth(order[reacquired])) > 0.3, r + " vs " + clip.groundTruth(order[reacquired]));
    }

    @Test
    void withoutReDetectionTheCutTakesLostFramesToNotice() throws Exception {
        ClipGenerator clip = new ClipGenerator(ClipConfig.demo());
        int[] order = IntStream.concat(IntStream.range(0, 140), IntStream.generate(() -> NOISE).limit(5)).toArray();
        TrackerParams params = TrackerParams.builder().redetect(false).build();
        List<TargetResult> results = track(clip, order, params);
        assertEquals(TrackState.UNCERTAIN, results.get(140).state());
        assertEquals(TrackState.LOST, results.get(140 + params.lostFrames() - 1).state());
    }

    @Test
    void aTargetThatComesBackElsewhereIsReacquired() throws Exception {
        // The demo clip's target leaves at frame 180 and is parked outside from 195 to 224; the sequence
        // jumps from 215 to 262, where the target is back on its path far from where it left.
        ClipGenerator clip = new ClipGenerator(ClipConfig.demo());
        int[] order = IntStream.concat(IntStream.rangeClosed(0, 215), IntStream.rangeClosed(262, 299)).toArray();
        int back = 216;
        Box left = clip.groundTruth(180);
        Box returned = clip.groundTruth(262);
        assertTrue(Math.hypot(returned.cx() - left.cx(), returned.cy() - left.cy()) > 150, "comes back elsewhere");

        List<TargetResult> results = track(clip, order, TrackerParams.DEFAULT);
        assertEquals(TrackState.LOST, results.get(back - 1).state(), "LOST while the target is away");
        int reacquired = -1;
        for (int i = back; i < results.size() && reacquired < 0; i++) {
            if (results.get(i).reacquired()) {
                reacquired = i;
            }
        }
        assertTrue(reacquired >= 0 && reacquired - back <= 25, "re-acquired " + (reacquired - back) + " frames after the return");
        TargetResult r = results.get(reacquired);
        assertEquals(TrackState.TRACKING, r.state());
        assertTrue(r.box().iou(clip.groundTruth(order[reacquired])) > 0.3, "at the target: " + r.box());
        assertTrue(results.get(results.size() - 1).box().iou(clip.groundTruth(299)) > 0.3, "and followed to the end");
    }

    /**
     * The same jump with re-detection off: the local search never reaches where the target came back, so the
     * default's re-acquisition above is re-detection's doing (and re-detection is what the default does).
     */
    @Test
    void withoutReDetectionATargetThatComesBackElsewhereStaysLost() throws Exception {
        ClipGenerator clip = new ClipGenerator(ClipConfig.demo());
        int[] order = IntStream.concat(IntStream.rangeClosed(0, 215), IntStream.rangeClosed(262, 299)).toArray();
        List<TargetResult> results = track(clip, order, TrackerParams.builder().redetect(false).build());
        for (int i = 216; i < results.size(); i++) {
            TargetResult r = results.get(i);
            assertFalse(r.reacquired() || r.state() == TrackState.TRACKING
                    && r.box().iou(clip.groundTruth(order[i])) > 0.3, "frame " + order[i] + ": " + r);
        }
    }

    @Test
    void aLookAlikeInOtherColoursShownWhileTheTargetIsAwayIsNotAccepted() throws Exception {
        // The demo clip with the target out of view from frame 195 to 254 and its look-alike (same pattern, other
        // colours, 8% smaller) passing the exit point at frame 240; the embedding alone scores the look-alike as
        // high as the target.
        ClipGenerator clip = new ClipGenerator(new ClipConfig(ClipConfig.DEFAULT_WIDTH, ClipConfig.DEFAULT_HEIGHT,
                ClipConfig.DEFAULT_FRAMES, ClipConfig.DEFAULT_FPS, ClipConfig.DEFAULT_SEED, 240, 114,
                ClipConfig.DEFAULT_OCCLUSION_FRAMES, 180, 60, ClipConfig.DEFAULT_BITRATE_KBPS));
        int out = 180 + ClipConfig.LEAVE_RAMP_FRAMES;
        int back = out + 60;
        assertTrue(clip.groundTruth(out).isAbsent() && clip.groundTruth(back - 1).isAbsent());
        assertFalse(clip.groundTruth(back).isAbsent());

        List<TargetResult> results = track(clip, IntStream.range(0, ClipConfig.DEFAULT_FRAMES).toArray(),
                TrackerParams.DEFAULT);
        for (int i = out; i < back; i++) {
            assertEquals(TrackState.LOST, results.get(i).state(), "frame " + i + ": the target is away");
            assertFalse(results.get(i).reacquired(), "frame " + i + ": nothing is re-acquired while the target is away");
        }
        int reacquired = -1;
        for (int i = back; i < results.size() && reacquired < 0; i++) {
            if (results.get(i).reacquired()) {
                reacquired = i;
            }
        }
        assertTrue(reacquired >= back && reacquired - back <= 15, "re-acquired " + (reacquired - back) + " frames after the return");
        TargetResult r = results.get(reacquired);
        assertTrue(r.box().iou(clip.groundTruth(reacquired)) > 0.3, "at the target: " + r.box() + " vs " + clip.groundTruth(reacquired));
    }
}
