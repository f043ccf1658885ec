package dev.siamtrack.draw;

import static org.bytedeco.opencv.global.opencv_imgproc.FILLED;
import static org.bytedeco.opencv.global.opencv_imgproc.FONT_HERSHEY_SIMPLEX;
import static org.bytedeco.opencv.global.opencv_imgproc.LINE_AA;
import static org.bytedeco.opencv.global.opencv_imgproc.getTextSize;
import static org.bytedeco.opencv.global.opencv_imgproc.putText;
import static org.bytedeco.opencv.global.opencv_imgproc.rectangle;

import dev.siamtrack.track.TargetResult;
import dev.siamtrack.track.TrackState;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * Draws tracking results onto a BGR frame with OpenCV: each target's box in its own colour
 * ({@link StateColors#target}), a tag above it with its id, state and score on the state's colour, and the
 * frame index in the top-left corner.
 */
public final class FrameAnnotator implements AutoCloseable {

    private static final double TAG_SCALE = 0.5;

    private final Scalar tracking = bgr(StateColors.rgb(TrackState.TRACKING));
    private final Scalar uncertain = bgr(StateColors.rgb(TrackState.UNCERTAIN));
    private final Scalar lost = bgr(StateColors.rgb(TrackState.LOST));
    private final Scalar black = new Scalar(0, 0, 0, 0);
    private final Scalar white = new Scalar(255, 255, 255, 0);
    private final Map<int[], Scalar> targetColours = new IdentityHashMap<>();
    private final Point topLeft = new Point();
    private final Point bottomRight = new Point();
    private final Point textOrigin = new Point(10, 28);
    private final IntPointer baseline = new IntPointer(1);

    /** An RGB colour as an OpenCV BGR scalar, so recordings and the window agree. */
    private static Scalar bgr(int[] rgb) {
        return new Scalar(rgb[2], rgb[1], rgb[0], 0);
    }

    /** The state's colour as a BGR scalar (owned by this annotator). */
    public Scalar colour(TrackState state) {
        return switch (state) {
            case TRACKING -> tracking;
            case UNCERTAIN -> uncertain;
            case LOST -> lost;
        };
    }

    /** The target's colour as a BGR scalar (owned by this annotator). */
    public Scalar colour(String id) {
        return targetColours.computeIfAbsent(StateColors.target(id), FrameAnnotator::bgr);
    }

    /** Draws every target of {@code results} and the frame index onto {@code frame}. */
    public void draw(Mat frame, List<TargetResult> results, int frameIndex) {
        for (TargetResult r : results) {
            if (!r.box().isAbsent()) {
                drawTarget(frame, r);
            }
        }
        putText(frame, "#" + frameIndex, textOrigin, FONT_HERSHEY_SIMPLEX, 0.7, white, 2, LINE_AA, false);
    }

    private void drawTarget(Mat frame, TargetResult r) {
        int x = (int) Math.round(r.box().x());
        int y = (int) Math.round(r.box().y());
        topLeft.x(x).y(y);
        bottomRight.x((int) Math.round(r.box().x() + r.box().w())).y((int) Math.round(r.box().y() + r.box().h()));
        rectangle(frame, topLeft, bottomRight, colour(r.id()), r.state() == TrackState.LOST ? 1 : 2, LINE_AA, 0);
        String tag = String.format(Locale.ROOT, "%s %s %.2f", r.id(), r.state(), r.score());
        int textWidth;
        int textHeight;
        try (Size size = getTextSize(tag, FONT_HERSHEY_SIMPLEX, TAG_SCALE, 1, baseline)) {
            textWidth = size.width();
            textHeight = size.height();
        }
        // above the box, or inside its top edge when the box touches the top of the frame
        int tagBottom = y - 3 >= textHeight + 4 ? y - 3 : y + textHeight + 6;
        topLeft.x(x).y(tagBottom - textHeight - 4);
        bottomRight.x(x + textWidth + 4).y(tagBottom);
        rectangle(frame, topLeft, bottomRight, colour(r.state()), FILLED, LINE_AA, 0);
        topLeft.x(x + 2).y(tagBottom - 3);
        putText(frame, tag, topLeft, FONT_HERSHEY_SIMPLEX, TAG_SCALE, black, 1, LINE_AA, false);
    }

    @Override
    public void close() {
        tracking.close();
        uncertain.close();
        lost.close();
        black.close();
        white.close();
        targetColours.values().forEach(Scalar::close);
        topLeft.close();
        bottomRight.close();
        textOrigin.close();
        baseline.close();
    }
}
