package dev.siamtrack.track;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.siamtrack.geom.Box;
import dev.siamtrack.model.SiameseModel;
import dev.siamtrack.testing.ShippedModel;
import dev.siamtrack.video.synth.ClipConfig;
import dev.siamtrack.video.synth.ClipGenerator;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;

/** Embeddings of the shipped model on a generated clip: identical, shifted, later and unrelated crops. */
class TargetEmbedderTest {

    @Test
    void sameTargetScoresAboveTheThresholdAndBackgroundBelow() throws Exception {
        ClipGenerator clip = new ClipGenerator(ClipConfig.demo());
        byte[] scratch = new byte[clip.config().width() * clip.config().height() * 3];
        try (TargetEmbedder embedder = TargetEmbedder.create(ShippedModel.dir(), SiameseModel.Options.DEFAULT);
             Mat first = new Mat(); Mat later = new Mat()) {
            clip.renderFrame(0, first, scratch);
            clip.renderFrame(40, later, scratch);
            Box target = clip.groundTruth(0);
            float[] anchor = embedder.embed(first, target);
            assertEquals(embedder.dimension(), anchor.length);
            double norm = 0;
            for (float v : anchor) {
                norm += v * v;
            }
            assertEquals(1, norm, 1e-5);
            double threshold = embedder.threshold();
            assertEquals(ShippedModel.card().get("hyper").get("verify_threshold").asDouble(), threshold, 1e-9);

            assertEquals(1, TargetEmbedder.similarity(anchor, embedder.embed(first, target)), 1e-6);
            Box shifted = new Box(target.x() + 0.15 * target.w(), target.y() - 0.1 * target.h(), target.w(), target.h());
            double shift = TargetEmbedder.similarity(anchor, embedder.embed(first, shifted));
            double moved = TargetEmbedder.similarity(anchor, embedder.embed(later, clip.groundTruth(40)));
            Box corner = new Box(20, clip.config().height() - 20 - target.h(), target.w(), target.h());
            double background = TargetEmbedder.similarity(anchor, embedder.embed(first, corner));
            assertTrue(shift >= threshold, "shifted crop " + shift);
            assertTrue(moved >= threshold, "the target 40 frames later " + moved);
            assertTrue(background < threshold, "background " + background);
            assertTrue(background < moved && background < shift);
        }
    }

    @Test
    void refusesBoxesOutsideTheImage() throws Exception {
        try (TargetEmbedder embedder = TargetEmbedder.create(ShippedModel.dir(), SiameseModel.Options.DEFAULT);
             Mat image = new Mat(100, 100, org.bytedeco.opencv.global.opencv_core.CV_8UC3)) {
            assertThrows(IllegalArgumentException.class, () -> embedder.embed(image, new Box(120, 10, 20, 20)));
            assertThrows(IllegalArgumentException.class, () -> embedder.embed(image, new Box(10, 10, 0, 20)));
        }
    }

    @Test
    void poolsTheCentralHalfAndNormalises() {
        // 1 channel x 4 x 4: the central 2 x 2 holds 3, 3, 3, 3 and the border 100 (ignored); 2 channels for the norm
        FloatBuffer f = ByteBuffer.allocateDirect(2 * 16 * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
        for (int i = 0; i < 32; i++) {
            f.put(i, 100);
        }
        for (int k : new int[] {5, 6, 9, 10}) {
            f.put(k, 3);
            f.put(16 + k, 4);
        }
        float[] out = new float[2];
        TargetEmbedder.pool(f, 2, 4, out);
        assertEquals(0.6, out[0], 1e-6);
        assertEquals(0.8, out[1], 1e-6);
    }
}
