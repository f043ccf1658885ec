package dev.siamtrack.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates ../shared (reference models, datasets); tests that need it skip with a message when it is absent. */
public final class SharedData {

    public static final Path ROOT = Path.of(System.getProperty("siamtrack.shared", "../shared"));

    private SharedData() {
    }

    /** The NanoTrack reference model directory for {@code version}, or skips the test. */
    public static Path nanoTrack(int version) {
        Path dir = ROOT.resolve("models/reference/nanotrack-v" + version);
        assumeTrue(Files.isRegularFile(dir.resolve("backbone.onnx")),
                "skipped: NanoTrack v" + version + " reference weights not found at " + dir.toAbsolutePath()
                        + " (../shared is absent)");
        return dir;
    }

    /** The dev dataset folder, or skips the test. */
    public static Path devDataset() {
        Path dir = ROOT.resolve("datasets/dev");
        assumeTrue(Files.isDirectory(dir), "skipped: dev dataset not found at " + dir.toAbsolutePath()
                + " (../shared is absent)");
        return dir;
    }
}
