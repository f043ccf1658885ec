package dev.siamtrack.eval;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * A second, deliberately different implementation of the OTB success AUC and precision, used only to check
 * {@link Metrics}: boxes are plain double[4] arrays read straight from text, IoU uses pysot's inclusive-pixel
 * corner formula, and the curves come from sorted arrays and binary search instead of per-threshold loops.
 */
final class ReferenceMetrics {

    private ReferenceMetrics() {
    }

    /** Rows of x,y,w,h read from an OTB text file; "NaN" parses as NaN. */
    static double[][] readBoxes(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file).stream().filter(l -> !l.isBlank()).toList();
        double[][] rows = new double[lines.size()][];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = Arrays.stream(lines.get(i).trim().split("[,\t ]+")).mapToDouble(Double::parseDouble).toArray();
        }
        return rows;
    }

    static double successAuc(double[][] truth, double[][] result) {
        double[] iou = new double[truth.length];
        for (int i = 0; i < truth.length; i++) {
            iou[i] = valid(truth[i]) ? inclusiveIou(truth[i], result[i]) : -1;
        }
        Arrays.sort(iou);
        double sum = 0;
        for (int k = 0; k <= 20; k++) {
            double threshold = k * 0.05;
            sum += (iou.length - countAtMost(iou, threshold)) / (double) iou.length;
        }
        return sum / 21;
    }

    static double precisionAt(double[][] truth, double[][] result, double pixels) {
        double[] error = new double[truth.length];
        for (int i = 0; i < truth.length; i++) {
            if (!valid(truth[i]) || Double.isNaN(result[i][0])) {
                error[i] = Double.MAX_VALUE;
                continue;
            }
            double dx = (result[i][0] + (result[i][2] - 1) / 2) - (truth[i][0] + (truth[i][2] - 1) / 2);
            double dy = (result[i][1] + (result[i][3] - 1) / 2) - (truth[i][1] + (truth[i][3] - 1) / 2);
            error[i] = Math.sqrt(dx * dx + dy * dy);
        }
        Arrays.sort(error);
        return countAtMost(error, pixels) / (double) error.length;
    }

    private static boolean valid(double[] box) {
        return box[2] > 0 && box[3] > 0;
    }

    /** pysot's overlap_ratio: corners as inclusive pixel indices, clamped to [0, 1]. */
    private static double inclusiveIou(double[] a, double[] b) {
        if (!(b[2] > 0 && b[3] > 0)) {
            return 0;
        }
        double left = Math.max(a[0], b[0]);
        double right = Math.min(a[0] + a[2] - 1, b[0] + b[2] - 1);
        double top = Math.max(a[1], b[1]);
        double bottom = Math.min(a[1] + a[3] - 1, b[1] + b[3] - 1);
        double intersect = Math.max(0, right - left + 1) * Math.max(0, bottom - top + 1);
        double union = a[2] * a[3] + b[2] * b[3] - intersect;
        return Math.max(0, Math.min(1, intersect / union));
    }

    /** Number of values <= limit in an ascending array (binary search for the first value above it). */
    private static int countAtMost(double[] sorted, double limit) {
        int lo = 0;
        int hi = sorted.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] <= limit) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
