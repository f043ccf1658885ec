package dev.siamtrack.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelCardTest {

    @Test
    void verifyThresholdIsReadDefaultedAndValidated(@TempDir Path dir) throws Exception {
        assertEquals(0.37, ModelCard.read(Path.of("models/siamtrack-mnv3/model.json")).verifyThreshold(), 1e-12);
        Path card = dir.resolve("model.json");
        Files.writeString(card, "{\"hyper\": {}}");
        assertEquals(0.753, ModelCard.read(card).verifyThreshold(), 1e-12);
        assertEquals(0.699, ModelCard.nanoTrack("v3", 3).verifyThreshold(), 1e-12);
        for (String bad : new String[] {"1.5", "\"high\"", "-2"}) {
            Files.writeString(card, "{\"hyper\": {\"verify_threshold\": " + bad + "}}");
            ModelException e = assertThrows(ModelException.class, () -> ModelCard.read(card));
            assertTrue(e.getMessage().contains("verify_threshold must be a cosine similarity in [-1, 1]"), e.getMessage());
        }
    }
}
