package dev.siamtrack.video.synth;

import java.util.Random;

/** The textures a synthetic clip is painted with, as packed BGR images drawn from a seeded random source. */
final class ClipTextures {

    private ClipTextures() {
    }

    /** Camera-like background: two-tone fractal noise, faint diagonal stripes and a vertical light gradient. */
    static byte[] background(Random random, int w, int h) {
        ValueNoise coarse = new ValueNoise(random, 64);
        ValueNoise fine = new ValueNoise(random, 64);
        double[] olive = {70, 112, 96};
        double[] stone = {118, 112, 104};
        byte[] img = new byte[w * h * 3];
        for (int y = 0; y < h; y++) {
            double light = 0.78 + 0.32 * y / h;
            for (int x = 0; x < w; x++) {
                double mix = coarse.fractal(x / 70.0, y / 70.0, 4);
                double grain = fine.fractal(x / 6.0, y / 6.0, 2) - 0.5;
                double stripes = 0.07 * Math.sin((x + 0.6 * y) / 9.0);
                double shade = light * (1 + stripes + 0.25 * grain);
                int o = (y * w + x) * 3;
                for (int c = 0; c < 3; c++) {
                    img[o + c] = clampByte(ValueNoise.lerp(olive[c], stone[c], 1.6 * mix - 0.3) * shade);
                }
            }
        }
        return img;
    }

    /** The occluder: a grey-blue board of horizontal planks (a dark seam every 24 rows) with a grainy surface. */
    static byte[] board(Random random, int w, int h) {
        ValueNoise grain = new ValueNoise(random, 32);
        double[] paint = {112, 98, 86};
        byte[] img = new byte[w * h * 3];
        for (int y = 0; y < h; y++) {
            boolean seam = y % 24 < 2;
            for (int x = 0; x < w; x++) {
                double shade = seam ? 0.45 : 0.8 + 0.4 * grain.fractal(x / 18.0, y / 3.0, 3);
                int o = (y * w + x) * 3;
                for (int c = 0; c < 3; c++) {
                    img[o + c] = clampByte(paint[c] * shade);
                }
            }
        }
        return img;
    }

    private static byte clampByte(double v) {
        return (byte) Math.max(0, Math.min(255, Math.round(v)));
    }
}
