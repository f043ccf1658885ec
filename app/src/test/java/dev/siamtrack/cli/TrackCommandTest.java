package dev.siamtrack.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.siamtrack.geom.Box;
import dev.siamtrack.testing.ShippedModel;
import dev.siamtrack.video.FFmpegFrameSource;
import dev.siamtrack.video.synth.ClipConfig;
import dev.siamtrack.video.synth.ClipGenerator;
import dev.siamtrack.video.synth.ClipWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** End-to-end runs of track and demo with the shipped default model. */
class TrackCommandTest {

    @TempDir
    Path tmp;

    @Test
    void writesCsvAndJsonlWithTheInitBoxFirst() throws Exception {
        Path model = ShippedModel.dir();
        Path clip = tmp.resolve("clip.mp4");
        ClipWriter.write(new ClipGenerator(ClipConfig.of(320, 240, 30, 5, false, 1)), clip, i -> { });
        String init = Files.readAllLines(ClipWriter.groundTruthPath(clip)).get(0);
        CliRunner.Result csv = CliRunner.run("track", clip.toString(), "--init", init, "--model", model.toString(),
                "--out", tmp.resolve("r.csv").toString(), "--save", tmp.resolve("r.mp4").toString());
        assertEquals(0, csv.exitCode(), csv.err());
        List<String> lines = Files.readAllLines(tmp.resolve("r.csv"));
        assertEquals("frame,id,x,y,w,h,score,state,reacquired", lines.get(0));
        assertEquals(31, lines.size());
        assertTrue(lines.get(1).startsWith("0,1,"), lines.get(1));
        assertRowBox(Box.parse(init), lines.get(1), 0.01);
        assertTrue(csv.err().contains("30 frames"), csv.err());
        try (FFmpegFrameSource saved = new FFmpegFrameSource(tmp.resolve("r.mp4"))) {
            int n = 0;
            while (saved.next() != null) {
                n++;
            }
            assertEquals(30, n);
        }
        CliRunner.Result jsonl = CliRunner.run("track", clip.toString(), "--init", init, "--model", model.toString(),
                "--out", tmp.resolve("r.jsonl").toString(), "--max-frames", "10");
        assertEquals(0, jsonl.exitCode(), jsonl.err());
        List<String> objects = Files.readAllLines(tmp.resolve("r.jsonl"));
        assertEquals(10, objects.size());
        assertTrue(objects.get(9).matches("\\{\"frame\":9,\"id\":\"1\",\"x\":[-0-9.]+,\"y\":[-0-9.]+,\"w\":[0-9.]+,\"h\":[0-9.]+,"
                + "\"score\":[0-9.]+,\"state\":\"(TRACKING|UNCERTAIN|LOST)\",\"reacquired\":(true|false)}"), objects.get(9));
    }

    @Test
    void corruptStretchIsSkippedCountedAndTrackingGoesOn() throws Exception {
        Path model = ShippedModel.dir();
        Path clip = tmp.resolve("clip.mp4");
        ClipWriter.write(new ClipGenerator(ClipConfig.of(320, 240, 150, 3, false, 1)), clip, i -> { });
        byte[] bytes = Files.readAllBytes(clip);
        for (int i = (int) (bytes.length * 0.45); i < bytes.length * 0.55; i++) {
            bytes[i] = (byte) (i * 7919);
        }
        Path corrupt = Files.write(tmp.resolve("corrupt.mp4"), bytes);
        String init = Files.readAllLines(ClipWriter.groundTruthPath(clip)).get(0);
        CliRunner.Result r = CliRunner.run("track", corrupt.toString(), "--init", init, "--model", model.toString(),
                "--out", tmp.resolve("r.csv").toString());
        assertEquals(0, r.exitCode(), r.err());
        Matcher m = Pattern.compile("(\\d+) frames skipped").matcher(r.err());
        assertTrue(m.find(), r.err());
        int skipped = Integer.parseInt(m.group(1));
        List<String> lines = Files.readAllLines(tmp.resolve("r.csv"));
        assertTrue(skipped > 0, "the corrupt stretch must be reported: " + r.err());
        assertEquals(150, lines.size() - 1 + skipped, "tracked + skipped = all frames");
        assertTrue(lines.get(lines.size() - 1).startsWith("149,"), "tracking reached the last frame");
    }

