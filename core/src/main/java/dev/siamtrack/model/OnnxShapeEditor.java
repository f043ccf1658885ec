package dev.siamtrack.model;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Rewrites an ONNX model's bytes so that the spatial dimensions (H, W) of its 4-D graph inputs and
 * outputs are symbolic. NanoTrack backbones declare a fixed 255x255 input although the network is fully
 * convolutional; the same backbone must also embed the 127x127 template.
 *
 * <p>Works on the protobuf wire format directly (ModelProto.graph = 7; GraphProto.initializer = 5,
 * input = 11, output = 12, value_info = 13; ValueInfoProto.name = 1, type = 2; TypeProto.tensor_type = 1;
 * Tensor.shape = 2; TensorShapeProto.dim = 1; Dimension.dim_value = 1, dim_param = 2), so no protobuf
 * library or generated classes are needed. value_info is dropped: its fixed intermediate shapes would
 * contradict the new symbolic ones, and ONNX Runtime re-infers them.
 */
public final class OnnxShapeEditor {

    private static final int MODEL_GRAPH = 7;
    private static final int GRAPH_INITIALIZER = 5;
    private static final int GRAPH_INPUT = 11;
    private static final int GRAPH_OUTPUT = 12;
    private static final int GRAPH_VALUE_INFO = 13;
    private static final int TENSOR_NAME = 8;
    private static final int VALUE_INFO_NAME = 1;
    private static final int VALUE_INFO_TYPE = 2;
    private static final int TYPE_TENSOR = 1;
    private static final int TENSOR_TYPE_SHAPE = 2;
    private static final int SHAPE_DIM = 1;
    private static final int DIM_PARAM = 2;

    private OnnxShapeEditor() {
    }

    /** Returns the model with symbolic H/W on every 4-D graph input and output (initializers excluded). */
    public static byte[] makeSpatialDimsSymbolic(byte[] model) {
        List<Field> modelFields = parse(model, 0, model.length);
        ByteArrayOutputStream out = new ByteArrayOutputStream(model.length);
        boolean sawGraph = false;
        for (Field f : modelFields) {
            if (f.number == MODEL_GRAPH && f.wireType == 2) {
                writeBytesField(out, MODEL_GRAPH, rewriteGraph(model, f));
                sawGraph = true;
            } else {
                out.write(model, f.start, f.end - f.start);
            }
        }
        if (!sawGraph) {
            throw new IllegalArgumentException("not an ONNX model: no graph found");
        }
        return out.toByteArray();
    }

