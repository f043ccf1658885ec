package dev.siamtrack.testing;

import dev.siamtrack.model.ModelRegistry;
import java.nio.file.Path;

/** The model that ships in the repository's models/ folder and that models/DEFAULT names. */
public final class ShippedModel {

    private ShippedModel() {
    }

    public static Path dir() {
        return ModelRegistry.defaultModel(Path.of("models"))
                .orElseThrow(() -> new IllegalStateException("models/DEFAULT names no model in " + Path.of("models").toAbsolutePath()));
    }
}
