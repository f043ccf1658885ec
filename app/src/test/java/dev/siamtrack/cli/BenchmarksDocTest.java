package dev.siamtrack.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchmarksDocTest {

    @TempDir
    Path tmp;

    /** A bench JSON as {@code bench --json} writes it, with the fields the speed section reads. */
    private Path bench(String name, String model, int lostFrames) throws Exception {
        String lost = lostFrames == 0 ? "" : """
                , "lost_ms_median": 4.5, "lost_ms_p95": 5.0, "found_ms_median": 2.5, "found_ms_p95": 3.0""";
        Path file = tmp.resolve(name);
        Files.writeString(file, """
                {"video": "videos/demo.mp4", "width": 640, "height": 480, "frames": 299,
                 "siamtrack": {"model": "%s", "threads": 1, "track_ms_median": 2.6, "track_ms_p95": 4.0,
                               "redetect": true, "lost_frames": %d, "e2e_fps": 300.0%s},
                 "compare_model": {"model": "models/other", "track_ms_median": 2.7, "track_ms_p95": 4.1},
                 "opencv_nano": {"model": "nanotrack-v2", "threads": 2, "track_ms_median": 7.0, "track_ms_p95": 8.0}}
                """.formatted(model, lostFrames, lost));
        return file;
    }

    private static BenchmarksDoc doc() {
        return new BenchmarksDoc(new Provenance("CPU", 2, 0.5, "2026-12-06 04:00 UTC", "abc"), "report",
                List.of("bench"));
    }

    @Test
    void statesWhatALostFrameCostsForEachModelThatHadSome() throws Exception {
        String md = doc().render(bench("shipped.json", "models/siamtrack-v3s", 45),
                bench("reference.json", "refs/nanotrack-v2", 0), List.of());
        assertTrue(md.contains("siamtrack-v3s, re-detection on: the 45 frames that start with the target LOST took"
                + " 4.50 ms (median), the others 2.50 ms: a LOST frame costs 1.80 tracked frames."), md);
        assertFalse(md.contains("nanotrack-v2, re-detection"), "no LOST frames, no sentence: " + md);
    }

    @Test
    void renderingAgainGivesTheSameDocument() throws Exception {
        BenchmarksDoc doc = doc();
        Path shipped = bench("shipped.json", "models/siamtrack-v3s", 45);
        Path reference = bench("reference.json", "refs/nanotrack-v2", 0);
        String first = doc.render(shipped, reference, List.of());
        assertEquals(first, doc.render(shipped, reference, List.of()));
    }

    /** A long-term eval summary with one tracker, as {@code eval --report} writes it. */
    private Path longTermSummary(String name, int sequences, double precision, double recall, int absentFrames,
                                 double absentLost, int returns, int refound) throws Exception {
        Path file = tmp.resolve(name + ".json");
        Files.writeString(file, """
                {"sequences": %d, "trackers": {"siamtrack@m": {"sequences": %d, "frames": %d, "auc": 0.5,
                  "precision20": 0.5, "norm_precision20": 0.5, "ao": 0.5, "sr50": 0.5, "sr75": 0.5, "ms_median": 3.0,
                  "lost_and_reacquired": {"false_lost": 2, "wrong_reacquisitions": 1},
                  "long_term": {"precision": %s, "recall": %s, "absent_frames": %d, "absent_lost_share": %s,
                                "returns": %d, "refound_within_30": %d, "auc": 0.6}}}}
                """.formatted(sequences, sequences, 100 * sequences, precision, recall, absentFrames, absentLost,
                returns, refound));
        return file;
    }

    /** The document for these evaluations, with bench runs that had no LOST frames. */
    private String renderAccuracy(List<BenchmarksDoc.Evaluation> evaluations) throws Exception {
        return doc().render(bench("shipped.json", "models/siamtrack-v3s", 0),
                bench("reference.json", "refs/nanotrack-v2", 0), evaluations);
    }

    /** Sets a (3 sequences) and b (1), their names ending in {@code suffix}. */
    private List<BenchmarksDoc.Evaluation> twoSets(String suffix, boolean longTerm) throws Exception {
        return List.of(
                new BenchmarksDoc.Evaluation("a" + suffix, longTerm, longTermSummary("a", 3, 0.8, 0.6, 100, 0.9, 6, 5)),
                new BenchmarksDoc.Evaluation("b" + suffix, longTerm, longTermSummary("b", 1, 0.4, 0.2, 300, 0.5, 2, 0)));
    }

    @Test
    void takesTheLongTermSetsTogetherAsOneEvalOverAllTheirSequences() throws Exception {
        String md = renderAccuracy(twoSets("-longterm", true));
        // Pr (3 x 0.8 + 0.4) / 4 = 0.7, Re (3 x 0.6 + 0.2) / 4 = 0.5, F = 2 x 0.35 / 1.2 = 0.583;
        // absent LOST (100 x 0.9 + 300 x 0.5) / 400 = 0.6; re-found 5 of 8; wrong re-acquisitions 1 + 1
        assertTrue(md.contains("## Accuracy: a-longterm + b-longterm together"), md);
        assertTrue(md.contains("| siamtrack@m | 0.583 | 0.700 | 0.500 | 0.600 | 5 of 8 | 2 | 0.600 |"), md);
        assertTrue(md.contains("4 sequences, 400 frames"), md);
    }

    @Test
    void aSingleSetHasNoTogetherSection() throws Exception {
        String md = renderAccuracy(
                List.of(new BenchmarksDoc.Evaluation("a", false, longTermSummary("a", 3, 0.8, 0.6, 100, 0.9, 6, 5))));
        assertTrue(md.contains("## Accuracy: a"), md);
        assertFalse(md.contains("together"), md);
    }

    @Test
    void pooledShortTermFiguresHaveNoTimings() throws Exception {
        String md = renderAccuracy(twoSets("", false));
        assertTrue(md.contains("## Accuracy: a + b together"), md);
        assertTrue(md.contains("| siamtrack@m | 0.500 | 0.500 | 0.500 | 0.500 | 0.500 | 0.500 | 4 | - |"), md);
        assertTrue(md.contains("| siamtrack@m | 0.500 | 0.500 | 0.500 | 0.500 | 0.500 | 0.500 | 2 | 3.00 |"), md);
    }
}
