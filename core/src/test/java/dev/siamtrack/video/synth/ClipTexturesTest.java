package dev.siamtrack.video.synth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ClipTexturesTest {

    @Test
    void texturesArePackedBgrAndAFunctionOfTheSeed() {
        assertEquals(40 * 30 * 3, ClipTextures.background(new Random(1), 40, 30).length);
        assertEquals(20 * 50 * 3, ClipTextures.board(new Random(1), 20, 50).length);
        assertArrayEquals(ClipTextures.background(new Random(4), 64, 48), ClipTextures.background(new Random(4), 64, 48));
        assertFalse(Arrays.equals(ClipTextures.background(new Random(4), 64, 48), ClipTextures.background(new Random(5), 64, 48)));
    }

    @Test
    void theBoardHasDarkSeamsBetweenLighterPlanks() {
        int w = 30;
        byte[] board = ClipTextures.board(new Random(2), w, 60);
        for (int y = 0; y < 60; y++) {
            for (int x = 0; x < w; x++) {
                int o = (y * w + x) * 3;
                int b = board[o] & 0xff;
                int g = board[o + 1] & 0xff;
                int r = board[o + 2] & 0xff;
                if (y % 24 < 2) {
                    assertArrayEquals(new int[] {50, 44, 39}, new int[] {b, g, r}, "seam at row " + y);
                } else {
                    assertTrue(b >= 89 && g >= 78 && r >= 68, "plank at " + x + "," + y + ": " + b + "," + g + "," + r);
                }
            }
        }
    }

    @Test
    void theBackgroundIsTexturedAndLighterAtTheBottom() {
        int w = 200;
        int h = 160;
        byte[] img = ClipTextures.background(new Random(3), w, h);
        long top = 0;
        long bottom = 0;
        for (int x = 0; x < w; x++) {
            for (int c = 0; c < 3; c++) {
                top += img[x * 3 + c] & 0xff;
                bottom += img[((h - 1) * w + x) * 3 + c] & 0xff;
            }
        }
        assertTrue(bottom > top * 1.2, "light gradient: top " + top + ", bottom " + bottom);
        assertTrue(Arrays.stream(new int[] {0, 1000, 20000, 50000}).map(i -> img[i] & 0xff).distinct().count() > 1);
    }
}
