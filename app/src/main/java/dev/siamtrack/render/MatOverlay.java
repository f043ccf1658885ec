package dev.siamtrack.render;

import dev.siamtrack.draw.FrameAnnotator;
import dev.siamtrack.geom.Box;
import dev.siamtrack.pipeline.FramePacket;
import dev.siamtrack.track.TargetResult;
import java.util.List;
import java.util.Locale;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point;
import org.bytedeco.opencv.opencv_core.Scalar;

/**
 * The viewer's overlay drawn into a BGR Mat with OpenCV, for live recordings: {@link FrameAnnotator}'s boxes and
 * tags plus each target's score bar (in its state's colour) and trajectory tail (in its own colour), the
 * search region and an FPS / latency line. Points, colours and trails are reused between frames.
 */
final class MatOverlay implements AutoCloseable {

    private final FrameAnnotator annotator = new FrameAnnotator();
    private final Trails trails = new Trails();
    private final Point p1 = new Point();
    private final Point p2 = new Point();
    private final Scalar cyan = new Scalar(255, 255, 0, 0);
    private final Scalar dark = new Scalar(30, 30, 30, 0);
    private final Scalar white = new Scalar(255, 255, 255, 0);

    void paint(Mat image, FramePacket packet, double fps, double latencyMs) {
        List<TargetResult> results = packet.results();
        trails.update(packet.index(), results);
        if (packet.searchRegion() != null) {
            Box s = packet.searchRegion();
            p1.x((int) Math.round(s.x())).y((int) Math.round(s.y()));
            p2.x((int) Math.round(s.x() + s.w())).y((int) Math.round(s.y() + s.h()));
            opencv_imgproc.rectangle(image, p1, p2, cyan, 1, opencv_imgproc.LINE_8, 0);
        }
        for (TargetResult result : results) {
            if (result.box().isAbsent()) {
                continue;
            }
            Trail trail = trails.of(result.id());
            Scalar colour = annotator.colour(result.id());
            for (int i = 1; i < trail.size(); i++) {
                p1.x((int) trail.x(i - 1)).y((int) trail.y(i - 1));
                p2.x((int) trail.x(i)).y((int) trail.y(i));
                opencv_imgproc.line(image, p1, p2, colour, 1, opencv_imgproc.LINE_AA, 0);
            }
            Box b = result.box();
            int barTop = (int) (b.y() + b.h()) + 3;
            p1.x((int) b.x()).y(barTop);
            p2.x((int) (b.x() + b.w())).y(barTop + 4);
            opencv_imgproc.rectangle(image, p1, p2, dark, opencv_imgproc.FILLED, 8, 0);
            p2.x((int) (b.x() + b.w() * Math.max(0, Math.min(1, result.score()))));
            opencv_imgproc.rectangle(image, p1, p2, annotator.colour(result.state()), opencv_imgproc.FILLED, 8, 0);
        }
        annotator.draw(image, results, packet.index());
        p1.x(10).y(image.rows() - 10);
        opencv_imgproc.putText(image, String.format(Locale.ROOT, "%.1f FPS  latency %.0f ms", fps, latencyMs), p1,
                opencv_imgproc.FONT_HERSHEY_SIMPLEX, 0.5, white, 1, opencv_imgproc.LINE_AA, false);
    }

    @Override
    public void close() {
        annotator.close();
        p1.close();
        p2.close();
        cyan.close();
        dark.close();
        white.close();
    }
}
