package dev.siamtrack.track;

import dev.siamtrack.model.ModelCard;
import dev.siamtrack.model.ModelException;
import dev.siamtrack.model.SiameseModel;
import java.nio.file.Path;

/**
 * Factory for Siamese trackers: loads the model, derives the pixel format from its card, picks the crop path
 * (the native kernel when it is built, else OpenCV, unless the caller forces one).
 */
public final class SiameseTrackers {

    private SiameseTrackers() {
    }

    /** A single-target tracker for the model in {@code modelDir} with default settings (CPU, one thread, the card's tuning). */
    public static SiameseTracker create(Path modelDir) throws ModelException {
        return create(modelDir, SiameseModel.Options.DEFAULT, TrackerParams.DEFAULT);
    }

    public static SiameseTracker create(Path modelDir, SiameseModel.Options options, TrackerParams params)
            throws ModelException {
        return create(modelDir, options, params, CropPreprocessors.Preference.AUTO);
    }

    public static SiameseTracker create(Path modelDir, SiameseModel.Options options, TrackerParams params,
                                        CropPreprocessors.Preference crop) throws ModelException {
        return new SiameseTracker(MultiTargetTracker.create(modelDir, options, params, crop));
    }

    public static PixelSpec pixelSpec(ModelCard card) {
        return new PixelSpec(card.rgb(), card.scale(), card.mean(), card.std());
    }
}
