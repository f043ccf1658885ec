package dev.siamtrack.model;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * What a loaded model's two sessions exchange: the tensor names the backbone and head declare, and the shape
 * of each tensor for ONE target (without the batch dimension). Found by {@link ModelLoader}, used by
 * {@link SiameseModel} and {@link TargetSlots} to size buffers and to name session inputs and outputs.
 */
record TensorLayout(
        String backboneInput, String backboneOutput,
        String headTemplate, String headSearch, String headScore, String headBox,
        long[] searchInput, long[] templateFeatures, long[] searchFeatures, long[] scores, long[] boxes) {

    int featureChannels() {
        return (int) templateFeatures[0];
    }

    /** 1 (sigmoid) or 2 (softmax). */
    int scoreChannels() {
        return (int) scores[0];
    }

    /** Number of elements in a tensor of this shape. */
    static long elements(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    /** {@code itemShape} with a leading batch dimension of {@code count}. */
    static long[] batched(int count, long[] itemShape) {
        long[] shape = new long[itemShape.length + 1];
        shape[0] = count;
        System.arraycopy(itemShape, 0, shape, 1, itemShape.length);
        return shape;
    }

    /** A native-order direct buffer of {@code count} floats, which ONNX Runtime reads and writes in place. */
    static FloatBuffer directFloats(long count) {
        return ByteBuffer.allocateDirect(Math.toIntExact(count * 4)).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }
}
