package dev.siamtrack.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SourceHealthTest {

    private static final Duration STALL = Duration.ofMillis(40);
    private final ObjectMapper json = new ObjectMapper();
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final AtomicInteger changes = new AtomicInteger();
    private final SourceHealth health = new SourceHealth("cam", STALL, new EventHub(json, List.of(lines::add)),
            changes::incrementAndGet);

    private JsonNode event(int i) throws Exception {
        return json.readTree(lines.get(i));
    }

    @Test
    void upThenReconnectingThenDownThenBack() throws Exception {
        assertEquals("STARTING", health.state());
        health.frameArrived(640, 480);
        long lastFrame = System.nanoTime();
        assertEquals("UP", health.state());
        JsonNode up = event(0);
        assertEquals("source_up", up.path("type").asText());
        assertEquals(640, up.path("width").asInt());
        health.noFrame(lastFrame, null);
        assertEquals("UP", health.state(), "within the stall timeout nothing changes");
        Thread.sleep(STALL.toMillis() + 20);
        health.noFrame(lastFrame, null);
        assertEquals("RECONNECTING", health.state());
        assertEquals("no frame for 40 ms", event(1).path("reason").asText());
        health.noFrame(lastFrame, "connection refused");
        assertEquals("RECONNECTING", health.state(), "down only after twice the stall timeout again");
        Thread.sleep(2 * STALL.toMillis() + 20);
        health.noFrame(lastFrame, "connection refused");
        assertEquals("DOWN", health.state());
        assertEquals("source_down", event(2).path("type").asText());
        assertEquals("connection refused", event(2).path("reason").asText());
        health.frameArrived(640, 480);
        JsonNode back = event(3);
        assertEquals("source_back", back.path("type").asText());
        assertTrue(back.path("after_ms").asLong() >= 0, back.toString());
        assertEquals(4, changes.get(), "each change is reported once");
        assertEquals(4, lines.size());
    }

    @Test
    void aSourceThatCannotBeOpenedIsDownAtOnce() throws Exception {
        health.noFrame(0, "no camera found");
        assertEquals("DOWN", health.state());
        assertEquals("no camera found", event(0).path("reason").asText());
        health.fail("cannot load the model");
        assertEquals("cannot load the model", event(1).path("reason").asText());
    }
}
