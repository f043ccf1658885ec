package dev.siamtrack.track;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;

/**
 * A cut (another scene) is told from camera motion, a moving object and a change of light, with frames whose
 * difference is known: a street-like scene panned by 12 px, the same scene with a car crossing it, the same
 * scene 15% darker, and a different scene (a green field).
 */
class SceneCutTest {

    private static final int WIDTH = 320;
    private static final int HEIGHT = 240;

    /** Grey-blue blocks of 20 px with noise, shifted {@code pan} px to the left, optionally darker and with a car. */
    private static Mat street(int pan, double light, boolean car) {
        Random random = new Random(3);
        int[] blocks = new int[64 * 16];
        for (int i = 0; i < blocks.length; i++) {
            blocks[i] = 60 + random.nextInt(120);
        }
        byte[] bgr = new byte[WIDTH * HEIGHT * 3];
        for (int y = 0; y < HEIGHT; y++) {
            for (int x = 0; x < WIDTH; x++) {
                int v = blocks[(y / 20) * 64 + (x + pan) / 20];
                boolean inCar = car && x >= 140 && x < 200 && y >= 150 && y < 190;
                int i = (y * WIDTH + x) * 3;
                bgr[i] = (byte) (inCar ? 30 : Math.min(255, (v + 30) * light));
                bgr[i + 1] = (byte) (inCar ? 30 : v * light);
                bgr[i + 2] = (byte) (inCar ? 200 : v * light);
            }
        }
        return mat(bgr);
    }

    private static Mat field() {
        Random random = new Random(5);
        byte[] bgr = new byte[WIDTH * HEIGHT * 3];
        for (int i = 0; i < bgr.length; i += 3) {
            bgr[i] = (byte) (20 + random.nextInt(20));
            bgr[i + 1] = (byte) (140 + random.nextInt(60));
            bgr[i + 2] = (byte) (40 + random.nextInt(30));
        }
        return mat(bgr);
    }

    private static Mat mat(byte[] bgr) {
        Mat m = new Mat(HEIGHT, WIDTH, CV_8UC3);
        m.data().put(bgr);
        return m;
    }

    @Test
    void motionAMovingObjectAndLightAreNotCutsAnotherSceneIs() {
        try (SceneCut cuts = new SceneCut(); Mat a = street(0, 1, false); Mat panned = street(12, 1, false);
             Mat withCar = street(12, 1, true); Mat darker = street(12, 0.85, true); Mat other = field()) {
            assertFalse(cuts.isCut(a), "the first frame has nothing to be cut from");
            assertFalse(cuts.isCut(panned), "a 12 px pan");
            assertFalse(cuts.isCut(withCar), "a car enters");
            assertFalse(cuts.isCut(darker), "the light falls by 15%");
            assertTrue(cuts.isCut(other), "another scene");
            assertFalse(cuts.isCut(other), "the same scene again");
            assertTrue(cuts.isCut(a), "back to the street");
        }
    }

    @Test
    void aFrameShowsAKeptViewWhileTheCameraHoldsStill() {
        try (SceneCut cuts = new SceneCut(); Mat a = street(0, 1, false); Mat withCar = street(0, 1, true);
             Mat panned = street(12, 1, true); Mat other = field()) {
            SceneCut.View view = new SceneCut.View();
            cuts.isCut(a);
            cuts.keep(view);
            cuts.isCut(withCar);
            assertTrue(cuts.shows(view), "a car entered the same view");
            assertFalse(cuts.isCut(panned));
            assertFalse(cuts.shows(view), "panned by 12 px over 20 px blocks: no cut, but the layout moved");
            cuts.isCut(other);
            assertFalse(cuts.shows(view), "another scene");
            cuts.isCut(withCar);
            assertTrue(cuts.shows(view), "back to the street");
        }
    }
}
