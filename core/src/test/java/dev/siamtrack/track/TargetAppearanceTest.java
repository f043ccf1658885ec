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
            target.learn(frame, 60, 100, 40, 40, 0.85);
            assertTrue(target.known());
            // confident level 0.85; margin 0.5 of (1 - 0.78) = 0.11: 0.74 passes, 0.73 does not
            assertTrue(target.passes(frame, 60, 100, 40, 40, 0.741, 0.5));
            assertFalse(target.passes(frame, 60, 100, 40, 40, 0.739, 0.5));
            assertTrue(target.fallen(0.62, 1.0), "0.85 - 0.22 = 0.63");
            assertFalse(target.fallen(0.64, 1.0));
            assertFalse(target.passes(frame, 220, 100, 40, 40, 0.95, 0.5), "the blue box, however similar");
        }
    }

    @Test
    void aTargetThatMatchedItsTemplateCloselyNeedsNoMoreThanTheModelsThreshold() {
        try (Mat frame = new Mat(200, 300, CV_8UC3, new Scalar(30, 30, 200, 0))) {
            TargetAppearance target = new TargetAppearance(frame, 60, 100, 40, 40, 0.78);
            target.learn(frame, 60, 100, 40, 40, 0.99);
            // level 0.99: within a quarter of 0.22 would be 0.935; the model's own test, 0.78, is lower
            assertTrue(target.passes(frame, 60, 100, 40, 40, 0.78, 0.25));
            assertFalse(target.passes(frame, 60, 100, 40, 40, 0.779, 0.25));
        }
    }

    @Test
    void afterACutTheBoxMustPassAndNotBeBackgroundToTheClassifier() {
        try (Mat frame = new Mat(200, 300, CV_8UC3, new Scalar(30, 30, 200, 0))) {
            TargetAppearance target = new TargetAppearance(frame, 60, 100, 40, 40, 0.78);
            target.learn(frame, 60, 100, 40, 40, 0.85);
            assertTrue(target.standsAfterCut(frame, 60, 100, 40, 40, 0.5, 0.80, 0.5));
            assertFalse(target.standsAfterCut(frame, 60, 100, 40, 40, 0.49, 0.80, 0.5),
                    "the classifier calls it background, however alike");
            assertFalse(target.standsAfterCut(frame, 60, 100, 40, 40, 0.99, 0.70, 0.5), "unlike the target");
        }
    }

    @Test
    void aTargetFoundAgainTeachesItsLevelOnlyOnceItLooksLikeItselfAgain() {
        try (Mat frame = new Mat(200, 300, CV_8UC3, new Scalar(30, 30, 200, 0))) {
            TargetAppearance target = new TargetAppearance(frame, 60, 100, 40, 40, 0.78);
            target.learn(frame, 60, 100, 40, 40, 0.85);
            target.distrust(0.5);
            for (int i = 0; i < 20; i++) {
                target.learn(frame, 60, 100, 40, 40, 0.70);
            }
            // the level stays 0.85: strict test 0.74, the tracked box's own 0.63
            assertFalse(target.passes(frame, 60, 100, 40, 40, 0.739, 0.5), "20 frames at 0.70 taught nothing");
            assertTrue(target.fallen(0.62, 1.0));
            target.learn(frame, 60, 100, 40, 40, 0.75);
            target.learn(frame, 60, 100, 40, 40, 0.70);
            // 0.75 passed and resumed learning: 0.85 -> 0.84 -> 0.826; strict test 0.716
            assertTrue(target.passes(frame, 60, 100, 40, 40, 0.72, 0.5), "learning again");
            assertFalse(target.passes(frame, 60, 100, 40, 40, 0.71, 0.5));
        }
    }
}
