package dev.siamtrack.model;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.siamtrack.testing.SeededProperty;
import dev.siamtrack.testing.ShippedModel;
import dev.siamtrack.testing.UserText;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Any model.json, the shipped card with fields changed or removed, or plain junk: a card or one ModelException. */
class ModelCardPropertiesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Dotted paths of every value in the shipped card ("hyper.lr", "normalize.mean.1", ...). */
    private static List<String> paths(JsonNode node, String prefix, List<String> into) {
        if (node.isContainerNode()) {
            var names = node.isObject() ? iterable(node.fieldNames()) : null;
            if (names != null) {
                for (String name : names) {
                    paths(node.get(name), prefix + name + ".", into);
                }
            } else {
                for (int i = 0; i < node.size(); i++) {
                    paths(node.get(i), prefix + i + ".", into);
                }
            }
        }
        if (!prefix.isEmpty()) {
            into.add(prefix.substring(0, prefix.length() - 1));
        }
        return into;
    }

    private static List<String> iterable(java.util.Iterator<String> it) {
        List<String> all = new ArrayList<>();
        it.forEachRemaining(all::add);
        return all;
    }

    private static String cardText(Random random, JsonNode shipped, List<String> fields) {
        return switch (random.nextInt(3)) {
            case 0 -> {
                List<String> changed = UserText.listOf(random, 1, 3, r -> UserText.pick(r, fields.toArray(String[]::new)));
                List<JsonNode> values = UserText.listOf(random, 3, 3, ModelCardPropertiesTest::value);
                boolean remove = random.nextBoolean();
                ObjectNode card = shipped.deepCopy();
                for (int i = 0; i < changed.size(); i++) {
                    set(card, changed.get(i), remove ? null : values.get(i));
                }
                yield card.toString();
            }
            case 1 -> UserText.anyText(random, 40);
            default -> UserText.pick(random, "{}", "[]", "null", "", "{\"hyper\": 3}");
        };
    }

    private static JsonNode value(Random random) {
        var nodes = JSON.getNodeFactory();
        return switch (random.nextInt(4)) {
            case 0 -> nodes.textNode(UserText.numberLike(random));
            case 1 -> nodes.numberNode(-1e3 + 2e3 * random.nextDouble());
            case 2 -> nodes.numberNode(UserText.intBetween(random, -300, 300));
            default -> UserText.pick(random, nodes.nullNode(), nodes.booleanNode(true), nodes.arrayNode(), nodes.objectNode(),
                    nodes.arrayNode().add(1).add(2), nodes.numberNode(Double.MAX_VALUE), nodes.numberNode(0), nodes.numberNode(65));
        };
    }

    /** Replaces (value) or removes (null) the value at a dotted path. */
    private static void set(ObjectNode card, String path, JsonNode value) {
        String[] parts = path.split("\\.");
        JsonNode parent = card;
        for (int i = 0; i < parts.length - 1; i++) {
            // an earlier change of the same card may have turned an object on the path into an array or back
            if (parent.isArray() != parts[i].chars().allMatch(Character::isDigit)) {
                return;
            }
            parent = parent.isArray() ? parent.get(Integer.parseInt(parts[i])) : parent.get(parts[i]);
            if (parent == null || !parent.isContainerNode()) {
                return;
            }
        }
        String last = parts[parts.length - 1];
        if (parent instanceof ObjectNode o) {
            if (value == null) {
                o.remove(last);
            } else {
                o.set(last, value);
            }
        } else if (parent instanceof ArrayNode a && value != null && last.chars().allMatch(Character::isDigit)) {
            a.set(Integer.parseInt(last), value);
        }
    }

    @Test
    void readGivesACardOrOneModelException() {
        JsonNode shipped = ShippedModel.card();
        List<String> fields = paths(shipped, "", new ArrayList<>());
        SeededProperty.forAll(301, 400, r -> cardText(r, shipped, fields), text -> {
            Path file = Files.createTempFile("model", ".json");
            try {
                Files.write(file, text.getBytes(StandardCharsets.UTF_8));
                ModelCard card = ModelCard.read(file);
                assertTrue(card.stride() >= 1 && card.exemplarSize() > 0 && card.instanceSize() > 0 && card.scoreSize() > 0,
                        "a card that reads has usable sizes: " + text);
            } catch (ModelException e) {
                assertTrue(e.getMessage().startsWith(file.toString()), "the error names the file: " + e.getMessage());
            } finally {
                Files.delete(file);
            }
        });
    }
}
