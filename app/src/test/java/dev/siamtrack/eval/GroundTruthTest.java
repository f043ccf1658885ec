package dev.siamtrack.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.siamtrack.geom.Box;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GroundTruthTest {

    private static final double EPS = 1e-9;

    @Test
    void readsCommaTabAndSpaceSeparatedBoxesAndNaNRows(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("gt.txt");
        Files.writeString(file, "1,2,3,4\n5\t6\t7\t8\n9 10 11 12\nNaN,NaN,NaN,NaN\nnan nan nan nan\n\n");
        List<Box> boxes = GroundTruth.read(file);
        assertEquals(List.of(new Box(1, 2, 3, 4), new Box(5, 6, 7, 8), new Box(9, 10, 11, 12), Box.ABSENT, Box.ABSENT),
                boxes);
    }

    @Test
    void polygonBecomesTheAxisAlignedBoxOfSameCentreAndArea() {
        Box upright = Box.ofPolygon(new double[] {10, 20, 40, 20, 40, 60, 10, 60});
        assertBox(new Box(10, 20, 30, 40), upright);
        // a diamond of diagonal 20 around (50, 50): area 200, bounding box 20x20 -> sides 20 / sqrt(2)
        Box diamond = Box.ofPolygon(new double[] {50, 40, 60, 50, 50, 60, 40, 50});
        double side = 20 / Math.sqrt(2);
        assertBox(Box.ofCenter(50, 50, side, side), diamond);
        assertTrue(Box.ofPolygon(new double[] {Double.NaN, 0, 0, 0, 0, 0, 0, 0}).isAbsent());
        // any corner count (TraX polygons): a right triangle of legs 30 has area 450 in a 30x30 bounding box
        double half = 30 * Math.sqrt(0.5);
        assertBox(Box.ofCenter(10, 10, half, half), Box.ofPolygon(new double[] {0, 0, 30, 0, 0, 30}));
        assertThrows(IllegalArgumentException.class, () -> Box.ofPolygon(new double[] {0, 0, 30, 0, 0}));
    }

    @Test
    void badLinesNameTheFileAndLine(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("groundtruth.txt");
        Files.writeString(file, "1,2,3,4\n1,2,3\n");
        IOException e = assertThrows(IOException.class, () -> GroundTruth.read(file));
        assertTrue(e.getMessage().contains("groundtruth.txt line 2"), e.getMessage());
        Files.writeString(file, "1,2,x,4\n");
        e = assertThrows(IOException.class, () -> GroundTruth.read(file));
        assertTrue(e.getMessage().contains("'x' is not a number"), e.getMessage());
    }

    @Test
    void absenceFlagsMarkFramesAbsent(@TempDir Path dir) throws IOException {
        Path got = dir.resolve("absence.label");
        Files.writeString(got, "0\n1\n0\n");
        Path lasot = dir.resolve("full_occlusion.txt");
        Files.writeString(lasot, "0,0,1\n");
        assertArrayEquals(new boolean[] {false, true, false}, GroundTruth.readFlags(got));
        assertArrayEquals(new boolean[] {false, false, true}, GroundTruth.readFlags(lasot));
        assertNull(GroundTruth.readFlags(dir.resolve("missing.txt")));
        List<Box> boxes = new ArrayList<>(List.of(new Box(1, 1, 1, 1), new Box(2, 2, 2, 2), new Box(3, 3, 3, 3)));
        GroundTruth.markAbsent(boxes, GroundTruth.readFlags(got));
        assertEquals(List.of(new Box(1, 1, 1, 1), Box.ABSENT, new Box(3, 3, 3, 3)), boxes);
    }

    private static void assertBox(Box expected, Box actual) {
        assertEquals(expected.x(), actual.x(), EPS);
        assertEquals(expected.y(), actual.y(), EPS);
        assertEquals(expected.w(), actual.w(), EPS);
        assertEquals(expected.h(), actual.h(), EPS);
    }
}
