package dev.siamtrack.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.siamtrack.geom.Box;
import dev.siamtrack.track.TargetResult;
import dev.siamtrack.track.TrackState;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TargetEventsTest {

    private final ObjectMapper json = new ObjectMapper();
    private final List<String> lines = new ArrayList<>();
    private final TargetEvents events = new TargetEvents("cam", new EventHub(json, List.of(lines::add)));

    private static TargetResult result(TrackState state) {
        return new TargetResult("t1", new Box(10.04, 20.06, 30.0, 40.0), 0.87654, state, false);
    }

    private List<String> types() throws Exception {
        List<String> types = new ArrayList<>();
        for (String line : lines) {
            types.add(json.readTree(line).path("type").asText());
        }
        return types;
    }

    @Test
    void publishesAddedStateChangesReacquiredAndRemoved() throws Exception {
        events.added(result(TrackState.TRACKING), 5);
        JsonNode added = json.readTree(lines.get(0));
        assertEquals("t1", added.path("target").asText());
        assertEquals(0.877, added.path("score").asDouble());
        assertEquals(10.0, added.path("box").path("x").asDouble());
        assertEquals(20.1, added.path("box").path("y").asDouble());
        assertEquals(5, added.path("frame").asLong());
        events.tracked(result(TrackState.TRACKING), 6);
        events.tracked(result(TrackState.LOST), 7);
        events.tracked(result(TrackState.TRACKING), 8);
        events.removed("t1");
        assertEquals(List.of("target_added", "state_changed", "state_changed", "target_reacquired", "target_removed"),
                types());
        JsonNode lost = json.readTree(lines.get(1));
        assertEquals("TRACKING", lost.path("from").asText());
        assertEquals("LOST", lost.path("to").asText());
        assertEquals(7, lost.path("frame").asLong());
    }
}
