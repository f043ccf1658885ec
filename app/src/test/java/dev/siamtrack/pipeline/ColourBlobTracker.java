package dev.siamtrack.pipeline;

import dev.siamtrack.geom.Box;
import dev.siamtrack.track.TrackResult;
import dev.siamtrack.track.TrackState;
import dev.siamtrack.track.Tracker;
import java.util.concurrent.atomic.AtomicInteger;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;

/** A test tracker: the bounding box of the strongly red pixels (the synthetic stream's square). */
public final class ColourBlobTracker implements Tracker {

    public final AtomicInteger inits = new AtomicInteger();
    public final AtomicInteger updates = new AtomicInteger();
    private final Mat mask = new Mat();
    // 4x1 CV_64F Mats are what inRange takes as per-channel scalar bounds.
    private final Mat low = new Mat(0.0, 0.0, 150.0, 0.0);
    private final Mat high = new Mat(80.0, 80.0, 255.0, 0.0);
    private Box last;

    @Override
    public String name() {
        return "red-blob";
    }

    @Override
    public void init(Mat frame, Box box) {
        inits.incrementAndGet();
        last = box;
    }

    @Override
    public TrackResult update(Mat frame) {
        updates.incrementAndGet();
        opencv_core.inRange(frame, low, high, mask);
        if (opencv_core.countNonZero(mask) < 50) {
            return new TrackResult(last, 0, TrackState.LOST);
        }
        Rect r = opencv_imgproc.boundingRect(mask);
        last = new Box(r.x(), r.y(), r.width(), r.height());
        return new TrackResult(last, 0.9, TrackState.TRACKING);
    }
}
