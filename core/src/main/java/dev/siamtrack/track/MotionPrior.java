package dev.siamtrack.track;

/**
 * How far a target can have gone since it was last tracked with confidence: its size plus {@link #SPEED_SLACK}
 * times the distance its recent mean speed on confident frames covers over the frames since. A candidate farther
 * away is a look-alike, however well it matches.
 */
final class MotionPrior {

    /** How much faster than its recent mean speed the target may have moved. */
    static final double SPEED_SLACK = 2;

    /** Centre on the last confident frame. */
    private double x;
    private double y;
    private int sinceConfident;
    /** Running mean of the distance per frame between confident frames; NaN before the second. */
    private double speed = Double.NaN;

    MotionPrior(double x, double y) {
        this.x = x;
        this.y = y;
    }

    /** One more frame. */
    void frame() {
        sinceConfident++;
    }

    /** The target was tracked with confidence at (cx, cy) on this frame. */
    void confident(double cx, double cy) {
        double step = Math.hypot(cx - x, cy - y) / sinceConfident;
        speed = Double.isNaN(speed) ? step : speed + TargetAppearance.RATE * (step - speed);
        x = cx;
        y = cy;
        sinceConfident = 0;
    }

    /** Whether (cx, cy) is within reach of a target of {@code size} (its longer side). */
    boolean reaches(double cx, double cy, double size) {
        double known = Double.isNaN(speed) ? 0 : speed;
        return Math.hypot(cx - x, cy - y) <= size + SPEED_SLACK * known * sinceConfident;
    }

    /** Centre on the last confident frame. */
    double x() {
        return x;
    }

    double y() {
        return y;
    }
}
