package dev.siamtrack.track;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.Test;

/**
 * The test a box must pass to be the target: its similarity within a margin of the target's confident level (a
 * share of the distance from the verification threshold, 0.78 here, to 1), and its colours near the target's.
 */
class TargetAppearanceTest {

    @Test
    void aBoxPassesNearTheConfidentSimilarityInTheTargetsColoursOnly() {
        try (Mat frame = new Mat(200, 300, CV_8UC3, new Scalar(90, 90, 90, 0));
             Rect red = new Rect(40, 80, 40, 40);
             Rect blue = new Rect(200, 80, 40, 40);
             Scalar redColour = new Scalar(30, 30, 200, 0);
             Scalar blueColour = new Scalar(200, 60, 30, 0)) {
            frame.apply(red).put(redColour);
            frame.apply(blue).put(blueColour);
            TargetAppearance target = new TargetAppearance(frame, 60, 100, 40, 40, 0.78);
            assertFalse(target.known());
            // before any confident frame: the model's threshold
            assertTrue(target.passes(frame, 60, 100, 40, 40, 0.78, 0.5));
            assertFalse(target.passes(frame, 60, 100, 40, 40, 0.77, 0.5));
            target.learn(frame, 60, 100, 40, 40, 0.95);
            assertTrue(target.known());
            // confident level 0.95; margin 0.5 of (1 - 0.78) = 0.11: 0.84 passes, 0.83 does not
            assertTrue(target.passes(frame, 60, 100, 40, 40, 0.841, 0.5));
            assertFalse(target.passes(frame, 60, 100, 40, 40, 0.839, 0.5));
            assertTrue(target.fallen(0.72, 1.0), "0.95 - 0.22 = 0.73");
            assertFalse(target.fallen(0.74, 1.0));
            assertFalse(target.passes(frame, 220, 100, 40, 40, 0.95, 0.5), "the blue box, however similar");
        }
    }
}
