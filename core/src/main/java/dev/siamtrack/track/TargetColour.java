package dev.siamtrack.track;

import java.util.Arrays;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * The colour of a target, a cue the small backbones' embeddings largely ignore: a hue-saturation histogram of
 * the central part of its box (where the target is, not the background around it). Chromatic pixels spread
 * over the two nearest hue bins (hue is circular) and the two nearest saturation bins, so a small shift of
 * colour moves weight gradually instead of jumping bins; grey pixels (low saturation or dark, where hue means
 * nothing) count by brightness in bins of their own. Two histograms are compared by their Bhattacharyya
 * coefficient (1: the same colours, 0: none in common). Buffers are sized once; a comparison allocates nothing.
 */
final class TargetColour {

    static final int HUE_BINS = 16;
    static final int SATURATION_BINS = 4;
    static final int GREY_BINS = 4;
    /** Saturation (0-255) under which a pixel counts as grey. */
    static final int GREY_SATURATION = 40;
    /** Brightness (0-255) under which a pixel counts as grey (dark). */
    static final int GREY_VALUE = 40;
    /** Share of the box's width and height, around its centre, that the histogram is taken from. */
    static final double CENTRE_SHARE = 0.5;
    /** At most this many samples along each side of that part (larger boxes are sampled with a stride). */
    static final int MAX_SAMPLES = 32;

    private static final int CHROMATIC_BINS = HUE_BINS * SATURATION_BINS;

    private final float[] reference = new float[CHROMATIC_BINS + GREY_BINS];
    private final float[] histogram = new float[CHROMATIC_BINS + GREY_BINS];
    private byte[] row = new byte[0];

    /** The histogram of the box centred at (cx, cy), w x h, on {@code frame} (8-bit BGR) becomes the reference. */
    TargetColour(Mat frame, double cx, double cy, double w, double h) {
        measure(frame, cx, cy, w, h, reference);
    }

    /** Bhattacharyya coefficient of the box centred at (cx, cy), w x h, on {@code frame} with the reference. */
    double similarity(Mat frame, double cx, double cy, double w, double h) {
        measure(frame, cx, cy, w, h, histogram);
        double sum = 0;
        for (int i = 0; i < reference.length; i++) {
            sum += Math.sqrt(reference[i] * histogram[i]);
        }
        return sum;
    }

    /** Writes the normalised histogram of the central part of the box (clipped to the frame) into {@code into}. */
    private void measure(Mat frame, double cx, double cy, double w, double h, float[] into) {
        Arrays.fill(into, 0);
        int x0 = (int) Math.max(0, Math.round(cx - CENTRE_SHARE * w / 2));
        int x1 = (int) Math.min(frame.cols(), Math.round(cx + CENTRE_SHARE * w / 2));
        int y0 = (int) Math.max(0, Math.round(cy - CENTRE_SHARE * h / 2));
        int y1 = (int) Math.min(frame.rows(), Math.round(cy + CENTRE_SHARE * h / 2));
        if (x1 <= x0 || y1 <= y0) {
            return;
        }
        int stepX = Math.max(1, (x1 - x0 + MAX_SAMPLES - 1) / MAX_SAMPLES);
        int stepY = Math.max(1, (y1 - y0 + MAX_SAMPLES - 1) / MAX_SAMPLES);
        int bytes = (x1 - x0) * 3;
        if (row.length < bytes) {
            row = new byte[bytes];
        }
        BytePointer data = frame.data();
        long step = frame.step();
        float total = 0;
        for (int y = y0; y < y1; y += stepY) {
            data.position(y * step + x0 * 3L).get(row, 0, bytes);
            for (int i = 0; i < bytes; i += 3 * stepX) {
                add(row[i] & 0xff, row[i + 1] & 0xff, row[i + 2] & 0xff, into);
                total++;
            }
        }
        for (int i = 0; i < into.length; i++) {
            into[i] /= total;
        }
    }

    /** Adds one BGR pixel to {@code into}. */
    private static void add(int b, int g, int r, float[] into) {
        int max = Math.max(r, Math.max(g, b));
        int min = Math.min(r, Math.min(g, b));
        int chroma = max - min;
        int saturation = max == 0 ? 0 : 255 * chroma / max;
        if (saturation < GREY_SATURATION || max < GREY_VALUE) {
            into[CHROMATIC_BINS + Math.min(GREY_BINS - 1, max * GREY_BINS / 256)] += 1;
            return;
        }
        double hue; // in [0, 6): sextants of the colour circle
        if (max == r) {
            hue = (g - b) / (double) chroma;
            if (hue < 0) {
                hue += 6;
            }
        } else if (max == g) {
            hue = 2 + (b - r) / (double) chroma;
        } else {
            hue = 4 + (r - g) / (double) chroma;
        }
        // Bin centres at (i + 0.5) * width; weight split linearly between the two nearest.
        double hu = hue * HUE_BINS / 6 - 0.5;
        int h0 = (int) Math.floor(hu);
        double hf = hu - h0;
        int hLow = Math.floorMod(h0, HUE_BINS);
        int hHigh = Math.floorMod(h0 + 1, HUE_BINS);
        double su = (saturation - GREY_SATURATION) * SATURATION_BINS / (double) (256 - GREY_SATURATION) - 0.5;
        su = Math.max(0, Math.min(SATURATION_BINS - 1, su));
        int s0 = Math.min(SATURATION_BINS - 2, (int) Math.floor(su));
        double sf = su - s0;
        into[hLow * SATURATION_BINS + s0] += (float) ((1 - hf) * (1 - sf));
        into[hLow * SATURATION_BINS + s0 + 1] += (float) ((1 - hf) * sf);
        into[hHigh * SATURATION_BINS + s0] += (float) (hf * (1 - sf));
        into[hHigh * SATURATION_BINS + s0 + 1] += (float) (hf * sf);
    }
}
