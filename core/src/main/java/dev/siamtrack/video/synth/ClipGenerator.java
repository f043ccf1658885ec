package dev.siamtrack.video.synth;

import dev.siamtrack.geom.Box;
import dev.siamtrack.video.synth.ClipEvents.FrameRange;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Renders a synthetic tracking clip with known ground truth: a patterned ellipse (the target) moving
 * along a smooth path over a textured, slowly panning background, growing to 1.8x its size and back,
 * passed closely by a look-alike, fully hidden for a few frames by a board sliding over it and,
 * optionally, leaving the frame for a while. Everything is a pure function of the {@link ClipConfig},
 * so a seed always gives the same frames.
 *
 * <p>Geometry: pixel (px, py) covers [px, px+1) x [py, py+1); a shape covers the pixel when it
 * contains the pixel centre. The target is the ellipse with centre (cx, cy) and semi-axes (a, b);
 * its ground truth is (cx - a, cy - b, 2a, 2b) clipped to the frame, or NaN when no target pixel
 * is inside the frame.
 */
public final class ClipGenerator {

    /** Largest camera pan in pixels; the background canvas is this much larger on every side. */
    private static final int PAN = 40;
    private static final double MAX_SCALE = 1.8;
    private static final double DISTRACTOR_SPEED = 3.2;
    /** How far (in pixels) beyond the frame border the target is parked while out of view. */
    private static final double OUT_MARGIN = 2;

    static final int[] TARGET_FIRST = {20, 130, 245};
    static final int[] TARGET_SECOND = {190, 80, 25};
    static final int[] DISTRACTOR_FIRST = {35, 115, 230};
    private static final int[] DISTRACTOR_SECOND = {175, 95, 45};

    /** An ellipse on the image plane: centre, semi-axes and the rotation of its pattern. */
    record Ellipse(double cx, double cy, double a, double b, double rotation) {
        boolean covers(int px, int py) {
            double u = (px + 0.5 - cx) / a;
            double v = (py + 0.5 - cy) / b;
            return u * u + v * v <= 1;
        }
    }

    private final ClipConfig config;
    private final int width;
    private final int height;
    private final int canvasWidth;
    private final byte[] canvas;
    private final PatternedDisc targetDisc = new PatternedDisc(TARGET_FIRST, TARGET_SECOND);
    private final PatternedDisc distractorDisc = new PatternedDisc(DISTRACTOR_FIRST, DISTRACTOR_SECOND);

    private final double semiA;
    private final double semiB;
    private final double periodX;
    private final double periodY;
    private final double phaseX;
    private final double phaseY;
    private final double panPhaseX;
    private final double panPhaseY;
    private final double spin;

    private final int leaveEdge;

    private final double distractorX;
    private final double distractorY;
    private final double distractorVx;
    private final double distractorVy;
    private final double distractorA;
    private final double distractorB;
    private final double distractorSpin;

    private final Occluder occluder;

    private final Box[] groundTruth;
    private final ClipEvents events;

    public ClipGenerator(ClipConfig config) {
        this.config = config;
        this.width = config.width();
        this.height = config.height();
        Random random = new Random(config.seed());

        canvasWidth = width + 2 * PAN;
        canvas = ClipTextures.background(random, canvasWidth, height + 2 * PAN);

        semiA = width * 0.044;
        semiB = height * 0.042;
        periodX = 170 + 50 * random.nextDouble();
        periodY = 240 + 60 * random.nextDouble();
        phaseX = 2 * Math.PI * random.nextDouble();
        phaseY = 2 * Math.PI * random.nextDouble();
        panPhaseX = 2 * Math.PI * random.nextDouble();
        panPhaseY = 2 * Math.PI * random.nextDouble();
        spin = (random.nextBoolean() ? 1 : -1) * 0.012;

        leaveEdge = config.leaves() ? nearestEdge(config.leaveFrame() + ClipConfig.LEAVE_RAMP_FRAMES) : -1;

        // The look-alike crosses the target's path in the opposite direction, passing at a gap of
        // about a fifth of their summed extents at the configured frame.
        double td = config.distractorFrame();
        Ellipse atPass = target(td);
        double[] dir = direction(target(td - 0.5), target(td + 0.5));
        double side = random.nextBoolean() ? 1 : -1;
        distractorA = atPass.a() * 0.92;
        distractorB = atPass.b() * 0.92;
        double nx = -dir[1] * side;
        double ny = dir[0] * side;
        double reach = 1.2 * (Math.hypot(atPass.a() * nx, atPass.b() * ny) + Math.hypot(distractorA * nx, distractorB * ny));
        if (!inside(atPass.cx() + nx * reach, atPass.cy() + ny * reach)) {
            nx = -nx;
            ny = -ny;
        }
        distractorX = atPass.cx() + nx * reach;
        distractorY = atPass.cy() + ny * reach;
        double turn = (random.nextDouble() - 0.5) * 0.8;
        distractorVx = -DISTRACTOR_SPEED * (dir[0] * Math.cos(turn) - dir[1] * Math.sin(turn));
        distractorVy = -DISTRACTOR_SPEED * (dir[0] * Math.sin(turn) + dir[1] * Math.cos(turn));
        distractorSpin = -spin * 0.8;

        occluder = new Occluder(config, this::target, random);
        groundTruth = new Box[config.frames()];
        events = measure();
    }

