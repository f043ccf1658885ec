package dev.siamtrack.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.siamtrack.geom.Box;
import dev.siamtrack.track.TargetResult;
import dev.siamtrack.track.TrackState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a re-acquisition looks like in the CSV and JSONL results. */
class ResultWriterTest {

    @TempDir
    Path tmp;

    private static final TargetResult LOST = new TargetResult("car", new Box(10, 20, 30, 40), 0.1, TrackState.LOST);
    private static final TargetResult FOUND =
            new TargetResult("car", new Box(200, 120, 30, 40), 0.95, TrackState.TRACKING, true);

    @Test
    void csvHasAReacquiredColumn() throws Exception {
        Path file = tmp.resolve("r.csv");
        try (ResultWriter w = ResultWriter.open(file, true)) {
            w.write(7, LOST, 1000);
            w.write(8, FOUND, 1040);
        }
        assertEquals(List.of("frame,id,x,y,w,h,score,state,reacquired,time_ms",
                "7,car,10.00,20.00,30.00,40.00,0.1000,LOST,false,1000",
                "8,car,200.00,120.00,30.00,40.00,0.9500,TRACKING,true,1040"), Files.readAllLines(file));
    }

    @Test
    void jsonlHasAReacquiredField() throws Exception {
        Path file = tmp.resolve("r.jsonl");
        try (ResultWriter w = ResultWriter.open(file, false)) {
            w.write(7, LOST, 0);
            w.write(8, FOUND, 0);
        }
        List<String> lines = Files.readAllLines(file);
        ObjectMapper json = new ObjectMapper();
        JsonNode lost = json.readTree(lines.get(0));
        JsonNode found = json.readTree(lines.get(1));
        assertEquals("LOST", lost.path("state").asText());
        assertEquals(false, lost.path("reacquired").asBoolean(true));
        assertEquals("TRACKING", found.path("state").asText());
        assertEquals(true, found.path("reacquired").asBoolean(false));
        assertEquals(200, found.path("x").asDouble(), 1e-9);
    }
}
