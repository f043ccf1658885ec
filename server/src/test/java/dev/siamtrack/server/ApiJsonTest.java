package dev.siamtrack.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.siamtrack.geom.Box;
import dev.siamtrack.track.TargetResult;
import dev.siamtrack.track.TrackState;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The API's bodies on the wire: field names, order, rounding, and {@code error} only when there is one. */
class ApiJsonTest {

    private final ObjectMapper json = new ObjectMapper();

    @Test
    void sourceWithATarget() throws Exception {
        TargetResult t = new TargetResult("t1", new Box(10.04, 20.06, 30.0, 40.55), 0.87654, TrackState.TRACKING, false);
        SourceStatus s = new SourceStatus("cam", "udp://x", "UP", 640, 480, 100, 99, 24.96, 12.3456, 3.14159, 2, 1,
                List.of(t), null);
        assertEquals("{\"name\":\"cam\",\"uri\":\"udp://x\",\"state\":\"UP\",\"width\":640,\"height\":480,"
                + "\"frames\":100,\"frameIndex\":99,\"fps\":25.0,\"latencyMs\":12.35,\"trackerMs\":3.14,"
                + "\"droppedFrames\":2,\"reconnects\":1,\"targets\":[{\"id\":\"t1\",\"state\":\"TRACKING\","
                + "\"score\":0.877,\"box\":{\"x\":10.0,\"y\":20.1,\"w\":30.0,\"h\":40.6}}]}",
                json.writeValueAsString(ApiJson.Source.of(s)));
    }

    @Test
    void aSourceThatIsDownSaysWhy() throws Exception {
        SourceStatus s = new SourceStatus("cam", "0", "DOWN", 0, 0, 0, -1, Double.NaN, 0, 0, 0, 3, List.of(),
                "no camera found");
        assertEquals("{\"name\":\"cam\",\"uri\":\"0\",\"state\":\"DOWN\",\"width\":0,\"height\":0,\"frames\":0,"
                + "\"frameIndex\":-1,\"fps\":0.0,\"latencyMs\":0.0,\"trackerMs\":0.0,\"droppedFrames\":0,"
                + "\"reconnects\":3,\"error\":\"no camera found\",\"targets\":[]}",
                json.writeValueAsString(ApiJson.Source.of(s)));
    }

    @Test
    void healthAndErrors() throws Exception {
        assertEquals("{\"status\":\"ok\",\"sources\":2,\"sourcesUp\":1}",
                json.writeValueAsString(new ApiJson.Health("ok", 2, 1)));
        assertEquals("{\"error\":\"no source named 'x'\",\"status\":404}",
                json.writeValueAsString(new ApiJson.ErrorBody("no source named 'x'", 404)));
    }
}
