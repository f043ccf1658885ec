package dev.siamtrack.run;

import java.util.Arrays;

/**
 * Durations in nanoseconds, kept in a fixed ring of the most recent {@code capacity} samples (so a long live
 * run never grows it), summarised as quantiles and mean in milliseconds. Thread-safe: the tracking thread adds
 * while another reports. {@link #quantile} is the project's one quantile rule (numpy's default, linear
 * interpolation between order statistics), also used for arrays of timings.
 */
public final class LatencyStats {

    private final long[] samples;
    private int count;
    private long total;

    public LatencyStats(int capacity) {
        samples = new long[Math.max(1, capacity)];
    }

    public synchronized void add(long nanos) {
        samples[(int) (total % samples.length)] = nanos;
        total++;
        count = (int) Math.min(total, samples.length);
    }

    /** Samples held (at most the capacity). */
    public synchronized int count() {
        return count;
    }

    /** Samples seen in total (the figures cover the last {@code capacity} of them). */
    public synchronized long total() {
        return total;
    }

    public double medianMs() {
        return percentileMs(0.5);
    }

    public double p95Ms() {
        return percentileMs(0.95);
    }

    /** Mean in milliseconds, NaN without samples. */
    public synchronized double meanMs() {
        if (count == 0) {
            return Double.NaN;
        }
        long sum = 0;
        for (int i = 0; i < count; i++) {
            sum += samples[i];
        }
        return sum / 1e6 / count;
    }

    /** Quantile {@code q} (0..1) of the samples in milliseconds, NaN without samples. */
    public synchronized double percentileMs(double q) {
        double[] ms = new double[count];
        for (int i = 0; i < count; i++) {
            ms[i] = samples[i] / 1e6;
        }
        return quantile(ms, q);
    }

    /**
     * The q-quantile (0..1) of the values, linearly interpolated between order statistics (numpy's default);
     * NaN for no values. The array is not modified.
     */
    public static double quantile(double[] values, double q) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        double pos = Math.max(0, Math.min(1, q)) * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(sorted.length - 1, lo + 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }
}