    @Test
    void sigtermKeepsEverythingTrackedSoFar() throws Exception {
        Path model = ShippedModel.dir();
        Path clip = tmp.resolve("long.mp4");
        ClipWriter.write(new ClipGenerator(ClipConfig.of(320, 240, 1500, 4, false, 1)), clip, i -> { });
        String init = Files.readAllLines(ClipWriter.groundTruthPath(clip)).get(0);
        Path csv = tmp.resolve("partial.csv");
        Path mp4 = tmp.resolve("partial.mp4");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), SiamTrackCli.class.getName(), "track", clip.toString(),
                "--init", init, "--model", model.toString(), "--out", csv.toString(), "--save", mp4.toString(), "--quiet")
                .redirectErrorStream(true).redirectOutput(tmp.resolve("log.txt").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline && (!Files.exists(csv) || Files.readAllLines(csv).size() < 50)) {
            Thread.sleep(50);
        }
        int seen = Files.readAllLines(csv).size();
        assertTrue(seen >= 50 && p.isAlive(), "the run should be under way: " + seen + " lines");
        p.destroy();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "process ends after SIGTERM");
        List<String> lines = Files.readAllLines(csv);
        assertTrue(lines.size() >= seen && lines.size() < 1501, lines.size() + " lines");
        assertTrue(lines.get(lines.size() - 1).matches("\\d+,.*,(TRACKING|UNCERTAIN|LOST),(true|false)"), "last line complete");
        try (FFmpegFrameSource saved = new FFmpegFrameSource(mp4)) {
            int n = 0;
            while (saved.next() != null) {
                n++;
            }
            assertTrue(n >= seen - 10, "the MP4 is finalised and holds the tracked frames: " + n);
        }
    }

    @Test
    void demoTracksTheShippedClip() throws Exception {
        Path model = ShippedModel.dir();
        Path home = Path.of(System.getProperty("siamtrack.home", "."));
        Path video = home.resolve("videos/demo.mp4");
        CliRunner.Result r = CliRunner.run("demo", "--model", model.toString(), "--video", video.toString(),
                "--out-dir", tmp.toString());
        assertEquals(0, r.exitCode(), r.err());
        List<String> rows = Files.readAllLines(tmp.resolve("demo.csv"));
        assertEquals(301, rows.size());
        // the IoU computed here from demo.csv and the clip's ground truth, over the frames where the disc is in view
        List<String> truth = Files.readAllLines(home.resolve("videos/demo.txt"));
        double sum = 0;
        int visible = 0;
        for (int i = 0; i < 300; i++) {
            Box t = Box.parse(truth.get(i));
            if (!t.isAbsent()) {
                sum += Math.max(0, rowBox(rows.get(i + 1)).iou(t));
                visible++;
            }
        }
        assertEquals(270, visible, "videos/demo.txt: the disc is out of view on 30 frames");
        assertTrue(sum / visible >= 0.6, "mean IoU " + sum / visible);
        Matcher m = Pattern.compile("mean IoU ([0-9.]+)").matcher(r.out());
        assertTrue(m.find(), r.out());
        assertEquals(sum / visible, Double.parseDouble(m.group(1)), 0.01, "the IoU the demo prints: " + r.out());
        assertTrue(Files.size(tmp.resolve("demo.mp4")) > 10_000);
    }

    /** The x,y,w,h columns of a CSV result row (frame,id,x,y,w,h,score,state,reacquired). */
    static Box rowBox(String row) {
        String[] f = row.split(",");
        return new Box(Double.parseDouble(f[2]), Double.parseDouble(f[3]), Double.parseDouble(f[4]), Double.parseDouble(f[5]));
    }

    static void assertRowBox(Box expected, String row, double tolerance) {
        Box got = rowBox(row);
        assertEquals(expected.x(), got.x(), tolerance, row);
        assertEquals(expected.y(), got.y(), tolerance, row);
        assertEquals(expected.w(), got.w(), tolerance, row);
        assertEquals(expected.h(), got.h(), tolerance, row);
    }
}
