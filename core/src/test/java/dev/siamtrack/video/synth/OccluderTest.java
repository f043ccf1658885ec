package dev.siamtrack.video.synth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.siamtrack.video.synth.ClipGenerator.Ellipse;
import java.util.Arrays;
import java.util.Random;
import java.util.function.DoubleFunction;
import org.junit.jupiter.api.Test;

class OccluderTest {

    private static final int W = 320;
    private static final int H = 240;
    /** A 100-frame clip with a 10-frame occlusion where ClipConfig.of places it. */
    private static final ClipConfig CONFIG = ClipConfig.of(W, H, 100, 3, false, 10);
    /** A target drifting right and down, growing slowly. */
    private static final DoubleFunction<Ellipse> TARGET = t -> new Ellipse(60 + 1.5 * t, 50 + 0.8 * t, 12 + 0.05 * t, 9, 0);

    private static boolean boxHidden(Occluder occluder, int t) {
        Ellipse e = TARGET.apply(t);
        for (int py = (int) Math.floor(e.cy() - e.b()); py < Math.ceil(e.cy() + e.b()); py++) {
            for (int px = (int) Math.floor(e.cx() - e.a()); px < Math.ceil(e.cx() + e.a()); px++) {
                if (e.covers(px, py) && !occluder.hides(t, px, py)) {
                    return false;
                }
            }
        }
        return true;
    }

    @Test
    void theBoardHidesTheWholeTargetOnEveryOcclusionFrameOnly() {
        Occluder occluder = new Occluder(CONFIG, TARGET, new Random(1));
        int first = CONFIG.occlusionFrame();
        int last = first + CONFIG.occlusionFrames() - 1;
        for (int t = first; t <= last; t++) {
            assertTrue(boxHidden(occluder, t), "frame " + t);
        }
        assertFalse(boxHidden(occluder, first - 8));
        assertFalse(boxHidden(occluder, last + 8));
    }

    @Test
    void theBoardSlidesDownCrossingTheFrameInFortyFrames() {
        Occluder occluder = new Occluder(CONFIG, TARGET, new Random(1));
        assertEquals(H / 40.0, occluder.centreY(11) - occluder.centreY(10), 1e-9);
        double mid = CONFIG.occlusionFrame() + (CONFIG.occlusionFrames() - 1) / 2.0;
        assertEquals(TARGET.apply(mid).cy(), occluder.centreY(mid), 1e-9);
    }

    @Test
    void paintingTouchesExactlyThePixelsTheBoardHides() {
        Occluder occluder = new Occluder(CONFIG, TARGET, new Random(1));
        int t = CONFIG.occlusionFrame() + 2;
        byte[] bgr = new byte[W * H * 3];
        Arrays.fill(bgr, (byte) 7);
        occluder.paint(t, bgr, W, H);
        int hidden = 0;
        int painted = 0;
        for (int py = 0; py < H; py++) {
            for (int px = 0; px < W; px++) {
                int o = (py * W + px) * 3;
                boolean changed = bgr[o] != 7 || bgr[o + 1] != 7 || bgr[o + 2] != 7;
                if (occluder.hides(t, px, py)) {
                    hidden++;
                    painted += changed ? 1 : 0;
                } else {
                    assertFalse(changed, "pixel " + px + "," + py + " is outside the board");
                }
            }
        }
        assertTrue(hidden > 500, "hidden " + hidden);
        assertEquals(hidden, painted);
    }

    @Test
    void theSameSeedGivesTheSameBoard() {
        byte[] a = new byte[W * H * 3];
        byte[] b = new byte[W * H * 3];
        new Occluder(CONFIG, TARGET, new Random(9)).paint(45, a, W, H);
        new Occluder(CONFIG, TARGET, new Random(9)).paint(45, b, W, H);
        assertTrue(Arrays.equals(a, b));
    }
}