    private static byte[] rewriteGraph(byte[] buf, Field graph) {
        List<Field> fields = parse(buf, graph.valueStart, graph.end);
        Set<String> initializers = new HashSet<>();
        for (Field f : fields) {
            if (f.number == GRAPH_INITIALIZER && f.wireType == 2) {
                String name = stringField(buf, f, TENSOR_NAME);
                if (name != null) {
                    initializers.add(name);
                }
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(graph.end - graph.valueStart);
        for (Field f : fields) {
            boolean io = (f.number == GRAPH_INPUT || f.number == GRAPH_OUTPUT) && f.wireType == 2;
            if (f.number == GRAPH_VALUE_INFO && f.wireType == 2) {
                continue;
            }
            if (io && !initializers.contains(stringField(buf, f, VALUE_INFO_NAME))) {
                String prefix = f.number == GRAPH_INPUT ? "in" : "out";
                writeBytesField(out, f.number, rewriteValueInfo(buf, f, prefix));
            } else {
                out.write(buf, f.start, f.end - f.start);
            }
        }
        return out.toByteArray();
    }

    private static byte[] rewriteValueInfo(byte[] buf, Field valueInfo, String prefix) {
        return rewriteNested(buf, valueInfo, VALUE_INFO_TYPE, type ->
                rewriteNested(buf, type, TYPE_TENSOR, tensor ->
                        rewriteNested(buf, tensor, TENSOR_TYPE_SHAPE, shape -> rewriteShape(buf, shape, prefix))));
    }

    private interface Rewrite {
        byte[] apply(Field f);
    }

    /** Copies a message, replacing the sub-message with field number {@code number} by {@code rewrite}. */
    private static byte[] rewriteNested(byte[] buf, Field message, int number, Rewrite rewrite) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(message.end - message.valueStart);
        for (Field f : parse(buf, message.valueStart, message.end)) {
            if (f.number == number && f.wireType == 2) {
                writeBytesField(out, number, rewrite.apply(f));
            } else {
                out.write(buf, f.start, f.end - f.start);
            }
        }
        return out.toByteArray();
    }

    private static byte[] rewriteShape(byte[] buf, Field shape, String prefix) {
        List<Field> fields = parse(buf, shape.valueStart, shape.end);
        long dims = fields.stream().filter(f -> f.number == SHAPE_DIM).count();
        ByteArrayOutputStream out = new ByteArrayOutputStream(shape.end - shape.valueStart + 16);
        int dimIndex = 0;
        for (Field f : fields) {
            if (f.number == SHAPE_DIM && dims == 4 && (dimIndex == 2 || dimIndex == 3)) {
                ByteArrayOutputStream dim = new ByteArrayOutputStream();
                writeBytesField(dim, DIM_PARAM, (prefix + (dimIndex == 2 ? "_h" : "_w")).getBytes());
                writeBytesField(out, SHAPE_DIM, dim.toByteArray());
            } else {
                out.write(buf, f.start, f.end - f.start);
            }
            if (f.number == SHAPE_DIM) {
                dimIndex++;
            }
        }
        return out.toByteArray();
    }

    private static String stringField(byte[] buf, Field message, int number) {
        for (Field f : parse(buf, message.valueStart, message.end)) {
            if (f.number == number && f.wireType == 2) {
                return new String(buf, f.valueStart, f.end - f.valueStart, java.nio.charset.StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    /** One field of a message: its whole encoding is buf[start, end); a length-delimited value starts at valueStart. */
    private record Field(int number, int wireType, int start, int valueStart, int end) {
    }

    private static List<Field> parse(byte[] buf, int from, int to) {
        List<Field> fields = new ArrayList<>();
        int[] pos = {from};
        while (pos[0] < to) {
            int start = pos[0];
            long tag = readVarint(buf, pos);
            int number = (int) (tag >>> 3);
            int wireType = (int) (tag & 7);
            int valueStart;
            switch (wireType) {
                case 0 -> {
                    readVarint(buf, pos);
                    valueStart = pos[0];
                }
                case 1 -> {
                    pos[0] += 8;
                    valueStart = pos[0];
                }
                case 2 -> {
                    long len = readVarint(buf, pos);
                    valueStart = pos[0];
                    pos[0] += (int) len;
                }
                case 5 -> {
                    pos[0] += 4;
                    valueStart = pos[0];
                }
                default -> throw new IllegalArgumentException("not an ONNX model: bad protobuf wire type " + wireType);
            }
            if (pos[0] > to || number == 0) {
                throw new IllegalArgumentException("not an ONNX model: truncated or corrupt protobuf");
            }
            fields.add(new Field(number, wireType, start, valueStart, pos[0]));
        }
        return fields;
    }

    private static long readVarint(byte[] buf, int[] pos) {
        long value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (pos[0] >= buf.length) {
                throw new IllegalArgumentException("not an ONNX model: truncated varint");
            }
            byte b = buf[pos[0]++];
            value |= (long) (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                return value;
            }
        }
        throw new IllegalArgumentException("not an ONNX model: varint too long");
    }

    private static void writeVarint(ByteArrayOutputStream out, long value) {
        while ((value & ~0x7FL) != 0) {
            out.write((int) ((value & 0x7F) | 0x80));
            value >>>= 7;
        }
        out.write((int) value);
    }

    private static void writeBytesField(ByteArrayOutputStream out, int number, byte[] value) {
        writeVarint(out, ((long) number << 3) | 2);
        writeVarint(out, value.length);
        out.write(value, 0, value.length);
    }
}
