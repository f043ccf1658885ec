package dev.siamtrack.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.siamtrack.video.LiveSource;
import dev.siamtrack.video.RtspServer;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A serve source on a real RTSP server (GStreamer's, on loopback, serving the demo clip): it goes UP, and when
 * the server is killed and started again it is reported RECONNECTING, DOWN and BACK, over TCP and over UDP.
 */
class RtspSourceTest {

    @ParameterizedTest
    @EnumSource(LiveSource.RtspTransport.class)
    void anRtspCameraThatGoesAwayIsReportedDownAndBack(LiveSource.RtspTransport transport) throws Exception {
        try (RtspServer camera = RtspServer.start(ServiceClient.DEMO.toAbsolutePath())) {
            ServeOptions options = ServiceClient.options(List.of(new SourceConfig("cam", camera.url())), null, 4,
                    Duration.ofMillis(1000), transport, true, null);
            try (TrackingService service = TrackingService.start(options)) {
                ServiceClient client = new ServiceClient(service.port(), null);
                try (ServiceClient.Events events = client.new Events("")) {
                    JsonNode up = client.awaitUp("cam", 30);
                    assertEquals(640, up.path("width").asInt(), up.toString());
                    long frames = up.path("frames").asLong();
                    Thread.sleep(1500);
                    assertTrue(client.getJson("/api/sources/cam").path("frames").asLong() > frames + 10,
                            "frames keep coming over " + transport);
                    events.drain();
                    camera.stop();
                    events.await("source_reconnecting", null, 20);
                    events.await("source_down", null, 20);
                    assertEquals("DOWN", client.getJson("/api/sources/cam").path("state").asText());
                    camera.start();
                    JsonNode back = events.await("source_back", null, 40);
                    assertEquals("cam", back.path("source").asText());
                    JsonNode cam = client.awaitUp("cam", 20);
                    assertTrue(cam.path("reconnects").asInt() >= 1, cam.toString());
                }
            }
        }
    }
}
