package dev.siamtrack.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.onnxruntime.OrtEnvironment;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class TargetSlotsTest {

    /** Tiny per-target shapes: search crop 3x4x4, template features 2x1x1, search features 2x2x2, 1x2x2 scores, 4x2x2 boxes. */
    private static final TensorLayout LAYOUT = new TensorLayout("in", "out", "t", "s", "score", "box",
            new long[] {3, 4, 4}, new long[] {2, 1, 1}, new long[] {2, 2, 2}, new long[] {1, 2, 2}, new long[] {4, 2, 2});

    private static TargetSlots slots(int capacity) {
        return new TargetSlots(OrtEnvironment.getEnvironment(), LAYOUT, Path.of("models/x"), capacity);
    }

    @Test
    void eachSlotHasItsOwnViewOfTheRightSize() {
        try (TargetSlots slots = slots(3)) {
            assertEquals(48, slots.searchInput(2).capacity());
            assertEquals(8, slots.searchFeatures(2).capacity());
            assertEquals(4, slots.scores(2).capacity());
            assertEquals(16, slots.boxes(2).capacity());
            slots.scores(1).put(0, 7f);
            assertEquals(0f, slots.scores(0).get(0));
            assertEquals(0f, slots.scores(2).get(0));
            assertEquals(7f, slots.scores(1).get(0));
        }
    }

    @Test
    void growingKeepsTheStoredTemplatesAndDoublesAtLeast() throws Exception {
        TargetSlots slots = slots(2);
        slots.storeTemplate(0, FloatBuffer.wrap(new float[] {1, 2}));
        slots.storeTemplate(1, FloatBuffer.wrap(new float[] {3, 4}));
        assertSame(slots, slots.grow(2));
        TargetSlots grown = slots.grow(3);
        try (grown) {
            assertEquals(4, grown.capacity());
            grown.copyTemplate(1, 3);
            float[] templates = new float[8];
            grown.batch(4).headIn.get("t").getFloatBuffer().get(templates);
            assertArrayEquals(new float[] {1, 2, 3, 4, 0, 0, 3, 4}, templates);
        }
        try (TargetSlots big = slots(2).grow(9)) {
            assertEquals(9, big.capacity());
        }
    }

    @Test
    void aBatchIsMadeOnceAndCoversTheFirstSlots() throws Exception {
        try (TargetSlots slots = slots(3)) {
            TargetSlots.Batch two = slots.batch(2);
            assertSame(two, slots.batch(2));
            assertArrayEquals(new long[] {2, 3, 4, 4}, two.backboneIn.get("in").getInfo().getShape());
            assertArrayEquals(new long[] {2, 2, 2, 2}, two.backboneOut.get("out").getInfo().getShape());
            assertSame(two.backboneOut.get("out"), two.headIn.get("s"), "the backbone writes straight into the head's input");
            assertArrayEquals(new long[] {2, 4, 2, 2}, two.headOut.get("box").getInfo().getShape());
        }
    }

    @Test
    void slotsAndBatchesOutsideTheCapacityAreRefused() {
        try (TargetSlots slots = slots(2)) {
            assertThrows(IndexOutOfBoundsException.class, () -> slots.batch(0));
            assertThrows(IndexOutOfBoundsException.class, () -> slots.batch(3));
            assertThrows(IndexOutOfBoundsException.class, () -> slots.copyTemplate(0, 2));
            assertThrows(IndexOutOfBoundsException.class, () -> slots.storeTemplate(-1, FloatBuffer.allocate(2)));
            assertThrows(IndexOutOfBoundsException.class, () -> slots.searchInput(2));
        }
    }
}
