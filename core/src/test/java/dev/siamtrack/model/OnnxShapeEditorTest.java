package dev.siamtrack.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.siamtrack.testing.ShippedModel;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class OnnxShapeEditorTest {

    private static final int MODEL_GRAPH = 7;
    private static final int GRAPH_NODE = 1;
    private static final int GRAPH_INPUT = 11;
    private static final int GRAPH_VALUE_INFO = 13;

    private static byte[] shippedHead() throws Exception {
        return Files.readAllBytes(ShippedModel.dir().resolve("head.onnx"));
    }

    private static List<ProtoWire.Field> graphFields(byte[] model) {
        for (ProtoWire.Field f : ProtoWire.parse(model, 0, model.length)) {
            if (f.isLengthDelimited(MODEL_GRAPH)) {
                return ProtoWire.parse(model, f);
            }
        }
        throw new AssertionError("no graph");
    }

    /** The model with unknown fields added at the top, in the graph and in its first node. */
    private static byte[] withUnknownFields(byte[] model) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (ProtoWire.Field f : ProtoWire.parse(model, 0, model.length)) {
            if (!f.isLengthDelimited(MODEL_GRAPH)) {
                f.copy(model, out);
                continue;
            }
            ByteArrayOutputStream graph = new ByteArrayOutputStream();
            boolean first = true;
            for (ProtoWire.Field g : ProtoWire.parse(model, f)) {
                if (g.isLengthDelimited(GRAPH_NODE) && first) {
                    ByteArrayOutputStream node = new ByteArrayOutputStream();
                    node.write(model, g.valueStart(), g.end() - g.valueStart());
                    ProtoWire.writeStringField(node, 1003, "node extra");
                    ProtoWire.writeBytesField(graph, GRAPH_NODE, node.toByteArray());
                    first = false;
                } else {
                    g.copy(model, graph);
                }
            }
            ProtoWire.writeStringField(graph, 1002, "graph extra");
            ProtoWire.writeBytesField(out, MODEL_GRAPH, graph.toByteArray());
        }
        ProtoWire.writeVarintField(out, 1000, 123456789);
        ProtoWire.writeVarint(out, 1001L << 3 | ProtoWire.FIXED32);
        out.writeBytes(new byte[] {1, 2, 3, 4});
        return out.toByteArray();
    }

    @Test
    void unknownFieldsSurviveTheRewrite() throws Exception {
        byte[] edited = OnnxShapeEditor.makeBatchable(withUnknownFields(shippedHead()), 2);
        List<ProtoWire.Field> top = ProtoWire.parse(edited, 0, edited.length);
        assertEquals(123456789, ProtoWire.varint(edited, find(top, 1000)));
        ProtoWire.Field fixed = find(top, 1001);
        assertEquals(ProtoWire.FIXED32, fixed.wireType());
        assertEquals(4, edited[fixed.end() - 1]);
        List<ProtoWire.Field> graph = graphFields(edited);
        assertEquals("graph extra", ProtoWire.text(edited, find(graph, 1002)));
        List<String> nodeExtras = new ArrayList<>();
        for (ProtoWire.Field node : graph) {
            if (node.isLengthDelimited(GRAPH_NODE)) {
                String extra = ProtoWire.stringField(edited, node, 1003);
                if (extra != null) {
                    nodeExtras.add(extra);
                }
            }
        }
        assertEquals(List.of("node extra"), nodeExtras);
    }

    private static ProtoWire.Field find(List<ProtoWire.Field> fields, int number) {
        return fields.stream().filter(f -> f.number() == number).findFirst()
                .orElseThrow(() -> new AssertionError("field " + number + " was dropped"));
    }

    @Test
    void inputsGetSymbolicBatchHeightAndWidthAndValueInfoIsDropped() throws Exception {
        byte[] head = shippedHead();
        assertTrue(OnnxShapeEditor.batchSizeFixed(head), "the shipped head correlates with per-target kernels");
        byte[] edited = OnnxShapeEditor.makeBatchable(head, 3);
        List<ProtoWire.Field> graph = graphFields(edited);
        assertFalse(graph.stream().anyMatch(f -> f.isLengthDelimited(GRAPH_VALUE_INFO)));
        ProtoWire.Field input = graph.stream().filter(f -> f.isLengthDelimited(GRAPH_INPUT)).findFirst().orElseThrow();
        String firstInput = new String(edited, input.valueStart(), input.end() - input.valueStart(), StandardCharsets.ISO_8859_1);
        assertTrue(firstInput.contains("in_batch") && firstInput.contains("in_height") && firstInput.contains("in_width"),
                "symbolic dims in the first graph input");
    }

    @Test
    void aBackboneWithoutCorrelationIsTheSameForEveryBatch() throws Exception {
        byte[] backbone = Files.readAllBytes(ShippedModel.dir().resolve("backbone.onnx"));
        assertFalse(OnnxShapeEditor.batchSizeFixed(backbone));
        assertTrue(Arrays.equals(OnnxShapeEditor.makeBatchable(backbone, 1), OnnxShapeEditor.makeBatchable(backbone, 4)));
    }

    @Test
    void bytesThatAreNoModelAreRefused() {
        assertEquals("not an ONNX model: truncated or corrupt protobuf",
                assertThrows(IllegalArgumentException.class, () -> OnnxShapeEditor.makeBatchable(new byte[] {0x0a, 0x05}, 1)).getMessage());
        assertEquals("not an ONNX model: no graph found",
                assertThrows(IllegalArgumentException.class, () -> OnnxShapeEditor.batchSizeFixed(new byte[0])).getMessage());
        assertEquals("batch must be at least 1, got 0",
                assertThrows(IllegalArgumentException.class, () -> OnnxShapeEditor.makeBatchable(new byte[0], 0)).getMessage());
    }
}
