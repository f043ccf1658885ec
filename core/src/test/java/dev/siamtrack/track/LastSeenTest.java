package dev.siamtrack.track;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.Test;

/**
 * Where a target was last seen: a place within its size of there counts as "here" only on a frame that shows the
 * same view; the size and place follow its confident frames.
 */
class LastSeenTest {

    @Test
    void hereIsWithinTheTargetsSizeOfItsLastPlaceInTheSameView() {
        try (SceneCut scene = new SceneCut();
             Mat grey = new Mat(240, 320, CV_8UC3, new Scalar(100, 100, 100, 0));
             Mat greyWithBox = new Mat(240, 320, CV_8UC3, new Scalar(100, 100, 100, 0));
             Rect box = new Rect(150, 100, 20, 40);
             Scalar red = new Scalar(30, 30, 200, 0);
             Mat green = new Mat(240, 320, CV_8UC3, new Scalar(40, 180, 60, 0))) {
            greyWithBox.apply(box).put(red);
            scene.isCut(grey);
            LastSeen last = new LastSeen(100, 100, 20, 40, scene);
            scene.isCut(greyWithBox);
            assertTrue(last.here(130, 120), "36 px away, the target 40 px tall, the same view with a box in it");
            assertFalse(last.here(145, 100), "45 px away");
            scene.isCut(green);
            assertFalse(last.here(100, 100), "the same place in another scene");
            last.confident(200, 150, 30, 10);
            assertEquals(30, last.side());
            assertTrue(last.here(220, 160), "the view and place of the last confident frame");
            scene.isCut(grey);
            assertFalse(last.here(200, 150), "back in the first scene, which is not where it was last seen");
        }
    }
}
