package dev.siamtrack.eval;

import dev.siamtrack.video.FrameSource;
import dev.siamtrack.video.SourceException;
import java.nio.file.Path;
import java.util.List;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.opencv_core.Mat;

/** The frames of a benchmark sequence stored as an ordered list of image files. */
final class ImageListSource implements FrameSource {

    private final List<Path> images;
    private final Mat frame = new Mat();
    private int index = -1;

    ImageListSource(List<Path> images) {
        this.images = images;
    }

    @Override
    public Mat next() throws SourceException {
        if (index + 1 >= images.size()) {
            return null;
        }
        index++;
        Path image = images.get(index);
        opencv_imgcodecs.imread(image.toString(), frame, opencv_imgcodecs.IMREAD_COLOR);
        if (frame.empty()) {
            throw new SourceException("cannot read image " + image);
        }
        return frame;
    }

    @Override
    public int frameIndex() {
        return index;
    }

    @Override
    public int width() {
        return frame.cols();
    }

    @Override
    public int height() {
        return frame.rows();
    }

    @Override
    public double fps() {
        return 0;
    }

    @Override
    public int frameCount() {
        return images.size();
    }

    @Override
    public int skippedFrames() {
        return 0;
    }

    @Override
    public String description() {
        return images.isEmpty() ? "no images" : images.get(0).getParent().toString();
    }

    @Override
    public void close() {
        frame.close();
    }
}
