package dev.siamtrack.model;

import java.nio.file.Path;
import java.util.Locale;

/**
 * Names the NanoTrack version of a model directory that has no {@code model.json}, from what its loaded
 * graphs produce: v3 has 96 feature channels and a 15x15 score map; v1 and v2 share their shapes, so only
 * a directory name containing "v1" tells v1 apart.
 */
final class NanoTrackRecognition {

    private NanoTrackRecognition() {
    }

    static ModelCard recognise(Path directory, int featureChannels, int scoreSize) {
        String dirName = directory.toAbsolutePath().normalize().getFileName().toString();
        int version;
        if (featureChannels == 96 || scoreSize == 15) {
            version = 3;
        } else if (dirName.toLowerCase(Locale.ROOT).contains("v1")) {
            version = 1;
        } else {
            version = 2;
        }
        return ModelCard.nanoTrack(dirName, version);
    }
}
