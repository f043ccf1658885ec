package dev.siamtrack.bench;

import java.util.Arrays;

/**
 * Durations in nanoseconds, kept in a fixed ring of the most recent {@code capacity} samples (so a long live
 * run never grows it), summarised as nearest-rank percentiles and mean in milliseconds. Thread-safe: the
 * tracking thread adds while another reports.
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

    /** Nearest-rank quantile {@code q} (0..1) in milliseconds, NaN without samples. */
    public synchronized double percentileMs(double q) {
        if (count == 0) {
            return Double.NaN;
        }
        long[] sorted = Arrays.copyOf(samples, count);
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(q * count) - 1;
        return sorted[Math.max(0, Math.min(count - 1, rank))] / 1e6;
    }
}
