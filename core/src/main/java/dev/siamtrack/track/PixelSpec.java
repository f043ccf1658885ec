package dev.siamtrack.track;

import java.util.Arrays;

/**
 * How a network wants its input pixels: channel order and normalisation. Output channel {@code k}
 * holds {@code (pixel * scale - mean[k]) / std[k]}; {@code mean} and {@code std} are given in the
 * OUTPUT channel order (RGB order when {@code channelOrderRgb}).
 */
public record PixelSpec(boolean channelOrderRgb, double scale, double[] mean, double[] std) {

    /** BGR, 0..255, no normalisation: what NanoTrack's networks take. */
    public static final PixelSpec RAW_BGR = new PixelSpec(false, 1, new double[] {0, 0, 0}, new double[] {1, 1, 1});

    public PixelSpec {
        if (mean == null || mean.length != 3 || std == null || std.length != 3) {
            throw new IllegalArgumentException("mean and std need 3 values each");
        }
        if (!(Double.isFinite(scale) && scale != 0)) {
            throw new IllegalArgumentException("scale must be a finite non-zero number, got " + scale);
        }
        for (int k = 0; k < 3; k++) {
            if (!(Double.isFinite(std[k]) && std[k] != 0) || !Double.isFinite(mean[k])) {
                throw new IllegalArgumentException("mean must be finite and std finite and non-zero, got mean "
                        + Arrays.toString(mean) + " std " + Arrays.toString(std));
            }
        }
        mean = mean.clone();
        std = std.clone();
    }

    @Override
    public double[] mean() {
        return mean.clone();
    }

    @Override
    public double[] std() {
        return std.clone();
    }

    /** Multiplier of the 0..255 pixel value for output channel {@code k}. */
    public double alpha(int k) {
        return scale / std[k];
    }

    /** Offset added after {@link #alpha(int)} for output channel {@code k}. */
    public double beta(int k) {
        return -mean[k] / std[k];
    }

    /** Index in the BGR frame of the channel that goes to output channel {@code k}. */
    public int sourceChannel(int k) {
        return channelOrderRgb ? 2 - k : k;
    }

    /** True when the values are the raw 0..255 pixels (no scaling, no mean, no std). */
    public boolean isIdentity() {
        for (int k = 0; k < 3; k++) {
            if (alpha(k) != 1 || beta(k) != 0) {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PixelSpec p && p.channelOrderRgb == channelOrderRgb && p.scale == scale
                && Arrays.equals(p.mean, mean) && Arrays.equals(p.std, std);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Boolean.hashCode(channelOrderRgb) + Double.hashCode(scale))
                + 17 * Arrays.hashCode(mean) + Arrays.hashCode(std);
    }

    @Override
    public String toString() {
        return "PixelSpec[" + (channelOrderRgb ? "RGB" : "BGR") + ", scale " + scale + ", mean "
                + Arrays.toString(mean) + ", std " + Arrays.toString(std) + "]";
    }
}
