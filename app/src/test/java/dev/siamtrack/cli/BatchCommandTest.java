package dev.siamtrack.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.siamtrack.batch.BatchClips;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** siamtrack batch on three generated clips with two targets each, against track and against itself. */
class BatchCommandTest {

    private static final String MODEL = BatchClips.MODEL.toString();

    @TempDir
    static Path archive;

    static Path manifest;
    static Path reference;

    @TempDir
    Path tmp;

    @BeforeAll
    static void trackTheArchiveOnce() throws Exception {
        manifest = BatchClips.manifest(archive, BatchClips.write(archive, 3));
        reference = archive.resolve("reference");
        CliRunner.Result r = CliRunner.run("batch", manifest.toString(), "--out", reference.toString(),
                "--workers", "1", "--model", MODEL);
        assertEquals(0, r.exitCode(), r.err());
    }

    @Test
    void sameResultsWithOneOrTwoWorkersAndAsTrack() throws Exception {
        assumeTrue(Runtime.getRuntime().availableProcessors() >= 2, "needs 2 cores");
        Path two = tmp.resolve("two");
        CliRunner.Result r = CliRunner.run("batch", manifest.toString(), "--out", two.toString(), "--model", MODEL,
                "--workers", "2");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.err().contains("3 videos: 3 done"), r.err());
        assertTrue(r.err().contains("batch 100%"), "progress bar: " + r.err());
        for (int i = 0; i < 3; i++) {
            String name = "clips/clip" + i + ".csv";
            assertEquals(Files.readString(reference.resolve(name)), Files.readString(two.resolve(name)), name);
        }
        // track with the same targets (one starting on a later frame) writes the same file
        Path targets = Files.write(tmp.resolve("targets.csv"), Files.readAllLines(manifest).subList(3, 5).stream()
                .map(row -> row.substring(row.indexOf(',') + 1)).toList());
        Path single = tmp.resolve("track.csv");
        CliRunner.Result t = CliRunner.run("track", archive.resolve("clips/clip1.mp4").toString(), "--targets",
                targets.toString(), "--model", MODEL, "--out", single.toString(), "--quiet");
        assertEquals(0, t.exitCode(), t.err());
        assertEquals(Files.readString(reference.resolve("clips/clip1.csv")), Files.readString(single));
    }

    @Test
    void aKilledRunRerunGivesTheSameResultsWithoutDuplicatesOrPartialFiles() throws Exception {
        Path out = tmp.resolve("killed");
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), SiamTrackCli.class.getName(), "batch",
                manifest.toString(), "--out", out.toString(), "--workers", "1", "--model", MODEL, "--quiet");
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(tmp.resolve("killed.log").toFile()).start();
        Path first = out.resolve("clips/clip0.csv");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!Files.exists(first) && p.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        assertTrue(Files.exists(first), "the first video finished before the kill: " + Files.readString(tmp.resolve("killed.log")));
        // whatever the kill left in place is complete
        for (Path csv : finalResults(out)) {
            assertEquals(Files.readString(reference.resolve(out.relativize(csv))), Files.readString(csv), csv.toString());
        }
        assertTrue(finalResults(out).size() < 3, "killed before the end");

        CliRunner.Result rerun = CliRunner.run("batch", manifest.toString(), "--out", out.toString(), "--model", MODEL,
                "--workers", "1");
        assertEquals(0, rerun.exitCode(), rerun.err());
        assertTrue(rerun.err().contains("kept from an earlier run") && !rerun.err().contains("(0 kept"), rerun.err());
        assertEquals(3, finalResults(out).size());
        for (Path csv : finalResults(out)) {
            List<String> lines = Files.readAllLines(csv);
            assertEquals(lines.size(), new HashSet<>(lines).size(), "no duplicate lines in " + csv);
            assertEquals(Files.readString(reference.resolve(out.relativize(csv))), Files.readString(csv), csv.toString());
        }
        assertFalse(Files.exists(out.resolve(".partial")), "temporary files are cleaned up");
        JsonNode report = new ObjectMapper().readTree(out.resolve("report.json").toFile());
        assertTrue(report.get("succeeded").asBoolean());
        assertTrue(report.get("videos").get(0).get("resumed").asBoolean());
    }

    @Test
    void aCorruptVideoABadRowAndABoxOutsideTheFrameAreReportedAndTheRestIsTracked() throws Exception {
        BatchClips.truncated(archive.resolve("clips/clip0.mp4"), archive.resolve("broken.mp4"));
        List<String> rows = new ArrayList<>(Files.readAllLines(manifest).subList(1, 5));
        rows.add("broken.mp4,t,0,10,10,20,20");
        rows.add("clips/clip1.mp4,far,0,1000,1000,20,20");
        rows.add("clips/clip1.mp4,bad,x,1,2,3,4");
        Path faulty = Files.write(archive.resolve("faulty.csv"), withHeader(rows));
        Path out = tmp.resolve("faulty");
        CliRunner.Result r = CliRunner.run("batch", faulty.toString(), "--out", out.toString(), "--model", MODEL);
        assertEquals(1, r.exitCode(), r.err());
        assertTrue(r.err().contains("manifest line 8 (clips/clip1.mp4): frame 'x' is not a whole number"), r.err());
        JsonNode report = new ObjectMapper().readTree(out.resolve("report.json").toFile());
        assertFalse(report.get("succeeded").asBoolean());
        assertEquals(8, report.get("manifestProblems").get(0).get("line").asInt());
        JsonNode videos = report.get("videos");
        assertEquals(3, videos.size());
        assertEquals("DONE", videos.get(0).get("status").asText());
        assertEquals(0, videos.get(0).get("failures").size());
        assertEquals("DONE", videos.get(1).get("status").asText());
        assertTrue(videos.get(1).get("failures").get(0).asText().startsWith("target far: "), videos.get(1).toString());
        assertEquals("broken.mp4", videos.get(2).get("video").asText());
        assertEquals("FAILED", videos.get(2).get("status").asText());
        assertTrue(videos.get(2).get("failures").get(0).asText().contains("broken.mp4: an MP4 without its index"),
                videos.get(2).toString());
        assertEquals(Files.readString(reference.resolve("clips/clip0.csv")), Files.readString(out.resolve("clips/clip0.csv")));
        assertFalse(Files.exists(out.resolve("broken.csv")));
        String summary = Files.readString(out.resolve("report.md"));
        assertTrue(summary.contains("| broken.mp4 | FAILED |") && summary.contains("manifest line 8"), summary);
    }

    @Test
    void aVideoWithATargetOutsideTheFrameIsFailedInItsRowAsInTheHeadline() throws Exception {
        // one video, one good target and one whose box starts left of the frame: the headline counted the video
        // as failed while report.md and report.json called it DONE
        String good = Files.readAllLines(manifest).get(1);
        String video = good.substring(0, good.indexOf(','));
        Path mixed = Files.write(archive.resolve("mixed.csv"), withHeader(List.of(good.replaceFirst(",[^,]*,", ",ok,"),
                video + ",out,0,-5,10,20,20")));
        Path out = tmp.resolve("mixed");
        CliRunner.Result r = CliRunner.run("batch", mixed.toString(), "--out", out.toString(), "--model", MODEL);
        assertEquals(1, r.exitCode(), r.err());
        assertTrue(r.err().contains("siamtrack: 1 video: 0 done, 1 failed, 0 not finished (0 kept from an earlier run);"
                + " 0 manifest rows left out;"), r.err());
        JsonNode v = new ObjectMapper().readTree(out.resolve("report.json").toFile()).get("videos").get(0);
        assertEquals("failed", v.get("outcome").asText(), v.toString());
        assertEquals("DONE", v.get("status").asText(), "the results file of the good target is complete");
        assertTrue(v.get("failures").get(0).asText().startsWith("target out: "), v.toString());
        String summary = Files.readString(out.resolve("report.md"));
        assertTrue(summary.contains("| " + video + " | FAILED (1 of 2 targets; results for the others) |"), summary);
        assertTrue(Files.isRegularFile(out.resolve(video.replaceFirst("\\.mp4$", ".csv"))));
    }

    @Test
    void anOutputFolderWhereResultsWouldReplaceTheManifestIsRefusedAndQuotedNamesWork() throws Exception {
        // Issue 22: batch same/short.csv --out same, with short.mp4 next to it, wrote its results over the manifest.
        Path same = Files.createDirectories(tmp.resolve("same"));
        Files.copy(archive.resolve("clips/clip0.mp4"), same.resolve("short.mp4"));
        Files.copy(archive.resolve("clips/clip1.mp4"), same.resolve("a, b.mp4"));
        List<String> lines = Files.readAllLines(manifest);
        String rows = lines.get(1).replace("clips/clip0.mp4", "short.mp4") + "\n"
                + lines.get(3).replace("clips/clip1.mp4", "\"a, b.mp4\"") + "\n"
                + lines.get(4).replace("clips/clip1.mp4", "\"a, b.mp4\"") + "\n";
        Path shortCsv = Files.writeString(same.resolve("short.csv"), "video,id,frame,x,y,w,h\n" + rows);
        String before = Files.readString(shortCsv);
        CliRunner.Result r = CliRunner.run("batch", shortCsv.toString(), "--out", same.toString(), "--model", MODEL);
        assertEquals(2, r.exitCode(), r.err());
        assertTrue(r.err().contains("the results of short.mp4 would be written over the manifest"), r.err());
        assertEquals(before, Files.readString(shortCsv));
        assertFalse(Files.exists(same.resolve("report.json")));

        Path out = tmp.resolve("elsewhere");
        CliRunner.Result ok = CliRunner.run("batch", shortCsv.toString(), "--out", out.toString(), "--model", MODEL);
        assertEquals(0, ok.exitCode(), ok.err());
        assertTrue(ok.err().contains("2 videos: 2 done, 0 failed, 0 not finished"), ok.err());
        assertEquals(Files.readString(reference.resolve("clips/clip1.csv")), Files.readString(out.resolve("a, b.csv")));
        assertEquals(before, Files.readString(shortCsv));
    }

    @Test
    void usageMistakesExitWith2AndCreateNothing() throws Exception {
        Path out = tmp.resolve("never");
        CliRunner.Result missing = CliRunner.run("batch", tmp.resolve("none.csv").toString(), "--out", out.toString(),
                "--model", MODEL);
        assertEquals(2, missing.exitCode());
        assertTrue(missing.err().contains("no such manifest file"), missing.err());
        Path header = Files.writeString(tmp.resolve("h.csv"), "video,x,y,w,h\n");
        CliRunner.Result wrong = CliRunner.run("batch", header.toString(), "--out", out.toString(), "--model", MODEL);
        assertEquals(2, wrong.exitCode());
        assertTrue(wrong.err().contains("header video,id,frame,x,y,w,h"), wrong.err());
        int tooMany = Runtime.getRuntime().availableProcessors() + 1;
        CliRunner.Result workers = CliRunner.run("batch", manifest.toString(), "--out", out.toString(), "--model", MODEL,
                "--workers", String.valueOf(tooMany));
        assertEquals(2, workers.exitCode());
        assertTrue(workers.err().contains("--workers " + tooMany + ": must be from 1 to"), workers.err());
        CliRunner.Result model = CliRunner.run("batch", manifest.toString(), "--out", out.toString(),
                "--model", tmp.toString());
        assertEquals(2, model.exitCode(), model.err());
        assertFalse(Files.exists(out));
        for (CliRunner.Result r : List.of(missing, wrong, workers, model)) {
            assertFalse(r.err().contains("Exception"), r.err());
        }
    }

    private static List<String> withHeader(List<String> rows) {
        List<String> lines = new ArrayList<>();
        lines.add("video,id,frame,x,y,w,h");
        lines.addAll(rows);
        return lines;
    }

    private static List<Path> finalResults(Path out) throws Exception {
        try (Stream<Path> files = Files.walk(out)) {
            return files.filter(f -> f.toString().endsWith(".csv") && !f.toString().contains(File.separator + ".partial"))
                    .sorted().toList();
        }
    }
}
