package dev.siamtrack.cli;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.siamtrack.geom.Box;
import dev.siamtrack.run.PlannedTarget;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --init values and --targets files read into target plans, and the exact errors for bad ones. */
class TargetPlanTest {

    @TempDir
    Path tmp;

    private static String error(List<String> inits, Path file) {
        return assertThrows(UserException.class, () -> TargetPlan.parse(inits, file)).getMessage();
    }

    @Test
    void initsAreNumberedFromOneUnlessNamedAndStartOnFrameZero() {
        TargetPlan plan = TargetPlan.parse(List.of("10,20,30,40", "ball = 1.5 2.5 3 4", "5,6,7,8"), null);
        assertEquals(List.of(new PlannedTarget("1", 0, new Box(10, 20, 30, 40)), new PlannedTarget("ball", 0, new Box(1.5, 2.5, 3, 4)),
                new PlannedTarget("3", 0, new Box(5, 6, 7, 8))), plan.targets());
        assertFalse(plan.isEmpty());
        assertTrue(TargetPlan.parse(List.of(), null).isEmpty());
    }

    @Test
    void aTargetsFileAddsItsRowsAfterTheInits() throws Exception {
        Path file = Files.writeString(tmp.resolve("t.csv"), "id,frame,x,y,w,h\n# a comment\n\nball, 150, 1, 2, 3, 4\nb,0,5,6,7,8\n");
        TargetPlan plan = TargetPlan.parse(List.of("a=10,10,20,20"), file);
        assertEquals(List.of(new PlannedTarget("a", 0, new Box(10, 10, 20, 20)), new PlannedTarget("ball", 150, new Box(1, 2, 3, 4)),
                new PlannedTarget("b", 0, new Box(5, 6, 7, 8))), plan.targets());
    }

    @Test
    void badInitsAreNamedWithTheirText() {
        assertEquals("--init a b=1,2,3,4: target id 'a b' must be letters, digits, '_', '-' or '.'", error(List.of("a b=1,2,3,4"), null));
        assertEquals("--init =1,2,3,4: target id '' must be letters, digits, '_', '-' or '.'", error(List.of("=1,2,3,4"), null));
        assertEquals("--init 1,2,3: expected 4 numbers x,y,w,h but got '1,2,3'", error(List.of("1,2,3"), null));
        assertEquals("--init 1,2,x,4: 'x' is not a number", error(List.of("1,2,x,4"), null));
        assertEquals("--init 1,2,1e999,4: '1e999' is too large", error(List.of("1,2,1e999,4"), null));
        assertEquals("--init 1,2,0,4: 1.00,2.00,0.00,4.00: width and height must be positive", error(List.of("1,2,0,4"), null));
        assertEquals("--init 1,2,0.5,4: 1.00,2.00,0.50,4.00: the box is smaller than one pixel (width and height must be at least 1)",
                error(List.of("1,2,0.5,4"), null));
        assertEquals("--init 1,2,0.001,0.001: 1.00,2.00,0.00,0.00: the box is smaller than one pixel (width and height must be at least 1)",
                error(List.of("1,2,0.001,0.001"), null));
        assertEquals("--init a=5,6,7,8: target a already starts on frame 0 (--init a=1,2,3,4)",
                error(List.of("a=1,2,3,4", "a=5,6,7,8"), null));
    }

    @Test
    void badTargetsFilesAreNamedWithFileAndLine() throws Exception {
        Path file = tmp.resolve("t.csv");
        Files.writeString(file, "id,frame,x,y,w,h\nball,0,1,2,3\n");
        assertEquals(file + ":2: expected id,frame,x,y,w,h (6 fields) but got 'ball,0,1,2,3'", error(List.of(), file));
        Files.writeString(file, "ball,one,1,2,3,4\n");
        assertEquals(file + ":1: frame 'one' is not a whole number", error(List.of(), file));
        Files.writeString(file, "ball,-1,1,2,3,4\n");
        assertEquals(file + ":1: frame -1 is negative", error(List.of(), file));
        Files.writeString(file, "a b,0,1,2,3,4\n");
        assertEquals(file + ":1: target id 'a b' must be letters, digits, '_', '-' or '.'", error(List.of(), file));
        Files.writeString(file, "ball,0,1,2,3,-4\n");
        assertEquals(file + ":1: 1.00,2.00,3.00,-4.00: width and height must be positive", error(List.of(), file));
        Files.writeString(file, "ball,0,1,2,3,4\ndot,7,1,2,3,0.25\n");
        assertEquals(file + ":2: 1.00,2.00,3.00,0.25: the box is smaller than one pixel (width and height must be at least 1)",
                error(List.of(), file));
        Files.writeString(file, "ball,3,1,2,3,4\nball,3,5,6,7,8\n");
        assertEquals(file + ":2: target ball already starts on frame 3 (" + file + ":1)", error(List.of(), file));
        Files.writeString(file, "id,frame,x,y,w,h\n# nothing\n");
        assertEquals("--targets " + file + ": no targets (rows id,frame,x,y,w,h)", error(List.of(), file));
        assertTrue(error(List.of(), tmp.resolve("missing.csv")).startsWith("--targets " + tmp.resolve("missing.csv") + ": cannot read"));
    }

    @Test
    void aTargetMayStartAgainOnAnotherFrame() throws Exception {
        Path file = Files.writeString(tmp.resolve("t.csv"), "ball,0,1,2,3,4\nball,9,5,6,7,8\n");
        assertEquals(2, TargetPlan.parse(List.of(), file).targets().size());
    }

    @Test
    void checkInsideNamesTheTargetThatDoesNotFit() {
        TargetPlan plan = TargetPlan.parse(List.of("a=0,0,640,480", "b=600,10,50,10"), null);
        UserException e = assertThrows(UserException.class, () -> plan.checkInside(640, 480));
        assertEquals("--init b=600,10,50,10: 600.00,10.00,50.00,10.00 is not inside the 640x480 frame", e.getMessage());
        assertDoesNotThrow(() -> TargetPlan.parse(List.of("a=0,0,640,480"), null).checkInside(640, 480));
    }
}
