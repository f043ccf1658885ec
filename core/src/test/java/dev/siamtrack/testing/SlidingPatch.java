package dev.siamtrack.testing;

import dev.siamtrack.geom.Box;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point;
import org.bytedeco.opencv.opencv_core.Scalar;

/** A textured 40x30 patch sliding 2 px right and 1 px down per frame over a grey 320x240 frame: motion known exactly. */
public final class SlidingPatch {

    private SlidingPatch() {
    }

    public static Mat frame(int index, int channels) {
        Mat frame = new Mat(240, 320, channels == 3 ? opencv_core.CV_8UC3 : opencv_core.CV_8UC1, new Scalar(90, 90, 90, 0));
        int x = 60 + 2 * index;
        int y = 100 + index;
        opencv_imgproc.rectangle(frame, new Point(x, y), new Point(x + 39, y + 29), new Scalar(30, 200, 240, 0), -1, 8, 0);
        opencv_imgproc.circle(frame, new Point(x + 12, y + 10), 6, new Scalar(250, 40, 20, 0), -1, 8, 0);
        opencv_imgproc.line(frame, new Point(x, y + 29), new Point(x + 39, y), new Scalar(0, 0, 0, 0), 3, 8, 0);
        return frame;
    }

    public static Box truth(int index) {
        return new Box(60 + 2 * index, 100 + index, 40, 30);
    }
}
