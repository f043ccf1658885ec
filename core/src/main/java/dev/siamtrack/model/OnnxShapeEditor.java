package dev.siamtrack.model;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Rewrites an ONNX model's bytes so that one session runs a batch of any size N on inputs of any height and
 * width, with results equal to N separate runs. Tracking networks are exported for one image of one size:
 * NanoTrack backbones declare a fixed 255x255 input although they are fully convolutional (the same backbone
 * also embeds the 127x127 template), and every file declares batch 1.
 *
 * <ul>
 *   <li>Dimensions 0, 2 and 3 of every 4-D graph input and output become symbolic; value_info is dropped
 *   (its fixed intermediate shapes would contradict the new ones; ONNX Runtime re-infers them).</li>
 *   <li>Reshape targets that start with a literal 1 (the batch, e.g. squeeze-excitation's {@code view(1, C)}
 *   or pointwise correlation's {@code view(1, C, -1)}) start with 0 instead: ONNX's "copy this dimension
 *   from the input", which is 1 for one image and N for N.</li>
 *   <li>Depthwise cross-correlation written as {@code conv(search, template.view(C, 1, k, k), groups=C)}
 *   uses each image's template as convolution weights, which a batch cannot share. It becomes
 *   {@code conv(search.view(1, N*C, H, W), template.view(N*C, 1, k, k), groups=N*C).view(N, C, h, w)}: the
 *   same per-channel products, with the batch moved into the groups. The group count is an attribute, not
 *   a tensor, so such a graph is built for one N ({@link #batchSizeFixed}).</li>
 * </ul>
 *
 * <p>Works on the protobuf wire format directly, so no protobuf library or generated classes are needed.
 * Field numbers: ModelProto.graph = 7; GraphProto.node = 1, initializer = 5, input = 11, output = 12,
 * value_info = 13; NodeProto.input = 1, output = 2, name = 3, op_type = 4, attribute = 5; AttributeProto.name
 * = 1, i = 3; TensorProto.dims = 1, data_type = 2, int64_data = 7, name = 8, raw_data = 9; ValueInfoProto.name
 * = 1, type = 2; TypeProto.tensor_type = 1; Tensor.shape = 2; TensorShapeProto.dim = 1; Dimension.dim_param = 2.
 */
public final class OnnxShapeEditor {

    private static final int MODEL_GRAPH = 7;
    private static final int GRAPH_NODE = 1;
    private static final int GRAPH_INITIALIZER = 5;
    private static final int GRAPH_INPUT = 11;
    private static final int GRAPH_OUTPUT = 12;
    private static final int GRAPH_VALUE_INFO = 13;
    private static final int NODE_INPUT = 1;
    private static final int NODE_OUTPUT = 2;
    private static final int NODE_NAME = 3;
    private static final int NODE_OP_TYPE = 4;
    private static final int NODE_ATTRIBUTE = 5;
    private static final int ATTRIBUTE_NAME = 1;
    private static final int ATTRIBUTE_INT = 3;
    private static final int TENSOR_DIMS = 1;
    private static final int TENSOR_DATA_TYPE = 2;
    private static final int TENSOR_INT64_DATA = 7;
    private static final int TENSOR_NAME = 8;
    private static final int TENSOR_RAW_DATA = 9;
    private static final int TENSOR_TYPE_INT64 = 7;
    private static final int VALUE_INFO_NAME = 1;
    private static final int VALUE_INFO_TYPE = 2;
    private static final int TYPE_TENSOR = 1;
    private static final int TENSOR_TYPE_SHAPE = 2;
    private static final int SHAPE_DIM = 1;
    private static final int DIM_PARAM = 2;
    private static final String[] DIM_NAMES = {"batch", null, "height", "width"};

    private OnnxShapeEditor() {
    }

    /**
     * Whether the batchable graph depends on the batch size (it holds a depthwise correlation with per-image
     * weights), so that {@link #makeBatchable} must be called once per batch size.
     */
    public static boolean batchSizeFixed(byte[] model) {
        return !new Graph(model).correlations().isEmpty();
    }

    /**
     * Returns the model rewritten to run batches (see the class comment); {@code batch} matters only when
     * {@link #batchSizeFixed} is true.
     *
     * @throws IllegalArgumentException when the bytes are not an ONNX model
     */
    public static byte[] makeBatchable(byte[] model, int batch) {
        if (batch < 1) {
            throw new IllegalArgumentException("batch must be at least 1, got " + batch);
        }
        Graph graph = new Graph(model);
        ByteArrayOutputStream out = new ByteArrayOutputStream(model.length + 256);
        for (Field f : graph.modelFields) {
            if (f == graph.graphField) {
                writeBytesField(out, MODEL_GRAPH, graph.rewrite(batch));
            } else {
                out.write(model, f.start, f.end - f.start);
            }
        }
        return out.toByteArray();
    }

    /** A parsed graph: its fields, its nodes, and its int64 initializers (the shape constants). */
    private static final class Graph {
        final byte[] buf;
        final List<Field> modelFields;
        final Field graphField;
        final List<Field> fields;
        final List<Node> nodes = new ArrayList<>();
        final Set<String> initializers = new HashSet<>();
        final Map<String, long[]> int64Initializers = new HashMap<>();
        final Map<String, Node> producers = new HashMap<>();

        Graph(byte[] model) {
            this.buf = model;
            this.modelFields = parse(model, 0, model.length);
            Field graph = null;
            for (Field f : modelFields) {
                if (f.number == MODEL_GRAPH && f.wireType == 2) {
                    graph = f;
                }
            }
            if (graph == null) {
                throw new IllegalArgumentException("not an ONNX model: no graph found");
            }
            this.graphField = graph;
            this.fields = parse(buf, graph.valueStart, graph.end);
            for (Field f : fields) {
                if (f.number == GRAPH_INITIALIZER && f.wireType == 2) {
                    String name = stringField(buf, f, TENSOR_NAME);
                    initializers.add(name);
                    long[] values = int64Values(buf, f);
                    if (values != null) {
                        int64Initializers.put(name, values);
                    }
                } else if (f.number == GRAPH_NODE && f.wireType == 2) {
                    Node node = new Node(buf, f);
                    nodes.add(node);
                    for (String output : node.outputs) {
                        producers.put(output, node);
                    }
                }
            }
        }

        /** Shape constants whose leading 1 is the batch: used only as the target shape of Reshapes of computed tensors. */
        Set<String> batchLeadingShapes() {
            Set<String> candidates = new HashSet<>();
            for (Map.Entry<String, long[]> e : int64Initializers.entrySet()) {
                if (e.getValue().length >= 2 && e.getValue()[0] == 1) {
                    candidates.add(e.getKey());
                }
            }
            for (Node node : nodes) {
                for (int i = 0; i < node.inputs.size(); i++) {
                    String input = node.inputs.get(i);
                    boolean reshapeTarget = node.opType.equals("Reshape") && i == 1 && node.intAttribute("allowzero", 0) == 0
                            && !initializers.contains(node.inputs.get(0));
                    if (!reshapeTarget) {
                        candidates.remove(input);
                    }
                }
            }
            return candidates;
        }

        /** Convolutions whose weights are a computed tensor reshaped to [group, 1, kh, kw]: depthwise correlations. */
        List<Correlation> correlations() {
            List<Correlation> found = new ArrayList<>();
            for (Node conv : nodes) {
                long group = conv.intAttribute("group", 1);
                if (!conv.opType.equals("Conv") || group <= 1 || conv.inputs.size() != 2
                        || initializers.contains(conv.inputs.get(1))) {
                    continue;
                }
                Node kernel = producers.get(conv.inputs.get(1));
                if (kernel == null || !kernel.opType.equals("Reshape")) {
                    continue;
                }
                long[] shape = int64Initializers.get(kernel.inputs.get(1));
                if (shape != null && shape.length == 4 && shape[0] == group && shape[1] == 1) {
                    found.add(new Correlation(conv, kernel, shape));
                }
            }
            return found;
        }

        byte[] rewrite(int batch) {
            Set<String> leading = batchLeadingShapes();
            Map<Node, Correlation> byConv = new HashMap<>();
            Map<Node, Correlation> byKernel = new HashMap<>();
            for (Correlation c : correlations()) {
                byConv.put(c.conv, c);
                byKernel.put(c.kernel, c);
            }
            Set<String> unused = new HashSet<>();
            for (Correlation c : byKernel.values()) {
                unused.add(c.kernel.inputs.get(1));
            }
            for (Node node : nodes) {
                if (!byKernel.containsKey(node)) {
                    unused.removeAll(node.inputs);
                }
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream(graphField.end - graphField.valueStart + 1024);
            int nodeIndex = 0;
            for (Field f : fields) {
                if (f.number == GRAPH_VALUE_INFO && f.wireType == 2) {
                    continue;
                }
                if (f.number == GRAPH_NODE && f.wireType == 2) {
                    Node node = nodes.get(nodeIndex++);
                    Correlation c = byConv.get(node);
                    if (c != null) {
                        writeCorrelation(out, c, batch);
                    } else if (byKernel.containsKey(node)) {
                        writeBytesField(out, GRAPH_NODE, node.withInput(1, byKernel.get(node).kernelShapeName()));
                    } else {
                        out.write(buf, f.start, f.end - f.start);
                    }
                } else if ((f.number == GRAPH_INITIALIZER && f.wireType == 2 && unused.contains(stringField(buf, f, TENSOR_NAME)))
                        || (f.number == GRAPH_INPUT && f.wireType == 2 && unused.contains(stringField(buf, f, VALUE_INFO_NAME)))) {
                    // the kernel shape the correlation no longer uses (some exporters also list initializers as inputs)
                    continue;
                } else if (f.number == GRAPH_INITIALIZER && f.wireType == 2
                        && leading.contains(stringField(buf, f, TENSOR_NAME))) {
                    String name = stringField(buf, f, TENSOR_NAME);
                    long[] values = int64Initializers.get(name).clone();
                    values[0] = 0;
                    writeBytesField(out, GRAPH_INITIALIZER, int64Tensor(name, values));
                } else if ((f.number == GRAPH_INPUT || f.number == GRAPH_OUTPUT) && f.wireType == 2
                        && !initializers.contains(stringField(buf, f, VALUE_INFO_NAME))) {
                    writeBytesField(out, f.number, rewriteValueInfo(buf, f, f.number == GRAPH_INPUT ? "in_" : "out_"));
                } else {
                    out.write(buf, f.start, f.end - f.start);
                }
            }
            for (Correlation c : byConv.values()) {
                long[] k = c.kernelShape;
                writeBytesField(out, GRAPH_INITIALIZER, int64Tensor(c.kernelShapeName(), new long[] {-1, 1, k[2], k[3]}));
                writeBytesField(out, GRAPH_INITIALIZER, int64Tensor(c.toGroupsName(), new long[] {1, -1, 0, 0}));
                writeBytesField(out, GRAPH_INITIALIZER, int64Tensor(c.toBatchName(), new long[] {-1, k[0], 0, 0}));
            }
            return out.toByteArray();
        }

        /** The correlation with the batch in its groups, between a Reshape to groups and a Reshape back. */
        private void writeCorrelation(ByteArrayOutputStream out, Correlation c, int batch) {
            String output = c.conv.outputs.get(0);
            String groupedIn = output + "__grouped_in";
            String groupedOut = output + "__grouped_out";
            writeBytesField(out, GRAPH_NODE, reshapeNode(output + "__to_groups",
                    c.conv.inputs.get(0), c.toGroupsName(), groupedIn));
            writeBytesField(out, GRAPH_NODE, c.conv.rewritten(groupedIn, groupedOut, batch * c.kernelShape[0]));
            writeBytesField(out, GRAPH_NODE, reshapeNode(output + "__to_batch", groupedOut, c.toBatchName(), output));
        }
    }

    private record Correlation(Node conv, Node kernel, long[] kernelShape) {
        String kernelShapeName() {
            return conv.outputs.get(0) + "__kernel_shape";
        }

        String toGroupsName() {
            return conv.outputs.get(0) + "__to_groups_shape";
        }

        String toBatchName() {
            return conv.outputs.get(0) + "__to_batch_shape";
        }
    }

    /** One NodeProto: what the rewrite reads of it, and its encoding to copy. */
    private static final class Node {
        final byte[] buf;
        final Field field;
        final List<Field> parts;
        final String opType;
        final List<String> inputs = new ArrayList<>();
        final List<String> outputs = new ArrayList<>();

        Node(byte[] buf, Field field) {
            this.buf = buf;
            this.field = field;
            this.parts = parse(buf, field.valueStart, field.end);
            String op = "";
            for (Field p : parts) {
                if (p.number == NODE_INPUT && p.wireType == 2) {
                    inputs.add(text(buf, p));
                } else if (p.number == NODE_OUTPUT && p.wireType == 2) {
                    outputs.add(text(buf, p));
                } else if (p.number == NODE_OP_TYPE && p.wireType == 2) {
                    op = text(buf, p);
                }
            }
            this.opType = op;
        }

        long intAttribute(String name, long fallback) {
            for (Field p : parts) {
                if (p.number == NODE_ATTRIBUTE && p.wireType == 2 && name.equals(stringField(buf, p, ATTRIBUTE_NAME))) {
                    for (Field a : parse(buf, p.valueStart, p.end)) {
                        if (a.number == ATTRIBUTE_INT && a.wireType == 0) {
                            return readVarint(buf, new int[] {a.valueStart});
                        }
                    }
                }
            }
            return fallback;
        }

        /** This node with input {@code index} renamed. */
        byte[] withInput(int index, String name) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(field.end - field.valueStart + 64);
            int seen = 0;
            for (Field p : parts) {
                if (p.number == NODE_INPUT && p.wireType == 2 && seen++ == index) {
                    writeBytesField(out, NODE_INPUT, name.getBytes(StandardCharsets.UTF_8));
                } else {
                    out.write(buf, p.start, p.end - p.start);
                }
            }
            return out.toByteArray();
        }

        /** This Conv reading {@code input}, writing {@code output}, with {@code group} groups. */
        byte[] rewritten(String input, String output, long group) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(field.end - field.valueStart + 64);
            boolean firstInput = true;
            for (Field p : parts) {
                if (p.number == NODE_INPUT && p.wireType == 2 && firstInput) {
                    writeBytesField(out, NODE_INPUT, input.getBytes(StandardCharsets.UTF_8));
                    firstInput = false;
                } else if (p.number == NODE_OUTPUT && p.wireType == 2) {
                    writeBytesField(out, NODE_OUTPUT, output.getBytes(StandardCharsets.UTF_8));
                } else if (p.number == NODE_ATTRIBUTE && p.wireType == 2 && "group".equals(stringField(buf, p, ATTRIBUTE_NAME))) {
                    writeBytesField(out, NODE_ATTRIBUTE, intAttributeProto("group", group));
                } else {
                    out.write(buf, p.start, p.end - p.start);
                }
            }
            return out.toByteArray();
        }
    }

    private static byte[] reshapeNode(String name, String data, String shape, String output) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writeBytesField(out, NODE_INPUT, data.getBytes(StandardCharsets.UTF_8));
        writeBytesField(out, NODE_INPUT, shape.getBytes(StandardCharsets.UTF_8));
        writeBytesField(out, NODE_OUTPUT, output.getBytes(StandardCharsets.UTF_8));
        writeBytesField(out, NODE_NAME, name.getBytes(StandardCharsets.UTF_8));
        writeBytesField(out, NODE_OP_TYPE, "Reshape".getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    /** AttributeProto {name, i, type = INT (2)}. */
    private static byte[] intAttributeProto(String name, long value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writeBytesField(out, ATTRIBUTE_NAME, name.getBytes(StandardCharsets.UTF_8));
        writeVarint(out, (long) ATTRIBUTE_INT << 3);
        writeVarint(out, value);
        writeVarint(out, 20L << 3);
        writeVarint(out, 2);
        return out.toByteArray();
    }

    /** A 1-D INT64 TensorProto with raw little-endian data. */
    private static byte[] int64Tensor(String name, long[] values) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writeVarint(out, (long) TENSOR_DIMS << 3);
        writeVarint(out, values.length);
        writeVarint(out, (long) TENSOR_DATA_TYPE << 3);
        writeVarint(out, TENSOR_TYPE_INT64);
        writeBytesField(out, TENSOR_NAME, name.getBytes(StandardCharsets.UTF_8));
        ByteBuffer raw = ByteBuffer.allocate(values.length * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            raw.putLong(v);
        }
        writeBytesField(out, TENSOR_RAW_DATA, raw.array());
        return out.toByteArray();
    }

    /** The values of a 1-D INT64 TensorProto, or null for any other tensor. */
    private static long[] int64Values(byte[] buf, Field tensor) {
        List<Field> parts = parse(buf, tensor.valueStart, tensor.end);
        long type = -1;
        int dims = 0;
        for (Field p : parts) {
            if (p.number == TENSOR_DATA_TYPE && p.wireType == 0) {
                type = readVarint(buf, new int[] {p.valueStart});
            } else if (p.number == TENSOR_DIMS) {
                dims += p.wireType == 0 ? 1 : 0;
                if (p.wireType == 2) {
                    dims += countVarints(buf, p.valueStart, p.end);
                }
            }
        }
        if (type != TENSOR_TYPE_INT64 || dims != 1) {
            return null;
        }
        List<Long> values = new ArrayList<>();
        for (Field p : parts) {
            if (p.number == TENSOR_RAW_DATA && p.wireType == 2) {
                ByteBuffer raw = ByteBuffer.wrap(buf, p.valueStart, p.end - p.valueStart).order(ByteOrder.LITTLE_ENDIAN);
                while (raw.remaining() >= Long.BYTES) {
                    values.add(raw.getLong());
                }
            } else if (p.number == TENSOR_INT64_DATA && p.wireType == 0) {
                values.add(readVarint(buf, new int[] {p.valueStart}));
            } else if (p.number == TENSOR_INT64_DATA && p.wireType == 2) {
                int[] pos = {p.valueStart};
                while (pos[0] < p.end) {
                    values.add(readVarint(buf, pos));
                }
            }
        }
        return values.stream().mapToLong(Long::longValue).toArray();
    }

    private static int countVarints(byte[] buf, int from, int to) {
        int n = 0;
        int[] pos = {from};
        while (pos[0] < to) {
            readVarint(buf, pos);
            n++;
        }
        return n;
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

    /** Batch, height and width of a 4-D shape become named symbols. */
    private static byte[] rewriteShape(byte[] buf, Field shape, String prefix) {
        List<Field> fields = parse(buf, shape.valueStart, shape.end);
        long dims = fields.stream().filter(f -> f.number == SHAPE_DIM).count();
        ByteArrayOutputStream out = new ByteArrayOutputStream(shape.end - shape.valueStart + 16);
        int dimIndex = 0;
        for (Field f : fields) {
            if (f.number == SHAPE_DIM && dims == 4 && DIM_NAMES[dimIndex] != null) {
                ByteArrayOutputStream dim = new ByteArrayOutputStream();
                writeBytesField(dim, DIM_PARAM, (prefix + DIM_NAMES[dimIndex]).getBytes(StandardCharsets.UTF_8));
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

    private static String text(byte[] buf, Field f) {
        return new String(buf, f.valueStart, f.end - f.valueStart, StandardCharsets.UTF_8);
    }

    private static String stringField(byte[] buf, Field message, int number) {
        for (Field f : parse(buf, message.valueStart, message.end)) {
            if (f.number == number && f.wireType == 2) {
                return text(buf, f);
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
                    valueStart = pos[0];
                    readVarint(buf, pos);
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
