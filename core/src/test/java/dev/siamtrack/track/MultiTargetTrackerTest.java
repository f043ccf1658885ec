package dev.siamtrack.track;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.siamtrack.geom.Box;
import dev.siamtrack.model.SiameseModel;
import dev.siamtrack.testing.SharedData;
import dev.siamtrack.testing.ShippedModel;
import dev.siamtrack.video.FrameSource;
import dev.siamtrack.video.FrameSources;
import dev.siamtrack.video.synth.ClipConfig;
import dev.siamtrack.video.synth.ClipGenerator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The batched engine on the demo clip (videos/demo.mp4). {@link Comparison} runs it beside one
 * {@link SiameseTracker} per target, which is the same engine holding one target: equal answers show that the
 * batch size and the other targets do not change a target's result, not that the result is right. Whether it
 * is right is checked against the clip's ground truth (videos/demo.txt) and the generator's known background
 * motion. Runs with the shipped default model always and with NanoTrack v2 when ../shared is present.
 */
class MultiTargetTrackerTest {

    static final Path OUR_MODEL = ShippedModel.dir();
    static final Path CLIP = Path.of("videos/demo.mp4");
    /** The look-alike disc on frame 0, and patches of textured background. */
    static final Box DISTRACTOR = new Box(22, 176, 68, 48);
    static final Box GRASS = new Box(250, 300, 60, 60);
    /** With the look-alike passing the disc on this frame, it stays in view over frames 150..230. */
    static final int LOOK_ALIKE_PASS = 170;
    static final Box GRASS_2 = new Box(520, 360, 60, 50);
    static final Box GRASS_3 = new Box(60, 390, 60, 50);
    /** The disc leaves the view on frame 195 and comes back on frame 225: these frames cover both. */
    static final int FIRST = 150;
    static final int LAST = 260;
    /** Largest difference allowed between a batched and an independent box coordinate, in pixels. */
    static final double BOX_TOLERANCE = 1e-3;

    static List<Box> truth;

    @BeforeAll
    static void readTruth() throws Exception {
        truth = Files.readAllLines(Path.of("videos/demo.txt")).stream().filter(l -> !l.isBlank()).map(Box::parse).toList();
    }

    @Test
    void fourBatchedTargetsAnswerAsFourOneTargetBatchesWithTheShippedModel() throws Exception {
        fourBatchedTargetsAnswerAsFourOneTargetBatches(OUR_MODEL);
    }

    @Test
    void fourBatchedTargetsAnswerAsFourOneTargetBatchesWithNanoTrackV2() throws Exception {
        fourBatchedTargetsAnswerAsFourOneTargetBatches(SharedData.nanoTrack(2));
    }

    /** The disc leaves the view (LOST) and comes back, so states change too. */
    private static void fourBatchedTargetsAnswerAsFourOneTargetBatches(Path model) throws Exception {
        Map<String, Box> boxes = new LinkedHashMap<>();
        boxes.put("disc", truth.get(FIRST));
        boxes.put("grass", GRASS);
        boxes.put("grass-2", GRASS_2);
        boxes.put("grass-3", GRASS_3);
        Comparison c = new Comparison(model);
        try (FrameSource frames = FrameSources.open(CLIP.toString())) {
            Mat frame = frameAt(frames, FIRST);
            for (Map.Entry<String, Box> e : boxes.entrySet()) {
                c.add(e.getKey(), frame, e.getValue());
            }
            int lost = 0;
            for (int i = FIRST + 1; i <= LAST; i++) {
                List<TargetResult> results = c.update(frames.next());
                lost += results.get(0).state() == TrackState.LOST ? 1 : 0;
            }
            assertTrue(lost >= 10, "the disc leaves the view on this clip, LOST on " + lost + " frames");
        } finally {
            c.close();
        }
    }

