package dev.siamtrack.track;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The reach of a LOST target: its size plus twice the distance its mean speed covers since it was confident. */
class MotionPriorTest {

    @Test
    void aTargetAtRestReachesItsOwnSizeAMovingOneFartherWithTime() {
        MotionPrior resting = new MotionPrior(100, 100);
        for (int i = 0; i < 5; i++) {
            resting.frame();
            resting.confident(100, 100);
        }
        for (int i = 0; i < 50; i++) {
            resting.frame();
        }
        assertTrue(resting.reaches(130, 100, 30));
        assertFalse(resting.reaches(131, 100, 30), "at rest: its size, however long it is gone");

        MotionPrior moving = new MotionPrior(0, 0);
        moving.frame();
        moving.confident(4, 3);  // 5 px a frame
        moving.frame();
        moving.confident(8, 6);  // mean stays 5
        for (int i = 0; i < 10; i++) {
            moving.frame();
        }
        // 30 px size + 2 x 5 px x 10 frames = 130 px from (8, 6)
        assertTrue(moving.reaches(8 + 130, 6, 30));
        assertFalse(moving.reaches(8 + 131, 6, 30));
        assertEquals(8, moving.x(), 0);
        assertEquals(6, moving.y(), 0);
    }
}
