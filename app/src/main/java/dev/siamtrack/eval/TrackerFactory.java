package dev.siamtrack.eval;

import dev.siamtrack.model.ModelException;
import dev.siamtrack.cli.Home;
import dev.siamtrack.model.SiameseModel;
import dev.siamtrack.track.SiameseTrackers;
import dev.siamtrack.track.Tracker;
import dev.siamtrack.track.TrackerParams;
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

    /**
     * SiamTrack's engine on the CPU with one ONNX Runtime thread and default parameters, with the spec's model
     * directory or the installed default model.
     */
    private static Tracker siamTrack(TrackerSpec spec) {
        if (spec.path() == null) {
            throw new IllegalArgumentException("no default model installed in " + Home.modelsDir()
                    + "; name a model directory with siamtrack:DIR");
        }
        try {
            return SiameseTrackers.create(spec.path(), SiameseModel.Options.DEFAULT, TrackerParams.DEFAULT);
        } catch (ModelException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }
}
