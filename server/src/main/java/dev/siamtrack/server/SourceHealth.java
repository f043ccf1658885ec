package dev.siamtrack.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A source's state as its tracking thread sees frames come or not: STARTING until the first frame, UP while
 * frames come, RECONNECTING after the stall timeout without one, DOWN after twice as long again (or when it
 * cannot be opened); the next frame brings it back UP. Each change is published ({@code source_up},
 * {@code source_reconnecting}, {@code source_down}, {@code source_back} with {@code after_ms}) and logged. Used by
 * the tracking thread only.
 */
final class SourceHealth {

    private static final Logger LOG = LoggerFactory.getLogger(SourceHealth.class);

    private final String source;
    private final Duration stallTimeout;
    private final EventHub events;
    private final Runnable onChange;
    private String state = "STARTING";
    private long sinceNanos = System.nanoTime();

    /** @param onChange runs after each change of state, once it is published */
    SourceHealth(String source, Duration stallTimeout, EventHub events, Runnable onChange) {
        this.source = source;
        this.stallTimeout = stallTimeout;
        this.events = events;
        this.onChange = onChange;
    }

    String state() {
        return state;
    }

    boolean up() {
        return state.equals("UP");
    }

    boolean down() {
        return state.equals("DOWN");
    }

    /** A frame of {@code width} x {@code height} arrived. */
    void frameArrived(int width, int height) {
        if (!up()) {
            change("UP", null, width, height);
        }
    }

    /**
     * No frame came for a while: a stalled source is reported reconnecting, then down.
     *
     * @param lastFrameNanos when the last frame was read (0: never)
     * @param openError      why the source could not be opened or read last time, or {@code null}
     */
    void noFrame(long lastFrameNanos, String openError) {
        long now = System.nanoTime();
        long stall = stallTimeout.toNanos();
        long silent = now - Math.max(lastFrameNanos, sinceNanos);
        if (up() && now - lastFrameNanos > stall) {
            change("RECONNECTING", "no frame for " + stallTimeout.toMillis() + " ms", 0, 0);
        } else if (state.equals("RECONNECTING") && silent > 2 * stall) {
            change("DOWN", openError != null ? openError : "no frame for " + (now - lastFrameNanos) / 1_000_000 + " ms", 0, 0);
        } else if (state.equals("STARTING") && openError != null) {
            change("DOWN", openError, 0, 0);
        }
    }

    /** The source cannot go on ({@code reason}: the model does not load, tracking failed). */
    void fail(String reason) {
        change("DOWN", reason, 0, 0);
    }

    private void change(String next, String reason, int width, int height) {
        String before = state;
        long now = System.nanoTime();
        long downMillis = (now - sinceNanos) / 1_000_000;
        state = next;
        sinceNanos = now;
        ObjectNode f = events.fields();
        if (reason != null) {
            f.put("reason", reason);
        }
        switch (next) {
            case "UP" -> {
                if (before.equals("STARTING")) {
                    f.put("width", width);
                    f.put("height", height);
                    events.publish("source_up", source, null, f);
                } else {
                    f.put("after_ms", downMillis);
                    events.publish("source_back", source, null, f);
                }
            }
            case "RECONNECTING" -> events.publish("source_reconnecting", source, null, f);
            default -> events.publish("source_down", source, null, f);
        }
        if (!next.equals("UP")) {
            LOG.warn("source {}: {}{}", source, next, reason == null ? "" : " (" + reason + ")");
        }
        onChange.run();
    }
}
