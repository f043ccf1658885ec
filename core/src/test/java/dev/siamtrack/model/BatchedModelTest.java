package dev.siamtrack.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.siamtrack.testing.SharedData;
import dev.siamtrack.testing.ShippedModel;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The batch rewrite is exact: one backbone call and one head call over N targets give what N single-target
 * calls give, for our model (its head correlates depthwise, with the template as convolution weights) and
 * for the NanoTrack generations (pointwise correlation by matrix product; v3 also depthwise).
 */
class BatchedModelTest {

    private static final int TARGETS = 3;
    /** Relative difference allowed between batched and single outputs (float summation order may differ). */
    private static final double TOLERANCE = 1e-5;

    @Test
    void theShippedModel() throws Exception {
        batchEqualsSingleRuns(ShippedModel.dir());
    }

    @Test
    void nanoTrackV1() throws Exception {
        batchEqualsSingleRuns(SharedData.nanoTrack(1));
    }

    @Test
    void nanoTrackV2() throws Exception {
        batchEqualsSingleRuns(SharedData.nanoTrack(2));
    }

    @Test
    void nanoTrackV3() throws Exception {
        batchEqualsSingleRuns(SharedData.nanoTrack(3));
    }

    /**
     * Templates go into slots 0 and 1, the capacity then grows (keeping them), slot 2 gets its template, and
     * a copy moves slot 2's template into slot 1 as removing a target does; every slot's answer must equal a
     * single run of the same pair of inputs.
     */
    private static void batchEqualsSingleRuns(Path dir) throws Exception {
        Random random = new Random(42);
        try (SiameseModel batched = SiameseModel.load(dir, SiameseModel.Options.DEFAULT);
             SiameseModel single = SiameseModel.load(dir, SiameseModel.Options.DEFAULT)) {
            float[][] templates = new float[TARGETS + 1][batched.templateInput().capacity()];
            float[][] searches = new float[TARGETS][batched.searchInput(0).capacity()];
            for (float[] t : templates) {
                fill(t, random);
            }
            for (float[] s : searches) {
                fill(s, random);
            }
            batched.reserve(2);
            for (int k = 0; k < 2; k++) {
                batched.templateInput().put(0, templates[k]);
                batched.embedTemplate(k);
            }
            batched.reserve(TARGETS);
            assertTrue(batched.capacity() >= TARGETS);
            batched.templateInput().put(0, templates[TARGETS]);
            batched.embedTemplate(2);
            batched.copyTemplate(2, 1);
            batched.templateInput().put(0, templates[2]);
            batched.embedTemplate(2);
            int[] templateOf = {0, TARGETS, 2};
            for (int k = 0; k < TARGETS; k++) {
                batched.searchInput(k).put(0, searches[k]);
            }
            batched.embedSearch(TARGETS);
            batched.runHead(TARGETS);
            for (int k = 0; k < TARGETS; k++) {
                single.templateInput().put(0, templates[templateOf[k]]);
                single.embedTemplate(0);
                single.searchInput(0).put(0, searches[k]);
                single.embedSearch(1);
                single.runHead(1);
                assertClose(single.scores(0), batched.scores(k), dir + " scores of target " + k);
                assertClose(single.boxes(0), batched.boxes(k), dir + " boxes of target " + k);
            }
        }
    }

    /** Pixel-like values: a smooth ramp plus noise, 0..255. */
    private static void fill(float[] values, Random random) {
        double phase = random.nextDouble() * 10;
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) (127 + 80 * Math.sin(phase + i * 0.01) + 40 * random.nextGaussian());
        }
    }

    private static void assertClose(FloatBuffer expected, FloatBuffer actual, String what) {
        assertEquals(expected.capacity(), actual.capacity(), what);
        double worst = 0;
        for (int i = 0; i < expected.capacity(); i++) {
            double e = expected.get(i);
            worst = Math.max(worst, Math.abs(actual.get(i) - e) / Math.max(1, Math.abs(e)));
        }
        assertTrue(worst <= TOLERANCE, what + ": relative difference " + worst);
    }
}
