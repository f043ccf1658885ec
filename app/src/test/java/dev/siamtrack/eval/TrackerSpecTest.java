package dev.siamtrack.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.siamtrack.home.Home;
import dev.siamtrack.model.ModelRegistry;
import dev.siamtrack.testing.SharedData;
import dev.siamtrack.testing.ShippedModel;
import dev.siamtrack.testing.SlidingPatch;
import dev.siamtrack.track.TargetResult;
import dev.siamtrack.track.TrackState;
import dev.siamtrack.track.TargetEngine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

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
        assertEquals(new TrackerSpec(TrackerSpec.Kind.SIAMTRACK_LT, model, "siamtrack-lt@nanotrack-v2"),
                TrackerSpec.parse("siamtrack-lt:" + model));
        assertEquals("siamtrack-st@nanotrack-v2", TrackerSpec.parse("siamtrack-st:" + model).label());
        assertEquals("opencv-nano@nanotrack-v2", TrackerSpec.parse("opencv-nano:" + model).label());
        assertEquals("opencv-vit@vitTracker", TrackerSpec.parse("opencv-vit:" + vit).label());
    }

    @ParameterizedTest
    @ValueSource(strings = {"csrt", "kcf", "mil", "siamtrack:SHIPPED", "siamtrack-lt:SHIPPED", "siamtrack-st:SHIPPED"})
    void standardFactoryCreatesAWorkingTrackerOfEveryKind(String text) {
        assertFollowsTheSlidingPatch(TrackerSpec.parse(text.replace("SHIPPED", ShippedModel.dir().toString())));
    }

    @Test
    void standardFactoryCreatesOpenCvsTrackerNano() {
        assertFollowsTheSlidingPatch(TrackerSpec.parse("opencv-nano:" + SharedData.nanoTrack(2)));
    }

    /** The engine starts empty, takes one target and follows it over 20 frames of known motion. */
    private static void assertFollowsTheSlidingPatch(TrackerSpec spec) {
        try (TargetEngine engine = TrackerFactory.standard().create(spec)) {
            assertEquals(0, engine.size(), spec.label());
            engine.add("patch", SlidingPatch.frame(0, 3), SlidingPatch.truth(0));
            assertEquals(List.of("patch"), engine.ids());
            TargetResult last = null;
            for (int i = 1; i <= 20; i++) {
                last = engine.update(SlidingPatch.frame(i, 3)).get(0);
            }
            assertTrue(last.box().iou(SlidingPatch.truth(20)) > 0.5, spec.label() + ": " + last + " vs " + SlidingPatch.truth(20));
            assertEquals(TrackState.TRACKING, last.state(), spec.label());
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
