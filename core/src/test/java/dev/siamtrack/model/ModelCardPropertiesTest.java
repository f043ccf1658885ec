package dev.siamtrack.model;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.siamtrack.testing.ShippedModel;
import dev.siamtrack.testing.UserText;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

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

    @Provide
    Arbitrary<String> cardText() {
        JsonNode shipped = ShippedModel.card();
        List<String> fields = paths(shipped, "", new ArrayList<>());
        var nodes = JSON.getNodeFactory();
        Arbitrary<JsonNode> value = Arbitraries.oneOf(
                UserText.numberLike().map(t -> (JsonNode) nodes.textNode(t)),
                Arbitraries.doubles().between(-1e3, 1e3).map(d -> (JsonNode) nodes.numberNode(d)),
                Arbitraries.integers().between(-300, 300).map(i -> (JsonNode) nodes.numberNode(i)),
                Arbitraries.of(nodes.nullNode(), nodes.booleanNode(true), nodes.arrayNode(), nodes.objectNode(),
                        nodes.arrayNode().add(1).add(2), nodes.numberNode(Double.MAX_VALUE), nodes.numberNode(0), nodes.numberNode(65)));
        Arbitrary<String> changed = Combinators.combine(Arbitraries.of(fields).list().ofMinSize(1).ofMaxSize(3),
                value.list().ofSize(3), Arbitraries.of(true, false)).as((paths, values, remove) -> {
                    ObjectNode card = shipped.deepCopy();
                    for (int i = 0; i < paths.size(); i++) {
                        set(card, paths.get(i), remove ? null : values.get(i));
                    }
                    return card.toString();
                });
        return Arbitraries.oneOf(changed, Arbitraries.strings().all().ofMaxLength(40), Arbitraries.of("{}", "[]", "null", "", "{\"hyper\": 3}"));
    }

    /** Replaces (value) or removes (null) the value at a dotted path. */
    private static void set(ObjectNode card, String path, JsonNode value) {
        String[] parts = path.split("\\.");
        JsonNode parent = card;
        for (int i = 0; i < parts.length - 1; i++) {
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
        } else if (parent instanceof ArrayNode a && value != null) {
            a.set(Integer.parseInt(last), value);
        }
    }

    @Property(tries = 400)
    void readGivesACardOrOneModelException(@ForAll("cardText") String text) throws IOException {
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
    }
}
