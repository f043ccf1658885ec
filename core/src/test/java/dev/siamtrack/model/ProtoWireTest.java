package dev.siamtrack.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.siamtrack.testing.ShippedModel;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ProtoWireTest {

    /**
     * Which length-delimited fields of which ONNX message hold a nested message (onnx.proto): enough of the
     * schema to decode a model down to its shape dimensions and re-encode it from the decoded values.
     */
    private static final Map<String, Map<Integer, String>> ONNX = Map.of(
            "Model", Map.of(7, "Graph", 8, "OperatorSetId"),
            "Graph", Map.of(1, "Node", 5, "Tensor", 11, "ValueInfo", 12, "ValueInfo", 13, "ValueInfo"),
            "Node", Map.of(5, "Attribute"),
            "Attribute", Map.of(5, "Tensor", 6, "Graph"),
            "ValueInfo", Map.of(2, "Type"),
            "Type", Map.of(1, "TensorType"),
            "TensorType", Map.of(2, "Shape"),
            "Shape", Map.of(1, "Dimension"));

    private static byte[] varint(long value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ProtoWire.writeVarint(out, value);
        return out.toByteArray();
    }

    private static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }

    @ParameterizedTest
    @ValueSource(strings = {"backbone.onnx", "head.onnx"})
    void aShippedModelDecodedAndReencodedIsTheSameBytes(String file) throws Exception {
        byte[] model = Files.readAllBytes(ShippedModel.dir().resolve(file));
        Map<String, Integer> decoded = new HashMap<>();
        byte[] again = reencode(model, 0, model.length, "Model", decoded);
        assertArrayEquals(model, again);
        assertTrue(decoded.getOrDefault("Node", 0) > 10 && decoded.getOrDefault("Tensor", 0) > 10
                && decoded.getOrDefault("Dimension", 0) >= 8, "decoded down to the dimensions: " + decoded);
    }

    /** Writes the message in {@code buf[from, to)} from its decoded values: varints as numbers, known messages recursively. */
    private static byte[] reencode(byte[] buf, int from, int to, String type, Map<String, Integer> decoded) {
        decoded.merge(type, 1, Integer::sum);
        Map<Integer, String> nested = ONNX.getOrDefault(type, Map.of());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (ProtoWire.Field f : ProtoWire.parse(buf, from, to)) {
            switch (f.wireType()) {
                case ProtoWire.VARINT -> ProtoWire.writeVarintField(out, f.number(), ProtoWire.varint(buf, f));
                case ProtoWire.LENGTH_DELIMITED -> ProtoWire.writeBytesField(out, f.number(),
                        nested.containsKey(f.number())
                                ? reencode(buf, f.valueStart(), f.end(), nested.get(f.number()), decoded)
                                : Arrays.copyOfRange(buf, f.valueStart(), f.end()));
                default -> {
                    ProtoWire.writeVarint(out, (long) f.number() << 3 | f.wireType());
                    out.write(buf, f.valueStart(), f.end() - f.valueStart());
                }
            }
        }
        return out.toByteArray();
    }

    @Test
    void fieldsOfEveryWireTypeAreFoundAndCopiedAsTheyWere() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ProtoWire.writeVarintField(out, 1000, 300);
        ProtoWire.writeVarint(out, 1001L << 3 | ProtoWire.FIXED64);
        out.writeBytes(bytes(1, 2, 3, 4, 5, 6, 7, 8));
        ProtoWire.writeStringField(out, 1002, "kept");
        ProtoWire.writeVarint(out, 1003L << 3 | ProtoWire.FIXED32);
        out.writeBytes(bytes(9, 10, 11, 12));
        ProtoWire.writeBytesField(out, 1, new byte[0]);
        byte[] message = out.toByteArray();

        List<ProtoWire.Field> fields = ProtoWire.parse(message, 0, message.length);
        assertEquals(List.of(1000, 1001, 1002, 1003, 1), fields.stream().map(ProtoWire.Field::number).toList());
        assertEquals(List.of(0, 1, 2, 5, 2), fields.stream().map(ProtoWire.Field::wireType).toList());
        assertEquals(300, ProtoWire.varint(message, fields.get(0)));
        assertArrayEquals(bytes(1, 2, 3, 4, 5, 6, 7, 8), Arrays.copyOfRange(message, fields.get(1).valueStart(), fields.get(1).end()));
        assertEquals("kept", ProtoWire.text(message, fields.get(2)));
        assertArrayEquals(bytes(9, 10, 11, 12), Arrays.copyOfRange(message, fields.get(3).valueStart(), fields.get(3).end()));
        assertEquals(fields.get(4).valueStart(), fields.get(4).end(), "an empty length-delimited field");

        ByteArrayOutputStream copy = new ByteArrayOutputStream();
        fields.forEach(f -> f.copy(message, copy));
        assertArrayEquals(message, copy.toByteArray());
    }

    @Test
    void varintsUseTheShortestEncodingAndReadBack() {
        assertArrayEquals(bytes(0), varint(0));
        assertArrayEquals(bytes(0x7f), varint(127));
        assertArrayEquals(bytes(0x80, 0x01), varint(128));
        assertArrayEquals(bytes(0xac, 0x02), varint(300));
        assertArrayEquals(bytes(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f), varint(Long.MAX_VALUE));
        assertArrayEquals(bytes(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01), varint(-1));
        for (long v : new long[] {0, 1, 127, 128, 16383, 16384, Integer.MAX_VALUE, Long.MAX_VALUE, -1, Long.MIN_VALUE}) {
            byte[] encoded = varint(v);
            int[] pos = {0};
            assertEquals(v, ProtoWire.readVarint(encoded, pos));
            assertEquals(encoded.length, pos[0], "reads exactly the varint");
        }
    }

    @Test
    void aLengthOfOneHundredTwentyEightTakesATwoByteLength() {
        for (int length : new int[] {127, 128, 300}) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ProtoWire.writeBytesField(out, 5, new byte[length]);
            byte[] message = out.toByteArray();
            ProtoWire.Field f = ProtoWire.parse(message, 0, message.length).get(0);
            assertEquals(length < 128 ? 2 : 3, f.valueStart());
            assertEquals(length, f.end() - f.valueStart());
        }
    }

    @Test
    void malformedMessagesAreNamed() {
        assertMalformed("truncated varint", bytes(0x08, 0x80));
        assertMalformed("varint too long", bytes(0x08, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01));
        assertMalformed("truncated or corrupt protobuf", bytes(0x0a, 0x05, 'a', 'b'));
        assertMalformed("truncated or corrupt protobuf", bytes(0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 'a'));
        assertMalformed("truncated or corrupt protobuf", bytes(0x09, 1, 2, 3));
        assertMalformed("truncated or corrupt protobuf", bytes(0x00, 0x01));
        assertMalformed("bad protobuf wire type 3", bytes(0x0b));
        assertMalformed("bad protobuf wire type 7", bytes(0x0f));
    }

    private static void assertMalformed(String message, byte[] bytes) {
        ProtoWire.MalformedException e = assertThrows(ProtoWire.MalformedException.class,
                () -> ProtoWire.parse(bytes, 0, bytes.length));
        assertEquals(message, e.getMessage());
    }

    @Test
    void aNestedMessageIsParsedWithinItsField() {
        ByteArrayOutputStream inner = new ByteArrayOutputStream();
        ProtoWire.writeStringField(inner, 1, "name");
        ProtoWire.writeVarintField(inner, 3, 7);
        ByteArrayOutputStream outer = new ByteArrayOutputStream();
        ProtoWire.writeVarintField(outer, 2, 1);
        ProtoWire.writeBytesField(outer, 5, inner.toByteArray());
        byte[] message = outer.toByteArray();
        ProtoWire.Field attribute = ProtoWire.parse(message, 0, message.length).get(1);
        assertTrue(attribute.isLengthDelimited(5));
        assertEquals("name", ProtoWire.stringField(message, attribute, 1));
        assertEquals(null, ProtoWire.stringField(message, attribute, 2));
        assertEquals(7, ProtoWire.varint(message, ProtoWire.parse(message, attribute).get(1)));
    }

    @Test
    void packedVarintsAreCounted() {
        byte[] packed = {0x01, (byte) 0x80, 0x01, 0x7f};
        assertEquals(3, ProtoWire.countVarints(packed, 0, packed.length));
        assertEquals(0, ProtoWire.countVarints(packed, 2, 2));
    }

    @Test
    void anEmptyMessageHasNoFields() {
        assertEquals(List.of(), ProtoWire.parse(new byte[0], 0, 0));
    }
}
