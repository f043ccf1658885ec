package dev.siamtrack.bench;

import java.util.Arrays;

/** Per-frame durations in nanoseconds, summarised as median and p95 milliseconds (nearest rank). */
public final class LatencyStats {

    private long[] nanos;
    private int count;

    public LatencyStats(int expected) {
        nanos = new long[Math.max(16, expected)];
    }

    public void add(long n) {
        if (count == nanos.length) {
            nanos = Arrays.copyOf(nanos, count * 2);
        }
        nanos[count++] = n;
    }

    public int count() {
        return count;
    }

    public double medianMs() {
        return percentileMs(0.5);
    }

    public double p95Ms() {
        return percentileMs(0.95);
    }

    public double meanMs() {
        long sum = 0;
        for (int i = 0; i < count; i++) {
            sum += nanos[i];
        }
        return count == 0 ? 0 : sum / 1e6 / count;
    }

    public double percentileMs(double q) {
        if (count == 0) {
            return 0;
        }
        long[] sorted = Arrays.copyOf(nanos, count);
        Arrays.sort(sorted);
        int i = (int) Math.ceil(q * count) - 1;
        return sorted[Math.max(0, Math.min(count - 1, i))] / 1e6;
    }
}
