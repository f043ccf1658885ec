package dev.siamtrack.track;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgproc.FILLED;
import static org.bytedeco.opencv.global.opencv_imgproc.rectangle;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.Test;

class TargetColourTest {

    /** A grey frame with a 60x60 patch at (x, y): left half {@code first}, right half {@code second} (BGR). */
    private static Mat frame(int x, int y, double[] first, double[] second) {
        Mat m = new Mat(240, 320, CV_8UC3, new Scalar(128, 128, 128, 0));
        rectangle(m, new Point(x, y), new Point(x + 29, y + 59), new Scalar(first[0], first[1], first[2], 0), FILLED, 8, 0);
        rectangle(m, new Point(x + 30, y), new Point(x + 59, y + 59), new Scalar(second[0], second[1], second[2], 0), FILLED, 8, 0);
        return m;
    }

    private static final double[] ORANGE = {20, 130, 245};
    private static final double[] BLUE = {190, 80, 25};

    @Test
    void theSameColoursElsewhereMatch() {
        try (Mat first = frame(40, 40, ORANGE, BLUE); Mat moved = frame(200, 120, ORANGE, BLUE)) {
            TargetColour colour = new TargetColour(first, 70, 70, 60, 60);
            assertEquals(1.0, colour.similarity(first, 70, 70, 60, 60), 1e-5);
            assertEquals(1.0, colour.similarity(moved, 230, 150, 60, 60), 1e-5);
        }
    }

    @Test
    void slightlyOtherShadesScoreLowerThanTheSameAndOtherColoursFarLower() {
        // the demo clip's look-alike palette: the same hues, a little less saturated and darker
        try (Mat target = frame(40, 40, ORANGE, BLUE);
             Mat lookAlike = frame(40, 40, new double[] {35, 115, 230}, new double[] {175, 95, 45});
             Mat green = frame(40, 40, new double[] {40, 200, 40}, new double[] {40, 200, 40})) {
            TargetColour colour = new TargetColour(target, 70, 70, 60, 60);
            double shades = colour.similarity(lookAlike, 70, 70, 60, 60);
            assertTrue(shades < 0.9 && shades > 0.5, "look-alike palette: " + shades);
            assertTrue(colour.similarity(green, 70, 70, 60, 60) < 0.05);
        }
    }

    @Test
    void greyCountsByBrightnessAndABoxOutsideTheFrameMatchesNothing() {
        double[] white = {235, 240, 240};
        double[] dark = {40, 40, 40};
        try (Mat light = frame(40, 40, white, white); Mat shaded = frame(40, 40, dark, dark);
             Mat target = frame(40, 40, ORANGE, BLUE)) {
            TargetColour colour = new TargetColour(light, 70, 70, 60, 60);
            assertEquals(1.0, colour.similarity(light, 70, 70, 60, 60), 1e-5);
            assertTrue(colour.similarity(shaded, 70, 70, 60, 60) < 0.05);
            assertTrue(colour.similarity(target, 70, 70, 60, 60) < 0.05);
            assertEquals(0.0, colour.similarity(light, -100, -100, 60, 60));
        }
    }
}
