package dev.siamtrack.track;

/**
 * Where, at what size and in what view a target was last tracked with confidence (its last TRACKING frame): a
 * LOST target is searched for at that size, from that place, within the reach of its recent speed
 * ({@link MotionPrior}), and a candidate at that place in that view is the target reappearing where it left.
 */
final class LastSeen {

    private final MotionPrior motion;
    private double w;
    private double h;
    /** The frames' views and the view of the last confident frame; null without re-detection. */
    private final SceneCut scene;
    private final SceneCut.View view;

    /** A target first seen at (cx, cy), w x h, on the frame {@code scene} (nullable) was just given. */
    LastSeen(double cx, double cy, double w, double h, SceneCut scene) {
        this.motion = new MotionPrior(cx, cy);
        this.w = w;
        this.h = h;
        this.scene = scene;
        this.view = scene == null ? null : new SceneCut.View();
        if (scene != null) {
            scene.keep(view);
        }
    }

    /** One more frame. */
    void frame() {
        motion.frame();
    }

    /** The target was tracked with confidence on this frame, at (cx, cy), w x h. */
    void confident(double cx, double cy, double width, double height) {
        motion.confident(cx, cy);
        w = width;
        h = height;
        if (scene != null) {
            scene.keep(view);
        }
    }

    double x() {
        return motion.x();
    }

    double y() {
        return motion.y();
    }

    double w() {
        return w;
    }

    double h() {
        return h;
    }

    /** The longer side. */
    double side() {
        return Math.max(w, h);
    }

    /** Whether the target can have reached (x, y) since ({@link MotionPrior#reaches}). */
    boolean reaches(double x, double y) {
        return motion.reaches(x, y, side());
    }

    /**
     * Whether (x, y) lies within the target's size of where it was last seen, on a frame that shows the view of
     * that frame (the camera came back to it after a cut, or never left): the target reappearing where it left,
     * not a look-alike that happens to stand at that spot in another scene. Needs re-detection (a scene).
     */
    boolean here(double x, double y) {
        return Math.hypot(x - motion.x(), y - motion.y()) <= side() && scene.shows(view);
    }
}
