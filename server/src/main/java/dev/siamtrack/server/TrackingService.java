package dev.siamtrack.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code siamtrack serve}: one {@link SourceWorker} per source, the event hub with its JSONL log, webhook and MQTT,
 * the metrics and the HTTP API. {@link #start} returns once the server listens; {@link #stop} stops accepting,
 * ends the streams and the sources, and flushes the event log.
 */
public final class TrackingService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TrackingService.class);

    private final List<SourceWorker> workers = new ArrayList<>();
    private final EventLog eventLog;
    private final WebhookSender webhook;
    private final MqttPublisher mqtt;
    private final HttpApi api;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final int port;
    private boolean closed;

    private TrackingService(ServeOptions options) throws IOException {
        ObjectMapper json = new ObjectMapper();
        eventLog = options.eventLogDir() == null ? null : new EventLog(options.eventLogDir(), Clock.systemUTC());
        webhook = options.webhook() == null ? null : new WebhookSender(options.webhook(), 500);
        mqtt = options.mqtt() == null ? null : new MqttPublisher(options.mqtt(), "siamtrack-serve-" + options.port(), json);
        List<Consumer<String>> sinks = new ArrayList<>();
        if (eventLog != null) {
            sinks.add(eventLog);
        }
        if (webhook != null) {
            sinks.add(webhook);
        }
        if (mqtt != null) {
            sinks.add(mqtt);
        }
        EventHub events = new EventHub(json, sinks);
        HttpApi[] apiRef = new HttpApi[1];
        ServerMetrics metrics = new ServerMetrics(() -> workers.stream().map(SourceWorker::status).toList(),
                () -> apiRef[0].previewClients(), () -> apiRef[0].eventClients());
        for (SourceConfig source : options.sources()) {
            workers.add(new SourceWorker(source, options, events, metrics));
        }
        api = new HttpApi(workers, events, metrics, options.token(), options.hostNames(), json);
        apiRef[0] = api;
        try {
            port = api.start(options.bind(), options.port());
        } catch (RuntimeException e) {
            closeSinks();
            throw new IOException("cannot listen on " + options.bind() + ":" + options.port() + ": "
                    + rootMessage(e), e);
        }
        workers.forEach(SourceWorker::start);
        LOG.info("listening on http://{}:{}/ with {} source(s)", options.bind(), port, workers.size());
    }

    /**
     * Validates the options, then starts the service.
     *
     * @throws IllegalArgumentException for options that make no sense (one line: what to change)
     * @throws IOException              when the port cannot be bound or the event log folder cannot be written
     */
    public static TrackingService start(ServeOptions options) throws IOException {
        options.validate();
        return new TrackingService(options);
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return String.valueOf(t.getMessage());
    }

    /** The TCP port the server listens on. */
    public int port() {
        return port;
    }

    /** Blocks until {@link #stop} has finished. */
    public void awaitStopped() throws InterruptedException {
        stopped.await();
    }

    /** Stops accepting requests, ends the sources and flushes the event log. Safe to call more than once. */
    public synchronized void stop() {
        if (closed) {
            return;
        }
        closed = true;
        workers.forEach(SourceWorker::stop);
        api.stop();
        workers.forEach(SourceWorker::close);
        closeSinks();
        LOG.info("stopped");
        stopped.countDown();
    }

    private void closeSinks() {
        if (mqtt != null) {
            mqtt.close();
        }
        if (webhook != null) {
            webhook.close();
        }
        if (eventLog != null) {
            eventLog.close();
        }
    }

    @Override
    public void close() {
        stop();
    }
}
