package dev.siamtrack.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.siamtrack.video.SyntheticStream;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A live stream that stalls is reported reconnecting, then down, then back; a second source keeps running. */
class StalledSourceTest {

    @Test
    void stalledStreamReportsDownAndBackWhileTheOtherSourceRuns() throws Exception {
        int port = 24000 + (int) (ProcessHandle.current().pid() % 1000);
        try (SyntheticStream stream = new SyntheticStream(port)) {
            stream.start();
            stream.awaitSending();
            ServeOptions options = ServiceClient.options(List.of(
                    new SourceConfig("cam", "udp://127.0.0.1:" + port),
                    new SourceConfig("demo", ServiceClient.DEMO.toString())), null, 4, Duration.ofMillis(1000), true, null);
            try (TrackingService service = TrackingService.start(options)) {
                ServiceClient client = new ServiceClient(service.port(), null);
                try (ServiceClient.Events events = client.new Events("")) {
                    client.awaitUp("cam", 30);
                    client.awaitUp("demo", 30);
                    // Start-up on a loaded machine can itself look like a stall; the test watches what follows.
                    Thread.sleep(2500);
                    client.awaitUp("cam", 15);
                    long demoFrames = client.getJson("/api/sources/demo").path("frames").asLong();
                    events.drain();
                    stream.pause();
                    JsonNode reconnecting = events.await("source_reconnecting", null, 15);
                    assertEquals("cam", reconnecting.path("source").asText());
                    JsonNode down = events.await("source_down", null, 15);
                    assertEquals("cam", down.path("source").asText());
                    JsonNode cam = client.getJson("/api/sources/cam");
                    assertEquals("DOWN", cam.path("state").asText());
                    assertEquals(0, cam.path("fps").asDouble(), "a DOWN source reports no rate: " + cam);
                    assertTrue(client.getJson("/api/sources/demo").path("frames").asLong() > demoFrames,
                            "the other source kept tracking");
                    stream.resume();
                    JsonNode back = events.await("source_back", null, 30);
                    assertEquals("cam", back.path("source").asText());
                    assertTrue(reconnecting.path("seq").asLong() < down.path("seq").asLong()
                            && down.path("seq").asLong() < back.path("seq").asLong());
                    cam = client.awaitUp("cam", 10);
                    assertTrue(cam.path("reconnects").asInt() >= 1, cam.toString());
                    String metrics = client.get("/metrics").body();
                    assertTrue(metrics.contains("siamtrack_source_up{source=\"cam\"} 1.0"), metrics);
                }
            }
        }
    }
}
