package dev.siamtrack.track;

import dev.siamtrack.geom.Box;
import dev.siamtrack.model.ModelException;
import dev.siamtrack.model.SiameseModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Tracks any number of targets, each with an id, on the same frames. Targets can be added and removed at
 * any frame; {@link #update} answers for every target, in the order they were added.
 */
public final class MultiTargetTracker implements TargetEngine {

    private final Path modelDir;
    private final SiameseModel.Options options;
    private final SiameseTracker.Params params;
    private final Map<String, SiameseTracker> targets = new LinkedHashMap<>();

    private MultiTargetTracker(Path modelDir, SiameseModel.Options options, SiameseTracker.Params params) {
        this.modelDir = modelDir;
        this.options = options;
        this.params = params.copy();
    }

    /** A tracker for the model in {@code modelDir} with default settings (CPU, one thread). */
    public static MultiTargetTracker create(Path modelDir) throws ModelException {
        return create(modelDir, SiameseModel.Options.DEFAULT, new SiameseTracker.Params());
    }

    public static MultiTargetTracker create(Path modelDir, SiameseModel.Options options, SiameseTracker.Params params)
            throws ModelException {
        return new MultiTargetTracker(modelDir, options, params);
    }

    /**
     * Starts tracking a new target inside {@code box} on {@code frame}; returns its frame-0 result.
     *
     * @throws IllegalArgumentException for a duplicate or blank id, or a box that is empty or outside the frame
     */
    public TargetResult add(String id, Mat frame, Box box) {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("target id must not be blank");
        }
        if (targets.containsKey(id)) {
            throw new IllegalArgumentException("target id '" + id + "' is already tracked");
        }
        SiameseTracker tracker;
        try {
            tracker = SiameseTrackers.create(modelDir, options, params);
        } catch (ModelException e) {
            throw new TrackingException(e.getMessage(), e);
        }
        try {
            tracker.init(frame, box);
        } catch (RuntimeException e) {
            tracker.close();
            throw e;
        }
        targets.put(id, tracker);
        return new TargetResult(id, box, 1.0, TrackState.TRACKING);
    }

    /** Stops tracking {@code id}; false when no such target is tracked. */
    public boolean remove(String id) {
        SiameseTracker tracker = targets.remove(id);
        if (tracker == null) {
            return false;
        }
        tracker.close();
        return true;
    }

    /** Locates every target on the next frame, in the order they were added. */
    public List<TargetResult> update(Mat frame) {
        List<TargetResult> results = new ArrayList<>(targets.size());
        for (Map.Entry<String, SiameseTracker> e : targets.entrySet()) {
            TrackResult r = e.getValue().update(frame);
            results.add(new TargetResult(e.getKey(), r.box(), r.score(), r.state()));
        }
        return results;
    }

    /** The ids tracked now, in the order they were added. */
    public List<String> ids() {
        return List.copyOf(targets.keySet());
    }

    public int size() {
        return targets.size();
    }

    @Override
    public DebugInfo debugInfo(String id) {
        SiameseTracker tracker = targets.get(id);
        return tracker == null ? null : tracker.debugInfo();
    }

    @Override
    public void close() {
        targets.values().forEach(SiameseTracker::close);
        targets.clear();
    }
}
