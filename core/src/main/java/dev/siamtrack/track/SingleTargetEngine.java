package dev.siamtrack.track;

import dev.siamtrack.geom.Box;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;

/** A single-object {@link Tracker} seen as a {@link TargetEngine} that holds at most one target. */
final class SingleTargetEngine implements TargetEngine {

    private final Tracker tracker;
    private String id;

    SingleTargetEngine(Tracker tracker) {
        this.tracker = tracker;
    }

    @Override
    public TargetResult add(String targetId, Mat frame, Box box) {
        if (targetId == null || targetId.isBlank()) {
            throw new IllegalArgumentException("target id must not be blank");
        }
        if (id != null) {
            throw new IllegalArgumentException(tracker.name() + " follows one target and already tracks '" + id + "'");
        }
        tracker.init(frame, box);
        id = targetId;
        return new TargetResult(id, box, 1.0, TrackState.TRACKING);
    }

    @Override
    public boolean remove(String targetId) {
        if (id == null || !id.equals(targetId)) {
            return false;
        }
        id = null;
        return true;
    }

    @Override
    public List<TargetResult> update(Mat frame) {
        if (id == null) {
            return List.of();
        }
        TrackResult r = tracker.update(frame);
        return List.of(new TargetResult(id, r.box(), r.score(), r.state()));
    }

    @Override
    public List<String> ids() {
        return id == null ? List.of() : List.of(id);
    }

    @Override
    public int size() {
        return id == null ? 0 : 1;
    }

    @Override
    public DebugInfo debugInfo(String targetId) {
        return id != null && id.equals(targetId) && tracker instanceof DebugInfoProvider p ? p.debugInfo() : null;
    }

    @Override
    public void close() {
        tracker.close();
    }
}
