package dev.siamtrack.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Events over MQTT to a real broker (mosquitto, started by the test): every event on
 * siamtrack/SOURCE/events, retained target state and source status, and no event lost across a broker
 * restart at QoS 1.
 */
class MqttEventsTest {

    @TempDir
    Path dir;

    @Test
    void everyEventReachesASubscriberAcrossABrokerRestartAndStateIsRetained() throws Exception {
        Path brokerDir = Files.createDirectories(dir.resolve("broker"));
        Path logDir = Files.createDirectories(dir.resolve("events"));
        try (Mosquitto broker = Mosquitto.start(brokerDir)) {
            Map<Long, String> eventsBySeq = new ConcurrentHashMap<>();
            MqttClient subscriber = new MqttClient(broker.url(), "test-subscriber", new MemoryPersistence());
            MqttConnectOptions keepSession = new MqttConnectOptions();
            keepSession.setCleanSession(false);
            keepSession.setAutomaticReconnect(true);
            keepSession.setMaxReconnectDelay(1000);
            subscriber.connect(keepSession);
            subscriber.subscribe("siamtrack/demo/events", 1, (topic, message) -> {
                JsonNode event = ServiceClient.JSON.readTree(message.getPayload());
                eventsBySeq.put(event.path("seq").asLong(), event.path("type").asText());
            });
            ServeOptions base = ServiceClient.options(List.of(new SourceConfig("demo", ServiceClient.DEMO.toString())),
                    null, 4, Duration.ofSeconds(2), true, logDir);
            ServeOptions options = new ServeOptions(base.bind(), base.port(), base.token(), base.hostNames(), base.sources(),
                    base.modelDir(), base.modelOptions(), base.trackerParams(), base.crop(), base.maxTargets(),
                    base.previewFps(), base.jpegQuality(), base.stallTimeout(), base.rtspTransport(), base.realtimeFiles(),
                    base.eventLogDir(), null, URI.create(broker.url()));
            try (TrackingService service = TrackingService.start(options)) {
                ServiceClient client = new ServiceClient(service.port(), null);
                client.awaitUp("demo", 30);
                String targets = "/api/sources/demo/targets";
                assertEquals(201, client.post(targets, "{\"x\":100,\"y\":100,\"w\":60,\"h\":60,\"id\":\"a\"}").statusCode());
                awaitEvent(eventsBySeq, "target_added", 20);

                broker.stop();
                // While the broker is away: a new target, and the first one removed.
                assertEquals(201, client.post(targets, "{\"x\":300,\"y\":200,\"w\":60,\"h\":60,\"id\":\"b\"}").statusCode());
                assertEquals(204, client.delete(targets + "/a").statusCode());
                Thread.sleep(1000);
                broker.start();

                Set<Long> logged = loggedSeqs(logDir);
                long deadline = System.nanoTime() + 60_000_000_000L;
                while (!eventsBySeq.keySet().containsAll(logged) && System.nanoTime() < deadline) {
                    Thread.sleep(200);
                    logged = loggedSeqs(logDir);
                }
                Set<Long> missing = new TreeSet<>(logged);
                missing.removeAll(eventsBySeq.keySet());
                assertTrue(missing.isEmpty(), "events lost over MQTT: " + missing + " of " + logged);
                assertTrue(eventsBySeq.containsValue("target_removed"), eventsBySeq.toString());

                // A newcomer gets the retained state: target b, not the removed a; the source UP.
                Map<String, String> retained = new ConcurrentHashMap<>();
                MqttClient newcomer = new MqttClient(broker.url(), "test-newcomer", new MemoryPersistence());
                newcomer.connect();
                newcomer.subscribe("siamtrack/#", 1, (topic, message) -> {
                    if (message.isRetained()) {
                        retained.put(topic, new String(message.getPayload(), StandardCharsets.UTF_8));
                    }
                });
                long until = System.nanoTime() + 10_000_000_000L;
                while (retained.size() < 3 && System.nanoTime() < until) {
                    Thread.sleep(100);
                }
                assertTrue(retained.getOrDefault("siamtrack/demo/targets/b", "").contains("\"state\""), retained.toString());
                assertTrue(!retained.containsKey("siamtrack/demo/targets/a"), "removed target cleared: " + retained);
                assertTrue(retained.getOrDefault("siamtrack/demo/status", "").contains("\"UP\""), retained.toString());
                assertEquals("online", retained.get("siamtrack/availability"));
                newcomer.disconnect();
                newcomer.close();
            }
            subscriber.disconnect();
            subscriber.close();
        }
    }

    private static void awaitEvent(Map<Long, String> events, String type, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (!events.containsValue(type)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no " + type + " over MQTT in " + seconds + " s: " + events);
            }
            Thread.sleep(100);
        }
    }

    private static Set<Long> loggedSeqs(Path logDir) throws Exception {
        Set<Long> seqs = new TreeSet<>();
        for (String line : Files.readAllLines(logDir.resolve("events-" + LocalDate.now(ZoneOffset.UTC) + ".jsonl"))) {
            seqs.add(ServiceClient.JSON.readTree(line).path("seq").asLong());
        }
        return seqs;
    }
}
