package dev.siamtrack.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.siamtrack.testing.ShippedModel;
import dev.siamtrack.video.FFmpegFrameSource;
import dev.siamtrack.video.synth.ClipConfig;
import dev.siamtrack.video.synth.ClipGenerator;
import dev.siamtrack.video.synth.ClipWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code track} with several targets (--init twice, --targets FILE.csv), with the shipped default model. */
class TrackTargetsTest {

    static final String MODEL = ShippedModel.dir().toString();

    @TempDir
    static Path clips;

    static Path clip;
    static String truth;

    @TempDir
    Path tmp;

    @BeforeAll
    static void writeClip() throws Exception {
        clip = clips.resolve("clip.mp4");
        ClipWriter.write(new ClipGenerator(ClipConfig.of(320, 240, 60, 5, false, 1)), clip, i -> { });
        truth = Files.readAllLines(ClipWriter.groundTruthPath(clip)).get(0).trim();
    }

    private static String[] fields(String row) {
        return row.split(",");
    }

    @Test
    void twoInitsWriteOneRowPerTargetAndFrameWithItsIdAndSaveAPlayableVideo() throws Exception {
        Path csv = tmp.resolve("two.csv");
        Path mp4 = tmp.resolve("two.mp4");
        CliRunner.Result r = CliRunner.run("track", clip.toString(), "--init", truth, "--init", "corner=10,10,40,30",
                "--model", MODEL, "--max-frames", "20", "--out", csv.toString(), "--save", mp4.toString());
        assertEquals(0, r.exitCode(), r.err());
        List<String> lines = Files.readAllLines(csv);
        assertEquals("frame,id,x,y,w,h,score,state,reacquired", lines.get(0));
        assertEquals(1 + 2 * 20, lines.size());
        for (int frame = 0; frame < 20; frame++) {
            String[] first = fields(lines.get(1 + 2 * frame));
            String[] second = fields(lines.get(2 + 2 * frame));
            assertEquals(String.valueOf(frame), first[0]);
            assertEquals("1", first[1], "the first --init is target 1");
            assertEquals(String.valueOf(frame), second[0]);
            assertEquals("corner", second[1]);
        }
        assertEquals("0,corner,10.00,10.00,40.00,30.00,1.0000,TRACKING,false", lines.get(2), "frame 0 is the start box");
        assertTrue(r.err().contains("20 frames"), r.err());
        try (FFmpegFrameSource saved = new FFmpegFrameSource(mp4)) {
            int n = 0;
            while (saved.next() != null) {
                n++;
            }
            assertEquals(20, n, "the saved video decodes, one frame per tracked frame");
            assertEquals(320, saved.width());
        }
    }

    @Test
    void jsonLinesCarryTheId() throws Exception {
        Path jsonl = tmp.resolve("two.jsonl");
        CliRunner.Result r = CliRunner.run("track", clip.toString(), "--init", truth, "--init", "10,10,40,30",
                "--model", MODEL, "--max-frames", "5", "--out", jsonl.toString(), "--quiet");
        assertEquals(0, r.exitCode(), r.err());
        List<String> objects = Files.readAllLines(jsonl);
        assertEquals(10, objects.size());
        assertTrue(objects.get(0).startsWith("{\"frame\":0,\"id\":\"1\",\"x\":"), objects.get(0));
        assertTrue(objects.get(9).matches("\\{\"frame\":4,\"id\":\"2\",\"x\":[-0-9.]+,\"y\":[-0-9.]+,\"w\":[0-9.]+,"
                + "\"h\":[0-9.]+,\"score\":[0-9.]+,\"state\":\"(TRACKING|UNCERTAIN|LOST)\",\"reacquired\":(true|false)}"),
                objects.get(9));
    }

    @Test
    void aTargetsFileStartsATargetOnALaterFrame() throws Exception {
        Path targets = Files.writeString(tmp.resolve("targets.csv"),
                "id,frame,x,y,w,h\n1," + "0," + truth + "\n# a second object, from frame 50 on\nlate,50,10,10,40,30\n");
        Path csv = tmp.resolve("run.csv");
        CliRunner.Result r = CliRunner.run("track", clip.toString(), "--targets", targets.toString(), "--model", MODEL,
                "--out", csv.toString(), "--quiet");
        assertEquals(0, r.exitCode(), r.err());
        List<String> rows = Files.readAllLines(csv).subList(1, 71);
        assertEquals(70, Files.readAllLines(csv).size() - 1, "60 rows for target 1, 10 for late (frames 50..59)");
        List<String> late = rows.stream().filter(row -> fields(row)[1].equals("late")).toList();
        assertEquals(10, late.size());
        assertEquals("50,late,10.00,10.00,40.00,30.00,1.0000,TRACKING,false", late.get(0));
        assertEquals("59", fields(late.get(9))[0]);
        assertTrue(rows.stream().filter(row -> Integer.parseInt(fields(row)[0]) < 50)
                .allMatch(row -> fields(row)[1].equals("1")), "only target 1 before frame 50");
    }

