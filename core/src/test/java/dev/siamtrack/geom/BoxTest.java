package dev.siamtrack.geom;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Box arithmetic against values computed by hand. */
class BoxTest {

    private static void assertBox(double x, double y, double w, double h, Box b) {
        assertEquals(x, b.x(), 1e-9, "x of " + b);
        assertEquals(y, b.y(), 1e-9, "y of " + b);
        assertEquals(w, b.w(), 1e-9, "w of " + b);
        assertEquals(h, b.h(), 1e-9, "h of " + b);
    }

    @Test
    void aPolygonBecomesTheBoxOfItsCentreAreaAndAspectRatio() {
        // an upright 30 x 40 rectangle is itself, whichever way round its corners go
        assertBox(10, 20, 30, 40, Box.ofPolygon(new double[] {10, 20, 40, 20, 40, 60, 10, 60}));
        assertBox(10, 20, 30, 40, Box.ofPolygon(new double[] {10, 60, 40, 60, 40, 20, 10, 20}));
        // a diamond with diagonals 20 and 20 has area 200 in a 20 x 20 bounding box: side 20 sqrt(1/2)
        double side = 20 * Math.sqrt(0.5);
        assertBox(50 - side / 2, 50 - side / 2, side, side, Box.ofPolygon(new double[] {50, 40, 60, 50, 50, 60, 40, 50}));
        // a right triangle with legs 30: area 450 in a 30 x 30 box, centre (10, 10) (mean of the corners)
        double t = 30 * Math.sqrt(0.5);
        assertBox(10 - t / 2, 10 - t / 2, t, t, Box.ofPolygon(new double[] {0, 0, 30, 0, 0, 30}));
        // a flat polygon: a zero-size box at its centre
        assertBox(10, 0, 0, 0, Box.ofPolygon(new double[] {0, 0, 10, 0, 20, 0}));
        assertTrue(Box.ofPolygon(new double[] {0, 0, 10, Double.NaN, 20, 5}).isAbsent());
        assertThrows(IllegalArgumentException.class, () -> Box.ofPolygon(new double[] {0, 0, 1, 1}));
        assertThrows(IllegalArgumentException.class, () -> Box.ofPolygon(new double[] {0, 0, 1, 1, 2, 2, 3}));
    }

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
        assertDoesNotThrow(() -> new Box(0, 0, 1, 1).checkSize());
        for (Box bad : new Box[] {new Box(0, 0, 0, 5), new Box(0, 0, 5, 0), new Box(0, 0, -1, 5), new Box(0, 0, 5, -1),
            new Box(0, 0, Double.POSITIVE_INFINITY, 5), new Box(0, 0, 5, Double.POSITIVE_INFINITY), new Box(0, 0, Double.NaN, 5)}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, bad::checkSize, bad.toString());
            assertTrue(e.getMessage().endsWith(": width and height must be positive"), e.getMessage());
        }
    }

    @Test
    void checkSizeWantsAtLeastOnePixel() {
        // a smaller box passed the check, then the tracker's crop of it was empty mid-run
        for (Box tiny : new Box[] {new Box(0, 0, 0.01, 0.01), new Box(0, 0, 0.99, 5), new Box(0, 0, 5, 0.5)}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, tiny::checkSize, tiny.toString());
            assertTrue(e.getMessage().startsWith(tiny + ": the box is smaller than one pixel"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> tiny.checkInside(640, 480), tiny.toString());
        }
        assertDoesNotThrow(() -> new Box(3, 4, 1, 1).checkInside(640, 480));
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
