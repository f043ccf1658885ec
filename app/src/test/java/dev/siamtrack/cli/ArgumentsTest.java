package dev.siamtrack.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.siamtrack.geom.Box;
import org.junit.jupiter.api.Test;

/** The number, box and thread-count rules every command shares. */
class ArgumentsTest {

    @Test
    void numbersArePlainFiniteDecimals() {
        assertEquals(-12.5, Arguments.number(" -12.5 "));
        assertEquals(0.5, Arguments.number(".5"));
        assertEquals(3, Arguments.number("+3"));
        assertEquals(1500, Arguments.number("1.5e3"));
        for (String bad : new String[] {"NaN", "Infinity", "0x10", "1_000", "", "1,5", "five"}) {
            assertEquals("'" + bad + "' is not a number", assertThrows(IllegalArgumentException.class, () -> Arguments.number(bad)).getMessage());
        }
        assertEquals("'1e400' is too large", assertThrows(IllegalArgumentException.class, () -> Arguments.number("1e400")).getMessage());
        assertEquals("--lost-threshold x: 'x' is not a number",
                assertThrows(UserException.class, () -> Arguments.number("--lost-threshold x", "x")).getMessage());
        assertEquals(0.25, Arguments.number("--lost-threshold 0.25", "0.25"));
    }

    @Test
    void boxesAreFourNumbers() {
        assertEquals(new Box(1, 2, 3, 4), Arguments.box("--init", "1, 2 3\t4"));
        assertEquals("--init: expected 4 numbers x,y,w,h but got '1,2'",
                assertThrows(UserException.class, () -> Arguments.box("--init", "1,2")).getMessage());
    }

    @Test
    void threadsRangeFromOneToTheProcessors() {
        int cores = Runtime.getRuntime().availableProcessors();
        assertEquals(1, Arguments.threads("--threads", 1));
        assertEquals(cores, Arguments.threads("--threads", cores));
        assertEquals("--threads 0: must be from 1 to " + cores + " (the processors available on this machine)",
                assertThrows(UserException.class, () -> Arguments.threads("--threads", 0)).getMessage());
        assertThrows(UserException.class, () -> Arguments.threads("--threads", cores + 1));
    }
}
