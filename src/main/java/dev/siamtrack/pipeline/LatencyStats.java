package dev.siamtrack.pipeline;

import java.util.Arrays;

/** Keeps the most recent durations (nanoseconds) in a fixed ring and reports their median and 95th percentile. */
public final class LatencyStats {

    private final long[] samples;
    private int count;
    private long total;

    public LatencyStats(int capacity) {
        samples = new long[capacity];
    }

    public synchronized void add(long nanos) {
        samples[(int) (total % samples.length)] = nanos;
        total++;
        count = (int) Math.min(total, samples.length);
    }

    /** Samples seen in total (the percentiles cover the last {@code capacity} of them). */
    public synchronized long total() {
        return total;
    }

    public double medianMillis() {
        return percentileMillis(50);
    }

    public double p95Millis() {
        return percentileMillis(95);
    }

    /** Nearest-rank percentile in milliseconds, NaN without samples. */
    private synchronized double percentileMillis(double percent) {
        if (count == 0) {
            return Double.NaN;
        }
        long[] sorted = Arrays.copyOf(samples, count);
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(percent / 100 * count) - 1;
        return sorted[Math.max(0, Math.min(count - 1, rank))] / 1e6;
    }
}
