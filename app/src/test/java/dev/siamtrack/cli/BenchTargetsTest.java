package dev.siamtrack.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.siamtrack.geom.Box;
import dev.siamtrack.testing.SharedData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bench --targets}: one row per target count, batched vs independent, and clear errors. */
class BenchTargetsTest {

    @TempDir
    Path tmp;

    @Test
    void measuresEveryTargetCountAndWritesJson() throws Exception {
        Path json = tmp.resolve("bench.json");
        CliRunner.Result r = CliRunner.run("bench", "--targets", "1,3", "--frames", "6", "--json", json.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("batched ms") && r.out().contains("independent ms"), r.out());
        JsonNode rows = new ObjectMapper().readTree(json.toFile()).get("targets");
        assertEquals(2, rows.size());
        assertEquals(1, rows.get(0).get("targets").asInt());
        assertEquals(3, rows.get(1).get("targets").asInt());
        for (JsonNode row : rows) {
            assertEquals(5, row.get("frames").asInt());
            assertTrue(row.get("batched_ms_median").asDouble() > 0 && row.get("independent_ms_median").asDouble() > 0, row.toString());
            assertEquals(row.get("batched_ms_median").asDouble() / row.get("independent_ms_median").asDouble(),
                    row.get("ratio").asDouble(), 1e-9);
        }
    }

    @Test
    void comparesASecondModelOnTheSameFrames() throws Exception {
        Path json = tmp.resolve("compare.json");
        Path nanoTrackV2 = SharedData.nanoTrack(2);
        CliRunner.Result r = CliRunner.run("bench", "--frames", "6", "--model", "models/siamtrack-v3s", "--compare-model",
                nanoTrackV2.toString(), "--json", json.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("ratio siamtrack@siamtrack-v3s / siamtrack@nanotrack-v2 tracker median latency"), r.out());
        JsonNode root = new ObjectMapper().readTree(json.toFile());
        assertEquals(nanoTrackV2.toString(), root.get("compare_model").get("model").asText());
        double compared = root.get("compare_model").get("track_ms_median").asDouble();
        assertTrue(compared > 0, root.toString());
        assertEquals(root.get("siamtrack").get("track_ms_median").asDouble() / compared,
                root.get("ratio_compare_track_ms").asDouble(), 1e-9);
    }

    @Test
    void aMissingCompareModelIsAUserError() {
        CliRunner.Result r = CliRunner.run("bench", "--frames", "6", "--compare-model", "no/such/model");
        assertEquals(2, r.exitCode(), r.err());
        assertFalse(r.err().contains("\tat "), r.err());
    }

    @Test
    void badCountsAreRefusedBeforeAnythingRuns() {
        for (String[] bad : List.of(new String[] {"0", "counts go from 1 to 64"}, new String[] {"2,x", "'x' is not a whole number"},
                new String[] {"2,2", "2 is listed twice"})) {
            Path json = tmp.resolve("never.json");
            CliRunner.Result r = CliRunner.run("bench", "--targets", bad[0], "--json", json.toString());
            assertEquals(2, r.exitCode(), r.err());
            assertTrue(r.err().contains(bad[1]), r.err());
            assertFalse(r.err().contains("\tat "), r.err());
            assertFalse(Files.exists(json));
        }
    }

    @Test
    void extraTargetsAreSpreadInsideTheFrameAndClearOfTheFirst() {
        Box init = new Box(462, 166, 56, 40);
        List<Box> boxes = MultiTargetBench.spreadBoxes(init, 640, 480, 16);
        assertEquals(16, boxes.size());
        assertEquals(init, boxes.get(0));
        for (Box b : boxes.subList(1, 16)) {
            assertTrue(b.x() >= 0 && b.y() >= 0 && b.x() + b.w() <= 640 && b.y() + b.h() <= 480, b.toString());
            assertEquals(0, b.iou(init), 0, b.toString());
            assertEquals(init.w(), b.w(), 0);
        }
        assertEquals(16, boxes.stream().distinct().count(), "all different");
    }
}
