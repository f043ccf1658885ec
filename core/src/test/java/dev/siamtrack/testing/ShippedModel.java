package dev.siamtrack.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.siamtrack.model.ModelRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/** The model that ships in the repository's models/ folder and that models/DEFAULT names. */
public final class ShippedModel {

    private ShippedModel() {
    }

    public static Path dir() {
        return ModelRegistry.defaultModel(Path.of("models"))
                .orElseThrow(() -> new IllegalStateException("models/DEFAULT names no model in " + Path.of("models").toAbsolutePath()));
    }

    /**
     * Its model.json as plain JSON, read with Jackson rather than through ModelCard (which tests check): expected
     * values come from here, so retuning the card changes them with it.
     */
    public static JsonNode card() {
        try {
            return new ObjectMapper().readTree(dir().resolve("model.json").toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
