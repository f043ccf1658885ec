package dev.siamtrack.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * make-clip, make-pairs, make-longterm, compare and eval: every bad input is one line and exit 2, checked before
 * any output is created (no crash text, no empty report folder).
 */
class ToolsBadInputTest {

    @TempDir
    static Path tmp;
    private static Path seqs;
    private static Path image;
    private static Path file;

    @BeforeAll
    static void sequences() throws IOException {
        seqs = tmp.resolve("seqs");
        for (int seed = 1; seed <= 2; seed++) {
            CliRunner.Result r = CliRunner.run("make-clip", "--seed", "" + seed, "--frames", "30",
                    "--out", seqs.resolve("clip" + seed).toString());
            assertEquals(0, r.exitCode(), r.err());
        }
        image = seqs.resolve("clip1/img/0001.jpg");
        file = Files.writeString(tmp.resolve("file.txt"), "not a folder");
    }

    /** Exit 2, one line starting "siamtrack: " that contains every part, no stack trace. */
    private static void assertUsage(CliRunner.Result r, String... parts) {
        String err = r.err().strip();
        assertEquals(2, r.exitCode(), err);
        assertTrue(err.startsWith("siamtrack: ") && !err.contains("\n"), err);
        assertFalse(err.contains("error:") || err.contains("\tat "), err);
        for (String p : parts) {
            assertTrue(err.contains(p), "expected '" + p + "' in: " + err);
        }
    }

    private static boolean procReadOnly() {
        return Files.isDirectory(Path.of("/proc/self"));
    }

    // 1. make-clip

    @Test
    void makeClipRejectsAnOutputUnderAFile() {
        assertUsage(CliRunner.run("make-clip", "--frames", "30", "--out", file.resolve("x.mp4").toString()),
                "--out", "not writable", "is a file, not a folder");
        assertUsage(CliRunner.run("make-clip", "--frames", "30", "--out", file.resolve("xdir").toString()),
                "--out", "not writable", "is a file, not a folder");
    }

    @Test
    void makeClipRejectsProcUpFront() {
        assumeTrue(procReadOnly());
        assertUsage(CliRunner.run("make-clip", "--frames", "30", "--out", "/proc/x.mp4"), "--out /proc/x.mp4: not writable");
        assertUsage(CliRunner.run("make-clip", "--frames", "30", "--out", "/proc/xdir"), "--out /proc/xdir: not writable");
    }

    @Test
    void makeClipCapsFrameSizeAndCount() {
        Path out = tmp.resolve("big.mp4");
        assertUsage(CliRunner.run("make-clip", "--width", "100000", "--height", "100000", "--out", out.toString()),
                "--width 100000", "at most");
        assertUsage(CliRunner.run("make-clip", "--height", "100000", "--out", out.toString()), "--height 100000");
        assertUsage(CliRunner.run("make-clip", "--frames", "10000000", "--out", out.toString()), "--frames 10000000");
        assertFalse(Files.exists(out));
    }

    // 2. compare

    @Test
    void compareChecksTheReportFolderBeforeScoring() throws IOException {
        Path pairs = tmp.resolve("pairs-for-report.csv");
        assertEquals(0, CliRunner.run("make-pairs", seqs.toString(), "--per-sequence", "2", "--out", pairs.toString())
                .exitCode());
        // no --model: the check comes before the model is loaded, so this fails the same with or without one
        assertUsage(CliRunner.run("compare", "--pairs", pairs.toString(), "--report", file.resolve("c").toString()),
                "--report", "not writable");
        assumeTrue(procReadOnly());
        assertUsage(CliRunner.run("compare", "--pairs", pairs.toString(), "--report", "/proc/c"), "--report /proc/c");
    }

    @Test
    void compareHasVerbose() {
        // --verbose adds the stack trace, so only the first line is the message
        CliRunner.Result r = CliRunner.run("compare", "--verbose", "--threshold", "5", image.toString(),
                image.toString());
        assertEquals(2, r.exitCode(), r.err());
        assertTrue(r.err().startsWith("siamtrack: --threshold 5.0: must be"), r.err());
    }

