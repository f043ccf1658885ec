package dev.siamtrack.model;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;

/**
 * A Siamese tracking network: ONE backbone session that embeds both the template exemplar and the search
 * region (shared weights), and a head session that cross-correlates the two feature maps and scores every
 * position. All tensors are backed by direct buffers allocated once; the backbone writes straight into the
 * head's inputs (pinned outputs), so tracking a frame allocates no tensor memory.
 */
public final class SiameseModel implements AutoCloseable {

    public static final String BACKBONE_FILE = "backbone.onnx";
    public static final String HEAD_FILE = "head.onnx";

    /** How to run a model. {@code threads} is ONNX Runtime's intra-op thread count. */
    public record Options(Device device, boolean strictDevice, int threads) {
        public static final Options DEFAULT = new Options(Device.CPU, false, 1);
    }

    private final Path directory;
    private final ModelCard card;
    private final Device device;
    private final String deviceNote;
    private final OrtSession backbone;
    private final OrtSession head;
    private final String backboneInput;
    private final String backboneOutput;
    private final FloatBuffer templateInput;
    private final FloatBuffer searchInput;
    private final FloatBuffer scores;
    private final FloatBuffer boxes;
    private final int featureChannels;
    private final int scoreChannels;
    private final Map<String, OnnxTensor> templateIn;
    private final Map<String, OnnxTensor> templateOut;
    private final Map<String, OnnxTensor> searchIn;
    private final Map<String, OnnxTensor> searchOut;
    private final Map<String, OnnxTensor> headIn;
    private final Map<String, OnnxTensor> headOut;
    private final OnnxTensor[] tensors;

    private SiameseModel(Builder b) {
        this.directory = b.directory;
        this.card = b.card;
        this.device = b.device;
        this.deviceNote = b.deviceNote;
        this.backbone = b.backbone;
        this.head = b.head;
        this.backboneInput = b.backboneInput;
        this.backboneOutput = b.backboneOutput;
        this.templateInput = b.templateInput;
        this.searchInput = b.searchInput;
        this.scores = b.scores;
        this.boxes = b.boxes;
        this.featureChannels = b.featureChannels;
        this.scoreChannels = b.scoreChannels;
        this.templateIn = Map.of(backboneInput, b.templateInputTensor);
        this.templateOut = Map.of(backboneOutput, b.templateFeatures);
        this.searchIn = Map.of(backboneInput, b.searchInputTensor);
        this.searchOut = Map.of(backboneOutput, b.searchFeatures);
        this.headIn = Map.of(b.headTemplateName, b.templateFeatures, b.headSearchName, b.searchFeatures);
        this.headOut = Map.of(b.headScoreName, b.scoreTensor, b.headBoxName, b.boxTensor);
        this.tensors = new OnnxTensor[] {b.templateInputTensor, b.searchInputTensor, b.templateFeatures,
            b.searchFeatures, b.scoreTensor, b.boxTensor};
    }

    /**
     * Loads a model directory ({@code backbone.onnx}, {@code head.onnx}, optional {@code model.json}).
     * Directories without a card are recognised as NanoTrack v1/v2/v3 from their I/O shapes.
     */
    public static SiameseModel load(Path directory, Options options) throws ModelException {
        return new Builder(directory, options).build();
    }

    public ModelCard card() {
        return card;
    }

    public Path directory() {
        return directory;
    }

    /** The device inference actually runs on (CPU after a CUDA fallback). */
    public Device device() {
        return device;
    }

    /** Why the requested device was not used, or null. */
    public String deviceNote() {
        return deviceNote;
    }

    public int featureChannels() {
        return featureChannels;
    }

    /** 1 (sigmoid) or 2 (softmax) channels in {@link #scores()}. */
    public int scoreChannels() {
        return scoreChannels;
    }

    /** The exemplar crop, planar CHW, 3 x exemplar x exemplar; fill it, then call {@link #embedTemplate()}. */
    public FloatBuffer templateInput() {
        return templateInput;
    }

    /** The search crop, planar CHW, 3 x instance x instance; fill it, then call {@link #embedSearch()}. */
    public FloatBuffer searchInput() {
        return searchInput;
    }

    /** Classification logits, channels x S x S, valid after {@link #runHead()}. */
    public FloatBuffer scores() {
        return scores;
    }

    /** Box distances (left, top, right, bottom) in instance-crop pixels, 4 x S x S, valid after {@link #runHead()}. */
    public FloatBuffer boxes() {
        return boxes;
    }

    public void embedTemplate() throws ModelException {
        run(backbone, templateIn, templateOut, BACKBONE_FILE);
    }