    public ClipConfig config() {
        return config;
    }

    public int frameCount() {
        return config.frames();
    }

    /** Ground truth of frame {@code index}: the target's box clipped to the frame, or {@link Box#ABSENT}. */
    public Box groundTruth(int index) {
        return groundTruth[index];
    }

    /** The look-alike's box on frame {@code index}, clipped to the frame, or {@link Box#ABSENT} when it is outside. */
    public Box distractorBox(int index) {
        Ellipse d = distractor(index);
        Box box = new Box(d.cx() - d.a(), d.cy() - d.b(), 2 * d.a(), 2 * d.b());
        return box.x() >= width || box.y() >= height || box.x() + box.w() <= 0 || box.y() + box.h() <= 0
                ? Box.ABSENT : box.clip(width, height);
    }

    public List<Box> groundTruth() {
        return List.of(groundTruth);
    }

    public ClipEvents events() {
        return events;
    }

    /** Renders frame {@code index} as packed BGR bytes, {@code width * 3} bytes per row. */
    public void renderFrame(int index, byte[] bgr) {
        if (bgr.length != width * height * 3) {
            throw new IllegalArgumentException("need " + width * height * 3 + " bytes, got " + bgr.length);
        }
        int panX = PAN + (int) Math.round(PAN * 0.8 * Math.sin(2 * Math.PI * index / 260.0 + panPhaseX));
        int panY = PAN + (int) Math.round(PAN * 0.5 * Math.sin(2 * Math.PI * index / 340.0 + panPhaseY));
        for (int y = 0; y < height; y++) {
            System.arraycopy(canvas, ((y + panY) * canvasWidth + panX) * 3, bgr, y * width * 3, width * 3);
        }
        paintEllipse(distractor(index), distractorDisc, bgr);
        paintEllipse(target(index), targetDisc, bgr);
        occluder.paint(index, bgr, width, height);
    }

    /** Renders frame {@code index} into {@code out}, (re)allocating it as CV_8UC3 of the clip's size if needed. */
    public void renderFrame(int index, Mat out, byte[] scratch) {
        renderFrame(index, scratch);
        out.create(height, width, opencv_core.CV_8UC3);
        BytePointer data = out.data();
        for (int y = 0; y < height; y++) {
            data.position(y * out.step()).put(scratch, y * width * 3, width * 3);
        }
        data.position(0);
    }

    /** The target ellipse at (possibly fractional) time {@code t}. */
    Ellipse target(double t) {
        double s = scale(t);
        double a = semiA * s;
        double b = semiB * s;
        double cx = pathX(t);
        double cy = pathY(t);
        double w = leaveWeight(t);
        if (w > 0) {
            double outX = cx;
            double outY = cy;
            switch (leaveEdge) {
                case 0 -> outX = -(a + OUT_MARGIN);
                case 1 -> outX = width + a + OUT_MARGIN;
                case 2 -> outY = -(b + OUT_MARGIN);
                default -> outY = height + b + OUT_MARGIN;
            }
            cx += w * (outX - cx);
            cy += w * (outY - cy);
        }
        return new Ellipse(cx, cy, a, b, spin * t);
    }

    /** The target's centre on its smooth path, before any excursion out of the frame. */
    private double pathX(double t) {
        return width * (0.5 + 0.27 * Math.sin(2 * Math.PI * t / periodX + phaseX));
    }

    private double pathY(double t) {
        return height * (0.5 + 0.2 * Math.sin(2 * Math.PI * t / periodY + phaseY));
    }

    Ellipse distractor(double t) {
        double dt = t - config.distractorFrame();
        double wobble = 10 * Math.sin(2 * Math.PI * dt / 70);
        double norm = Math.hypot(distractorVx, distractorVy);
        double cx = distractorX + distractorVx * dt - distractorVy / norm * wobble;
        double cy = distractorY + distractorVy * dt + distractorVx / norm * wobble;
        return new Ellipse(cx, cy, distractorA, distractorB, 1.3 + distractorSpin * t);
    }

    PatternedDisc targetDisc() {
        return targetDisc;
    }

    /** Size relative to the first frame: 1 at both ends of the clip, {@link #MAX_SCALE} in the middle. */
    private double scale(double t) {
        double phase = t / Math.max(1, config.frames() - 1);
        return 1 + (MAX_SCALE - 1) * 0.5 * (1 - Math.cos(2 * Math.PI * phase));
    }

