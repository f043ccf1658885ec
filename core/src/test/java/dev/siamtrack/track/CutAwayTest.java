package dev.siamtrack.track;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.siamtrack.geom.Box;
import dev.siamtrack.model.ModelRegistry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;

/**
 * A parked car, then a cut to another scene (a lawn with a blue crate where the car was) for a while, then a
 * cut back to the car's scene, where the car now stands far from where it stood (it drove on while the other
 * scene was shown). The target must be LOST from the first frame of the other scene, and found again where it
 * stands after the cut back, although it never moved while it was tracked (a motion prior from its speed
 * would keep it within its own size of its old place). Frames are generated in memory; the default model.
 */
class CutAwayTest {

    private static final int WIDTH = 480;
    private static final int HEIGHT = 360;
    private static final Box PARKED = new Box(100, 150, 36, 24);
    private static final Box MOVED = new Box(340, 220, 36, 24);
    private static final int CUT_AWAY = 20;
    private static final int CUT_BACK = 35;
    private static final int FRAMES = 100;
    /**
     * Frames after the cut back by which the car must be tracked again: two sweeps of the scan windows (48 windows
     * cover this frame at the car's size, two are searched a frame), as a car at a window's edge scores too low.
     */
    private static final int FOUND_WITHIN = 48;

    /** A grey checker with noise, or a striped lawn. */
    private static byte[] ground(boolean field) {
        Random random = new Random(field ? 7 : 11);
        byte[] bgr = new byte[WIDTH * HEIGHT * 3];
        for (int y = 0; y < HEIGHT; y++) {
            for (int x = 0; x < WIDTH; x++) {
                int i = (y * WIDTH + x) * 3;
                if (field) {
                    // a mown lawn: stripes of light and dark green
                    boolean light = (y / 40) % 2 == 0;
                    bgr[i] = (byte) ((light ? 60 : 20) + random.nextInt(20));
                    bgr[i + 1] = (byte) ((light ? 200 : 90) + random.nextInt(30));
                    bgr[i + 2] = (byte) ((light ? 110 : 40) + random.nextInt(20));
                } else {
                    int v = 95 + (((x / 6) + (y / 6)) % 2) * 12 + random.nextInt(9);
                    bgr[i] = (byte) v;
                    bgr[i + 1] = (byte) (v + 6);
                    bgr[i + 2] = (byte) (v + 3);
                }
            }
        }
        return bgr;
    }

    /** A red car with a dark windscreen and a light roof, or a blue crate with a yellow cross, at {@code place}. */
    private static void draw(byte[] bgr, Box place, boolean crate) {
        for (int y = 0; y < place.h(); y++) {
            for (int x = 0; x < place.w(); x++) {
                int i = (((int) place.y() + y) * WIDTH + (int) place.x() + x) * 3;
                if (crate) {
                    boolean cross = Math.abs(x * place.h() - y * place.w()) < place.w() * 3
                            || Math.abs((place.w() - x) * place.h() - y * place.w()) < place.w() * 3;
                    bgr[i] = (byte) (cross ? 30 : 200);
                    bgr[i + 1] = (byte) (cross ? 220 : 90);
                    bgr[i + 2] = (byte) (cross ? 240 : 20);
                } else {
                    boolean windscreen = x >= 8 && x < 13;
                    boolean roof = x >= 15 && x < 28 && y >= 4 && y < 20;
                    bgr[i] = (byte) (windscreen ? 40 : roof ? 200 : 30);
                    bgr[i + 1] = (byte) (windscreen ? 40 : roof ? 190 : 35);
                    bgr[i + 2] = (byte) (windscreen ? 50 : roof ? 230 : 190);
                }
            }
        }
    }

    private static byte[] scene(boolean field, Box place) {
        byte[] bgr = ground(field);
        draw(bgr, place, field);
        return bgr;
    }

    @Test
    void aCutAwayIsLostAtOnceAndTheCarIsFoundWhereItStandsAfterTheCutBack() throws Exception {
        byte[][] scenes = {scene(false, PARKED), scene(true, PARKED), scene(false, MOVED)};
        Random noise = new Random(5);
        byte[] scratch = new byte[WIDTH * HEIGHT * 3];
        List<TargetResult> results = new ArrayList<>();
        try (MultiTargetTracker tracker = MultiTargetTracker.create(ModelRegistry.defaultModel(Path.of("models"))
                .orElseThrow());
             Mat frame = new Mat(HEIGHT, WIDTH, CV_8UC3)) {
            for (int i = 0; i < FRAMES; i++) {
                byte[] scene = scenes[i < CUT_AWAY ? 0 : i < CUT_BACK ? 1 : 2];
                for (int k = 0; k < scratch.length; k++) {
                    scratch[k] = (byte) Math.max(0, Math.min(255, (scene[k] & 0xff) + noise.nextInt(7) - 3));
                }
                frame.data().put(scratch);
                results.add(i == 0 ? tracker.add("car", frame, PARKED) : tracker.update(frame).get(0));
            }
        }
        for (int i = 1; i < CUT_AWAY; i++) {
            assertTrue(results.get(i).box().iou(PARKED) > 0.5, "frame " + i + ": the parked car: " + results.get(i));
        }
        for (int i = CUT_AWAY; i < CUT_BACK; i++) {
            assertEquals(TrackState.LOST, results.get(i).state(), "frame " + i + " shows the other scene: "
                    + results.get(i));
        }
        int found = -1;
        for (int i = CUT_BACK; i < FRAMES && found < 0; i++) {
            if (results.get(i).state() == TrackState.TRACKING && results.get(i).box().iou(MOVED) > 0.5) {
                found = i;
            }
        }
        assertTrue(found >= 0 && found - CUT_BACK <= FOUND_WITHIN, "found again at frame " + found + " (cut back at "
                + CUT_BACK + "): " + results.subList(CUT_BACK, FRAMES));
        for (int i = found; i < FRAMES; i++) {
            assertTrue(results.get(i).box().iou(MOVED) > 0.5, "frame " + i + ": followed where it stands: "
                    + results.get(i));
        }
    }
}