    public void embedSearch() throws ModelException {
        run(backbone, searchIn, searchOut, BACKBONE_FILE);
    }

    public void runHead() throws ModelException {
        run(head, headIn, headOut, HEAD_FILE);
    }

    private void run(OrtSession session, Map<String, OnnxTensor> in, Map<String, OnnxTensor> out, String file)
            throws ModelException {
        try {
            session.run(in, out).close();
        } catch (OrtException e) {
            throw new ModelException(directory.resolve(file) + ": inference failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        for (OnnxTensor t : tensors) {
            t.close();
        }
        closeQuietly(backbone);
        closeQuietly(head);
    }

    private static void closeQuietly(OrtSession session) {
        if (session != null) {
            try {
                session.close();
            } catch (OrtException ignored) {
                // closing a session that failed to run; nothing left to release
            }
        }
    }

    static FloatBuffer directFloats(long count) {
        return ByteBuffer.allocateDirect(Math.toIntExact(count * 4)).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    /** Loading is a multi-step validation; the builder keeps the constructor simple and closes what it opened on failure. */
    private static final class Builder {
        final Path directory;
        final Options options;
        ModelCard card;
        Device device;
        String deviceNote;
        OrtSession backbone;
        OrtSession head;
        String backboneInput;
        String backboneOutput;
        String headTemplateName;
        String headSearchName;
        String headScoreName;
        String headBoxName;
        FloatBuffer templateInput;
        FloatBuffer searchInput;
        FloatBuffer scores;
        FloatBuffer boxes;
        int featureChannels;
        int scoreChannels;
        OnnxTensor templateInputTensor;
        OnnxTensor searchInputTensor;
        OnnxTensor templateFeatures;
        OnnxTensor searchFeatures;
        OnnxTensor scoreTensor;
        OnnxTensor boxTensor;

        Builder(Path directory, Options options) {
            this.directory = directory;
            this.options = options;
        }

        SiameseModel build() throws ModelException {
            try {
                return buildUnsafe();
            } catch (ModelException | RuntimeException e) {
                for (OnnxTensor t : new OnnxTensor[] {templateInputTensor, searchInputTensor, templateFeatures,
                    searchFeatures, scoreTensor, boxTensor}) {
                    if (t != null) {
                        t.close();
                    }
                }
                closeQuietly(backbone);
                closeQuietly(head);
                throw e;
            }
        }

        private SiameseModel buildUnsafe() throws ModelException {
            if (!Files.isDirectory(directory)) {
                throw new ModelException("model directory " + directory + " does not exist"
                        + " (a model is a directory with backbone.onnx, head.onnx and optionally model.json)");
            }
            byte[] backboneBytes = readModelFile(BACKBONE_FILE);
            byte[] headBytes = readModelFile(HEAD_FILE);
            Path cardFile = directory.resolve(ModelCard.FILE_NAME);
            ModelCard declared = Files.exists(cardFile) ? ModelCard.read(cardFile) : null;
            try {
                backboneBytes = OnnxShapeEditor.makeSpatialDimsSymbolic(backboneBytes);
            } catch (IllegalArgumentException e) {
                throw new ModelException(directory.resolve(BACKBONE_FILE) + ": " + e.getMessage());
            }

            OrtEnvironment env = environment();
            try (OrtSession.SessionOptions so = sessionOptions()) {
                backbone = createSession(env, backboneBytes, so, BACKBONE_FILE);
                head = createSession(env, headBytes, so, HEAD_FILE);
            } catch (OrtException e) {
                throw new ModelException("cannot configure ONNX Runtime: " + e.getMessage(), e);
            }
            checkBackbone();
            checkHead();

            int exemplar = declared != null ? declared.exemplarSize() : 127;
            int instance = declared != null ? declared.instanceSize() : 255;
            templateInput = directFloats(3L * exemplar * exemplar);
            searchInput = directFloats(3L * instance * instance);
            try {
                templateInputTensor = OnnxTensor.createTensor(env, templateInput, new long[] {1, 3, exemplar, exemplar});
                searchInputTensor = OnnxTensor.createTensor(env, searchInput, new long[] {1, 3, instance, instance});
                long[] templateShape = probe(backbone, backboneInput, templateInputTensor, BACKBONE_FILE);
                long[] searchShape = probe(backbone, backboneInput, searchInputTensor, BACKBONE_FILE);
                if (templateShape.length != 4 || searchShape.length != 4 || templateShape[1] != searchShape[1]) {
                    throw new ModelException(directory.resolve(BACKBONE_FILE) + ": expected 4-D feature maps with the same"
                            + " channels for template and search, found " + Arrays.toString(templateShape)
                            + " and " + Arrays.toString(searchShape));
                }
                featureChannels = (int) templateShape[1];
                templateFeatures = OnnxTensor.createTensor(env, directFloats(product(templateShape)), templateShape);
                searchFeatures = OnnxTensor.createTensor(env, directFloats(product(searchShape)), searchShape);
                Map<String, OnnxTensor> probeIn = Map.of(headTemplateName, templateFeatures, headSearchName, searchFeatures);
                long[] scoreShape;
                long[] boxShape;
                try (OrtSession.Result r = head.run(probeIn)) {
                    scoreShape = ((TensorInfo) r.get(headScoreName).get().getInfo()).getShape();
                    boxShape = ((TensorInfo) r.get(headBoxName).get().getInfo()).getShape();
                } catch (OrtException e) {
                    throw new ModelException(directory.resolve(HEAD_FILE) + ": does not accept the backbone's features "
                            + Arrays.toString(templateShape) + " / " + Arrays.toString(searchShape) + ": " + e.getMessage(), e);
                }
                checkHeadOutputs(scoreShape, boxShape);
                scoreChannels = (int) scoreShape[1];
                int scoreSize = (int) scoreShape[2];
                card = declared != null ? declared : recogniseNanoTrack(scoreSize);
                if (card.scoreSize() != scoreSize) {
                    throw new ModelException(directory.resolve(HEAD_FILE) + (declared != null
                            ? ": model.json says score_size " + card.scoreSize()
                            : ": no model.json, and NanoTrack's score map is " + card.scoreSize() + "x" + card.scoreSize())
                            + " but the head outputs " + scoreSize + "x" + scoreSize);
                }
                if (card.sigmoidScore() != (scoreChannels == 1)) {
                    throw new ModelException(directory.resolve(HEAD_FILE) + ": classification output has "
                            + scoreChannels + " channel(s) but model.json declares "
                            + (card.sigmoidScore() ? "sigmoid (1 channel)" : "softmax2 (2 channels)"));
                }
                scores = directFloats(product(scoreShape));
                boxes = directFloats(product(boxShape));
                scoreTensor = OnnxTensor.createTensor(env, scores, scoreShape);
                boxTensor = OnnxTensor.createTensor(env, boxes, boxShape);
            } catch (OrtException e) {
                throw new ModelException(directory + ": cannot allocate tensors: " + e.getMessage(), e);
            }
            return new SiameseModel(this);
        }

        private ModelCard recogniseNanoTrack(int scoreSize) {
            String dirName = directory.toAbsolutePath().normalize().getFileName().toString();
            int version;
            if (featureChannels == 96 || scoreSize == 15) {
                version = 3;
            } else if (dirName.toLowerCase(Locale.ROOT).contains("v1")) {
                version = 1;
            } else {
                version = 2;
            }
            return ModelCard.nanoTrack(dirName, version);
        }

        private byte[] readModelFile(String name) throws ModelException {
            Path file = directory.resolve(name);
            if (!Files.isRegularFile(file)) {
                throw new ModelException(directory + ": missing " + name
                        + " (a model directory holds backbone.onnx, head.onnx and optionally model.json)");
            }
            try {
                return Files.readAllBytes(file);
            } catch (IOException e) {
                throw new ModelException(file + ": cannot read (" + e.getMessage() + ")");
            }
        }

        private static OrtEnvironment environment() throws ModelException {
            try {
                OrtEnvironment env = OrtEnvironment.getEnvironment(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR, "siamtrack");
                env.setTelemetry(false);
                return env;
            } catch (OrtException e) {
                throw new ModelException("cannot start ONNX Runtime: " + e.getMessage(), e);
            }
        }

        private OrtSession.SessionOptions sessionOptions() throws OrtException, ModelException {
            OrtSession.SessionOptions so = new OrtSession.SessionOptions();
            so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            so.setIntraOpNumThreads(Math.max(1, options.threads()));
            so.setInterOpNumThreads(1);
            // denormals are noise for tracking scores and slow some CPUs' float pipelines down
            so.addConfigEntry("session.set_denormal_as_zero", "1");
            device = Device.CPU;
            if (options.device().cuda()) {
                try {
                    so.addCUDA(options.device().index());
                    device = options.device();
                } catch (OrtException | UnsatisfiedLinkError e) {
                    String reason = "CUDA execution provider unavailable (" + firstLine(e.getMessage()) + ")";
                    if (options.strictDevice()) {
                        so.close();
                        throw new ModelException(reason + "; --strict was given, so not falling back to CPU");
                    }
                    deviceNote = reason + "; running on CPU";
                }
            }
            return so;
        }

        private OrtSession createSession(OrtEnvironment env, byte[] bytes, OrtSession.SessionOptions so, String name)
                throws ModelException {
            try {
                return env.createSession(bytes, so);
            } catch (OrtException e) {
                throw new ModelException(directory.resolve(name) + ": not a loadable ONNX model (" + firstLine(e.getMessage()) + ")", e);
            }
        }

        private void checkBackbone() throws ModelException {
            Map<String, NodeInfo> in = infos(backbone, true, BACKBONE_FILE);
            Map<String, NodeInfo> out = infos(backbone, false, BACKBONE_FILE);
            if (in.size() != 1 || out.size() != 1) {
                throw new ModelException(directory.resolve(BACKBONE_FILE) + ": expected 1 input [1,3,H,W] and 1 output"
                        + " [1,C,h,w], found inputs " + describe(in) + " and outputs " + describe(out));
            }
            Map.Entry<String, NodeInfo> input = in.entrySet().iterator().next();
            long[] shape = shapeOf(input.getValue());
            if (shape.length != 4 || (shape[1] != 3 && shape[1] > 0)) {
                throw new ModelException(directory.resolve(BACKBONE_FILE) + ": expected input [1,3,H,W], found "
                        + describe(in));
            }
            backboneInput = input.getKey();
            backboneOutput = out.keySet().iterator().next();
        }

        private void checkHead() throws ModelException {
            Map<String, NodeInfo> in = infos(head, true, HEAD_FILE);
            Map<String, NodeInfo> out = infos(head, false, HEAD_FILE);
            if (in.size() != 2 || out.size() != 2) {
                throw new ModelException(directory.resolve(HEAD_FILE) + ": expected inputs input1 (template features)"
                        + " and input2 (search features) and outputs output1 (scores) and output2 (boxes), found inputs "
                        + describe(in) + " and outputs " + describe(out));
            }
            Iterator<String> inNames = in.keySet().iterator();
            Iterator<String> outNames = out.keySet().iterator();
            headTemplateName = in.containsKey("input1") ? "input1" : inNames.next();
            headSearchName = in.containsKey("input2") ? "input2" : inNames.next();
            headScoreName = out.containsKey("output1") ? "output1" : outNames.next();
            headBoxName = out.containsKey("output2") ? "output2" : outNames.next();
        }

        private void checkHeadOutputs(long[] scoreShape, long[] boxShape) throws ModelException {
            boolean scoreOk = scoreShape.length == 4 && (scoreShape[1] == 1 || scoreShape[1] == 2)
                    && scoreShape[2] == scoreShape[3];
            boolean boxOk = boxShape.length == 4 && boxShape[1] == 4 && boxShape[2] == scoreShape[2]
                    && boxShape[3] == scoreShape[3];
            if (!scoreOk || !boxOk) {
                throw new ModelException(directory.resolve(HEAD_FILE) + ": expected outputs scores [1,2,S,S] (or"
                        + " [1,1,S,S]) and boxes [1,4,S,S], found " + Arrays.toString(scoreShape) + " and "
                        + Arrays.toString(boxShape));
            }
        }

        private long[] probe(OrtSession session, String inputName, OnnxTensor input, String file) throws ModelException {
            try (OrtSession.Result r = session.run(Map.of(inputName, input))) {
                return ((TensorInfo) r.get(0).getInfo()).getShape();
            } catch (OrtException e) {
                throw new ModelException(directory.resolve(file) + ": fails on a " + Arrays.toString(input.getInfo().getShape())
                        + " input: " + firstLine(e.getMessage()), e);
            }
        }

        private Map<String, NodeInfo> infos(OrtSession s, boolean inputs, String file) throws ModelException {
            try {
                return inputs ? s.getInputInfo() : s.getOutputInfo();
            } catch (OrtException e) {
                throw new ModelException(directory.resolve(file) + ": cannot read its inputs/outputs: " + e.getMessage(), e);
            }
        }

        private static long[] shapeOf(NodeInfo info) {
            return info.getInfo() instanceof TensorInfo t ? t.getShape() : new long[0];
        }

        private static String describe(Map<String, NodeInfo> infos) {
            StringBuilder sb = new StringBuilder("{");
            for (Map.Entry<String, NodeInfo> e : infos.entrySet()) {
                if (sb.length() > 1) {
                    sb.append(", ");
                }
                sb.append(e.getKey()).append(' ').append(Arrays.toString(shapeOf(e.getValue())));
            }
            return sb.append('}').toString();
        }

        private static long product(long[] shape) {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            return n;
        }

        private static String firstLine(String s) {
            if (s == null) {
                return "no details";
            }
            int nl = s.indexOf('\n');
            return nl < 0 ? s : s.substring(0, nl);
        }
    }
}
