package dev.siamtrack.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.siamtrack.testing.SharedData;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bench}'s mistakes: each is one {@code siamtrack:} line on standard error and exit 2, found before the
 * benchmark runs (nothing on standard output).
 */
class BenchCommandBadInputTest {

    @TempDir
    Path tmp;

    /** Runs bench, expects exit 2, nothing measured, and exactly one error line containing {@code expected}. */
    private static String assertRefused(String expected, String... args) {
        String[] full = new String[args.length + 1];
        full[0] = "bench";
        System.arraycopy(args, 0, full, 1, args.length);
        CliRunner.Result r = CliRunner.run(full);
        assertEquals(2, r.exitCode(), r.err());
        assertEquals("", r.out(), "the benchmark ran before the mistake was found");
        String[] lines = r.err().strip().split("\\R");
        assertEquals(1, lines.length, r.err());
        assertTrue(lines[0].startsWith("siamtrack: ") && lines[0].contains(expected), r.err());
        return lines[0];
    }

    @Test
    void anUnwritableJsonIsRefusedBeforeTheBenchmarkRuns() throws Exception {
        Path blocker = Files.writeString(tmp.resolve("blocker"), "a file, not a folder");
        assertRefused("--json " + blocker.resolve("b.json") + ": not writable", "--frames", "30", "--json",
                blocker.resolve("b.json").toString());
        assertRefused("--json " + tmp + ": is a folder, not a file", "--frames", "30", "--json", tmp.toString());
        assertRefused("--json " + blocker.resolve("b.json") + ": not writable", "--targets", "1", "--frames", "30",
                "--json", blocker.resolve("b.json").toString());
    }

    @Test
    void aReferenceModelTrackerNanoCannotRunIsRefusedInOneLine() {
        String line = assertRefused("--reference-model models/siamtrack-v3s: OpenCV's TrackerNano needs a NanoTrack v1/v2 model",
                "--frames", "30", "--reference-model", "models/siamtrack-v3s");
        assertTrue(line.contains("siamtrack-v3s (family siamtrack) has exemplar 127, search 191, score map 11x11"), line);
        Path nanoV3 = SharedData.nanoTrack(3);
        line = assertRefused("--reference-model " + nanoV3 + ": OpenCV's TrackerNano needs a NanoTrack v1/v2 model",
                "--frames", "30", "--reference-model", nanoV3.toString());
        assertTrue(line.contains("nanotrack-v3 (family nanotrack-v3) has exemplar 127, search 255, score map 15x15"), line);
    }

    @Test
    void aBadVideoIsNamedAsTrackNamesIt() throws Exception {
        Path garbage = Files.writeString(tmp.resolve("garbage.mp4"), "not a video");
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        String[][] cases = {
            {"/nonexistent.mp4", "/nonexistent.mp4: no such file or folder"},
            {garbage.toString(), garbage + ": FFmpeg cannot decode it"},
            {empty.toString(), empty + ": no images"},
        };
        for (String[] c : cases) {
            assertRefused(c[1], "--video", c[0]);
            CliRunner.Result track = CliRunner.run("track", c[0], "--init", "1,1,5,5");
            assertTrue(track.err().contains(c[1]), "track says: " + track.err());
        }
    }

    @Test
    void aNegativeOrTooLargeOpenCvThreadCountIsRefused() {
        int cores = Runtime.getRuntime().availableProcessors();
        assertRefused("--opencv-threads -3: must be 0 (OpenCV's default) or from 1 to " + cores, "--frames", "3",
                "--opencv-threads", "-3");
        assertRefused("--opencv-threads " + (cores + 1) + ": must be from 1 to " + cores, "--frames", "3",
                "--opencv-threads", String.valueOf(cores + 1));
    }
}