    @Test
    void targetsAddedAndRemovedMidStreamKeepTheirOwnTracks() throws Exception {
        Comparison c = new Comparison(OUR_MODEL);
        try (FrameSource frames = FrameSources.open(CLIP.toString())) {
            Mat frame = frames.next();
            c.add("disc", frame, truth.get(0));
            c.add("distractor", frame, DISTRACTOR);
            for (int i = 1; i <= 40; i++) {
                frame = frames.next();
                if (i == 10) {
                    c.add("grass", frame, GRASS);
                }
                if (i == 20) {
                    assertTrue(c.remove("distractor"));
                    assertEquals(List.of("disc", "grass"), c.batched.ids());
                }
                if (i == 30) {
                    c.add("distractor", frame, DISTRACTOR);
                    assertEquals(List.of("disc", "grass", "distractor"), c.batched.ids());
                }
                if (i == 35) {
                    assertTrue(c.remove("disc"));
                }
                List<TargetResult> results = c.update(frame);
                assertEquals(c.batched.ids(), results.stream().map(TargetResult::id).toList(), "frame " + i);
            }
            assertEquals(List.of("grass", "distractor"), c.batched.ids());
            assertFalse(c.batched.remove("disc"), "removing an id that is gone answers false");
        } finally {
            c.close();
        }
    }

    @Test
    void overlappingTargetsAreTrackedSeparately() throws Exception {
        Box disc = truth.get(0);
        Box shifted = new Box(disc.x() + disc.w() / 2, disc.y() + disc.h() / 4, disc.w(), disc.h());
        Comparison c = new Comparison(OUR_MODEL);
        try (FrameSource frames = FrameSources.open(CLIP.toString())) {
            Mat frame = frames.next();
            c.add("disc", frame, disc);
            c.add("overlapping", frame, shifted);
            c.add("twin", frame, disc);
            for (int i = 1; i <= 30; i++) {
                List<TargetResult> results = c.update(frames.next());
                assertEquals(results.get(0).box(), results.get(2).box(), "same box, same answer, frame " + i);
                Box discTruth = truth.get(i);
                assertTrue(results.get(0).box().iou(discTruth) > 0.5, "disc on frame " + i + ": " + results.get(0));
                // the second target is the disc's right half plus background: it keeps its offset from the disc
                // (a tracker that snapped it onto the disc would put it at IoU 0.23 with this box)
                Box overlappingTruth = new Box(discTruth.x() + shifted.x() - disc.x(), discTruth.y() + shifted.y() - disc.y(),
                        shifted.w(), shifted.h());
                Box overlapping = results.get(1).box();
                assertTrue(overlapping.iou(overlappingTruth) > 0.45 && overlapping.iou(overlappingTruth) > overlapping.iou(discTruth),
                        "overlapping target on frame " + i + ": " + overlapping + " vs " + overlappingTruth);
            }
        } finally {
            c.close();
        }
    }

    @Test
    void aTargetLeavingTheViewIsLostWhileTheOthersGoOn() throws Exception {
        // the demo clip with the look-alike passing later, so that it is in view (bottom left) while the disc
        // leaves through the right border; rendered in memory, so both boxes are known exactly
        ClipConfig demo = ClipConfig.demo();
        ClipGenerator clip = new ClipGenerator(new ClipConfig(demo.width(), demo.height(), demo.frames(), demo.fps(),
                demo.seed(), LOOK_ALIKE_PASS, demo.occlusionFrame(), demo.occlusionFrames(), demo.leaveFrame(),
                demo.outFrames(), demo.bitrateKbps()));
        Comparison c = new Comparison(OUR_MODEL);
        int outOfView = 0;
        int discLost = 0;
        byte[] scratch = new byte[demo.width() * demo.height() * 3];
        try (Mat frame = new Mat()) {
            clip.renderFrame(FIRST, frame, scratch);
            c.add("disc", frame, clip.groundTruth(FIRST));
            c.add("look-alike", frame, clip.distractorBox(FIRST));
            for (int i = FIRST + 1; i < 230; i++) {
                clip.renderFrame(i, frame, scratch);
                List<TargetResult> results = c.update(frame);
                if (clip.groundTruth(i).isAbsent()) {
                    outOfView++;
                    discLost += results.get(0).state() == TrackState.LOST ? 1 : 0;
                }
                TargetResult other = results.get(1);
                assertTrue(other.box().iou(clip.distractorBox(i)) > 0.5 && other.state() != TrackState.LOST,
                        "the other target goes on: " + other + " vs " + clip.distractorBox(i) + " on frame " + i);
            }
        } finally {
            c.close();
        }
        assertTrue(outOfView >= 25, outOfView + " frames without the disc");
        assertTrue(discLost >= outOfView - 5, "disc LOST on " + discLost + " of " + outOfView + " frames out of view");
    }

