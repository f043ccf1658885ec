package dev.siamtrack.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.eclipse.paho.client.mqttv3.DisconnectedBufferOptions;
import org.eclipse.paho.client.mqttv3.IMqttActionListener;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallbackExtended;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes the events to an MQTT broker (Eclipse Paho), in the topic layout home-automation and NVR tools
 * use, all QoS 1:
 * <ul>
 *   <li>{@code siamtrack/<source>/events}: every event's JSON, as on the event stream;</li>
 *   <li>{@code siamtrack/<source>/targets/<id>}: retained, the target's latest state ({@code state},
 *       {@code score}, {@code box}, {@code frame}); emptied when the target is removed;</li>
 *   <li>{@code siamtrack/<source>/status}: retained, the source's state ({@code UP}, {@code RECONNECTING},
 *       {@code DOWN}) and the reason;</li>
 *   <li>{@code siamtrack/availability}: retained {@code online}, and {@code offline} as the last will when the
 *       service goes away without saying so.</li>
 * </ul>
 * The client keeps its session across broker restarts and reconnects by itself (1 s, growing to 10 s);
 * events published while the broker is away wait in a buffer (up to {@link #BUFFERED} messages) and go out,
 * in order, once it is back. Until the first connection succeeds it is retried every few seconds, and
 * events of that time are not kept (counted as lost).
 */
final class MqttPublisher implements Consumer<String>, AutoCloseable {

    static final String ROOT = "siamtrack";
    static final int BUFFERED = 10_000;
    private static final Logger LOG = LoggerFactory.getLogger(MqttPublisher.class);
    private static final int QOS = 1;
    private static final long FIRST_CONNECT_RETRY_SECONDS = 3;

    private final MqttAsyncClient client;
    private final MqttConnectOptions connectOptions;
    private final ObjectMapper json;
    private final ScheduledExecutorService retry;
    private final AtomicLong lost = new AtomicLong();
    private volatile boolean closed;

    /** @param broker {@code tcp://host:port} */
    MqttPublisher(URI broker, String clientId, ObjectMapper json) throws IOException {
        this.json = json;
        try {
            client = new MqttAsyncClient(broker.toString(), clientId, new MemoryPersistence());
        } catch (MqttException | IllegalArgumentException e) {
            throw new IOException("--mqtt " + broker + ": " + e.getMessage(), e);
        }
        connectOptions = new MqttConnectOptions();
        connectOptions.setCleanSession(false);
        connectOptions.setAutomaticReconnect(true);
        connectOptions.setMaxReconnectDelay(10_000);
        connectOptions.setMaxInflight(1000);
        connectOptions.setWill(ROOT + "/availability", "offline".getBytes(StandardCharsets.UTF_8), QOS, true);
        DisconnectedBufferOptions buffer = new DisconnectedBufferOptions();
        buffer.setBufferEnabled(true);
        buffer.setBufferSize(BUFFERED);
        buffer.setDeleteOldestMessages(true);
        client.setBufferOpts(buffer);
        client.setCallback(new MqttCallbackExtended() {
            @Override
            public void connectComplete(boolean reconnect, String serverUri) {
                LOG.info("MQTT: {} {}", reconnect ? "reconnected to" : "connected to", serverUri);
                // After a broker restart the last will may have said offline: say online on every connection.
                publish(ROOT + "/availability", "online".getBytes(StandardCharsets.UTF_8), true);
            }

            @Override
            public void connectionLost(Throwable cause) {
                LOG.warn("MQTT: connection lost ({}); reconnecting, events wait in the buffer", cause.getMessage());
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                // Nothing is subscribed.
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
                // QoS 1 acknowledgements need no action.
            }
        });
        retry = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "siamtrack-mqtt-connect");
            t.setDaemon(true);
            return t;
        });
        connect();
    }

    private void connect() {
        try {
            client.connect(connectOptions, null, new IMqttActionListener() {
                @Override
                public void onSuccess(IMqttToken token) {
                    // connectComplete announces the connection.
                }

                @Override
                public void onFailure(IMqttToken token, Throwable e) {
                    LOG.warn("MQTT: cannot connect to {} ({}); trying again in {} s", client.getServerURI(),
                            e.getMessage(), FIRST_CONNECT_RETRY_SECONDS);
                    if (!closed) {
                        retry.schedule(MqttPublisher.this::connect, FIRST_CONNECT_RETRY_SECONDS, TimeUnit.SECONDS);
                    }
                }
            });
        } catch (MqttException e) {
            LOG.warn("MQTT: cannot connect to {}: {}", client.getServerURI(), e.getMessage());
        }
    }

    /** Called by the event hub, in order, for every event. */
    @Override
    public void accept(String line) {
        JsonNode event;
        try {
            event = json.readTree(line);
        } catch (IOException e) {
            throw new IllegalStateException("the event hub writes JSON", e);
        }
        String source = event.path("source").asText();
        String base = ROOT + "/" + source;
        publish(base + "/events", line.getBytes(StandardCharsets.UTF_8), false);
        String type = event.path("type").asText();
        String target = event.path("target").asText(null);
        if (target != null) {
            byte[] state = type.equals("target_removed") ? new byte[0] : targetState(event);
            publish(base + "/targets/" + target, state, true);
        } else if (type.startsWith("source_")) {
            ObjectNode status = json.createObjectNode();
            status.put("state", switch (type) {
                case "source_up", "source_back" -> "UP";
                case "source_reconnecting" -> "RECONNECTING";
                default -> "DOWN";
            });
            status.put("time", event.path("time").asText());
            if (event.has("reason")) {
                status.put("reason", event.path("reason").asText());
            }
            publish(base + "/status", status.toString().getBytes(StandardCharsets.UTF_8), true);
        }
    }

    private byte[] targetState(JsonNode event) {
        ObjectNode state = json.createObjectNode();
        for (String field : new String[] {"state", "score", "box", "frame", "time"}) {
            if (event.has(field)) {
                state.set(field, event.get(field));
            }
        }
        return state.toString().getBytes(StandardCharsets.UTF_8);
    }

    private void publish(String topic, byte[] payload, boolean retained) {
        try {
            client.publish(topic, payload, QOS, retained);
        } catch (MqttException e) {
            lost.incrementAndGet();
            LOG.warn("MQTT: {} not published ({})", topic, e.getMessage());
        }
    }

    /** Messages that could not be handed to the client (before the first connection, or a full buffer). */
    long lost() {
        return lost.get();
    }

    /** Says {@code offline}, waits briefly for what is in flight, and disconnects. */
    @Override
    public void close() {
        closed = true;
        retry.shutdownNow();
        try {
            if (client.isConnected()) {
                client.publish(ROOT + "/availability", "offline".getBytes(StandardCharsets.UTF_8), QOS, true)
                        .waitForCompletion(2000);
                client.disconnect(2000).waitForCompletion(3000);
            }
        } catch (MqttException e) {
            LOG.warn("MQTT: disconnecting: {}", e.getMessage());
        }
        try {
            client.close(true);
        } catch (MqttException e) {
            LOG.warn("MQTT: closing: {}", e.getMessage());
        }
    }
}
