package dev.siamtrack.draw;

import static org.bytedeco.opencv.global.opencv_imgproc.FONT_HERSHEY_SIMPLEX;
import static org.bytedeco.opencv.global.opencv_imgproc.LINE_AA;
import static org.bytedeco.opencv.global.opencv_imgproc.putText;
import static org.bytedeco.opencv.global.opencv_imgproc.rectangle;

import dev.siamtrack.track.TrackResult;
import dev.siamtrack.track.TrackState;
import java.util.Locale;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point;
import org.bytedeco.opencv.opencv_core.Scalar;

/** Draws a tracking result onto a BGR frame with OpenCV: box coloured by state, score and state as text. */
public final class FrameAnnotator implements AutoCloseable {

    private final Scalar tracking = bgr(TrackState.TRACKING);
    private final Scalar uncertain = bgr(TrackState.UNCERTAIN);
    private final Scalar lost = bgr(TrackState.LOST);
    private final Point topLeft = new Point();
    private final Point bottomRight = new Point();
    private final Point textOrigin = new Point(10, 28);

    /** The viewer's state colour as an OpenCV BGR scalar, so recordings and the window agree. */
    private static Scalar bgr(TrackState state) {
        int[] rgb = StateColors.rgb(state);
        return new Scalar(rgb[2], rgb[1], rgb[0], 0);
    }

    public Scalar colour(TrackState state) {
        return switch (state) {
            case TRACKING -> tracking;
            case UNCERTAIN -> uncertain;
            case LOST -> lost;
        };
    }

    public void draw(Mat frame, TrackResult result, int frameIndex) {
        Scalar c = colour(result.state());
        topLeft.x((int) Math.round(result.box().x())).y((int) Math.round(result.box().y()));
        bottomRight.x((int) Math.round(result.box().x() + result.box().w()))
                .y((int) Math.round(result.box().y() + result.box().h()));
        rectangle(frame, topLeft, bottomRight, c, result.state() == TrackState.LOST ? 1 : 2, LINE_AA, 0);
        String label = String.format(Locale.ROOT, "#%d %s %.2f", frameIndex, result.state(), result.score());
        putText(frame, label, textOrigin, FONT_HERSHEY_SIMPLEX, 0.7, c, 2, LINE_AA, false);
    }

    @Override
    public void close() {
        tracking.close();
        uncertain.close();
        lost.close();
        topLeft.close();
        bottomRight.close();
        textOrigin.close();
    }
}
