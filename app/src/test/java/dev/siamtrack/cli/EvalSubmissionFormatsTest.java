package dev.siamtrack.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.siamtrack.eval.GroundTruth;
import dev.siamtrack.eval.Metrics;
import dev.siamtrack.eval.TrackerFactory;
import dev.siamtrack.geom.Box;
import dev.siamtrack.track.TargetEngine;
import dev.siamtrack.track.TrackResult;
import dev.siamtrack.track.TrackState;
import dev.siamtrack.track.Tracker;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code eval --format got10k,trackingnet,lasot}: the layouts, number formats and frame counts the benchmarks'
 * scorers read (the GOT-10k toolkit's {@code <seq>/<seq>_001.txt} + {@code <seq>_time.txt} zipped with the
 * sequence folders at the root, TrackingNet's flat zip of {@code <seq>.txt}, LaSOT's {@code <seq>.txt}), read back
 * from the zips and files and scored again: the same AUC as eval's report.
 */
class EvalSubmissionFormatsTest {

    static final int FRAMES = 12;
    static final String BOX_LINE = "-?\\d+\\.\\d{3},-?\\d+\\.\\d{3},\\d+\\.\\d{3},\\d+\\.\\d{3}";

    /** Drifts off the init box by fractions of a pixel per frame, so the AUC is neither 0 nor 1 and rounding shows. */
    private static final TrackerFactory DRIFTING = spec -> TargetEngine.single(new Tracker() {
        private Box box;
        private final double drift = spec.label().equals("csrt") ? 0.7371 : 1.3113;

        @Override
        public String name() {
            return spec.label();
        }

        @Override
        public void init(Mat frame, Box b) {
            box = b;
        }

        @Override
        public TrackResult update(Mat frame) {
            box = new Box(box.x() + drift, box.y() + drift / 3, box.w() * 1.0123, box.h() * 0.9871);
            return new TrackResult(box, 0.5, TrackState.TRACKING);
        }
    });

    @TempDir
    Path tmp;

    private Path dataset() throws IOException {
        Path data = tmp.resolve("data");
        for (String name : List.of("Walk", "Run")) {
            Path img = Files.createDirectories(data.resolve(name).resolve("img"));
            StringBuilder truth = new StringBuilder();
            try (Mat m = new Mat(48, 64, opencv_core.CV_8UC3, new Scalar(50, 90, 200, 0))) {
                for (int i = 1; i <= FRAMES; i++) {
                    opencv_imgcodecs.imwrite(img.resolve(String.format(Locale.ROOT, "%04d.jpg", i)).toString(), m);
                    truth.append(String.format(Locale.ROOT, "%d,%d,16,12%n", 4 + i, name.equals("Walk") ? 6 : 6 + i / 2));
                }
            }
            Files.writeString(data.resolve(name).resolve("groundtruth_rect.txt"), truth);
        }
        return data;
    }

    private int eval(ByteArrayOutputStream err, String... args) {
        return new CommandLine(new EvalCommand(DRIFTING, new PrintStream(err, true, StandardCharsets.UTF_8)))
                .execute(args);
    }

    /** The entries of a zip, by name. */
    private static Map<String, String> unzip(Path zip) throws IOException {
        Map<String, String> entries = new LinkedHashMap<>();
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
            ZipEntry e;
            while ((e = in.getNextEntry()) != null) {
                entries.put(e.getName(), new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
        }
        return entries;
    }

    /** The boxes of a result file, checking each line's number format. */
    private static List<Box> boxes(String text, String where) {
        List<Box> boxes = new ArrayList<>();
        for (String line : text.split("\n")) {
            assertTrue(line.matches(BOX_LINE), where + ": " + line);
            String[] f = line.split(",");
            boxes.add(new Box(Double.parseDouble(f[0]), Double.parseDouble(f[1]), Double.parseDouble(f[2]),
                    Double.parseDouble(f[3])));
        }
        assertEquals(FRAMES, boxes.size(), where + ": one line per frame");
        return boxes;
    }

    @Test
    void allThreeLayoutsAreWrittenAndScoreTheAucOfTheReport() throws Exception {
        Path data = dataset();
        Path report = tmp.resolve("report");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = eval(err, data.toString(), "--trackers", "csrt,kcf", "--report", report.toString(),
                "--format", "got10k,trackingnet", "--format", "lasot");
        assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
        JsonNode summary = new ObjectMapper().readTree(report.resolve("summary.json").toFile());
        int scored = 0;
        for (String tracker : List.of("csrt", "kcf")) {
            Map<String, String> got10k = unzip(report.resolve("got10k").resolve(tracker + ".zip"));
            assertEquals(Set.of("Run/Run_001.txt", "Run/Run_time.txt", "Walk/Walk_001.txt", "Walk/Walk_time.txt"),
                    new TreeSet<>(got10k.keySet()), "GOT-10k: the sequence folders at the zip's root");
            Map<String, String> trackingNet = unzip(report.resolve("trackingnet").resolve(tracker + ".zip"));
            assertEquals(Set.of("Run.txt", "Walk.txt"), trackingNet.keySet(), "TrackingNet: the files at the zip's root");
            assertFalse(Files.exists(report.resolve("lasot").resolve(tracker + ".zip")), "LaSOT is scored offline");
            for (String seq : List.of("Walk", "Run")) {
                List<Box> truth = GroundTruth.read(data.resolve(seq).resolve("groundtruth_rect.txt"));
                double reportAuc = summary.get("trackers").get(tracker).get("per_sequence").get(seq).get("auc").asDouble();
                assertTrue(reportAuc > 0.05 && reportAuc < 0.95, "a score that rounding could change: " + reportAuc);
                Map<String, String> files = Map.of(
                        "got10k", got10k.get(seq + "/" + seq + "_001.txt"),
                        "trackingnet", trackingNet.get(seq + ".txt"),
                        "lasot", Files.readString(report.resolve("lasot").resolve(tracker).resolve(seq + ".txt")));
                for (Map.Entry<String, String> file : files.entrySet()) {
                    String where = file.getKey() + " " + tracker + " " + seq;
                    List<Box> boxes = boxes(file.getValue(), where);
                    assertEquals(truth.get(0), boxes.get(0), where + ": the first line is the init box");
                    assertEquals(reportAuc, Metrics.score(truth, boxes, 64, 48).auc(), 1e-12, where);
                    scored++;
                }
                String[] times = got10k.get(seq + "/" + seq + "_time.txt").split("\n");
                assertEquals(FRAMES, times.length, "one time per frame");
                for (String t : times) {
                    assertTrue(t.matches("\\d+\\.\\d{8}"), "seconds with 8 decimals: " + t);
                    assertTrue(Double.parseDouble(t) < 1, "seconds, not milliseconds: " + t);
                }
            }
        }
        assertEquals(12, scored);
    }

    @Test
    void anUnknownFormatIsRefusedBeforeAnythingIsWritten() throws Exception {
        Path report = tmp.resolve("report");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = eval(err, dataset().toString(), "--trackers", "csrt", "--report", report.toString(), "--format", "vot");
        assertEquals(2, code);
        String message = err.toString(StandardCharsets.UTF_8);
        assertTrue(message.contains("--format vot: unknown result format (formats: got10k, trackingnet, lasot)"), message);
        assertEquals(1, message.strip().lines().count(), message);
        assertFalse(Files.exists(report));
    }
}
