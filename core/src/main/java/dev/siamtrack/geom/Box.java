package dev.siamtrack.geom;

import java.util.Locale;

/** Axis-aligned box in pixels: top-left corner (x, y), width and height. */
public record Box(double x, double y, double w, double h) {

    /** A box whose coordinates are all NaN: the target is absent (as in UAV123 / GOT-10k ground truth). */
    public static final Box ABSENT = new Box(Double.NaN, Double.NaN, Double.NaN, Double.NaN);

    public static Box ofCenter(double cx, double cy, double w, double h) {
        return new Box(cx - w / 2, cy - h / 2, w, h);
    }

    /** Parses {@code x,y,w,h}; commas, tabs or spaces separate the numbers. */
    public static Box parse(String text) {
        String[] parts = text.trim().split("[,\\s]+");
        if (parts.length != 4) {
            throw new IllegalArgumentException("expected 4 numbers x,y,w,h but got '" + text.trim() + "'");
        }
        double[] v = new double[4];
        for (int i = 0; i < 4; i++) {
            try {
                v[i] = Double.parseDouble(parts[i]);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + parts[i] + "' is not a number in box '" + text.trim() + "'");
            }
        }
        return new Box(v[0], v[1], v[2], v[3]);
    }

    /**
     * The axis-aligned box VOT and pysot make of a polygon (a rotated rectangle in VOT ground truth): the
     * polygon's centre (mean of its corners), its area (shoelace formula) and the aspect ratio of its bounding box.
     * {@code xy} holds x1,y1,x2,y2,... for 3 or more corners. A polygon of zero width or height gives a zero-size
     * box at its centre; any NaN coordinate gives {@link #ABSENT}.
     *
     * @throws IllegalArgumentException when {@code xy} is not an even count of at least 6 numbers
     */
    public static Box ofPolygon(double[] xy) {
        if (xy.length < 6 || xy.length % 2 != 0) {
            throw new IllegalArgumentException("a polygon needs an even count of at least 6 numbers, got " + xy.length);
        }
        int corners = xy.length / 2;
        double cx = 0;
        double cy = 0;
        double minX = Double.POSITIVE_INFINITY;
        double maxX = Double.NEGATIVE_INFINITY;
        double minY = Double.POSITIVE_INFINITY;
        double maxY = Double.NEGATIVE_INFINITY;
        double twiceArea = 0;
        for (int k = 0; k < corners; k++) {
            double x = xy[2 * k];
            double y = xy[2 * k + 1];
            double nx = xy[(2 * k + 2) % xy.length];
            double ny = xy[(2 * k + 3) % xy.length];
            cx += x / corners;
            cy += y / corners;
            minX = Math.min(minX, x);
            maxX = Math.max(maxX, x);
            minY = Math.min(minY, y);
            maxY = Math.max(maxY, y);
            twiceArea += x * ny - nx * y;
        }
        double bw = maxX - minX;
        double bh = maxY - minY;
        if (Double.isNaN(cx) || Double.isNaN(cy)) {
            return ABSENT;
        }
        if (bw <= 0 || bh <= 0) {
            return ofCenter(cx, cy, 0, 0);
        }
        double s = Math.sqrt(Math.abs(twiceArea) / 2 / (bw * bh));
        return ofCenter(cx, cy, bw * s, bh * s);
    }

    public double cx() {
        return x + w / 2;
    }

    public double cy() {
        return y + h / 2;
    }

    public double area() {
        return w > 0 && h > 0 ? w * h : 0;
    }

    public boolean isAbsent() {
        return Double.isNaN(x) || Double.isNaN(y) || Double.isNaN(w) || Double.isNaN(h);
    }

    /** Intersection over union; 0 when either box is empty, -1 when either is absent. */
    public double iou(Box o) {
        if (isAbsent() || o.isAbsent()) {
            return -1;
        }
        double ix = Math.min(x + w, o.x + o.w) - Math.max(x, o.x);
        double iy = Math.min(y + h, o.y + o.h) - Math.max(y, o.y);
        if (ix <= 0 || iy <= 0) {
            return 0;
        }
        double inter = ix * iy;
        double union = area() + o.area() - inter;
        return union > 0 ? inter / union : 0;
    }

    /** This box clipped to the image rectangle [0,width) x [0,height). */
    public Box clip(double width, double height) {
        double x1 = Math.max(0, Math.min(width, x));
        double y1 = Math.max(0, Math.min(height, y));
        double x2 = Math.max(0, Math.min(width, x + w));
        double y2 = Math.max(0, Math.min(height, y + h));
        return new Box(x1, y1, x2 - x1, y2 - y1);
    }

    /** The smallest width and height a user's target box may have, in pixels ({@link #checkSize}). */
    public static final double MIN_SIDE = 1;

    /**
     * The rule for a target box given by a user (command line, targets file, viewer, server): at least a pixel
     * wide and high ({@link #checkSize}) and entirely inside the {@code width} x {@code height} frame.
     *
     * @throws IllegalArgumentException saying what is wrong, starting with the box
     */
    public void checkInside(int width, int height) {
        checkSize();
        if (!(x >= 0) || !(y >= 0) || x + w > width || y + h > height) {
            throw new IllegalArgumentException(this + " is not inside the " + width + "x" + height + " frame");
        }
    }

    /**
     * The size half of {@link #checkInside}: a finite width and height of at least {@link #MIN_SIDE} pixel (a
     * smaller box has no pixel to make a template of, and the tracker's crop of it is empty).
     */
    public void checkSize() {
        if (!(w > 0) || !(h > 0) || Double.isInfinite(w) || Double.isInfinite(h)) {
            throw new IllegalArgumentException(this + ": width and height must be positive");
        }
        if (w < MIN_SIDE || h < MIN_SIDE) {
            throw new IllegalArgumentException(this + ": the box is smaller than one pixel (width and height must be at least "
                    + (int) MIN_SIDE + ")");
        }
    }

    /** {@code x,y,w,h} with up to 2 decimals, the OTB result-file line. */
    public String toCsv() {
        return String.format(Locale.ROOT, "%.2f,%.2f,%.2f,%.2f", x, y, w, h);
    }

    @Override
    public String toString() {
        return toCsv();
    }
}
