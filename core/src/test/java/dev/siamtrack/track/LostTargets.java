package dev.siamtrack.track;

import static org.bytedeco.opencv.global.opencv_core.bitwise_not;
import static org.bytedeco.opencv.global.opencv_core.flip;

import dev.siamtrack.geom.Box;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Sixteen targets on a 4x4 grid of the demo clip's 640x480 frame, started either on the frame itself (they
 * are then tracked) or on its mirrored negative (nothing on the real frames matches their templates, so they
 * go LOST and re-detect): the same boxes, the same frames, only the states differ.
 */
final class LostTargets {

    static final int COUNT = 16;

    private LostTargets() {
    }

    static List<Box> grid() {
        List<Box> boxes = new ArrayList<>();
        for (int r = 0; r < 4; r++) {
            for (int c = 0; c < 4; c++) {
                boxes.add(new Box(40 + c * 150, 30 + r * 115, 60, 60));
            }
        }
        return boxes;
    }

    /** Adds the grid's targets {@code t0..t15}, on {@code frame} or, when {@code lost}, on its mirrored negative. */
    static void add(MultiTargetTracker tracker, Mat frame, boolean lost) {
        try (Mat start = new Mat()) {
            if (lost) {
                flip(frame, start, -1);
                bitwise_not(start, start);
            } else {
                frame.copyTo(start);
            }
            List<Box> boxes = grid();
            for (int i = 0; i < boxes.size(); i++) {
                tracker.add("t" + i, start, boxes.get(i));
            }
        }
    }
}
