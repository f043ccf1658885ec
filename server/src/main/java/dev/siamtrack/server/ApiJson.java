package dev.siamtrack.server;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.siamtrack.track.TargetResult;
import java.util.List;

/** The JSON bodies the API answers with, as Jackson serialises them (numbers rounded as the API documents). */
final class ApiJson {

    private ApiJson() {
    }

    /** {@code GET /api/sources/{source}}: what the source is doing. */
    @JsonPropertyOrder({"name", "uri", "state", "width", "height", "frames", "frameIndex", "fps", "latencyMs",
        "trackerMs", "droppedFrames", "reconnects", "error", "targets"})
    record Source(String name, String uri, String state, int width, int height, long frames, long frameIndex,
                  double fps, double latencyMs, double trackerMs, long droppedFrames, int reconnects,
                  @JsonInclude(JsonInclude.Include.NON_NULL) String error, List<Target> targets) {

        static Source of(SourceStatus s) {
            return new Source(s.name(), s.uri(), s.state(), s.width(), s.height(), s.frames(), s.frameIndex(),
                    round(s.fps(), 10), round(s.latencyMs(), 100), round(s.trackerMs(), 100), s.droppedFrames(),
                    s.reconnects(), s.lastError(), Target.all(s.targets()));
        }
    }

    /** One target: its id, state, score (3 decimals) and box (1 decimal). */
    @JsonPropertyOrder({"id", "state", "score", "box"})
    record Target(String id, String state, double score, Box box) {

        static Target of(TargetResult t) {
            return new Target(t.id(), t.state().name(), round(t.score(), 1000), new Box(round(t.box().x(), 10),
                    round(t.box().y(), 10), round(t.box().w(), 10), round(t.box().h(), 10)));
        }

        static List<Target> all(List<TargetResult> targets) {
            return targets.stream().map(Target::of).toList();
        }
    }

    @JsonPropertyOrder({"x", "y", "w", "h"})
    record Box(double x, double y, double w, double h) {
    }

    /** {@code GET /healthz}. */
    @JsonPropertyOrder({"status", "sources", "sourcesUp"})
    record Health(String status, int sources, long sourcesUp) {
    }

    /** Every error answer. */
    @JsonPropertyOrder({"error", "status"})
    record ErrorBody(String error, int status) {
    }

    private static double round(double v, double scale) {
        return Double.isFinite(v) ? Math.round(v * scale) / scale : 0;
    }
}
