package dev.siamtrack.cli;

import dev.siamtrack.home.Home;
import dev.siamtrack.model.Device;
import dev.siamtrack.model.ModelException;
import dev.siamtrack.model.ModelRegistry;
import dev.siamtrack.model.SiameseModel;
import dev.siamtrack.track.CropPreprocessors;
import dev.siamtrack.track.MultiTargetTracker;
import dev.siamtrack.track.SiameseTracker;
import dev.siamtrack.track.SiameseTrackers;
import dev.siamtrack.track.TrackerParams;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options shared by every command that runs our tracker: which model, where, and its tuning. */
final class ModelOptions {

    @Option(names = "--model", paramLabel = "DIR|NAME", converter = ModelArgument.class,
            description = "Model directory (backbone.onnx, head.onnx, optional model.json), or the name of one in models/ or pulled with 'models pull'. Default: the installed default model in models/.")
    Path model;

    @Option(names = "--device", paramLabel = "cpu|cuda[:N]", defaultValue = "cpu",
            description = "Inference device (default: ${DEFAULT-VALUE}). Without a usable CUDA provider it says so and uses the CPU.")
    String device;

    @Option(names = "--strict", description = "Fail instead of falling back to the CPU when the requested device is unavailable.")
    boolean strict;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "1",
            description = "ONNX Runtime intra-op threads, at most the number of processors (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--lost-threshold", paramLabel = "P",
            description = "Target probability under which a frame counts towards LOST (default: the model card's, 0.9 for NanoTrack).")
    Double lostThreshold;

    @Option(names = "--lost-frames", paramLabel = "N", defaultValue = "3",
            description = "Consecutive low-probability frames before the state is LOST (default: ${DEFAULT-VALUE}).")
    int lostFrames;

    @Option(names = "--redetect", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "While LOST, search the whole frame (a few windows per frame) and re-acquire only a"
                    + " candidate the target's embedding verifies; --no-redetect searches only around the last"
                    + " position (default: ${DEFAULT-VALUE}).")
    boolean redetect;

    @Option(names = "--crop", paramLabel = "auto|native|opencv", defaultValue = "auto",
            description = "Crop/resize/normalise implementation: the C kernel (native) or OpenCV; auto takes native when it is built (default: ${DEFAULT-VALUE}).")
    String crop;

    @Option(names = "--verbose", description = "Show stack traces for errors.")
    boolean verbose;

    SiameseModel.Options modelOptions() {
        return new SiameseModel.Options(Device.parse(device), strict, Arguments.threads("--threads", threads));
    }

    TrackerParams params() {
        if (lostThreshold != null && (lostThreshold < 0 || lostThreshold > 1)) {
            throw new UserException("--lost-threshold " + lostThreshold + ": must be from 0 to 1");
        }
        if (lostFrames < 1) {
            throw new UserException("--lost-frames must be at least 1");
        }
        TrackerParams.Builder p = TrackerParams.builder().lostFrames(lostFrames).redetect(redetect);
        if (lostThreshold != null) {
            p.lostThreshold(lostThreshold);
        }
        return p.build();
    }

    Path modelDir() throws ModelException {
        return ModelRegistry.resolve(model, Home.modelsDir());
    }

    /** Loads the tracker, telling the user once if the device fell back to the CPU. */
    SiameseTracker createTracker() throws ModelException {
        return createTracker(modelDir());
    }

    /** The same, with another model directory (the other options as given). */
    SiameseTracker createTracker(Path dir) throws ModelException {
        SiameseTracker tracker = SiameseTrackers.create(dir, modelOptions(), params(),
                CropPreprocessors.Preference.parse(crop));
        noteDevice(tracker.model());
        return tracker;
    }

    /** Loads the batched multi-target tracker, telling the user if the device fell back to the CPU. */
    MultiTargetTracker createMultiTargetTracker() throws ModelException {
        MultiTargetTracker tracker = MultiTargetTracker.create(modelDir(), modelOptions(), params(),
                CropPreprocessors.Preference.parse(crop));
        noteDevice(tracker.model());
        return tracker;
    }

    private static void noteDevice(SiameseModel model) {
        if (model.deviceNote() != null) {
            System.err.println("siamtrack: " + model.deviceNote());
        }
    }
}
