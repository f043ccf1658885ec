package dev.siamtrack.render;

import dev.siamtrack.geom.Box;
import dev.siamtrack.pipeline.FramePacket;
import dev.siamtrack.track.TrackResult;
import java.util.Locale;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point;
import org.bytedeco.opencv.opencv_core.Scalar;

/**
 * Draws the tracking overlay (box coloured by state, score bar, trajectory tail, status line) into a BGR Mat
 * with OpenCV: the same picture as the viewer, for recordings. Points and colours are reused between frames.
 */
final class MatOverlay {

    private final Trail trail = new Trail(40);
    private final Point p1 = new Point();
    private final Point p2 = new Point();
    private final Scalar colour = new Scalar(4);
    private final Scalar dark = new Scalar(30, 30, 30, 0);
    private final Scalar white = new Scalar(255, 255, 255, 0);
    private int lastIndex = Integer.MIN_VALUE;

    void paint(Mat image, FramePacket packet, double fps, double latencyMs) {
        TrackResult result = packet.result();
        if (result == null) {
            trail.clear();
        } else if (packet.index() != lastIndex && !result.box().isAbsent()) {
            trail.add(result.box().cx(), result.box().cy());
        }
        lastIndex = packet.index();
        int thickness = Math.max(1, image.cols() / 400);
        if (packet.searchRegion() != null) {
            colour.put(255, 255, 0, 0);
            rectangle(image, packet.searchRegion(), colour, 1);
        }
        if (result != null && !result.box().isAbsent()) {
            int[] rgb = StateColors.rgb(result.state());
            colour.put(rgb[2], rgb[1], rgb[0], 0);
            for (int i = 1; i < trail.size(); i++) {
                p1.x((int) trail.x(i - 1)).y((int) trail.y(i - 1));
                p2.x((int) trail.x(i)).y((int) trail.y(i));
                opencv_imgproc.line(image, p1, p2, colour, thickness, opencv_imgproc.LINE_AA, 0);
            }
            Box b = result.box();
            rectangle(image, b, colour, thickness + 1);
            int barTop = (int) b.y() - 6 - thickness;
            p1.x((int) b.x()).y(barTop);
            p2.x((int) (b.x() + b.w())).y(barTop + 4);
            opencv_imgproc.rectangle(image, p1, p2, dark, opencv_imgproc.FILLED, 8, 0);
            p2.x((int) (b.x() + b.w() * Math.max(0, Math.min(1, result.score()))));
            opencv_imgproc.rectangle(image, p1, p2, colour, opencv_imgproc.FILLED, 8, 0);
            p1.y(barTop - 4);
            opencv_imgproc.putText(image, String.format(Locale.ROOT, "%s %.2f", result.state(), result.score()),
                    p1, opencv_imgproc.FONT_HERSHEY_SIMPLEX, 0.4 * thickness, colour, thickness, opencv_imgproc.LINE_AA,
                    false);
        }
        p1.x(6).y(16 * thickness);
        opencv_imgproc.putText(image, String.format(Locale.ROOT, "frame %d  %.1f FPS  latency %.0f ms",
                        packet.index(), fps, latencyMs), p1, opencv_imgproc.FONT_HERSHEY_SIMPLEX, 0.45 * thickness,
                white, thickness, opencv_imgproc.LINE_AA, false);
    }

    private void rectangle(Mat image, Box b, Scalar c, int thickness) {
        p1.x((int) Math.round(b.x())).y((int) Math.round(b.y()));
        p2.x((int) Math.round(b.x() + b.w()) - 1).y((int) Math.round(b.y() + b.h()) - 1);
        opencv_imgproc.rectangle(image, p1, p2, c, thickness, opencv_imgproc.LINE_8, 0);
    }
}
