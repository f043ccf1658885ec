package dev.siamtrack.track;

import dev.siamtrack.geom.Box;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * What the frame loop drives: targets added and removed by id, all located on each new frame. Implemented by
 * {@link MultiTargetTracker}; {@link #single(Tracker)} makes any single-object {@link Tracker} (the OpenCV
 * trackers, test doubles) one of these, holding at most one target.
 */
public interface TargetEngine extends AutoCloseable {

    /**
     * Starts tracking a new target inside {@code box} on {@code frame}; returns its result on that frame.
     *
     * @throws IllegalArgumentException for a duplicate or blank id, a box the engine cannot track, or (single
     *                                  trackers) a second target
     */
    TargetResult add(String id, Mat frame, Box box);

    /** Stops tracking {@code id}; false when no such target is tracked. */
    boolean remove(String id);

    /** Locates every target on the next frame, in the order they were added. */
    List<TargetResult> update(Mat frame);

    /** The ids tracked now, in the order they were added. */
    List<String> ids();

    int size();

    /** The last update's search region and score map for {@code id}, or {@code null} when there is none. */
    default DebugInfo debugInfo(String id) {
        return null;
    }

    @Override
    void close();

    /** {@code tracker} as an engine of at most one target; closing the engine closes the tracker. */
    static TargetEngine single(Tracker tracker) {
        return new SingleTargetEngine(tracker);
    }
}
