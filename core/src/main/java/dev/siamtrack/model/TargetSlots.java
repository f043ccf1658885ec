package dev.siamtrack.model;

import static dev.siamtrack.model.TensorLayout.batched;
import static dev.siamtrack.model.TensorLayout.directFloats;
import static dev.siamtrack.model.TensorLayout.elements;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Map;

/**
 * The direct buffers of {@link SiameseModel} for {@code capacity} targets: each target's search crop,
 * template and search features, scores and boxes, a view per slot, and the tensors (with the name maps the
 * sessions take) over the first {@code count} slots, made once per batch size. The backbone's search output
 * is the head's search input, so the features never leave native memory.
 */
final class TargetSlots implements AutoCloseable {

    private final OrtEnvironment env;
    private final TensorLayout layout;
    private final Path directory;
    private final int capacity;
    private final FloatBuffer searchInputs;
    private final FloatBuffer templateFeatures;
    private final FloatBuffer searchFeatures;
    private final FloatBuffer scores;
    private final FloatBuffer boxes;
    private final FloatBuffer[] searchInputViews;
    private final FloatBuffer[] searchFeatureViews;
    private final FloatBuffer[] scoreViews;
    private final FloatBuffer[] boxViews;
    private final Batch[] batches;

    /** {@code directory} names the model in errors. */
    TargetSlots(OrtEnvironment env, TensorLayout layout, Path directory, int capacity) {
        this.env = env;
        this.layout = layout;
        this.directory = directory;
        this.capacity = capacity;
        searchInputs = directFloats(capacity * elements(layout.searchInput()));
        templateFeatures = directFloats(capacity * elements(layout.templateFeatures()));
        searchFeatures = directFloats(capacity * elements(layout.searchFeatures()));
        scores = directFloats(capacity * elements(layout.scores()));
        boxes = directFloats(capacity * elements(layout.boxes()));
        searchInputViews = views(searchInputs, layout.searchInput(), capacity);
        searchFeatureViews = views(searchFeatures, layout.searchFeatures(), capacity);
        scoreViews = views(scores, layout.scores(), capacity);
        boxViews = views(boxes, layout.boxes(), capacity);
        batches = new Batch[capacity + 1];
    }

    int capacity() {
        return capacity;
    }

    /**
     * Slots for at least {@code targets}, at least doubling the capacity, with this one's template features;
     * closes this one. Returns this one when it is big enough.
     */
    TargetSlots grow(int targets) {
        if (targets <= capacity) {
            return this;
        }
        TargetSlots grown = new TargetSlots(env, layout, directory, Math.max(targets, 2 * capacity));
        grown.templateFeatures.put(0, templateFeatures, 0, templateFeatures.capacity());
        close();
        return grown;
    }

    /** Stores {@code features} (one target's template features) as the template of {@code slot}. */
    void storeTemplate(int slot, FloatBuffer features) {
        checkSlot(slot);
        int size = (int) elements(layout.templateFeatures());
        templateFeatures.put(slot * size, features, 0, size);
    }

    void copyTemplate(int from, int to) {
        checkSlot(from);
        checkSlot(to);
        int size = (int) elements(layout.templateFeatures());
        templateFeatures.put(to * size, templateFeatures, from * size, size);
    }

    FloatBuffer searchInput(int slot) {
        return searchInputViews[slot];
    }

    FloatBuffer searchFeatures(int slot) {
        return searchFeatureViews[slot];
    }

    FloatBuffer scores(int slot) {
        return scoreViews[slot];
    }

    FloatBuffer boxes(int slot) {
        return boxViews[slot];
    }

    /** The tensors over slots {@code 0 .. count-1}, made on first use. */
    Batch batch(int count) throws ModelException {
        if (count < 1 || count > capacity) {
            throw new IndexOutOfBoundsException("batch of " + count + " outside the capacity " + capacity);
        }
        if (batches[count] == null) {
            try {
                batches[count] = new Batch(count);
            } catch (OrtException e) {
                throw new ModelException(directory + ": cannot allocate tensors for " + count + " targets: "
                        + e.getMessage(), e);
            }
        }
        return batches[count];
    }

    void checkSlot(int slot) {
        if (slot < 0 || slot >= capacity) {
            throw new IndexOutOfBoundsException("slot " + slot + " outside the capacity " + capacity);
        }
    }

    @Override
    public void close() {
        for (Batch b : batches) {
            if (b != null) {
                b.close();
            }
        }
    }

    private static FloatBuffer[] views(FloatBuffer storage, long[] itemShape, int capacity) {
        int size = (int) elements(itemShape);
        FloatBuffer[] views = new FloatBuffer[capacity];
        for (int i = 0; i < capacity; i++) {
            views[i] = storage.slice(i * size, size);
        }
        return views;
    }

    /** Tensors over the first {@code count} slots, and the name maps the sessions take. */
    final class Batch implements AutoCloseable {
        private final OnnxTensor[] tensors = new OnnxTensor[5];
        final Map<String, OnnxTensor> backboneIn;
        final Map<String, OnnxTensor> backboneOut;
        final Map<String, OnnxTensor> headIn;
        final Map<String, OnnxTensor> headOut;

        private Batch(int count) throws OrtException {
            try {
                tensors[0] = tensor(searchInputs, layout.searchInput(), count);
                tensors[1] = tensor(searchFeatures, layout.searchFeatures(), count);
                tensors[2] = tensor(templateFeatures, layout.templateFeatures(), count);
                tensors[3] = tensor(scores, layout.scores(), count);
                tensors[4] = tensor(boxes, layout.boxes(), count);
            } catch (OrtException e) {
                close();
                throw e;
            }
            backboneIn = Map.of(layout.backboneInput(), tensors[0]);
            backboneOut = Map.of(layout.backboneOutput(), tensors[1]);
            headIn = Map.of(layout.headTemplate(), tensors[2], layout.headSearch(), tensors[1]);
            headOut = Map.of(layout.headScore(), tensors[3], layout.headBox(), tensors[4]);
        }

        private OnnxTensor tensor(FloatBuffer storage, long[] itemShape, int count) throws OrtException {
            return OnnxTensor.createTensor(env, storage.slice(0, count * (int) elements(itemShape)), batched(count, itemShape));
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
}
