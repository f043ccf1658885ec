package dev.siamtrack.video.synth;

import dev.siamtrack.video.synth.ClipGenerator.Ellipse;
import java.util.Random;
import java.util.function.DoubleFunction;

/**
 * The board that slides down through the target's position at the middle of the occlusion: just large
 * enough to contain the target's box on every frame of the occlusion, so that the target is fully hidden
 * then and only partly before and after.
 */
final class Occluder {

    /** The occluder crosses the frame height in this many frames. */
    private static final double CROSSING_FRAMES = 40;

    private final double x;
    private final double y;
    private final double midFrame;
    private final double speed;
    private final double halfW;
    private final double halfH;
    private final int textureW;
    private final int textureH;
    private final byte[] texture;

    /** Places the board over {@code target}'s path; draws its texture from {@code random}. */
    Occluder(ClipConfig config, DoubleFunction<Ellipse> target, Random random) {
        int first = config.occlusionFrame();
        int last = first + config.occlusionFrames() - 1;
        midFrame = (first + last) / 2.0;
        Ellipse mid = target.apply(midFrame);
        x = mid.cx();
        y = mid.cy();
        speed = config.height() / CROSSING_FRAMES;
        double w = 0;
        double h = 0;
        for (int t = first; t <= last; t++) {
            Ellipse e = target.apply(t);
            w = Math.max(w, Math.abs(e.cx() - x) + e.a());
            h = Math.max(h, Math.abs(e.cy() - centreY(t)) + e.b());
        }
        halfW = w + 1;
        halfH = h + 1;
        textureW = (int) Math.ceil(2 * halfW) + 2;
        textureH = (int) Math.ceil(2 * halfH) + 2;
        texture = ClipTextures.board(random, textureW, textureH);
    }

    double centreY(double t) {
        return y + speed * (t - midFrame);
    }

    /** Whether the board covers the centre of pixel (px, py) on frame {@code t}. */
    boolean hides(int t, int px, int py) {
        double left = x - halfW;
        double top = centreY(t) - halfH;
        double cx = px + 0.5;
        double cy = py + 0.5;
        return cx >= left && cx < left + 2 * halfW && cy >= top && cy < top + 2 * halfH;
    }

    /** Paints the board of frame {@code t} into a packed BGR frame of {@code width x height}. */
    void paint(int t, byte[] bgr, int width, int height) {
        double left = x - halfW;
        double top = centreY(t) - halfH;
        // Pixels whose centre lies in [left, left + 2 halfW) x [top, top + 2 halfH).
        int x0 = Math.max(0, (int) Math.ceil(left - 0.5));
        int x1 = Math.min(width, (int) Math.ceil(left + 2 * halfW - 0.5));
        int y0 = Math.max(0, (int) Math.ceil(top - 0.5));
        int y1 = Math.min(height, (int) Math.ceil(top + 2 * halfH - 0.5));
        int texLeft = (int) Math.floor(left);
        int texTop = (int) Math.floor(top);
        for (int py = y0; py < y1; py++) {
            int ty = Math.min(textureH - 1, Math.max(0, py - texTop));
            for (int px = x0; px < x1; px++) {
                int tx = Math.min(textureW - 1, Math.max(0, px - texLeft));
                System.arraycopy(texture, (ty * textureW + tx) * 3, bgr, (py * width + px) * 3, 3);
            }
        }
    }
}
