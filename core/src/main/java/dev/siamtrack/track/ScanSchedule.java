package dev.siamtrack.track;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Where a LOST target is searched for: a grid of search-window centres that covers the whole frame, ordered
 * by distance from where the target was last seen, so the search first widens around that spot and then
 * sweeps the rest of the frame. {@link #next} hands out a few windows per frame and starts over after the
 * last one, spreading a full-frame scan over several frames.
 *
 * <p>{@code coverage} is the side, in frame pixels, of the square of target centres one window can find
 * (the score map's extent); neighbouring windows are a little closer than that so their areas overlap.
 */
public final class ScanSchedule {

    /** Window spacing as a share of the coverage: neighbouring windows overlap by 10%. */
    static final double SPACING = 0.9;

    private final double[] xs;
    private final double[] ys;
    private int cursor;

    /** The windows for a frame of {@code width} x {@code height}, the target last seen at (cx, cy). */
    public ScanSchedule(int width, int height, double coverage, double cx, double cy) {
        if (!(coverage > 0) || width < 1 || height < 1) {
            throw new IllegalArgumentException("coverage and frame size must be positive");
        }
        double step = coverage * SPACING;
        int cols = Math.max(1, (int) Math.ceil(width / step));
        int rows = Math.max(1, (int) Math.ceil(height / step));
        // The grid is centred on the frame; its windows' coverage reaches every pixel.
        double x0 = (width - (cols - 1) * step) / 2;
        double y0 = (height - (rows - 1) * step) / 2;
        List<double[]> centres = new ArrayList<>();
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                centres.add(new double[] {x0 + c * step, y0 + r * step});
            }
        }
        centres.sort(Comparator.comparingDouble(p -> Math.hypot(p[0] - cx, p[1] - cy)));
        xs = centres.stream().mapToDouble(p -> p[0]).toArray();
        ys = centres.stream().mapToDouble(p -> p[1]).toArray();
    }

    /** Windows in one full scan. */
    public int size() {
        return xs.length;
    }

    /** The index of the next window to search (cycling through the scan). */
    public int next() {
        int i = cursor;
        cursor = (cursor + 1) % xs.length;
        return i;
    }

    /** Centre of window {@code i} of the scan order. */
    public double x(int i) {
        return xs[i];
    }

    public double y(int i) {
        return ys[i];
    }
}