    @Test
    void aBadTargetsFileStopsWithExit2BeforeAnyOutputIsCreated() throws Exception {
        Path csv = tmp.resolve("never.csv");
        Path mp4 = tmp.resolve("never.mp4");
        String[][] cases = {
            {"1,0,10,10,40,30\n2,0,10,x,40,30\n", "targets.csv:2: 'x' is not a number"},
            {"1,0,10,10,40,30\n1,0,50,50,40,30\n", "targets.csv:2: target 1 already starts on frame 0"},
            {"a,0,10,10,0,30\n", "targets.csv:1: 10.00,10.00,0.00,30.00: width and height must be positive"},
            {"a,0,10,10,0.5,30\n", "targets.csv:1: 10.00,10.00,0.50,30.00: the box is smaller than one pixel"},
            {"a,ten,10,10,40,30\n", "targets.csv:1: frame 'ten' is not a whole number"},
            {"a,0,10,10,40\n", "targets.csv:1: expected id,frame,x,y,w,h (6 fields)"},
            {"a,0,10,10,40,30\nb,40,300,200,40,30\n", "targets.csv:2: 300.00,200.00,40.00,30.00 is not inside the 320x240 frame"},
            {"# nothing\n", "no targets"},
        };
        for (String[] c : cases) {
            Path targets = Files.writeString(tmp.resolve("targets.csv"), c[0]);
            CliRunner.Result r = CliRunner.run("track", clip.toString(), "--targets", targets.toString(), "--model", MODEL,
                    "--out", csv.toString(), "--save", mp4.toString());
            assertEquals(2, r.exitCode(), c[0] + " -> " + r.err());
            assertTrue(r.err().contains(c[1]), "expected '" + c[1] + "' in: " + r.err());
            assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
            assertFalse(Files.exists(csv) || Files.exists(mp4), "no output for " + c[0]);
        }
    }

    @Test
    void aTargetThatStartsAfterTheLastFrameIsNamedAtTheEndWithExit2AndTheResultsAreKept() throws Exception {
        Path targets = Files.writeString(tmp.resolve("late.csv"), "1,0," + truth + "\nt,5000,10,10,20,20\n");
        Path csv = tmp.resolve("late.csv.out.csv");
        CliRunner.Result r = CliRunner.run("track", clip.toString(), "--targets", targets.toString(), "--model", MODEL,
                "--out", csv.toString(), "--quiet");
        assertEquals(2, r.exitCode(), r.err());
        assertTrue(r.err().contains("siamtrack: target t never started: it starts on frame 5000, but the last frame read was "
                + "frame 59 (60 frames read)"), r.err());
        assertEquals(1 + 60, Files.readAllLines(csv).size(), "target 1's rows are kept");
        assertFalse(r.err().contains("\tat "), r.err());
    }

    @Test
    void aTargetBeyondMaxFramesIsNotedButIsNoError() throws Exception {
        Path targets = Files.writeString(tmp.resolve("later.csv"), "1,0," + truth + "\nt,30,10,10,20,20\n");
        Path csv = tmp.resolve("later.csv.out.csv");
        CliRunner.Result r = CliRunner.run("track", clip.toString(), "--targets", targets.toString(), "--model", MODEL,
                "--max-frames", "10", "--out", csv.toString(), "--quiet");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.err().contains("siamtrack: target t not reached: it starts on frame 30, but the last frame read was "
                + "frame 9 (10 frames read, --max-frames 10)"), r.err());
        assertEquals(1 + 10, Files.readAllLines(csv).size());
    }

    @Test
    void aRunWhereNoTargetEverStartedSaysSoWithoutNaN() throws Exception {
        Path targets = Files.writeString(tmp.resolve("never.csv"), "t,5000,10,10,20,20\n");
        Path csv = tmp.resolve("never-out.csv");
        CliRunner.Result r = CliRunner.run("track", clip.toString(), "--targets", targets.toString(), "--model", MODEL,
                "--out", csv.toString(), "--quiet");
        assertEquals(2, r.exitCode(), r.err());
        assertTrue(r.err().contains("target t never started: it starts on frame 5000, but the last frame read was frame 59 "
                + "(60 frames read)"), r.err());
        assertTrue(r.err().contains("60 frames in") && r.err().contains("no frame was tracked"), r.err());
        assertFalse(r.err().contains("NaN"), r.err());
        assertEquals(List.of("frame,id,x,y,w,h,score,state,reacquired"), Files.readAllLines(csv));
    }

    @Test
    void initIdsMustBeUniqueAndWellFormed() {
        CliRunner.Result dup = CliRunner.run("track", clip.toString(), "--init", "a=10,10,40,30", "--init", "a=50,50,40,30",
                "--model", MODEL);
        assertEquals(2, dup.exitCode(), dup.err());
        assertTrue(dup.err().contains("--init a=50,50,40,30: target a already starts on frame 0"), dup.err());
        CliRunner.Result bad = CliRunner.run("track", clip.toString(), "--init", "a b=10,10,40,30", "--model", MODEL);
        assertEquals(2, bad.exitCode(), bad.err());
        assertTrue(bad.err().contains("target id 'a b' must be"), bad.err());
    }
}
