package dev.siamtrack.track;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ScanScheduleTest {

    @Test
    void coversTheFrameNearestWindowsFirstAndCycles() {
        // 640 x 480, coverage 200: spacing 180 -> 4 x 3 windows
        ScanSchedule s = new ScanSchedule(640, 480, 200, 600, 40);
        assertEquals(12, s.size());
        for (int y = 0; y < 480; y += 7) {
            for (int x = 0; x < 640; x += 7) {
                boolean covered = false;
                for (int i = 0; i < s.size(); i++) {
                    covered |= Math.abs(x - s.x(i)) <= 100 && Math.abs(y - s.y(i)) <= 100;
                }
                assertTrue(covered, "pixel " + x + "," + y);
            }
        }
        double previous = 0;
        for (int i = 0; i < s.size(); i++) {
            double d = Math.hypot(s.x(i) - 600, s.y(i) - 40);
            assertTrue(d >= previous, "window " + i + " is no nearer than the one before");
            previous = d;
        }
        // the nearest window is the top-right one of the grid centred on the frame
        assertEquals(590, s.x(0), 1e-9);
        assertEquals(60, s.y(0), 1e-9);
        for (int i = 0; i < s.size(); i++) {
            assertEquals(i, s.next());
        }
        assertEquals(0, s.next());
    }

    @Test
    void aFrameSmallerThanOneWindowTakesOne() {
        ScanSchedule s = new ScanSchedule(100, 80, 300, 10, 10);
        assertEquals(1, s.size());
        assertEquals(50, s.x(0), 1e-9);
        assertEquals(40, s.y(0), 1e-9);
    }
}
