package dev.siamtrack.video.synth;

import java.util.Random;

/** Smooth 2-D value noise in [0, 1]: random values on a square lattice, interpolated with smoothstep. */
final class ValueNoise {

    private final int size;
    private final float[] lattice;

    /** A lattice of {@code size x size} random values that wraps around, so any coordinate is valid. */
    ValueNoise(Random random, int size) {
        this.size = size;
        this.lattice = new float[size * size];
        for (int i = 0; i < lattice.length; i++) {
            lattice[i] = random.nextFloat();
        }
    }

    /** Noise at (x, y) in lattice units. */
    double at(double x, double y) {
        int x0 = (int) Math.floor(x);
        int y0 = (int) Math.floor(y);
        double fx = smooth(x - x0);
        double fy = smooth(y - y0);
        double top = lerp(value(x0, y0), value(x0 + 1, y0), fx);
        double bottom = lerp(value(x0, y0 + 1), value(x0 + 1, y0 + 1), fx);
        return lerp(top, bottom, fy);
    }

    /** Sum of octaves with halving amplitude and doubling frequency, normalised to [0, 1]. */
    double fractal(double x, double y, int octaves) {
        double sum = 0;
        double amplitude = 1;
        double total = 0;
        double frequency = 1;
        for (int o = 0; o < octaves; o++) {
            sum += amplitude * at(x * frequency + 17.3 * o, y * frequency + 5.1 * o);
            total += amplitude;
            amplitude *= 0.5;
            frequency *= 2;
        }
        return sum / total;
    }

    private double value(int x, int y) {
        return lattice[Math.floorMod(y, size) * size + Math.floorMod(x, size)];
    }

    private static double smooth(double t) {
        return t * t * (3 - 2 * t);
    }

    static double lerp(double a, double b, double t) {
        return a + (b - a) * t;
    }
}
