package dev.siamtrack.track;

/**
 * How crop pixels become network input values: plane order and {@code (pixel * scale - mean[c]) / std[c]},
 * with pixel in 0..255 and c indexing the planes in output order.
 */
public record PixelSpec(boolean channelOrderRgb, double scale, double[] mean, double[] std) {

    /** BGR planes, raw 0..255 values: NanoTrack's input. */
    public static final PixelSpec RAW_BGR = new PixelSpec(false, 1.0, new double[] {0, 0, 0}, new double[] {1, 1, 1});

    /** Multiplier applied to a pixel of output plane {@code c}. */
    public double alpha(int c) {
        return scale / std[c];
    }

    /** Offset added after {@link #alpha(int)}. */
    public double beta(int c) {
        return -mean[c] / std[c];
    }
}
