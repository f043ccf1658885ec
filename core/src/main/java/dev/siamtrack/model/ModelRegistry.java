package dev.siamtrack.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Installed models: model directories (holding {@code backbone.onnx}) directly under a models folder. The
 * default model is the one named in {@code DEFAULT} in that folder, else the first model directory in name
 * order.
 */
public final class ModelRegistry {

    private ModelRegistry() {
    }

    /** Model directories (holding backbone.onnx) directly under {@code dir}. */
    public static List<Path> list(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> Files.isRegularFile(p.resolve(SiameseModel.BACKBONE_FILE))).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    public static Optional<Path> defaultModel(Path models) {
        Path marker = models.resolve("DEFAULT");
        if (Files.isRegularFile(marker)) {
            try {
                Path named = models.resolve(Files.readString(marker).trim());
                if (Files.isRegularFile(named.resolve(SiameseModel.BACKBONE_FILE))) {
                    return Optional.of(named);
                }
            } catch (IOException ignored) {
                // an unreadable marker falls back to the first model
            }
        }
        return list(models).stream().findFirst();
    }

    /** The model to use: the user's choice, else the default; a clear error when neither exists. */
    public static Path resolve(Path requested, Path models) throws ModelException {
        if (requested != null) {
            return requested;
        }
        return defaultModel(models).orElseThrow(() -> new ModelException("no model installed in " + models
                + "; pass --model DIR (a directory with backbone.onnx and head.onnx, e.g. a NanoTrack model)"));
    }
}
