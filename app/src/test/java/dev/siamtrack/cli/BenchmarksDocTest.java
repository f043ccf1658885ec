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
}
