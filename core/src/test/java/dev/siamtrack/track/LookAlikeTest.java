package dev.siamtrack.track;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.siamtrack.geom.Box;
import dev.siamtrack.model.ModelRegistry;
import dev.siamtrack.model.SiameseModel;
import dev.siamtrack.testing.SharedData;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;

/**
 * A parked car among identical parked cars, seen from above, loses its score for a few frames (a tree's canopy
 * hides it) while it stays where it is: re-detection must not give it up for a look-alike, and must find it
 * again where it is. Frames are generated in memory.
 */
class LookAlikeTest {

    private static final int WIDTH = 480;
    private static final int HEIGHT = 360;
    /** The cars: a 5 x 3 grid, the target in the middle, neighbours a little more than a search window apart. */
    private static final int CAR_W = 36;
    private static final int CAR_H = 24;
    private static final int STEP_X = 90;
    private static final int STEP_Y = 80;
    private static final Box TARGET = new Box(WIDTH / 2.0 - CAR_W / 2.0, HEIGHT / 2.0 - CAR_H / 2.0, CAR_W, CAR_H);
    /** Every car, the target first. */
    private static final List<Box> CARS = cars();
    private static final int FRAMES = 70;
    /** Frames on which the canopy covers the target. */
    private static final int COVERED_FROM = 25;
    private static final int COVERED_TO = 35;

    private static List<Box> cars() {
        List<Box> cars = new ArrayList<>(List.of(TARGET));
        for (int row = -1; row <= 1; row++) {
            for (int col = -2; col <= 2; col++) {
                if (row != 0 || col != 0) {
                    cars.add(new Box(TARGET.x() + col * STEP_X, TARGET.y() + row * STEP_Y, CAR_W, CAR_H));
                }
            }
        }
        return List.copyOf(cars);
    }

    /** The ground: a faint checker with noise. */
    private static byte[] ground() {
        Random random = new Random(11);
        byte[] bgr = new byte[WIDTH * HEIGHT * 3];
        for (int y = 0; y < HEIGHT; y++) {
            for (int x = 0; x < WIDTH; x++) {
                int v = 95 + (((x / 6) + (y / 6)) % 2) * 12 + random.nextInt(9);
                int i = (y * WIDTH + x) * 3;
                bgr[i] = (byte) v;
                bgr[i + 1] = (byte) (v + 6);
                bgr[i + 2] = (byte) (v + 3);
            }
        }
        return bgr;
    }

    /** The scene: the ground with the same car pattern at every place of the grid. */
    private static byte[] scene(byte[] ground) {
        byte[] bgr = ground.clone();
        byte[] car = new byte[CAR_W * CAR_H * 3];
        for (int y = 0; y < CAR_H; y++) {
            for (int x = 0; x < CAR_W; x++) {
                // a red body, a dark windscreen band and light roof panels: a pattern the network can match
                boolean windscreen = x >= 8 && x < 13;
                boolean roof = x >= 15 && x < 28 && y >= 4 && y < 20;
                int i = (y * CAR_W + x) * 3;
                car[i] = (byte) (windscreen ? 40 : roof ? 200 : 30);
                car[i + 1] = (byte) (windscreen ? 40 : roof ? 190 : 35);
                car[i + 2] = (byte) (windscreen ? 50 : roof ? 230 : 190);
            }
        }
        for (Box place : CARS) {
            int x0 = (int) place.x();
            int y0 = (int) place.y();
            for (int y = 0; y < CAR_H; y++) {
                System.arraycopy(car, y * CAR_W * 3, bgr, ((y0 + y) * WIDTH + x0) * 3, CAR_W * 3);
            }
        }
        return bgr;
    }

    /**
     * Frame {@code index}: the scene with sensor noise; while covered, the target's place shows the ground (the
     * canopy is the colour of the ground).
     */
    private static void render(byte[] ground, byte[] scene, int index, Random noise, byte[] scratch, Mat frame) {
        boolean covered = index >= COVERED_FROM && index < COVERED_TO;
        for (int y = 0; y < HEIGHT; y++) {
            boolean rowInTarget = y >= TARGET.y() - 4 && y < TARGET.y() + CAR_H + 4;
            for (int x = 0; x < WIDTH; x++) {
                boolean hidden = covered && rowInTarget && x >= TARGET.x() - 4 && x < TARGET.x() + CAR_W + 4;
                for (int c = 0; c < 3; c++) {
                    int i = (y * WIDTH + x) * 3 + c;
                    int v = ((hidden ? ground[i] : scene[i]) & 0xff) + noise.nextInt(7) - 3;
                    scratch[i] = (byte) Math.max(0, Math.min(255, v));
                }
            }
        }
        frame.data().put(scratch);
    }

    private static List<TargetResult> track(Path model) throws Exception {
        byte[] ground = ground();
        byte[] scene = scene(ground);
        byte[] scratch = new byte[scene.length];
        Random noise = new Random(5);
        List<TargetResult> results = new ArrayList<>();
        try (MultiTargetTracker tracker = MultiTargetTracker.create(model, SiameseModel.Options.DEFAULT,
                TrackerParams.DEFAULT);
             Mat frame = new Mat(HEIGHT, WIDTH, CV_8UC3)) {
            for (int i = 0; i < FRAMES; i++) {
                render(ground, scene, i, noise, scratch, frame);
                results.add(i == 0 ? tracker.add("car", frame, TARGET) : tracker.update(frame).get(0));
            }
        }
        return results;
    }

    private static void assertKeepsTheTarget(Path model) throws Exception {
        List<TargetResult> results = track(model);
        double lowest = 1;
        for (int i = COVERED_FROM; i < COVERED_TO; i++) {
            lowest = Math.min(lowest, results.get(i).score());
        }
        assertTrue(results.stream().skip(COVERED_FROM).limit(COVERED_TO - COVERED_FROM)
                        .anyMatch(r -> r.state() == TrackState.LOST),
                "the canopy must cost the target its score (lowest " + lowest + "), or this tests nothing");
        for (int i = 0; i < FRAMES; i++) {
            TargetResult r = results.get(i);
            for (Box lookAlike : CARS.subList(1, CARS.size())) {
                assertTrue(r.box().iou(lookAlike) < 0.1, "frame " + i + ": " + r + " went to the look-alike at " + lookAlike);
            }
            assertFalse(r.reacquired() && r.box().iou(TARGET) < 0.5, "frame " + i + ": re-acquired elsewhere: " + r);
        }
        for (int i = COVERED_TO + 10; i < FRAMES; i++) {
            TargetResult r = results.get(i);
            assertTrue(r.box().iou(TARGET) > 0.5 && r.state() == TrackState.TRACKING,
                    "frame " + i + ": the uncovered target is tracked where it is: " + r);
        }
    }

    @Test
    void theDefaultModelKeepsACoveredCarAmongLookAlikes() throws Exception {
        assertKeepsTheTarget(ModelRegistry.defaultModel(Path.of("models")).orElseThrow());
    }

    @Test
    void nanoTrackV2KeepsACoveredCarAmongLookAlikes() throws Exception {
        assertKeepsTheTarget(SharedData.nanoTrack(2));
    }
}
