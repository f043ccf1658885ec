package dev.siamtrack.model;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Arrays;
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
 *
 * <p>This class is the runtime; {@link ModelLoader} loads and validates the files, {@link TargetSlots} holds
 * the per-target buffers and {@link SessionFactory} the ONNX Runtime settings.
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
    private final SessionFactory sessions;
    private final OrtSession backbone;
    private final byte[] headModel;
    private final boolean headPerBatchSize;
    private final TensorLayout layout;
    private final FloatBuffer templateInput;
    private final OnnxTensor templateInputTensor;
    private final OnnxTensor templateScratch;
    /** The backbone's output for one exemplar, copied into a slot by {@link #embedTemplate(int)}. */
    private final FloatBuffer exemplarFeatures;
    private final Map<String, OnnxTensor> templateIn;
    private final Map<String, OnnxTensor> templateOut;
    /** Head sessions by batch size; all the same session unless the head is built per batch size. */
    private OrtSession[] heads;
    private TargetSlots slots;

    private SiameseModel(ModelLoader.Loaded loaded) {
        this.directory = loaded.directory();
        this.card = loaded.card();
        this.sessions = loaded.sessions();
        this.backbone = loaded.backbone();
        this.headModel = loaded.headModel();
        this.headPerBatchSize = loaded.headPerBatchSize();
        this.layout = loaded.layout();
        this.templateInput = loaded.templateInput();
        this.templateInputTensor = loaded.templateInputTensor();
        this.templateScratch = loaded.exemplarTensor();
        this.exemplarFeatures = loaded.exemplarFeatures();
        this.templateIn = Map.of(layout.backboneInput(), templateInputTensor);
        this.templateOut = Map.of(layout.backboneOutput(), templateScratch);
        this.heads = new OrtSession[] {null, loaded.head()};
        this.slots = new TargetSlots(sessions.environment(), layout, directory, 1);
    }

    /**
     * Loads a model directory ({@code backbone.onnx}, {@code head.onnx}, optional {@code model.json}).
     * Directories without a card are recognised as NanoTrack v1/v2/v3 from their I/O shapes.
     */
    public static SiameseModel load(Path directory, Options options) throws ModelException {
        return new SiameseModel(ModelLoader.load(directory, options));
    }

    public ModelCard card() {
        return card;
    }

    public Path directory() {
        return directory;
    }

    /** The device inference actually runs on (CPU after a CUDA fallback). */
    public Device device() {
        return sessions.device();
    }

    /** Why the requested device was not used, or null. */
    public String deviceNote() {
        return sessions.deviceNote();
    }

    public int featureChannels() {
        return layout.featureChannels();
    }

    /** 1 (sigmoid) or 2 (softmax) channels in {@link #scores(int)}. */
    public int scoreChannels() {
        return layout.scoreChannels();
    }

    /** How many target slots the buffers hold now. */
    public int capacity() {
        return slots.capacity();
    }

    /**
     * Makes room for {@code targets} slots, at least doubling the capacity when it grows, and keeps the stored
     * template features. Views returned earlier by {@link #searchInput}, {@link #scores} and {@link #boxes}
     * are invalid afterwards.
     */
    public void reserve(int targets) {
        slots = slots.grow(targets);
    }

    /** The exemplar crop, planar CHW, 3 x exemplar x exemplar; fill it, then call {@link #embedTemplate(int)}. */
    public FloatBuffer templateInput() {
        return templateInput;
    }

    /** Embeds {@link #templateInput()} and stores the features as the template of {@code slot}. */
    public void embedTemplate(int slot) throws ModelException {
        slots.checkSlot(slot);
        run(backbone, templateIn, templateOut, BACKBONE_FILE);
        slots.storeTemplate(slot, exemplarFeatures);
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
        slots.copyTemplate(from, to);
    }

    /** Where the search crop of {@code slot} goes: planar CHW, 3 x instance x instance. */
    public FloatBuffer searchInput(int slot) {
        return slots.searchInput(slot);
    }

    /**
     * The backbone's features of the search crop of {@code slot}, channels x F x F planar (F = {@link
     * #searchFeatureSide()}), valid after {@link #embedSearch(int)}; do not modify.
     */
    public FloatBuffer searchFeatures(int slot) {
        return slots.searchFeatures(slot);
    }

    /** Side of the search crop's feature map. */
    public int searchFeatureSide() {
        long[] shape = layout.searchFeatures();
        return (int) shape[shape.length - 1];
    }

    /** Embeds the search crops of slots {@code 0 .. count-1} in one backbone call. */
    public void embedSearch(int count) throws ModelException {
        TargetSlots.Batch b = slots.batch(count);
        run(backbone, b.backboneIn, b.backboneOut, BACKBONE_FILE);
    }

    /** Scores slots {@code 0 .. count-1} (search features against their own templates) in one head call. */
    public void runHead(int count) throws ModelException {
        TargetSlots.Batch b = slots.batch(count);
        run(head(count), b.headIn, b.headOut, HEAD_FILE);
    }

    /** Classification logits of {@code slot}, channels x S x S, valid after {@link #runHead(int)}. */
    public FloatBuffer scores(int slot) {
        return slots.scores(slot);
    }

    /** Box distances (left, top, right, bottom) of {@code slot} in instance-crop pixels, 4 x S x S. */
    public FloatBuffer boxes(int slot) {
        return slots.boxes(slot);
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
                heads[count] = sessions.openOrThrow(OnnxShapeEditor.makeBatchable(headModel, count));
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
        SessionFactory.closeQuietly(backbone);
        for (int n = heads.length - 1; n >= 1; n--) {
            if (heads[n] != null && (n == 1 || heads[n] != heads[1])) {
                SessionFactory.closeQuietly(heads[n]);
            }
        }
        sessions.close();
    }
}
