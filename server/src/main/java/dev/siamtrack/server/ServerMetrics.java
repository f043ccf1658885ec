package dev.siamtrack.server;

import dev.siamtrack.track.TargetResult;
import dev.siamtrack.track.TrackState;
import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/** The service's Prometheus metrics, in a registry of its own, written in the text exposition format. */
final class ServerMetrics {

    static final String CONTENT_TYPE = PrometheusTextFormatWriter.CONTENT_TYPE;

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
    final Counter frames;
    final Histogram trackerSeconds;

    ServerMetrics(Supplier<List<SourceStatus>> statuses, IntSupplier previewClients, IntSupplier eventClients) {
        frames = Counter.builder().name("siamtrack_frames_total").help("Frames tracked")
                .labelNames("source").register(registry);
        trackerSeconds = Histogram.builder().name("siamtrack_tracker_latency_seconds")
                .help("Time of one multi-target tracker update").labelNames("source")
                .classicUpperBounds(0.002, 0.005, 0.01, 0.02, 0.03, 0.05, 0.075, 0.1, 0.2, 0.5, 1)
                .register(registry);
        CounterWithCallback.builder().name("siamtrack_dropped_frames_total")
                .help("Frames the tracker had no time for (newest-frame mode)").labelNames("source")
                .callback(cb -> statuses.get().forEach(s -> cb.call(s.droppedFrames(), s.name())))
                .register(registry);
        CounterWithCallback.builder().name("siamtrack_reconnects_total")
                .help("Reconnect attempts of live sources").labelNames("source")
                .callback(cb -> statuses.get().forEach(s -> cb.call(s.reconnects(), s.name())))
                .register(registry);
        GaugeWithCallback.builder().name("siamtrack_fps").help("Frames tracked per second, last second")
                .labelNames("source")
                .callback(cb -> statuses.get().forEach(s -> cb.call(s.fps(), s.name())))
                .register(registry);
        GaugeWithCallback.builder().name("siamtrack_source_up").help("1 while the source delivers frames")
                .labelNames("source")
                .callback(cb -> statuses.get().forEach(s -> cb.call("UP".equals(s.state()) ? 1 : 0, s.name())))
                .register(registry);
        GaugeWithCallback.builder().name("siamtrack_targets").help("Targets by tracker state")
                .labelNames("source", "state")
                .callback(cb -> statuses.get().forEach(s -> {
                    for (TrackState state : TrackState.values()) {
                        cb.call(count(s.targets(), state), s.name(), state.name());
                    }
                }))
                .register(registry);
        GaugeWithCallback.builder().name("siamtrack_clients").help("Connected streaming clients")
                .labelNames("kind")
                .callback(cb -> {
                    cb.call(previewClients.getAsInt(), "preview");
                    cb.call(eventClients.getAsInt(), "events");
                })
                .register(registry);
    }

    private static long count(List<TargetResult> targets, TrackState state) {
        return targets.stream().filter(t -> t.state() == state).count();
    }

    void write(OutputStream out) throws IOException {
        writer.write(out, registry.scrape(), EscapingScheme.UNDERSCORE_ESCAPING);
    }
}
