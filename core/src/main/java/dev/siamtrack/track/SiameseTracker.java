package dev.siamtrack.track;

import dev.siamtrack.geom.Box;
import dev.siamtrack.model.SiameseModel;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * The Siamese tracker for one target: a {@link MultiTargetTracker} holding exactly one target, behind the
 * single-object {@link Tracker} interface. {@link #init} embeds the template; every {@link #update} crops the
 * search region around the last position, embeds it with the same backbone, runs the correlation head, and
 * picks the best cell of the score map (see {@link MultiTargetTracker} for how).
 */
public final class SiameseTracker implements Tracker, DebugInfoProvider {

    private static final String TARGET = "target";

    private final MultiTargetTracker engine;

    /** A tracker over {@code engine}, which it owns and closes; see {@link SiameseTrackers#create}. */
    SiameseTracker(MultiTargetTracker engine) {
        this.engine = engine;
    }

    @Override
    public String name() {
        return engine.name();
    }

    public SiameseModel model() {
        return engine.model();
    }

    /** The crop implementation in use (native or opencv). */
    public String cropName() {
        return engine.cropName();
    }

    /** Stage timings of the last update (overwritten by the next one). */
    public StageTimes stageTimes() {
        return engine.stageTimes();
    }

    /** Search region and score map of the last update; score cells are centred at gridOrigin + i * stride crop pixels. */
    @Override
    public DebugInfo debugInfo() {
        return engine.debugInfo(TARGET);
    }

    /**
     * Starts tracking the target inside {@code box} (forgetting any earlier one).
     *
     * @throws IllegalArgumentException for a frame that is not 8-bit BGR or a box that is empty or outside it
     */
    @Override
    public void init(Mat frame, Box box) {
        engine.clear();
        engine.add(TARGET, frame, box);
    }

    @Override
    public TrackResult update(Mat frame) {
        if (engine.size() == 0) {
            throw new IllegalStateException("update() called before init()");
        }
        return engine.update(frame).get(0).result();
    }

    /** Releases the model and the preprocessor (the tracker owns both). */
    @Override
    public void close() {
        engine.close();
    }
}
