package dev.siamtrack.geom;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Box arithmetic against values computed by hand. */
class BoxTest {

    @Test
    void iouOfKnownOverlaps() {
        Box a = new Box(0, 0, 10, 10);
        assertEquals(1.0, a.iou(new Box(0, 0, 10, 10)), 1e-12);
        // half overlap: intersection 50, union 150
        assertEquals(50.0 / 150, a.iou(new Box(5, 0, 10, 10)), 1e-12);
        // quarter overlap in both axes: intersection 25, union 175
        assertEquals(25.0 / 175, a.iou(new Box(5, 5, 10, 10)), 1e-12);
        // a 4x5 box inside: intersection 20, union 100
        assertEquals(0.2, a.iou(new Box(2, 3, 4, 5)), 1e-12);
        assertEquals(0, a.iou(new Box(10, 0, 10, 10)), "touching edges do not overlap");
        assertEquals(0, a.iou(new Box(0, 10, 10, 10)), "touching edges do not overlap");
        assertEquals(0, a.iou(new Box(20, 20, 5, 5)));
        assertEquals(0, a.iou(new Box(2, 2, 0, 5)), "an empty box overlaps nothing");
        assertEquals(-1, a.iou(Box.ABSENT));
        assertEquals(-1, Box.ABSENT.iou(a));
    }

    @Test
    void centreAreaAndAbsence() {
        Box b = new Box(10, 20, 30, 40);
        assertEquals(25, b.cx(), 1e-12);
        assertEquals(40, b.cy(), 1e-12);
        assertEquals(1200, b.area(), 1e-12);
        assertEquals(0, new Box(0, 0, -3, 4).area());
        assertEquals(0, new Box(0, 0, 3, -4).area());
        assertEquals(b, Box.ofCenter(25, 40, 30, 40));
        assertFalse(b.isAbsent());
        assertTrue(new Box(Double.NaN, 0, 1, 1).isAbsent());
        assertTrue(new Box(0, Double.NaN, 1, 1).isAbsent());
        assertTrue(new Box(0, 0, Double.NaN, 1).isAbsent());
        assertTrue(new Box(0, 0, 1, Double.NaN).isAbsent());
    }

    @Test
    void clipCutsAtTheFrameBorder() {
        assertEquals(new Box(0, 0, 5, 8), new Box(-5, -2, 10, 10).clip(100, 100));
        assertEquals(new Box(95, 90, 5, 10), new Box(95, 90, 10, 20).clip(100, 100));
        assertEquals(new Box(10, 20, 30, 40), new Box(10, 20, 30, 40).clip(100, 100));
        Box outside = new Box(200, 200, 10, 10).clip(100, 100);
        assertEquals(0, outside.w());
        assertEquals(0, outside.h());
    }

    @Test
    void checkInsideAcceptsTheWholeFrameAndNotAPixelMore() {
        assertDoesNotThrow(() -> new Box(0, 0, 640, 480).checkInside(640, 480));
        assertThrows(IllegalArgumentException.class, () -> new Box(0, 0, 640.5, 480).checkInside(640, 480));
        assertThrows(IllegalArgumentException.class, () -> new Box(0, 0, 640, 480.5).checkInside(640, 480));
        assertThrows(IllegalArgumentException.class, () -> new Box(-0.5, 0, 10, 10).checkInside(640, 480));
        assertThrows(IllegalArgumentException.class, () -> new Box(0, -0.5, 10, 10).checkInside(640, 480));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Box(600, 10, 50, 10).checkInside(640, 480));
        assertEquals("600.00,10.00,50.00,10.00 is not inside the 640x480 frame", e.getMessage());
    }

    @Test
    void checkSizeWantsAPositiveFiniteWidthAndHeight() {
        assertDoesNotThrow(() -> new Box(0, 0, 0.01, 0.01).checkSize());
        for (Box bad : new Box[] {new Box(0, 0, 0, 5), new Box(0, 0, 5, 0), new Box(0, 0, -1, 5), new Box(0, 0, 5, -1),
            new Box(0, 0, Double.POSITIVE_INFINITY, 5), new Box(0, 0, 5, Double.POSITIVE_INFINITY), new Box(0, 0, Double.NaN, 5)}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, bad::checkSize, bad.toString());
            assertTrue(e.getMessage().endsWith(": width and height must be positive"), e.getMessage());
        }
    }

    @Test
    void parseAndPrint() {
        assertEquals(new Box(1.5, -2, 30, 40), Box.parse(" 1.5,-2\t30 40 "));
        assertEquals("1.50,-2.00,30.00,40.00", new Box(1.5, -2, 30, 40).toCsv());
        assertEquals("0.12,0.13,1.00,2.00", new Box(0.123, 0.125, 1, 2).toString());
        IllegalArgumentException count = assertThrows(IllegalArgumentException.class, () -> Box.parse("1,2,3"));
        assertEquals("expected 4 numbers x,y,w,h but got '1,2,3'", count.getMessage());
        IllegalArgumentException word = assertThrows(IllegalArgumentException.class, () -> Box.parse("1,2,three,4"));
        assertEquals("'three' is not a number in box '1,2,three,4'", word.getMessage());
    }
}
