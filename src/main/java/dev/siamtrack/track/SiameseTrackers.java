package dev.siamtrack.track;

import dev.siamtrack.model.ModelCard;
import dev.siamtrack.model.ModelException;
import dev.siamtrack.model.SiameseModel;
import java.nio.file.Path;

/** Factory for Siamese trackers: loads the model, derives the pixel format from its card, picks the crop path. */
public final class SiameseTrackers {

    private SiameseTrackers() {
    }

    public static SiameseTracker create(Path modelDir, SiameseModel.Options options, SiameseTracker.Params params)
            throws ModelException {
        SiameseModel model = SiameseModel.load(modelDir, options);
        return new SiameseTracker(model, new OpenCvCropPreprocessor(pixelSpec(model.card())), params);
    }

    public static PixelSpec pixelSpec(ModelCard card) {
        return new PixelSpec(card.rgb(), card.scale(), card.mean(), card.std());
    }
}
