package dev.siamtrack.testing;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Locates the development data folder (reference models, datasets): {@code -Dsiamtrack.shared=DIR}, else
 * {@code ../shared} beside the checkout. A test that needs it calls one of these methods itself, so it shows
 * as skipped with the reason when the folder is absent; under {@code -Dsiamtrack.shared.required=true} (set by
 * .ci/run) it fails instead, so a build can never pass by skipping.
 */
public final class SharedData {

    public static final Path ROOT = Path.of(System.getProperty("siamtrack.shared", "../shared"));
    static final boolean REQUIRED = Boolean.getBoolean("siamtrack.shared.required");

    private SharedData() {
    }

    /** The NanoTrack reference model directory for {@code version}, or skips the test. */
    public static Path nanoTrack(int version) {
        Path dir = ROOT.resolve("models/reference/nanotrack-v" + version);
        return require(dir, Files.isRegularFile(dir.resolve("backbone.onnx")), "NanoTrack v" + version + " reference weights");
    }

    /** The dev dataset folder, or skips the test. */
    public static Path devDataset() {
        Path dir = ROOT.resolve("datasets/dev");
        return require(dir, Files.isDirectory(dir), "dev dataset");
    }

    /** The training sequences folder, or skips the test. */
    public static Path trainDataset() {
        Path dir = ROOT.resolve("datasets/train");
        return require(dir, Files.isDirectory(dir), "training sequences");
    }

    private static Path require(Path path, boolean present, String what) {
        if (!present) {
            String reason = what + " not found at " + path.toAbsolutePath()
                    + " (the shared data folder; set -Dsiamtrack.shared=DIR)";
            if (REQUIRED) {
                fail(reason + ", and -Dsiamtrack.shared.required=true forbids skipping");
            }
            assumeTrue(false, reason);
        }
        return path;
    }
}
