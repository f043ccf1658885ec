package dev.siamtrack.eval;

import dev.siamtrack.track.Tracker;
import dev.siamtrack.track.opencv.OpenCvTracker;

/** Creates a fresh tracker for a spec; the evaluator asks for one per sequence. */
@FunctionalInterface
public interface TrackerFactory {

    Tracker create(TrackerSpec spec);

    /** The trackers SiamTrack ships: its own engine and OpenCV's. */
    static TrackerFactory standard() {
        return spec -> switch (spec.kind()) {
            case SIAMTRACK -> siamTrack(spec);
            case OPENCV_NANO -> OpenCvTracker.nano(spec.path());
            case OPENCV_VIT -> OpenCvTracker.vit(spec.path());
            case CSRT -> OpenCvTracker.csrt();
            case KCF -> OpenCvTracker.kcf();
            case MIL -> OpenCvTracker.mil();
        };
    }

    /** SiamTrack's own engine with the default model, or the model directory of the spec. */
    private static Tracker siamTrack(TrackerSpec spec) {
        throw new IllegalStateException("siamtrack engine not available in this build (tracker '" + spec.label() + "')");
    }
}
