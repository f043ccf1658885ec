package dev.siamtrack.model;

import static dev.siamtrack.model.ProtoWire.LENGTH_DELIMITED;
import static dev.siamtrack.model.ProtoWire.VARINT;
import static dev.siamtrack.model.ProtoWire.countVarints;
import static dev.siamtrack.model.ProtoWire.parse;
import static dev.siamtrack.model.ProtoWire.readVarint;
import static dev.siamtrack.model.ProtoWire.stringField;
import static dev.siamtrack.model.ProtoWire.varint;
import static dev.siamtrack.model.ProtoWire.writeBytesField;
import static dev.siamtrack.model.ProtoWire.writeStringField;
import static dev.siamtrack.model.ProtoWire.writeVarintField;

import dev.siamtrack.model.ProtoWire.Field;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
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
 * <p>Works on the protobuf wire format directly ({@link ProtoWire}; nodes through {@link OnnxNode}), so no
 * protobuf library or generated classes are needed. Field numbers: ModelProto.graph = 7; GraphProto.node = 1,
 * initializer = 5, input = 11, output = 12, value_info = 13; TensorProto.dims = 1, data_type = 2,
 * int64_data = 7, name = 8, raw_data = 9; ValueInfoProto.name = 1, type = 2; TypeProto.tensor_type = 1;
 * Tensor.shape = 2; TensorShapeProto.dim = 1; Dimension.dim_param = 2.
 */
public final class OnnxShapeEditor {

