package dev.siamtrack.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.siamtrack.track.TargetResult;
import dev.siamtrack.track.TrackState;
import java.util.HashMap;
import java.util.Map;

/**
 * Publishes what happens to one source's targets: {@code target_added}, {@code state_changed} (with
 * {@code target_reacquired} after LOST) and {@code target_removed}. Used by the source's tracking thread only.
 */
final class TargetEvents {

    private final String source;
    private final EventHub events;
    private final Map<String, TrackState> lastStates = new HashMap<>();

    TargetEvents(String source, EventHub events) {
        this.source = source;
        this.events = events;
    }

    /** A target's first result, on frame {@code frameIndex}. */
    void added(TargetResult r, long frameIndex) {
        lastStates.put(r.id(), r.state());
        events.publish("target_added", source, r.id(), targetFields(r, frameIndex));
    }

    /** A target's result on frame {@code frameIndex}: publishes a change of its state. */
    void tracked(TargetResult r, long frameIndex) {
        TrackState before = lastStates.put(r.id(), r.state());
        if (before != null && before != r.state()) {
            ObjectNode f = targetFields(r, frameIndex);
            f.put("from", before.name());
            f.put("to", r.state().name());
            events.publish("state_changed", source, r.id(), f);
            if (before == TrackState.LOST) {
                events.publish("target_reacquired", source, r.id(), targetFields(r, frameIndex));
            }
        }
    }

    void removed(String id) {
        lastStates.remove(id);
        events.publish("target_removed", source, id, events.fields());
    }

    private ObjectNode targetFields(TargetResult r, long frameIndex) {
        // rounded as the HTTP API rounds a target
        ApiJson.Target t = ApiJson.Target.of(r);
        ObjectNode f = events.fields();
        f.put("state", t.state());
        f.put("score", t.score());
        ObjectNode box = f.putObject("box");
        box.put("x", t.box().x());
        box.put("y", t.box().y());
        box.put("w", t.box().w());
        box.put("h", t.box().h());
        f.put("frame", frameIndex);
        return f;
    }
}
