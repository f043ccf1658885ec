package dev.siamtrack.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.siamtrack.testing.ShippedModel;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every card field is range-checked, and the message names the file and the field. */
class ModelCardTest {

    @TempDir
    Path tmp;

    private Path card(String json) throws Exception {
        return Files.writeString(tmp.resolve("model.json"), json);
    }

    @Test
    void verifyThresholdIsReadDefaultedAndValidated() throws Exception {
        assertEquals(ShippedModel.card().get("hyper").get("verify_threshold").asDouble(),
                ModelCard.read(ShippedModel.dir().resolve("model.json")).verifyThreshold(), 1e-12);
        Path card = tmp.resolve("model.json");
        Files.writeString(card, "{\"hyper\": {}}");
        assertEquals(0.840, ModelCard.read(card).verifyThreshold(), 1e-12);
        assertEquals(0.780, ModelCard.nanoTrack("v3", 3).verifyThreshold(), 1e-12);
        for (String bad : new String[] {"1.5", "\"high\"", "-2"}) {
            Files.writeString(card, "{\"hyper\": {\"verify_threshold\": " + bad + "}}");
            ModelException e = assertThrows(ModelException.class, () -> ModelCard.read(card));
            assertTrue(e.getMessage().contains("hyper.verify_threshold must be a number from -1 to 1"), e.getMessage());
        }
    }

    @Test
    void theShippedCardReadsAndAnEmptyCardTakesTheDefaults() throws Exception {
        ModelCard shipped = ModelCard.read(ShippedModel.dir().resolve("model.json"));
        JsonNode json = ShippedModel.card();
        assertEquals(json.get("instance_size").asInt(), shipped.instanceSize());
        assertEquals(json.get("hyper").get("lost_threshold").asDouble(), shipped.lostThreshold(), 1e-9);
        ModelCard defaults = ModelCard.read(card("{}"));
        assertEquals(127, defaults.exemplarSize());
        assertEquals(255, defaults.instanceSize());
        assertEquals(16, defaults.stride());
        assertEquals(-128, defaults.gridOrigin());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "exemplar_size                | {\"exemplar_size\": -127}",
        "exemplar_size                | {\"exemplar_size\": \"127\"}",
        "instance_size                | {\"instance_size\": -255}",
        "instance_size                | {\"instance_size\": 100000000000}",
        "instance_size                | {\"instance_size\": 100}",
        "instance_size                | {\"instance_size\": 255.5}",
        "stride                       | {\"stride\": 0}",
        "stride                       | {\"stride\": 1000}",
        "score_size                   | {\"score_size\": 0}",
        "grid_origin                  | {\"grid_origin\": 99999}",
        "window_size                  | {\"score_size\": 11, \"window_size\": 9}",
        "window_size                  | {\"score_size\": 11, \"window_size\": 14}",
        "normalize.scale              | {\"normalize\": {\"scale\": 0}}",
        "normalize.std                | {\"normalize\": {\"std\": [1, 0, 1]}}",
        "normalize.mean               | {\"normalize\": {\"mean\": [1, 2]}}",
        "hyper.window_influence       | {\"hyper\": {\"window_influence\": 1.5}}",
        "hyper.penalty_k              | {\"hyper\": {\"penalty_k\": -1}}",
        "hyper.lr                     | {\"hyper\": {\"lr\": 2}}",
        "hyper.lost_threshold         | {\"hyper\": {\"lost_threshold\": 5}}",
        "hyper.lost_threshold         | {\"hyper\": {\"lost_threshold\": \"high\"}}",
        "hyper.uncertain_threshold    | {\"hyper\": {\"lost_threshold\": 0.5, \"uncertain_threshold\": 0.4}}",
        "channel_order                | {\"channel_order\": \"YUV\"}",
        "score_activation             | {\"score_activation\": \"relu\"}",
        "name                         | {\"name\": 7}",
    })
    void aFieldOutOfRangeIsNamedWithTheFile(String field, String json) throws Exception {
        Path file = card(json);
        String m = assertThrows(ModelException.class, () -> ModelCard.read(file)).getMessage();
        assertTrue(m.startsWith(file + ": " + field + " must "), m);
        assertEquals(1, m.lines().count(), m);
    }

    @Test
    void brokenJsonIsOneLineNamingTheFile() throws Exception {
        Path file = card("{\"stride\": ");
        String m = assertThrows(ModelException.class, () -> ModelCard.read(file)).getMessage();
        assertTrue(m.startsWith(file + ": not valid JSON"), m);
        assertEquals(1, m.lines().count(), m);
    }
}
