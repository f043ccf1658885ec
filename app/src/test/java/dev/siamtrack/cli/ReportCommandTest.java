package dev.siamtrack.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.siamtrack.testing.SharedData;
import dev.siamtrack.video.FrameSource;
import dev.siamtrack.video.FrameSources;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> TRACKERS = List.of("siamtrack@siamtrack-v3s", "siamtrack@nanotrack-v2",
            "siamtrack@nanotrack-v3", "opencv-nano@nanotrack-v2");

    @TempDir
    Path tmp;

    @Test
    void badInputsAreRefusedBeforeAnythingIsWritten() throws IOException {
        Path out = tmp.resolve("docs/benchmarks.md");
        Path work = tmp.resolve("work");
        Path refs = fakeReferenceModels();
        Path clips = Files.createDirectories(tmp.resolve("clips"));
        assertEquals(0, CliRunner.run("make-clip", "--out", clips.resolve("a.mp4").toString(), "--frames", "30",
                "--width", "320", "--height", "240").exitCode());
        Path noTruth = Files.copy(clips.resolve("a.mp4"), Files.createDirectories(tmp.resolve("bare")).resolve("b.mp4"));
        Map<String, List<String>> cases = Map.of(
                "which is missing", List.of("--reference-models", refs.toString(), "--video", noTruth.toString()),
                "--reference-models", List.of("--reference-models", tmp.resolve("none").toString()),
                "no such folder", List.of("--reference-models", refs.toString(), "--dataset", "x=" + tmp.resolve("nowhere")),
                "no dataset named y", List.of("--reference-models", refs.toString(), "--dataset", "x=" + clips,
                        "--sequences", "y=" + clips.resolve("a.txt")),
                "a second dataset named clips", List.of("--reference-models", refs.toString(), "--dataset",
                        clips.toString(), "--dataset", "clips=" + clips, "--no-longterm"),
                "add --no-longterm", List.of("--reference-models", refs.toString(), "--dataset", "x=" + clips),
                "give one as NAME=DIR", List.of("--reference-models", refs.toString(), "--dataset",
                        Files.createDirectories(tmp.resolve("my clips")).toString(), "--no-longterm"),
                "not in", List.of("--reference-models", refs.toString(), "--dataset", "x=" + clips, "--no-longterm",
                        "--sequences", "x=" + writeList("Walk")));
        for (Map.Entry<String, List<String>> c : cases.entrySet()) {
            List<String> args = Stream.concat(Stream.of("report", "--out", out.toString(), "--work", work.toString()),
                    c.getValue().stream()).toList();
            CliRunner.Result r = CliRunner.run(args.toArray(String[]::new));
            assertEquals(2, r.exitCode(), c.getKey() + ": " + r.err());
            assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
            assertTrue(r.err().startsWith("siamtrack: ") && r.err().contains(c.getKey()), r.err());
            assertFalse(Files.exists(out), "no document written for " + c.getKey());
            assertFalse(Files.exists(work), "no work folder created for " + c.getKey());
        }
        CliRunner.Result folder = CliRunner.run("report", "--out", tmp.toString(), "--reference-models", refs.toString());
        assertEquals(2, folder.exitCode(), folder.err());
        assertTrue(folder.err().contains("is a folder"), folder.err());
        Path file = Files.writeString(tmp.resolve("a-file"), "");
        CliRunner.Result workFile = CliRunner.run("report", "--out", out.toString(), "--work", file.resolve("w").toString(),
                "--reference-models", refs.toString());
        assertEquals(2, workFile.exitCode(), workFile.err());
        assertTrue(workFile.err().contains("--work " + file.resolve("w") + ": cannot be written"), workFile.err());
        assertFalse(Files.exists(out), "no document written for an unwritable --work");
    }

    @Test
    void quickRunWritesEveryTableFromItsOwnMeasurements() throws Exception {
        Path reference = SharedData.nanoTrack(2).getParent();
        SharedData.nanoTrack(3);
        Path dataset = otbDataset();
        Path out = tmp.resolve("benchmarks.md");
        Path work = tmp.resolve("work");
        CliRunner.Result r = CliRunner.run("report", "--quick", "--reference-models", reference.toString(),
                "--dataset", "clips=" + dataset, "--out", out.toString(), "--work", work.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.err().contains("report: [1/5] speed of the default model"), "progress lines: " + r.err());
        assertTrue(r.err().contains("report: [5/5] accuracy on clips-longterm"), r.err());
        String doc = Files.readString(out, StandardCharsets.UTF_8);
        assertTrue(doc.startsWith("# Benchmarks\n\n" + BenchmarksDoc.GENERATED), doc);
        assertTrue(Pattern.compile("(?m)^- CPU: \\S").matcher(doc).find(), doc);
        assertTrue(Pattern.compile("(?m)^- Date: \\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2} UTC$").matcher(doc).find(), doc);
        assertTrue(Pattern.compile("(?m)^- Commit: ([0-9a-f]{12}|unknown)").matcher(doc).find(), doc);
        assertTrue(doc.contains("\n./siamtrack bench --video videos/demo.mp4 --model models/siamtrack-v3s --compare-model "
                + reference.resolve("nanotrack-v2") + " --reference-model " + reference.resolve("nanotrack-v2")
                + " --frames 30 --json "), doc);

        Path run;
        try (Stream<Path> runs = Files.list(work)) {
            run = runs.findFirst().orElseThrow();
        }
        JsonNode bench = JSON.readTree(run.resolve("bench-shipped.json").toFile());
        double opencv = bench.path("opencv_nano").path("track_ms_median").asDouble();
        double ours = bench.path("siamtrack").path("track_ms_median").asDouble();
        assertTrue(doc.contains(String.format(Locale.ROOT, "| 1 | SiamTrack, siamtrack-v3s (default) | %.2f | %.2f | %.2f |",
                ours, bench.path("siamtrack").path("track_ms_p95").asDouble(), ours / opencv)), doc);

        JsonNode summary = JSON.readTree(run.resolve("eval-clips/summary.json").toFile());
        assertEquals(2, summary.path("sequences").asInt());
        Map<String, String> rows = tableRows(doc, "## Accuracy: clips\n");
        assertEquals(TRACKERS, List.copyOf(rows.keySet()));
        for (String t : TRACKERS) {
            assertEquals(String.format(Locale.ROOT, "%.3f", summary.path("trackers").path(t).path("auc").asDouble()),
                    rows.get(t).split("\\|")[2].strip(), "AUC of " + t + " as eval measured it");
        }
        assertTrue(summary.path("trackers").path("siamtrack@siamtrack-v3s").path("auc").asDouble() > 0.5,
                "the default model follows the generated target");
        Map<String, String> longTerm = tableRows(doc, "## Accuracy: clips-longterm\n");
        for (String model : List.of("siamtrack-v3s", "nanotrack-v2", "nanotrack-v3")) {
            assertTrue(longTerm.containsKey("siamtrack-st@" + model), "re-detection off beside on for " + model + ": "
                    + longTerm);
        }
        assertTrue(longTerm.get("siamtrack@siamtrack-v3s").matches(".*\\| \\d+ of [1-9]\\d* \\|.*"),
                "the long-term set has returns of the target: " + longTerm);
    }

    /** The first column's text to the whole row, for the table of the section that starts with {@code heading}. */
    private static Map<String, String> tableRows(String doc, String heading) {
        int start = doc.indexOf(heading);
        assertTrue(start >= 0, "section " + heading.strip() + " in\n" + doc);
        int end = doc.indexOf("\n## ", start + heading.length());
        String section = doc.substring(start, end < 0 ? doc.length() : end);
        Matcher m = Pattern.compile("(?m)^\\| (\\S+@\\S+) \\|.*$").matcher(section);
        return m.results().collect(Collectors.toMap(x -> x.group(1), x -> x.group(0), (a, b) -> a,
                LinkedHashMap::new));
    }

    /** Two OTB-layout sequences cut from generated clips, long enough for make-longterm's default cut. */
    private Path otbDataset() throws Exception {
        Path root = tmp.resolve("dataset");
        for (String name : List.of("alpha", "beta")) {
            Path clip = tmp.resolve(name + ".mp4");
            CliRunner.Result made = CliRunner.run("make-clip", "--out", clip.toString(), "--frames", "80", "--width", "320",
                    "--height", "240", "--seed", name.equals("alpha") ? "3" : "4");
            assertEquals(0, made.exitCode(), made.err());
            Path img = Files.createDirectories(root.resolve(name).resolve("img"));
            try (FrameSource source = FrameSources.open(clip.toString())) {
                Mat frame;
                int i = 1;
                while ((frame = source.next()) != null) {
                    opencv_imgcodecs.imwrite(img.resolve(String.format(Locale.ROOT, "%04d.jpg", i++)).toString(), frame);
                }
            }
            Files.copy(tmp.resolve(name + ".txt"), root.resolve(name).resolve("groundtruth_rect.txt"));
        }
        return root;
    }

    /** Folders named like the reference models, whose files only have to exist: bad input is refused before any loads. */
    private Path fakeReferenceModels() throws IOException {
        Path refs = tmp.resolve("refs");
        for (String name : List.of("nanotrack-v2", "nanotrack-v3")) {
            Path dir = Files.createDirectories(refs.resolve(name));
            Files.writeString(dir.resolve("backbone.onnx"), "");
            Files.writeString(dir.resolve("head.onnx"), "");
        }
        return refs;
    }

    private Path writeList(String... names) throws IOException {
        return Files.writeString(tmp.resolve("list.txt"), "# chosen\n" + String.join("\n", names) + "\n");
    }
}
