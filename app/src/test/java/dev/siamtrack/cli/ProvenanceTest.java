package dev.siamtrack.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The commands behind a provenance line: their output, and a bounded wait for one that hangs. */
class ProvenanceTest {

    @Test
    void aCommandsOutputIsReturned(@TempDir Path dir) {
        assertEquals("abc\n", Provenance.output(Duration.ofSeconds(20), dir, "sh", "-c", "echo abc"));
        assertEquals("", Provenance.output(Duration.ofSeconds(20), dir, "sh", "-c", "echo abc; exit 3"), "a failure");
        assertEquals("", Provenance.output(Duration.ofSeconds(20), dir, "no-such-command-here"));
    }

    @Test
    void aCommandThatHangsIsGivenUpAtTheLimit(@TempDir Path dir) {
        long start = System.nanoTime();
        // it has written something and keeps its output open: reading to the end would wait for it
        String out = Provenance.output(Duration.ofMillis(500), dir, "sh", "-c", "echo partial; exec sleep 60");
        double seconds = (System.nanoTime() - start) / 1e9;
        assertEquals("", out);
        assertTrue(seconds < 30, "gave up after " + seconds + " s");
    }
}
