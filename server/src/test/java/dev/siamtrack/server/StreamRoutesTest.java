package dev.siamtrack.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The event stream on the wire: a greeting, one message per event, a comment while nothing happens. */
class StreamRoutesTest {

    @Test
    void eventStreamSendsEachEventAndKeepsAliveWhileQuiet() throws Exception {
        ObjectMapper json = new ObjectMapper();
        EventHub events = new EventHub(json, List.of());
        StreamRoutes streams = new StreamRoutes(events);
        Javalin app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.routes.get("/api/events", streams::eventStream);
        });
        app.start("127.0.0.1", 0);
        try {
            HttpResponse<Stream<String>> r = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + "/api/events")).build(),
                    HttpResponse.BodyHandlers.ofLines());
            assertEquals(200, r.statusCode());
            assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
            Iterator<String> lines = r.body().iterator();
            assertEquals(": connected", lines.next());
            assertEquals(1, streams.eventClients());
            assertEquals("", lines.next());
            events.publish("source_up", "cam", null, events.fields().put("width", 640));
            assertEquals("id: 1", lines.next());
            String data = lines.next();
            assertTrue(data.startsWith("data: {\"seq\":1,"), data);
            assertEquals(640, json.readTree(data.substring(6)).path("width").asInt());
            assertEquals("", lines.next());
            long quietStart = System.nanoTime();
            assertEquals(": keep-alive", lines.next());
            assertTrue(System.nanoTime() - quietStart < 10_000_000_000L, "a comment within the heartbeat");
            streams.stop();
        } finally {
            app.stop();
        }
    }
}
