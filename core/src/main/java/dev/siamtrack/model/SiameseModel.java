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
 * A Siamese tracking network that tracks several targets at once: ONE backbone session embeds the template
 * exemplars (one at a time, when a target is added) and the search regions of all targets (in one batched
 * call per frame), and the head cross-correlates every target's search features with its own stored
 * template features and scores every position, again in one call. The model files declare batch 1; they
 * are rewritten in memory to take a batch of any size ({@link OnnxShapeEditor}).
 *
 * <p>Targets live in slots {@code 0 .. count-1}: {@link #embedTemplate(int)} stores a slot's template
 * features, {@link #searchInput(int)} is where its search crop goes, {@link #scores(int)} and
 * {@link #boxes(int)} hold its answers after {@link #runHead(int)}. All tensors are backed by direct buffers
 * sized for {@link #capacity()} slots, grown (doubled) only by {@link #reserve}; the backbone writes straight
 * into the head's inputs (pinned outputs), and the tensors for each batch size are made once, so a steady
 * number of targets allocates no tensor memory. Not thread-safe.
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
    private final OrtEnvironment env;
    private final OrtSession.SessionOptions sessionOptions;
    private final OrtSession backbone;
    private final byte[] headModel;
    private final boolean headPerBatchSize;
    private final String backboneInput;
    private final String backboneOutput;
    private final String headTemplateName;
    private final String headSearchName;
    private final String headScoreName;
    private final String headBoxName;
    private final int featureChannels;
    private final int scoreChannels;
    /** Per-target shapes without the batch dimension. */
    private final long[] searchInputShape;
    private final long[] templateFeatureShape;
    private final long[] searchFeatureShape;
    private final long[] scoreShape;
    private final long[] boxShape;
    private final FloatBuffer templateInput;
    private final OnnxTensor templateInputTensor;
    private final OnnxTensor templateScratch;
    /** The backbone's output for one exemplar, copied into a slot by {@link #embedTemplate(int)}. */
    private final FloatBuffer exemplarFeatures;
    private final Map<String, OnnxTensor> templateIn;
    private final Map<String, OnnxTensor> templateOut;
    /** Head sessions by batch size; all the same session unless the head is built per batch size. */
    private OrtSession[] heads;
    private Slots slots;

    private SiameseModel(Builder b) {
        this.directory = b.directory;
        this.card = b.card;
        this.device = b.device;
        this.deviceNote = b.deviceNote;
        this.env = b.env;
        this.sessionOptions = b.sessionOptions;
        this.backbone = b.backbone;
        this.headModel = b.headModel;
        this.headPerBatchSize = b.headPerBatchSize;
        this.backboneInput = b.backboneInput;
        this.backboneOutput = b.backboneOutput;
        this.headTemplateName = b.headTemplateName;
        this.headSearchName = b.headSearchName;
        this.headScoreName = b.headScoreName;
        this.headBoxName = b.headBoxName;
        this.featureChannels = b.featureChannels;
        this.scoreChannels = b.scoreChannels;
        this.searchInputShape = b.searchInputShape;
        this.templateFeatureShape = b.templateFeatureShape;
        this.searchFeatureShape = b.searchFeatureShape;
        this.scoreShape = b.scoreShape;
        this.boxShape = b.boxShape;
        this.templateInput = b.templateInput;
        this.templateInputTensor = b.templateInputTensor;
        this.templateScratch = b.templateScratch;
        this.exemplarFeatures = b.exemplarFeatures;
        this.templateIn = Map.of(backboneInput, templateInputTensor);
        this.templateOut = Map.of(backboneOutput, templateScratch);
        this.heads = new OrtSession[] {null, b.head};
        this.slots = new Slots(1);
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

    /** 1 (sigmoid) or 2 (softmax) channels in {@link #scores(int)}. */
    public int scoreChannels() {
        return scoreChannels;
    }

    /** How many target slots the buffers hold now. */
    public int capacity() {
        return slots.capacity;
    }

    /**
     * Makes room for {@code targets} slots, at least doubling the capacity when it grows, and keeps the stored
     * template features. Views returned earlier by {@link #searchInput}, {@link #scores} and {@link #boxes}
     * are invalid afterwards.
     */
    public void reserve(int targets) {
        if (targets <= slots.capacity) {
            return;
        }
        Slots grown = new Slots(Math.max(targets, 2 * slots.capacity));
        grown.templateFeatures.put(0, slots.templateFeatures, 0, slots.templateFeatures.capacity());
        slots.close();
        slots = grown;
    }

    /** The exemplar crop, planar CHW, 3 x exemplar x exemplar; fill it, then call {@link #embedTemplate(int)}. */
    public FloatBuffer templateInput() {
        return templateInput;
    }

    /** Embeds {@link #templateInput()} and stores the features as the template of {@code slot}. */
    public void embedTemplate(int slot) throws ModelException {
        checkSlot(slot);
        run(backbone, templateIn, templateOut, BACKBONE_FILE);
        int size = (int) product(templateFeatureShape);
        slots.templateFeatures.put(slot * size, exemplarFeatures, 0, size);
    }

    /**
     * The backbone's features of the exemplar embedded last by {@link #embedTemplate(int)}: channels x F x F
     * planar; overwritten by the next call, do not modify.
     */
    public FloatBuffer exemplarFeatures() {
        return exemplarFeatures;
    }

    /** Copies the template features of slot {@code from} to slot {@code to} (to keep the slots in use contiguous). */
    public void copyTemplate(int from, int to) {
        checkSlot(from);
        checkSlot(to);
        int size = (int) product(templateFeatureShape);
        slots.templateFeatures.put(to * size, slots.templateFeatures, from * size, size);
    }

    /** Where the search crop of {@code slot} goes: planar CHW, 3 x instance x instance. */
    public FloatBuffer searchInput(int slot) {
        return slots.searchInputViews[slot];
    }

    /**
     * The backbone's features of the search crop of {@code slot}, channels x F x F planar (F = {@link
     * #searchFeatureSide()}), valid after {@link #embedSearch(int)}; do not modify.
     */
    public FloatBuffer searchFeatures(int slot) {
        return slots.searchFeatureViews[slot];
    }

    /** Side of the search crop's feature map. */
    public int searchFeatureSide() {
        return (int) searchFeatureShape[searchFeatureShape.length - 1];
    }

    /** Embeds the search crops of slots {@code 0 .. count-1} in one backbone call. */
    public void embedSearch(int count) throws ModelException {
        Batch b = slots.batch(count);
        run(backbone, b.backboneIn, b.backboneOut, BACKBONE_FILE);
    }

    /** Scores slots {@code 0 .. count-1} (search features against their own templates) in one head call. */
    public void runHead(int count) throws ModelException {
        Batch b = slots.batch(count);
        run(head(count), b.headIn, b.headOut, HEAD_FILE);
    }

    /** Classification logits of {@code slot}, channels x S x S, valid after {@link #runHead(int)}. */
    public FloatBuffer scores(int slot) {
        return slots.scoreViews[slot];
    }

    /** Box distances (left, top, right, bottom) of {@code slot} in instance-crop pixels, 4 x S x S. */
    public FloatBuffer boxes(int slot) {
        return slots.boxViews[slot];
    }

    private void checkSlot(int slot) {
        if (slot < 0 || slot >= slots.capacity) {
            throw new IndexOutOfBoundsException("slot " + slot + " outside the capacity " + slots.capacity);
        }
    }

    /** The head session for a batch of {@code count}, built on first use when the graph depends on the batch size. */
    private OrtSession head(int count) throws ModelException {
        if (!headPerBatchSize) {
            return heads[1];
        }
        if (count >= heads.length) {
            heads = Arrays.copyOf(heads, Math.max(count + 1, 2 * heads.length));
        }
        if (heads[count] == null) {
            try {
                heads[count] = env.createSession(OnnxShapeEditor.makeBatchable(headModel, count), sessionOptions);
            } catch (OrtException e) {
                throw new ModelException(directory.resolve(HEAD_FILE) + ": cannot build the head for " + count
                        + " targets: " + e.getMessage(), e);
            }
        }
        return heads[count];
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
        slots.close();
        templateInputTensor.close();
        templateScratch.close();
        closeQuietly(backbone);
        for (int n = heads.length - 1; n >= 1; n--) {
            if (heads[n] != null && (n == 1 || heads[n] != heads[1])) {
                closeQuietly(heads[n]);
            }
        }
        sessionOptions.close();
    }

    /** The direct buffers for {@code capacity} targets, their per-slot views, and the tensors per batch size. */
    private final class Slots implements AutoCloseable {
        final int capacity;
        final FloatBuffer searchInputs;
        final FloatBuffer templateFeatures;
        final FloatBuffer searchFeatures;
        final FloatBuffer scores;
        final FloatBuffer boxes;
        final FloatBuffer[] searchInputViews;
        final FloatBuffer[] searchFeatureViews;
        final FloatBuffer[] scoreViews;
        final FloatBuffer[] boxViews;
        final Batch[] batches;

        Slots(int capacity) {
            this.capacity = capacity;
            searchInputs = directFloats(capacity * product(searchInputShape));
            templateFeatures = directFloats(capacity * product(templateFeatureShape));
            searchFeatures = directFloats(capacity * product(searchFeatureShape));
            scores = directFloats(capacity * product(scoreShape));
            boxes = directFloats(capacity * product(boxShape));
            searchInputViews = views(searchInputs, searchInputShape, capacity);
            searchFeatureViews = views(searchFeatures, searchFeatureShape, capacity);
            scoreViews = views(scores, scoreShape, capacity);
            boxViews = views(boxes, boxShape, capacity);
            batches = new Batch[capacity + 1];
        }

        Batch batch(int count) throws ModelException {
            if (count < 1 || count > capacity) {
                throw new IndexOutOfBoundsException("batch of " + count + " outside the capacity " + capacity);
            }
            if (batches[count] == null) {
                try {
                    batches[count] = new Batch(this, count);
                } catch (OrtException e) {
                    throw new ModelException(directory + ": cannot allocate tensors for " + count + " targets: "
                            + e.getMessage(), e);
                }
            }
            return batches[count];
        }

        @Override
        public void close() {
            for (Batch b : batches) {
                if (b != null) {
                    b.close();
                }
            }
        }
    }

    /** Tensors over the first {@code count} slots, and the name maps the sessions take. */
    private final class Batch implements AutoCloseable {
        final OnnxTensor[] tensors;
        final Map<String, OnnxTensor> backboneIn;
        final Map<String, OnnxTensor> backboneOut;
        final Map<String, OnnxTensor> headIn;
        final Map<String, OnnxTensor> headOut;

        Batch(Slots s, int count) throws OrtException {
            tensors = new OnnxTensor[5];
            try {
                tensors[0] = tensor(s.searchInputs, searchInputShape, count);
                tensors[1] = tensor(s.searchFeatures, searchFeatureShape, count);
                tensors[2] = tensor(s.templateFeatures, templateFeatureShape, count);
                tensors[3] = tensor(s.scores, scoreShape, count);
                tensors[4] = tensor(s.boxes, boxShape, count);
            } catch (OrtException e) {
                close();
                throw e;
            }
            backboneIn = Map.of(backboneInput, tensors[0]);
            backboneOut = Map.of(backboneOutput, tensors[1]);
            headIn = Map.of(headTemplateName, tensors[2], headSearchName, tensors[1]);
            headOut = Map.of(headScoreName, tensors[3], headBoxName, tensors[4]);
        }

        private OnnxTensor tensor(FloatBuffer storage, long[] itemShape, int count) throws OrtException {
            return OnnxTensor.createTensor(env, storage.slice(0, count * (int) product(itemShape)), batchShape(count, itemShape));
        }

        @Override
        public void close() {
            for (OnnxTensor t : tensors) {
                if (t != null) {
                    t.close();
                }
            }
        }
    }

    private static FloatBuffer[] views(FloatBuffer storage, long[] itemShape, int capacity) {
        int size = (int) product(itemShape);
        FloatBuffer[] views = new FloatBuffer[capacity];
        for (int i = 0; i < capacity; i++) {
            views[i] = storage.slice(i * size, size);
        }
        return views;
    }

    private static long[] batchShape(int count, long[] itemShape) {
        long[] shape = new long[itemShape.length + 1];
        shape[0] = count;
        System.arraycopy(itemShape, 0, shape, 1, itemShape.length);
        return shape;
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

    private static long product(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    /** Loading is a multi-step validation; the builder keeps the constructor simple and closes what it opened on failure. */
    private static final class Builder {
        final Path directory;
        final Options options;
        ModelCard card;
        Device device;
        String deviceNote;
        OrtEnvironment env;
        OrtSession.SessionOptions sessionOptions;
        OrtSession backbone;
        OrtSession head;
        byte[] backboneModel;
        byte[] headModel;
        boolean headPerBatchSize;
        String backboneInput;
        String backboneOutput;
        String headTemplateName;
        String headSearchName;
        String headScoreName;
        String headBoxName;
        int featureChannels;
        int scoreChannels;
        long[] searchInputShape;
        long[] templateFeatureShape;
        long[] searchFeatureShape;
        long[] scoreShape;
        long[] boxShape;
        FloatBuffer templateInput;
        OnnxTensor templateInputTensor;
        OnnxTensor templateScratch;
        FloatBuffer exemplarFeatures;

        Builder(Path directory, Options options) {
            this.directory = directory;
            this.options = options;
        }

        SiameseModel build() throws ModelException {
            try {
                return buildUnsafe();
            } catch (ModelException | RuntimeException e) {
                for (OnnxTensor t : new OnnxTensor[] {templateInputTensor, templateScratch}) {
                    if (t != null) {
                        t.close();
                    }
                }
                closeQuietly(backbone);
                closeQuietly(head);
                if (sessionOptions != null) {
                    sessionOptions.close();
                }
                throw e;
            }
        }

        private SiameseModel buildUnsafe() throws ModelException {
            if (!Files.isDirectory(directory)) {
                throw new ModelException("model directory " + directory + " does not exist"
                        + " (a model is a directory with backbone.onnx, head.onnx and optionally model.json)");
            }
            backboneModel = readModelFile(BACKBONE_FILE);
            byte[] backboneBytes = backboneModel;
            headModel = readModelFile(HEAD_FILE);
            Path cardFile = directory.resolve(ModelCard.FILE_NAME);
            ModelCard declared = Files.exists(cardFile) ? ModelCard.read(cardFile) : null;
            byte[] headBytes;
            try {
                backboneBytes = OnnxShapeEditor.makeBatchable(backboneBytes, 1);
            } catch (IllegalArgumentException e) {
                throw new ModelException(directory.resolve(BACKBONE_FILE) + ": " + e.getMessage());
            }
            try {
                headPerBatchSize = OnnxShapeEditor.batchSizeFixed(headModel);
                headBytes = OnnxShapeEditor.makeBatchable(headModel, 1);
            } catch (IllegalArgumentException e) {
                throw new ModelException(directory.resolve(HEAD_FILE) + ": " + e.getMessage());
            }

            env = environment();
            try {
                sessionOptions = sessionOptions();
            } catch (OrtException e) {
                throw new ModelException("cannot configure ONNX Runtime: " + e.getMessage(), e);
            }
            backbone = createSession(backboneBytes, BACKBONE_FILE);
            head = createSession(headBytes, HEAD_FILE);
            checkBackbone();
            checkHead();

            int exemplar = declared != null ? declared.exemplarSize() : 127;
            int instance = declared != null ? declared.instanceSize() : 255;
            searchInputShape = new long[] {3, instance, instance};
            templateInput = directFloats(3L * exemplar * exemplar);
            try {
                templateInputTensor = OnnxTensor.createTensor(env, templateInput, new long[] {1, 3, exemplar, exemplar});
                long[] templateShape = probe(templateInputTensor);
                long[] searchShape;
                try (OnnxTensor search = OnnxTensor.createTensor(env, directFloats(product(searchInputShape)),
                        batchShape(1, searchInputShape))) {
                    searchShape = probe(search);
                }
                if (templateShape.length != 4 || searchShape.length != 4 || templateShape[1] != searchShape[1]) {
                    throw new ModelException(directory.resolve(BACKBONE_FILE) + ": expected 4-D feature maps with the same"
                            + " channels for template and search, found " + Arrays.toString(templateShape)
                            + " and " + Arrays.toString(searchShape));
                }
                featureChannels = (int) templateShape[1];
                templateFeatureShape = Arrays.copyOfRange(templateShape, 1, 4);
                searchFeatureShape = Arrays.copyOfRange(searchShape, 1, 4);
                exemplarFeatures = directFloats(product(templateShape));
                templateScratch = OnnxTensor.createTensor(env, exemplarFeatures, templateShape);
                long[] scores;
                long[] boxes;
                try (OnnxTensor searchFeatures = OnnxTensor.createTensor(env, directFloats(product(searchShape)), searchShape);
                     OrtSession.Result r = head.run(Map.of(headTemplateName, templateScratch, headSearchName, searchFeatures))) {
                    scores = ((TensorInfo) r.get(headScoreName).get().getInfo()).getShape();
                    boxes = ((TensorInfo) r.get(headBoxName).get().getInfo()).getShape();
                } catch (OrtException e) {
                    // without a card the search size is NanoTrack's; a head built for another one fails here
                    throw new ModelException(directory.resolve(HEAD_FILE) + ": does not accept the backbone's features "
                            + Arrays.toString(templateShape) + " / " + Arrays.toString(searchShape)
                            + (declared != null ? "" : " (no model.json, so read as a NanoTrack export: 255x255 search)")
                            + ": " + e.getMessage(), e);
                }
                checkHeadOutputs(scores, boxes);
                scoreChannels = (int) scores[1];
                int scoreSize = (int) scores[2];
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
                scoreShape = Arrays.copyOfRange(scores, 1, 4);
                boxShape = Arrays.copyOfRange(boxes, 1, 4);
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

        private OrtSession createSession(byte[] bytes, String name) throws ModelException {
            try {
                return env.createSession(bytes, sessionOptions);
            } catch (OrtException e) {
                throw new ModelException(directory.resolve(name) + ": not a loadable ONNX model (" + firstLine(e.getMessage()) + ")", e);
            }
        }

        private long[] probe(OnnxTensor input) throws ModelException {
            try (OrtSession.Result r = backbone.run(Map.of(backboneInput, input))) {
                return ((TensorInfo) r.get(0).getInfo()).getShape();
            } catch (OrtException e) {
                throw new ModelException(directory.resolve(BACKBONE_FILE) + ": fails on a "
                        + Arrays.toString(input.getInfo().getShape()) + " input: " + firstLine(e.getMessage()), e);
            }
        }

        private void checkBackbone() throws ModelException {
            Map<String, NodeInfo> in = infos(backbone, true, BACKBONE_FILE);
            Map<String, NodeInfo> out = infos(backbone, false, BACKBONE_FILE);
            if (in.size() != 1 || out.size() != 1) {
                throw new ModelException(directory.resolve(BACKBONE_FILE) + ": expected 1 input [1,3,H,W] and 1 output"
                        + " [1,C,h,w], found " + declared(backboneModel, backbone));
            }
            Map.Entry<String, NodeInfo> input = in.entrySet().iterator().next();
            long[] shape = shapeOf(input.getValue());
            if (shape.length != 4 || (shape[1] != 3 && shape[1] > 0)) {
                throw new ModelException(directory.resolve(BACKBONE_FILE) + ": expected input [1,3,H,W], found "
                        + declared(backboneModel, backbone));
            }
            backboneInput = input.getKey();
            backboneOutput = out.keySet().iterator().next();
        }

        private void checkHead() throws ModelException {
            Map<String, NodeInfo> in = infos(head, true, HEAD_FILE);
            Map<String, NodeInfo> out = infos(head, false, HEAD_FILE);
            if (in.size() != 2 || out.size() != 2) {
                throw new ModelException(directory.resolve(HEAD_FILE) + ": expected inputs input1 (template features)"
                        + " and input2 (search features) and outputs output1 (scores) and output2 (boxes), found "
                        + declared(headModel, head));
            }
            Iterator<String> inNames = in.keySet().iterator();
            Iterator<String> outNames = out.keySet().iterator();
            headTemplateName = in.containsKey("input1") ? "input1" : inNames.next();
            headSearchName = in.containsKey("input2") ? "input2" : inNames.next();
            headScoreName = out.containsKey("output1") ? "output1" : outNames.next();
            headBoxName = out.containsKey("output2") ? "output2" : outNames.next();
        }

        /**
         * The inputs and outputs a model file declares, for error messages: read from a session over the file as
         * it is, since the loaded session's shapes are the rewritten, symbolic ones.
         */
        private String declared(byte[] model, OrtSession loaded) throws ModelException {
            try (OrtSession original = env.createSession(model, sessionOptions)) {
                return "inputs " + describe(original.getInputInfo()) + " and outputs " + describe(original.getOutputInfo());
            } catch (OrtException e) {
                return "inputs " + describe(infos(loaded, true, "")) + " and outputs " + describe(infos(loaded, false, ""));
            }
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

        private static String firstLine(String s) {
            if (s == null) {
                return "no details";
            }
            int nl = s.indexOf('\n');
            return nl < 0 ? s : s.substring(0, nl);
        }
    }
}
