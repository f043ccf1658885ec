package dev.siamtrack.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.siamtrack.geom.Box;
import dev.siamtrack.track.TargetEngine;
import dev.siamtrack.track.TrackResult;
import dev.siamtrack.track.TrackState;
import dev.siamtrack.track.Tracker;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvaluatorTest {

    /** Keeps reporting the init box: its scores follow from the ground truth by hand. */
    static class StillTracker implements Tracker {
        private final String name;
        private Box box;

        StillTracker(String name) {
            this.name = name;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public void init(Mat frame, Box box) {
            this.box = box;
        }

        @Override
        public TrackResult update(Mat frame) {
            return new TrackResult(box, 1, TrackState.TRACKING);
        }
    }

    /** Two still trackers under the labels of {@code csrt} and {@code kcf}. */
    static final TrackerFactory STILL = spec -> TargetEngine.single(new StillTracker(spec.label()));

    static final List<TrackerSpec> SPECS = List.of(TrackerSpec.parse("csrt"), TrackerSpec.parse("kcf"));

    @Test
    void writesSummaryResultsAndPlots(@TempDir Path tmp) throws Exception {
        Box box = new Box(10, 12, 16, 14);
        // Static: IoU 1 on every frame. Half: the target is absent on 2 of 4 frames.
        Fixtures.otb(tmp.resolve("data"), "Static", List.of(box, box, box, box));
        Fixtures.otb(tmp.resolve("data"), "Half", List.of(box, Box.ABSENT, box, Box.ABSENT));
        Datasets.Scan scan = Datasets.scan(tmp.resolve("data"));
        Path report = tmp.resolve("report");
        ByteArrayOutputStream log = new ByteArrayOutputStream();

        ReportData data = new Evaluator("data", tmp.resolve("data"), SPECS, STILL, report, 1,
                new PrintStream(log, true, StandardCharsets.UTF_8)).run(scan.sequences(), scan.skipped());

        assertEquals(ReportData.Status.COMPLETE, data.status());
        assertEquals("complete", new ObjectMapper().readTree(report.resolve("summary.json").toFile()).get("status").asText());
        assertEquals(2, data.outcomes().size());
        JsonNode json = new ObjectMapper().readTree(report.resolve("summary.json").toFile());
        assertEquals("data", json.get("dataset").asText());
        assertEquals(1, json.get("threads").asInt());
        JsonNode csrt = json.get("trackers").get("csrt");
        double staticAuc = 20.0 / 21;          // IoU 1 passes every threshold but 1
        double halfAuc = 0.5 * 20.0 / 21;      // absent frames fail everywhere
        assertEquals(staticAuc, csrt.get("per_sequence").get("Static").get("auc").asDouble(), 1e-12);
        assertEquals(halfAuc, csrt.get("per_sequence").get("Half").get("auc").asDouble(), 1e-12);
        assertEquals((staticAuc + halfAuc) / 2, csrt.get("auc").asDouble(), 1e-12);
        assertEquals(0.75, csrt.get("precision20").asDouble(), 1e-12);
        assertEquals(0.75, csrt.get("norm_precision20").asDouble(), 1e-12);
        assertEquals(0.75, csrt.get("ao").asDouble(), 1e-12);
        assertEquals(0.75, csrt.get("sr50").asDouble(), 1e-12);
        assertEquals(0.75, csrt.get("sr75").asDouble(), 1e-12);
        assertEquals(8, csrt.get("frames").asInt());
        assertTrue(csrt.get("fps_median").asDouble() > 0);
        assertTrue(csrt.get("ms_p95").asDouble() >= csrt.get("ms_median").asDouble());
        assertEquals(21, csrt.get("success_curve").size());
        assertTrue(json.get("trackers").has("kcf"));

        String md = Files.readString(report.resolve("summary.md"));
        assertTrue(md.contains("| tracker | AUC | P@20 | NP@0.2 | AO | SR0.5 | SR0.75 |"), md);
        assertTrue(md.contains("| csrt | 0.714 | 0.750 |"), md);
        assertTrue(md.contains("| Half | 4 |"), md);
        assertTrue(md.contains("1 sequence thread(s)"), md);

        List<String> lines = Files.readAllLines(report.resolve("results/kcf/Half.txt"));
        assertEquals(List.of("10.00,12.00,16.00,14.00", "10.00,12.00,16.00,14.00", "10.00,12.00,16.00,14.00",
                "10.00,12.00,16.00,14.00"), lines);
        for (String png : List.of("success.png", "precision.png")) {
            byte[] head = Files.readAllBytes(report.resolve(png));
            assertTrue(head.length > 1000 && head[1] == 'P' && head[2] == 'N' && head[3] == 'G', png);
        }
        // 8 frames for each of the 2 trackers: each tracker runs its own pass
        assertTrue(log.toString(StandardCharsets.UTF_8).contains("16/16 frames"), "progress bar on the log stream");
    }

    @Test
    void aFailingTrackerSkipsTheSequenceForEveryone(@TempDir Path tmp) throws Exception {
        Box box = new Box(10, 12, 16, 14);
        Fixtures.otb(tmp.resolve("data"), "Good", List.of(box, box));
        Fixtures.otb(tmp.resolve("data"), "Bad", List.of(box, box, box));
        TrackerFactory failsOnThirdFrame = spec -> TargetEngine.single(new StillTracker(spec.label()) {
            private int frames;

            @Override
            public TrackResult update(Mat frame) {
                if (++frames == 2) {
                    throw new IllegalStateException("boom");
                }
                return super.update(frame);
            }
        });
        Datasets.Scan scan = Datasets.scan(tmp.resolve("data"));
        ReportData data = new Evaluator("data", tmp.resolve("data"), SPECS, failsOnThirdFrame, tmp.resolve("r"), 2,
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)).run(scan.sequences(), List.of());

        assertEquals(List.of("Good"), data.outcomes().stream().map(SequenceOutcome::sequence).toList());
        assertEquals("Bad", data.skipped().get(0).name());
        assertTrue(data.skipped().get(0).reason().contains("csrt failed on frame 2: boom"), data.skipped().get(0).reason());
        String md = Files.readString(tmp.resolve("r/summary.md"));
        assertTrue(md.contains("## Skipped") && md.contains("- Bad: csrt failed on frame 2"), md);
        assertTrue(md.contains("2 sequence thread(s)") && md.contains("trustworthy only with --threads 1"), md);
    }
}
