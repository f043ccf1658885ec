package dev.siamtrack.render;

/** The target centre over the last few frames, in a fixed ring (no allocation per frame). */
final class Trail {

    private final double[] xs;
    private final double[] ys;
    private int size;
    private int head;

    Trail(int capacity) {
        xs = new double[capacity];
        ys = new double[capacity];
    }

    void clear() {
        size = 0;
        head = 0;
    }

    void add(double x, double y) {
        xs[head] = x;
        ys[head] = y;
        head = (head + 1) % xs.length;
        size = Math.min(size + 1, xs.length);
    }

    int size() {
        return size;
    }

    /** The i-th point, oldest first. */
    double x(int i) {
        return xs[(head - size + i + xs.length) % xs.length];
    }

    double y(int i) {
        return ys[(head - size + i + ys.length) % ys.length];
    }
}
