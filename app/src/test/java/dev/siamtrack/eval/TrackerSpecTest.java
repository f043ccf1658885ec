package dev.siamtrack.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.siamtrack.cli.Home;
import dev.siamtrack.model.ModelRegistry;
import dev.siamtrack.testing.SharedData;
import dev.siamtrack.track.TargetEngine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrackerSpecTest {

    @Test
    void parsesEveryKindWithItsLabel(@TempDir Path dir) throws IOException {
        Path model = Files.createDirectory(dir.resolve("nanotrack-v2"));
        Files.writeString(model.resolve("backbone.onnx"), "x");
        Files.writeString(model.resolve("head.onnx"), "x");
        Path vit = Files.writeString(dir.resolve("vitTracker.onnx"), "x");

        assertEquals(new TrackerSpec(TrackerSpec.Kind.CSRT, null, "csrt"), TrackerSpec.parse("csrt"));
        assertEquals("kcf", TrackerSpec.parse(" kcf ").label());
        assertEquals("mil", TrackerSpec.parse("mil").label());
        TrackerSpec siam = TrackerSpec.parse("siamtrack");
        assertEquals(TrackerSpec.Kind.SIAMTRACK, siam.kind());
        // "siamtrack" means the installed default model, or none yet
        assertEquals(ModelRegistry.defaultModel(Home.modelsDir()).orElse(null), siam.path());
        assertEquals("siamtrack@nanotrack-v2", TrackerSpec.parse("siamtrack:" + model).label());
        assertEquals("opencv-nano@nanotrack-v2", TrackerSpec.parse("opencv-nano:" + model).label());
        assertEquals("opencv-vit@vitTracker", TrackerSpec.parse("opencv-vit:" + vit).label());
    }

    @Test
    void standardFactoryCreatesEveryKind() {
        Path nano = SharedData.nanoTrack(2);
        for (String text : List.of("csrt", "kcf", "mil", "opencv-nano:" + nano, "siamtrack:" + nano)) {
            TrackerSpec spec = TrackerSpec.parse(text);
            try (TargetEngine engine = TrackerFactory.standard().create(spec)) {
                assertEquals(0, engine.size(), spec.label());
            }
        }
    }

    @Test
    void refusesUnknownSpecsMissingModelsAndDuplicates(@TempDir Path dir) {
        assertMessage("unknown tracker 'goturn'", () -> TrackerSpec.parse("goturn"));
        assertMessage("needs a model path", () -> TrackerSpec.parse("opencv-nano"));
        assertMessage("needs a model path", () -> TrackerSpec.parse("siamtrack:"));
        assertMessage("takes no model path", () -> TrackerSpec.parse("kcf:" + dir));
        assertMessage("lacks backbone.onnx", () -> TrackerSpec.parse("opencv-nano:" + dir));
        assertMessage("model file not found", () -> TrackerSpec.parse("opencv-vit:" + dir.resolve("none.onnx")));
        assertMessage("given twice", () -> TrackerSpec.parseAll(List.of("kcf", "csrt", "kcf")));
        assertMessage("no tracker given", () -> TrackerSpec.parseAll(List.of()));
    }

    private static void assertMessage(String part, org.junit.jupiter.api.function.Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(part), e.getMessage());
    }
}