    @Test
    void compareNamesAMalformedBox() {
        assertUsage(CliRunner.run("compare", image + ":a,b,c,d", image.toString()), "four numbers x,y,w,h");
        assertUsage(CliRunner.run("compare", image + ":1,2,3", image.toString()), "four numbers x,y,w,h");
    }

    @Test
    void compareReportNeedsPairs() {
        assertUsage(CliRunner.run("compare", "--report", tmp.resolve("r").toString(), image.toString(),
                image.toString()), "--report needs --pairs");
        assertFalse(Files.exists(tmp.resolve("r")));
    }

    @Test
    void compareRejectsACropOutsideTheImage() {
        assertUsage(CliRunner.run("compare", image + ":-5,1,20,20", image + ":10,10,20,20"),
                "is not inside the 640x480 frame");
    }

    @Test
    void compareThresholdIsACosine() {
        assertUsage(CliRunner.run("compare", "--threshold", "5", image.toString(), image.toString()),
                "--threshold", "[-1, 1]");
    }

    // 3. and 5. eval

    @Test
    void evalLeavesNoReportFolderAfterRejectingItsInput() throws IOException {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        Path e2 = tmp.resolve("e2");
        assertUsage(CliRunner.run("eval", empty.toString(), "--trackers", "kcf", "--report", e2.toString()),
                "no readable sequence");
        assertFalse(Files.exists(e2), "report folder left behind");
        Path e7 = tmp.resolve("e7");
        assertUsage(CliRunner.run("eval", seqs.toString(), "--sequences", "nope", "--trackers", "kcf",
                "--report", e7.toString()), "unknown sequence(s) nope");
        assertFalse(Files.exists(e7), "report folder left behind");
    }

    @Test
    void evalSaysADatasetFileIsAFile() {
        Path e = tmp.resolve("e-file");
        assertUsage(CliRunner.run("eval", file.toString(), "--trackers", "kcf", "--report", e.toString()),
                "is a file, not a folder");
        assertFalse(Files.exists(e));
    }

    @Test
    void evalSaysAMissingModelDoesNotExist() {
        assertUsage(CliRunner.run("eval", seqs.toString(), "--trackers", "siamtrack:nosuchmodel",
                "--report", tmp.resolve("e-model").toString()), "'nosuchmodel'", "does not exist");
    }

    // 4. and 6. make-pairs, make-longterm

    @Test
    void makePairsChecksOutUpFront() {
        assertUsage(CliRunner.run("make-pairs", seqs.toString(), "--out", file.resolve("p.csv").toString()),
                "--out", "not writable");
        assumeTrue(procReadOnly());
        assertUsage(CliRunner.run("make-pairs", seqs.toString(), "--out", "/proc/p.csv"), "--out /proc/p.csv");
    }

    @Test
    void makePairsCapsPerSequence() {
        Path out = tmp.resolve("many.csv");
        assertUsage(CliRunner.run("make-pairs", seqs.toString(), "--per-sequence", "100000", "--out", out.toString()),
                "--per-sequence 100000", "at most 1000");
        assertFalse(Files.exists(out));
    }

    @Test
    void makeLongTermChecksOutUpFront() throws IOException {
        // the default --min-run 20 and --gap 30 need 70 frames: 30-frame clips take --gap 2 --min-run 5
        assertUsage(CliRunner.run("make-longterm", seqs.toString(), "--gap", "2", "--min-run", "5",
                "--out", file.resolve("lt").toString()), "--out", "not writable");
        try (Stream<Path> s = Files.list(tmp)) {
            assertFalse(s.anyMatch(p -> p.getFileName().toString().startsWith("lt")));
        }
        assumeTrue(procReadOnly());
        assertUsage(CliRunner.run("make-longterm", seqs.toString(), "--gap", "2", "--min-run", "5",
                "--out", "/proc/lt"), "--out /proc/lt");
    }
}
