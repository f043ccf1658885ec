package dev.siamtrack.track;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import org.junit.jupiter.api.Test;

/** The target embedding read off search features: which cells are pooled for a crop point. */
class SearchEmbeddingTest {

    /** 2 channels x 8 x 8 cells of 16 crop pixels (a 128-pixel crop), template 4 x 4: blocks of 2 x 2 cells. */
    private static final SearchEmbedding EMBEDDING = new SearchEmbedding(2, 8, 4, 128);

    /** Every cell (1, 0) except the 2 x 2 block from column 4, row 2, which is (0, 1). */
    private static FloatBuffer features() {
        FloatBuffer f = ByteBuffer.allocateDirect(2 * 64 * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
        for (int i = 0; i < 64; i++) {
            f.put(i, 1);
            f.put(64 + i, 0);
        }
        for (int y = 2; y < 4; y++) {
            for (int x = 4; x < 6; x++) {
                f.put(y * 8 + x, 0);
                f.put(64 + y * 8 + x, 1);
            }
        }
        return f;
    }

    @Test
    void poolsTheBlockAroundThePoint() {
        float[] target = {0, 1};
        // the block's centre is the corner between its cells: crop pixel (5 * 16, 3 * 16)
        assertEquals(1, EMBEDDING.similarity(features(), 80, 48, target), 1e-6);
        // half a block to the right: columns 5..6, half of it the target's cells
        assertEquals(Math.sqrt(0.5), EMBEDDING.similarity(features(), 96, 48, target), 1e-6);
        assertEquals(0, EMBEDDING.similarity(features(), 24, 100, target), 1e-6);
    }

    @Test
    void pointsNearTheEdgeUseTheOutermostBlock() {
        float[] background = {1, 0};
        assertEquals(1, EMBEDDING.similarity(features(), -50, -50, background), 1e-6);
        assertEquals(1, EMBEDDING.similarity(features(), 127, 127, background), 1e-6);
        assertTrue(EMBEDDING.similarity(features(), 80, 48, background) < 1e-6);
    }
}
