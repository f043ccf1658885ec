package dev.siamtrack.eval;

import dev.siamtrack.home.Home;
import dev.siamtrack.model.ModelException;
import dev.siamtrack.model.SiameseModel;
import dev.siamtrack.track.MultiTargetTracker;
import dev.siamtrack.track.TargetEngine;
import dev.siamtrack.track.TrackerParams;
import dev.siamtrack.track.opencv.OpenCvTracker;

/** Creates a fresh engine for a spec; the evaluator asks for one per sequence and tracks one target with it. */
@FunctionalInterface
public interface TrackerFactory {

    TargetEngine create(TrackerSpec spec);

    /** The trackers SiamTrack ships: its own multi-target engine and OpenCV's single-object trackers. */
    static TrackerFactory standard() {
        return spec -> switch (spec.kind()) {
            case SIAMTRACK -> siamTrack(spec, TrackerParams.DEFAULT);
            case SIAMTRACK_LT -> siamTrack(spec, TrackerParams.DEFAULT.toBuilder().redetect(true).build());
            case SIAMTRACK_ST -> siamTrack(spec, TrackerParams.DEFAULT.toBuilder().redetect(false).build());
            case OPENCV_NANO -> TargetEngine.single(OpenCvTracker.nano(spec.path()));
            case OPENCV_VIT -> TargetEngine.single(OpenCvTracker.vit(spec.path()));
            case CSRT -> TargetEngine.single(OpenCvTracker.csrt());
            case KCF -> TargetEngine.single(OpenCvTracker.kcf());
            case MIL -> TargetEngine.single(OpenCvTracker.mil());
        };
    }

    /**
     * SiamTrack's engine (the one {@code track} uses) on the CPU with one ONNX Runtime thread and {@code params},
     * with the spec's model directory or the installed default model.
     */
    private static TargetEngine siamTrack(TrackerSpec spec, TrackerParams params) {
        if (spec.path() == null) {
            throw new IllegalArgumentException("no default model installed in " + Home.modelsDir()
                    + "; name a model directory with siamtrack:DIR");
        }
        try {
            return MultiTargetTracker.create(spec.path(), SiameseModel.Options.DEFAULT, params);
        } catch (ModelException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }
}
