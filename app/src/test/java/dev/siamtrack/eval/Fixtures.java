package dev.siamtrack.eval;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;

import dev.siamtrack.geom.Box;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point;
import org.bytedeco.opencv.opencv_core.Scalar;

/** Tiny benchmark sequences written into a test's temporary folder. */
final class Fixtures {

    static final int WIDTH = 64;
    static final int HEIGHT = 48;

    private Fixtures() {
    }

    /** A grey frame with a bright square at {@code box}, so real trackers have something to follow. */
    static Mat frame(Box box) {
        Mat m = new Mat(HEIGHT, WIDTH, CV_8UC3, new Scalar(80, 80, 80, 0));
        if (!box.isAbsent()) {
            opencv_imgproc.rectangle(m, new Point((int) box.x(), (int) box.y()),
                    new Point((int) (box.x() + box.w()) - 1, (int) (box.y() + box.h()) - 1),
                    new Scalar(20, 220, 250, 0), -1, 8, 0);
        }
        return m;
    }

    /** Writes one image per box, named with {@code pattern} (e.g. {@code %04d.jpg}) from 1. */
    static void images(Path dir, String pattern, List<Box> boxes) throws IOException {
        Files.createDirectories(dir);
        for (int i = 0; i < boxes.size(); i++) {
            try (Mat m = frame(boxes.get(i))) {
                opencv_imgcodecs.imwrite(dir.resolve(String.format(Locale.ROOT, pattern, i + 1)).toString(), m);
            }
        }
    }

    /** The OTB ground-truth text of the boxes, comma separated, NaN rows for absent ones. */
    static String lines(List<Box> boxes, String separator) {
        StringBuilder text = new StringBuilder();
        for (Box b : boxes) {
            text.append(b.isAbsent() ? String.join(separator, "NaN", "NaN", "NaN", "NaN")
                    : String.format(Locale.ROOT, "%s%s%s%s%s%s%s", num(b.x()), separator, num(b.y()), separator,
                    num(b.w()), separator, num(b.h()))).append('\n');
        }
        return text.toString();
    }

    /** An OTB sequence {@code root/name} with {@code img/0001.jpg...} and {@code groundtruth_rect.txt}. */
    static Path otb(Path root, String name, List<Box> boxes) throws IOException {
        Path seq = root.resolve(name);
        images(seq.resolve("img"), "%04d.jpg", boxes);
        Files.writeString(seq.resolve("groundtruth_rect.txt"), lines(boxes, ","));
        return seq;
    }

    /** An MPEG-4 video with one frame per box. */
    static void video(Path file, List<Box> boxes) throws IOException {
        try (FFmpegFrameRecorder recorder = new FFmpegFrameRecorder(file.toFile(), WIDTH, HEIGHT);
             OpenCVFrameConverter.ToMat converter = new OpenCVFrameConverter.ToMat()) {
            recorder.setVideoCodec(avcodec.AV_CODEC_ID_MPEG4);
            recorder.setFormat("mp4");
            recorder.setFrameRate(25);
            recorder.setVideoQuality(2);
            recorder.start();
            for (Box b : boxes) {
                try (Mat m = frame(b)) {
                    recorder.record(converter.convert(m));
                }
            }
            recorder.stop();
        }
    }

    /** Boxes of a square moving one pixel right per frame. */
    static List<Box> moving(int frames) {
        return java.util.stream.IntStream.range(0, frames).mapToObj(i -> new Box(10 + i, 12, 16, 14)).toList();
    }

    private static String num(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }
}
