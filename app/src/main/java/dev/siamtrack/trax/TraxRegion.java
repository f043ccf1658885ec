package dev.siamtrack.trax;

import dev.siamtrack.geom.Box;
import java.util.Locale;

/**
 * The regions of {@code initialize} and {@code state}: a rectangle {@code left,top,width,height} or a polygon
 * {@code x1,y1,x2,y2,...} (at least 3 corners). The tracker follows axis-aligned boxes, so a polygon becomes
 * the box {@link Box#ofPolygon} makes of it: same centre and area as the polygon, the aspect ratio of its
 * bounding box (VOT's and pysot's rule for rotated ground truth).
 */
final class TraxRegion {

    /** What {@code hello} announces: the formats {@link #toBox} reads. */
    static final String FORMATS = "rectangle;polygon;";

    private TraxRegion() {
    }

    /**
     * The box of a region argument.
     *
     * @throws TraxException for another region format (a mask, a special code), a bad number or an empty box
     */
    static Box toBox(String region) throws TraxException {
        if (region.startsWith("m")) {
            throw new TraxException("region " + abbreviate(region) + ": masks are not supported (rectangle or polygon)");
        }
        String[] parts = region.split(",", -1);
        double[] v = new double[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                v[i] = Double.parseDouble(parts[i].strip());
            } catch (NumberFormatException e) {
                throw new TraxException("region " + abbreviate(region) + ": '" + parts[i] + "' is not a number");
            }
            if (!Double.isFinite(v[i])) {
                throw new TraxException("region " + abbreviate(region) + ": '" + parts[i] + "' is not a finite number");
            }
        }
        Box box;
        if (v.length == 4) {
            box = new Box(v[0], v[1], v[2], v[3]);
        } else if (v.length >= 6 && v.length % 2 == 0) {
            box = Box.ofPolygon(v);
        } else {
            throw new TraxException("region " + abbreviate(region) + ": expected a rectangle (4 numbers) or a polygon"
                    + " (an even count of at least 6), got " + v.length + " number(s)");
        }
        if (!(box.w() > 0) || !(box.h() > 0)) {
            throw new TraxException("region " + abbreviate(region) + ": width and height must be positive");
        }
        return box;
    }

    /** A rectangle region with 3 decimals. */
    static String of(Box box) {
        return String.format(Locale.ROOT, "%.3f,%.3f,%.3f,%.3f", box.x(), box.y(), box.w(), box.h());
    }

    private static String abbreviate(String text) {
        return text.length() <= 60 ? text : text.substring(0, 57) + "...";
    }
}