    @Test
    void duplicateIdsAndBadBoxesAreRefusedWithAClearError() throws Exception {
        try (MultiTargetTracker tracker = MultiTargetTracker.create(OUR_MODEL);
             FrameSource frames = FrameSources.open(CLIP.toString())) {
            Mat frame = frames.next();
            assertEquals(new TargetResult("a", GRASS, 1.0, TrackState.TRACKING), tracker.add("a", frame, GRASS));
            IllegalArgumentException duplicate = assertThrows(IllegalArgumentException.class,
                    () -> tracker.add("a", frame, DISTRACTOR));
            assertEquals("target id 'a' is already tracked", duplicate.getMessage());
            IllegalArgumentException outside = assertThrows(IllegalArgumentException.class,
                    () -> tracker.add("b", frame, new Box(700, 100, 30, 30)));
            assertTrue(outside.getMessage().contains("lies outside the 640x480 frame"), outside.getMessage());
            IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
                    () -> tracker.add("c", frame, new Box(10, 10, 0, 20)));
            assertTrue(empty.getMessage().contains("positive width and height"), empty.getMessage());
            assertThrows(IllegalArgumentException.class, () -> tracker.add(" ", frame, GRASS));
            assertEquals(List.of("a"), tracker.ids(), "refused targets are not added");
            assertEquals(1, tracker.update(frames.next()).size());
            assertNull(tracker.debugInfo("b"));
            assertTrue(tracker.debugInfo("a").searchRegion().w() > GRASS.w());
            tracker.clear();
            assertEquals(List.of(), tracker.update(frames.next()));
        }
    }

    private static Mat frameAt(FrameSource frames, int index) throws Exception {
        Mat frame = frames.next();
        while (frames.frameIndex() < index) {
            frame = frames.next();
        }
        return frame;
    }

    /** A batched tracker and one independent single-target tracker per target, fed the same frames and compared. */
    static final class Comparison implements AutoCloseable {
        final Path model;
        final MultiTargetTracker batched;
        final Map<String, SiameseTracker> independent = new LinkedHashMap<>();
        double largestDifference;

        Comparison(Path model) throws Exception {
            this.model = model;
            this.batched = MultiTargetTracker.create(model);
        }

        void add(String id, Mat frame, Box box) throws Exception {
            batched.add(id, frame, box);
            SiameseTracker single = SiameseTrackers.create(model, SiameseModel.Options.DEFAULT, TrackerParams.DEFAULT);
            single.init(frame, box);
            independent.put(id, single);
        }

        boolean remove(String id) {
            independent.remove(id).close();
            return batched.remove(id);
        }

        List<TargetResult> update(Mat frame) {
            List<TargetResult> results = batched.update(frame);
            List<TargetResult> expected = new ArrayList<>();
            for (Map.Entry<String, SiameseTracker> e : independent.entrySet()) {
                TrackResult r = e.getValue().update(frame);
                expected.add(new TargetResult(e.getKey(), r.box(), r.score(), r.state()));
            }
            assertEquals(expected.size(), results.size());
            for (int k = 0; k < results.size(); k++) {
                TargetResult got = results.get(k);
                TargetResult want = expected.get(k);
                assertEquals(want.id(), got.id());
                assertEquals(want.state(), got.state(), got.id());
                double d = Math.max(Math.max(Math.abs(got.box().x() - want.box().x()), Math.abs(got.box().y() - want.box().y())),
                        Math.max(Math.abs(got.box().w() - want.box().w()), Math.abs(got.box().h() - want.box().h())));
                largestDifference = Math.max(largestDifference, d);
                assertTrue(d <= BOX_TOLERANCE, got.id() + ": batched " + got.box() + " vs independent " + want.box());
                assertEquals(want.score(), got.score(), 1e-4, got.id());
            }
            return results;
        }

        @Override
        public void close() {
            batched.close();
            independent.values().forEach(SiameseTracker::close);
        }
    }
}
