package dev.siamtrack.model;

import static dev.siamtrack.model.ProtoWire.stringField;
import static dev.siamtrack.model.ProtoWire.text;
import static dev.siamtrack.model.ProtoWire.writeStringField;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * One ONNX NodeProto on the wire, for {@link OnnxShapeEditor}: what the batch rewrite reads of it (op type,
 * input and output names, integer attributes) and the edited copies it writes; every other part is copied
 * as it was. Field numbers: NodeProto.input = 1, output = 2, name = 3, op_type = 4, attribute = 5;
 * AttributeProto.name = 1, i = 3, type = 20.
 */
final class OnnxNode {

    private static final int INPUT = 1;
    private static final int OUTPUT = 2;
    private static final int NAME = 3;
    private static final int OP_TYPE = 4;
    private static final int ATTRIBUTE = 5;
    private static final int ATTRIBUTE_NAME = 1;
    private static final int ATTRIBUTE_INT = 3;
    private static final int ATTRIBUTE_TYPE = 20;
    private static final int ATTRIBUTE_TYPE_INT = 2;

    private final byte[] buf;
    private final ProtoWire.Field field;
    private final List<ProtoWire.Field> parts;
    final String opType;
    final List<String> inputs = new ArrayList<>();
    final List<String> outputs = new ArrayList<>();

    /** The node encoded as the value of {@code field} in {@code buf}. */
    OnnxNode(byte[] buf, ProtoWire.Field field) {
        this.buf = buf;
        this.field = field;
        this.parts = ProtoWire.parse(buf, field);
        String op = "";
        for (ProtoWire.Field p : parts) {
            if (p.isLengthDelimited(INPUT)) {
                inputs.add(text(buf, p));
            } else if (p.isLengthDelimited(OUTPUT)) {
                outputs.add(text(buf, p));
            } else if (p.isLengthDelimited(OP_TYPE)) {
                op = text(buf, p);
            }
        }
        this.opType = op;
    }

    /** The integer attribute {@code name}, or {@code fallback} when the node has none. */
    long intAttribute(String name, long fallback) {
        for (ProtoWire.Field p : parts) {
            if (p.isLengthDelimited(ATTRIBUTE) && name.equals(stringField(buf, p, ATTRIBUTE_NAME))) {
                for (ProtoWire.Field a : ProtoWire.parse(buf, p)) {
                    if (a.number() == ATTRIBUTE_INT && a.wireType() == ProtoWire.VARINT) {
                        return ProtoWire.varint(buf, a);
                    }
                }
            }
        }
        return fallback;
    }

    /** This node with input {@code index} renamed. */
    byte[] withInput(int index, String name) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(field.end() - field.valueStart() + 64);
        int seen = 0;
        for (ProtoWire.Field p : parts) {
            if (p.isLengthDelimited(INPUT) && seen++ == index) {
                writeStringField(out, INPUT, name);
            } else {
                p.copy(buf, out);
            }
        }
        return out.toByteArray();
    }

    /** This Conv reading {@code input}, writing {@code output}, with {@code group} groups. */
    byte[] rewritten(String input, String output, long group) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(field.end() - field.valueStart() + 64);
        boolean firstInput = true;
        for (ProtoWire.Field p : parts) {
            if (p.isLengthDelimited(INPUT) && firstInput) {
                writeStringField(out, INPUT, input);
                firstInput = false;
            } else if (p.isLengthDelimited(OUTPUT)) {
                writeStringField(out, OUTPUT, output);
            } else if (p.isLengthDelimited(ATTRIBUTE) && "group".equals(stringField(buf, p, ATTRIBUTE_NAME))) {
                ProtoWire.writeBytesField(out, ATTRIBUTE, intAttributeProto("group", group));
            } else {
                p.copy(buf, out);
            }
        }
        return out.toByteArray();
    }

    /** A Reshape node {@code name}: {@code output = reshape(data, shape)}. */
    static byte[] reshape(String name, String data, String shape, String output) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writeStringField(out, INPUT, data);
        writeStringField(out, INPUT, shape);
        writeStringField(out, OUTPUT, output);
        writeStringField(out, NAME, name);
        writeStringField(out, OP_TYPE, "Reshape");
        return out.toByteArray();
    }

    /** AttributeProto {name, i, type = INT}. */
    static byte[] intAttributeProto(String name, long value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writeStringField(out, ATTRIBUTE_NAME, name);
        ProtoWire.writeVarintField(out, ATTRIBUTE_INT, value);
        ProtoWire.writeVarintField(out, ATTRIBUTE_TYPE, ATTRIBUTE_TYPE_INT);
        return out.toByteArray();
    }
}