    private static final int MODEL_GRAPH = 7;
    private static final int GRAPH_NODE = 1;
    private static final int GRAPH_INITIALIZER = 5;
    private static final int GRAPH_INPUT = 11;
    private static final int GRAPH_OUTPUT = 12;
    private static final int GRAPH_VALUE_INFO = 13;
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
        try {
            return !new Graph(model).correlations().isEmpty();
        } catch (ProtoWire.MalformedException e) {
            throw notOnnx(e);
        }
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
        try {
            Graph graph = new Graph(model);
            ByteArrayOutputStream out = new ByteArrayOutputStream(model.length + 256);
            for (Field f : graph.modelFields) {
                if (f == graph.graphField) {
                    writeBytesField(out, MODEL_GRAPH, graph.rewrite(batch));
                } else {
                    f.copy(model, out);
                }
            }
            return out.toByteArray();
        } catch (ProtoWire.MalformedException e) {
            throw notOnnx(e);
        }
    }

    private static IllegalArgumentException notOnnx(ProtoWire.MalformedException e) {
        return new IllegalArgumentException("not an ONNX model: " + e.getMessage(), e);
    }

    /** A parsed graph: its fields, its nodes, and its int64 initializers (the shape constants). */
    private static final class Graph {
        final byte[] buf;
        final List<Field> modelFields;
        final Field graphField;
        final List<Field> fields;
        final List<OnnxNode> nodes = new ArrayList<>();
        final Set<String> initializers = new HashSet<>();
        final Map<String, long[]> int64Initializers = new HashMap<>();
        final Map<String, OnnxNode> producers = new HashMap<>();

        Graph(byte[] model) {
            this.buf = model;
            this.modelFields = parse(model, 0, model.length);
            Field graph = null;
            for (Field f : modelFields) {
                if (f.isLengthDelimited(MODEL_GRAPH)) {
                    graph = f;
                }
            }
            if (graph == null) {
                throw new IllegalArgumentException("not an ONNX model: no graph found");
            }
            this.graphField = graph;
            this.fields = parse(buf, graph);
            for (Field f : fields) {
                if (f.isLengthDelimited(GRAPH_INITIALIZER)) {
                    String name = stringField(buf, f, TENSOR_NAME);
                    initializers.add(name);
                    long[] values = int64Values(buf, f);
                    if (values != null) {
                        int64Initializers.put(name, values);
                    }
                } else if (f.isLengthDelimited(GRAPH_NODE)) {
                    OnnxNode node = new OnnxNode(buf, f);
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
            for (OnnxNode node : nodes) {
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
            for (OnnxNode conv : nodes) {
                long group = conv.intAttribute("group", 1);
                if (!conv.opType.equals("Conv") || group <= 1 || conv.inputs.size() != 2
                        || initializers.contains(conv.inputs.get(1))) {
                    continue;
                }
                OnnxNode kernel = producers.get(conv.inputs.get(1));
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
            // in node order, so that the shape initializers added below come out the same on every run
            Map<OnnxNode, Correlation> byConv = new LinkedHashMap<>();
            Map<OnnxNode, Correlation> byKernel = new HashMap<>();
            for (Correlation c : correlations()) {
                byConv.put(c.conv, c);
                byKernel.put(c.kernel, c);
            }
            Set<String> unused = new HashSet<>();
            for (Correlation c : byKernel.values()) {
                unused.add(c.kernel.inputs.get(1));
            }
            for (OnnxNode node : nodes) {
                if (!byKernel.containsKey(node)) {
                    unused.removeAll(node.inputs);
                }
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream(graphField.end() - graphField.valueStart() + 1024);
            int nodeIndex = 0;
            for (Field f : fields) {
                if (f.isLengthDelimited(GRAPH_VALUE_INFO)) {
                    continue;
                }
                if (f.isLengthDelimited(GRAPH_NODE)) {
                    OnnxNode node = nodes.get(nodeIndex++);
                    Correlation c = byConv.get(node);
                    if (c != null) {
                        writeCorrelation(out, c, batch);
                    } else if (byKernel.containsKey(node)) {
                        writeBytesField(out, GRAPH_NODE, node.withInput(1, byKernel.get(node).kernelShapeName()));
                    } else {
                        f.copy(buf, out);
                    }
                } else if ((f.isLengthDelimited(GRAPH_INITIALIZER) && unused.contains(stringField(buf, f, TENSOR_NAME)))
                        || (f.isLengthDelimited(GRAPH_INPUT) && unused.contains(stringField(buf, f, VALUE_INFO_NAME)))) {
                    // the kernel shape the correlation no longer uses (some exporters also list initializers as inputs)
                    continue;
                } else if (f.isLengthDelimited(GRAPH_INITIALIZER)
                        && leading.contains(stringField(buf, f, TENSOR_NAME))) {
                    String name = stringField(buf, f, TENSOR_NAME);
                    long[] values = int64Initializers.get(name).clone();
                    values[0] = 0;
                    writeBytesField(out, GRAPH_INITIALIZER, int64Tensor(name, values));
                } else if ((f.number() == GRAPH_INPUT || f.number() == GRAPH_OUTPUT) && f.wireType() == 2
                        && !initializers.contains(stringField(buf, f, VALUE_INFO_NAME))) {
                    writeBytesField(out, f.number(), rewriteValueInfo(buf, f, f.number() == GRAPH_INPUT ? "in_" : "out_"));
                } else {
                    f.copy(buf, out);
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
            writeBytesField(out, GRAPH_NODE, OnnxNode.reshape(output + "__to_groups",
                    c.conv.inputs.get(0), c.toGroupsName(), groupedIn));
            writeBytesField(out, GRAPH_NODE, c.conv.rewritten(groupedIn, groupedOut, batch * c.kernelShape[0]));
            writeBytesField(out, GRAPH_NODE, OnnxNode.reshape(output + "__to_batch", groupedOut, c.toBatchName(), output));
        }
    }

    private record Correlation(OnnxNode conv, OnnxNode kernel, long[] kernelShape) {
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

    /** A 1-D INT64 TensorProto with raw little-endian data. */
    private static byte[] int64Tensor(String name, long[] values) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writeVarintField(out, TENSOR_DIMS, values.length);
        writeVarintField(out, TENSOR_DATA_TYPE, TENSOR_TYPE_INT64);
        writeStringField(out, TENSOR_NAME, name);
        ByteBuffer raw = ByteBuffer.allocate(values.length * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            raw.putLong(v);
        }
        writeBytesField(out, TENSOR_RAW_DATA, raw.array());
        return out.toByteArray();
    }

    /** The values of a 1-D INT64 TensorProto, or null for any other tensor. */
    private static long[] int64Values(byte[] buf, Field tensor) {
        List<Field> parts = parse(buf, tensor);
        long type = -1;
        int dims = 0;
        for (Field p : parts) {
            if (p.number() == TENSOR_DATA_TYPE && p.wireType() == VARINT) {
                type = varint(buf, p);
            } else if (p.number() == TENSOR_DIMS) {
                dims += p.wireType() == VARINT ? 1 : 0;
                if (p.wireType() == LENGTH_DELIMITED) {
                    dims += countVarints(buf, p.valueStart(), p.end());
                }
            }
        }
        if (type != TENSOR_TYPE_INT64 || dims != 1) {
            return null;
        }
        List<Long> values = new ArrayList<>();
        for (Field p : parts) {
            if (p.isLengthDelimited(TENSOR_RAW_DATA)) {
                ByteBuffer raw = ByteBuffer.wrap(buf, p.valueStart(), p.end() - p.valueStart()).order(ByteOrder.LITTLE_ENDIAN);
                while (raw.remaining() >= Long.BYTES) {
                    values.add(raw.getLong());
                }
            } else if (p.number() == TENSOR_INT64_DATA && p.wireType() == VARINT) {
                values.add(varint(buf, p));
            } else if (p.isLengthDelimited(TENSOR_INT64_DATA)) {
                int[] pos = {p.valueStart()};
                while (pos[0] < p.end()) {
                    values.add(readVarint(buf, pos));
                }
            }
        }
        return values.stream().mapToLong(Long::longValue).toArray();
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
        ByteArrayOutputStream out = new ByteArrayOutputStream(message.end() - message.valueStart());
        for (Field f : parse(buf, message)) {
            if (f.isLengthDelimited(number)) {
                writeBytesField(out, number, rewrite.apply(f));
            } else {
                f.copy(buf, out);
            }
        }
        return out.toByteArray();
    }

    /** Batch, height and width of a 4-D shape become named symbols. */
    private static byte[] rewriteShape(byte[] buf, Field shape, String prefix) {
        List<Field> fields = parse(buf, shape);
        long dims = fields.stream().filter(f -> f.number() == SHAPE_DIM).count();
        ByteArrayOutputStream out = new ByteArrayOutputStream(shape.end() - shape.valueStart() + 16);
        int dimIndex = 0;
        for (Field f : fields) {
            if (f.number() == SHAPE_DIM && dims == 4 && DIM_NAMES[dimIndex] != null) {
                ByteArrayOutputStream dim = new ByteArrayOutputStream();
                writeStringField(dim, DIM_PARAM, prefix + DIM_NAMES[dimIndex]);
                writeBytesField(out, SHAPE_DIM, dim.toByteArray());
            } else {
                f.copy(buf, out);
            }
            if (f.number() == SHAPE_DIM) {
                dimIndex++;
            }
        }
        return out.toByteArray();
    }
}