    /**
     * 0 on the path, 1 parked outside the frame: rises linearly over the ramp, holds for the configured
     * out frames, and falls back over the ramp.
     */
    private double leaveWeight(double t) {
        if (!config.leaves()) {
            return 0;
        }
        double ramp = ClipConfig.LEAVE_RAMP_FRAMES;
        double start = config.leaveFrame();
        double back = start + ramp + config.outFrames();
        if (t <= start || t >= back + ramp - 1) {
            return 0;
        }
        if (t < start + ramp) {
            return (t - start) / ramp;
        }
        if (t < back) {
            return 1;
        }
        return 1 - (t - back + 1) / ramp;
    }

    /** 0 left, 1 right, 2 top, 3 bottom: the frame edge nearest to the target's path at time t. */
    private int nearestEdge(double t) {
        double x = pathX(t);
        double y = pathY(t);
        double[] gaps = {x, width - x, y, height - y};
        int best = 0;
        for (int i = 1; i < gaps.length; i++) {
            if (gaps[i] < gaps[best]) {
                best = i;
            }
        }
        return best;
    }

    private boolean inside(double x, double y) {
        return x > 0 && x < width && y > 0 && y < height;
    }

    private static double[] direction(Ellipse from, Ellipse to) {
        double dx = to.cx() - from.cx();
        double dy = to.cy() - from.cy();
        double n = Math.hypot(dx, dy);
        return n < 1e-6 ? new double[] {1, 0} : new double[] {dx / n, dy / n};
    }

    /** Counts target pixels per frame (in frame, visible) and derives the ground truth and the events. */
    private ClipEvents measure() {
        int n = config.frames();
        boolean[] full = new boolean[n];
        boolean[] partial = new boolean[n];
        boolean[] out = new boolean[n];
        boolean[] cut = new boolean[n];
        int closest = 0;
        double closestGap = Double.MAX_VALUE;
        double minScale = Double.MAX_VALUE;
        double maxScale = 0;
        for (int t = 0; t < n; t++) {
            Ellipse e = target(t);
            int total = 0;
            int inFrame = 0;
            int visible = 0;
            for (int py = (int) Math.floor(e.cy() - e.b()); py <= Math.ceil(e.cy() + e.b()); py++) {
                for (int px = (int) Math.floor(e.cx() - e.a()); px <= Math.ceil(e.cx() + e.a()); px++) {
                    if (!e.covers(px, py)) {
                        continue;
                    }
                    total++;
                    if (px >= 0 && px < width && py >= 0 && py < height) {
                        inFrame++;
                        if (!occluder.hides(t, px, py)) {
                            visible++;
                        }
                    }
                }
            }
            out[t] = inFrame == 0;
            cut[t] = inFrame > 0 && inFrame < total;
            full[t] = inFrame > 0 && visible == 0;
            partial[t] = visible > 0 && visible < inFrame;
            groundTruth[t] = out[t] ? Box.ABSENT
                    : new Box(e.cx() - e.a(), e.cy() - e.b(), 2 * e.a(), 2 * e.b()).clip(width, height);
            Ellipse d = distractor(t);
            double gap = Math.hypot(d.cx() - e.cx(), d.cy() - e.cy());
            if (gap < closestGap) {
                closestGap = gap;
                closest = t;
            }
            minScale = Math.min(minScale, e.a() / semiA);
            maxScale = Math.max(maxScale, e.a() / semiA);
        }
        return new ClipEvents(width, height, n, config.fps(), config.seed(),
                ranges(full), ranges(partial), ranges(out), ranges(cut),
                closest, Math.round(closestGap * 10) / 10.0,
                Math.round(minScale * 1000) / 1000.0, Math.round(maxScale * 1000) / 1000.0);
    }

    private static List<FrameRange> ranges(boolean[] flags) {
        List<FrameRange> result = new ArrayList<>();
        int start = -1;
        for (int i = 0; i <= flags.length; i++) {
            boolean on = i < flags.length && flags[i];
            if (on && start < 0) {
                start = i;
            } else if (!on && start >= 0) {
                result.add(new FrameRange(start, i - 1));
                start = -1;
            }
        }
        return List.copyOf(result);
    }

    private void paintEllipse(Ellipse e, PatternedDisc disc, byte[] bgr) {
        int y0 = Math.max(0, (int) Math.floor(e.cy() - e.b()));
        int y1 = Math.min(height - 1, (int) Math.ceil(e.cy() + e.b()));
        int x0 = Math.max(0, (int) Math.floor(e.cx() - e.a()));
        int x1 = Math.min(width - 1, (int) Math.ceil(e.cx() + e.a()));
        for (int py = y0; py <= y1; py++) {
            double v = (py + 0.5 - e.cy()) / e.b();
            for (int px = x0; px <= x1; px++) {
                double u = (px + 0.5 - e.cx()) / e.a();
                if (u * u + v * v <= 1) {
                    disc.colour(u, v, e.rotation(), bgr, (py * width + px) * 3);
                }
            }
        }
    }
}
