package dev.siamtrack.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

class OnnxNodeTest {

    /** A node encoded as field 1 of a graph, as OnnxNode finds it. */
    private static OnnxNode node(byte[] encoded) {
        ByteArrayOutputStream graph = new ByteArrayOutputStream();
        ProtoWire.writeBytesField(graph, 1, encoded);
        byte[] buf = graph.toByteArray();
        return new OnnxNode(buf, ProtoWire.parse(buf, 0, buf.length).get(0));
    }

    /** Conv(x, w) -> y with group 48, and an unknown field 99. */
    private static byte[] conv() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ProtoWire.writeStringField(out, 1, "x");
        ProtoWire.writeStringField(out, 1, "w");
        ProtoWire.writeStringField(out, 2, "y");
        ProtoWire.writeStringField(out, 4, "Conv");
        ProtoWire.writeBytesField(out, 5, OnnxNode.intAttributeProto("group", 48));
        ProtoWire.writeStringField(out, 99, "kept");
        return out.toByteArray();
    }

    @Test
    void aReshapeNodeReadsBack() {
        OnnxNode reshape = node(OnnxNode.reshape("r", "data", "shape", "out"));
        assertEquals("Reshape", reshape.opType);
        assertEquals(List.of("data", "shape"), reshape.inputs);
        assertEquals(List.of("out"), reshape.outputs);
    }

    @Test
    void integerAttributesAreReadWithAFallback() {
        OnnxNode conv = node(conv());
        assertEquals(48, conv.intAttribute("group", 1));
        assertEquals(0, conv.intAttribute("allowzero", 0));
    }

    @Test
    void renamingAnInputKeepsTheRest() {
        OnnxNode renamed = node(node(conv()).withInput(1, "w2"));
        assertEquals(List.of("x", "w2"), renamed.inputs);
        assertEquals(List.of("y"), renamed.outputs);
        assertEquals(48, renamed.intAttribute("group", 1));
        assertEquals("kept", unknownField(node(conv()).withInput(1, "w2")));
    }

    @Test
    void aRewrittenConvTakesNewInputOutputAndGroups() {
        byte[] encoded = node(conv()).rewritten("x_grouped", "y_grouped", 96);
        OnnxNode rewritten = node(encoded);
        assertEquals(List.of("x_grouped", "w"), rewritten.inputs);
        assertEquals(List.of("y_grouped"), rewritten.outputs);
        assertEquals(96, rewritten.intAttribute("group", 1));
        assertEquals("kept", unknownField(encoded));
    }

    private static String unknownField(byte[] node) {
        return ProtoWire.parse(node, 0, node.length).stream().filter(f -> f.number() == 99)
                .map(f -> ProtoWire.text(node, f)).findFirst().orElse(null);
    }
}
