package dev.siamtrack.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.siamtrack.model.ModelRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The model that ships in the repository's models/ folder and that models/DEFAULT names. */
public final class ShippedModel {

    private ShippedModel() {
    }

    public static Path dir() {
        Path models = modelsFolder();
        return ModelRegistry.defaultModel(models)
                .orElseThrow(() -> new IllegalStateException("models/DEFAULT names no model in " + models.toAbsolutePath()));
    }

    /** models/ of the working directory (the repository root under Surefire), else of its parent (a module, under PIT). */
    private static Path modelsFolder() {
        Path here = Path.of("models");
        Path parent = Path.of("..", "models");
        return Files.isRegularFile(here.resolve("DEFAULT")) || !Files.isRegularFile(parent.resolve("DEFAULT")) ? here : parent;
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
