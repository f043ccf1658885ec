package dev.siamtrack.video;

import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.haveImageReader;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imread;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Numbered images in a folder ({@code 0001.jpg, 0002.jpg, ...}), or in its {@code img/} sub-folder (OTB
 * layout), or a given list of image files. {@link #listImages} is the one frame order used everywhere
 * ({@code track DIR} and {@code eval}): by the last number in the file name, then by name. Images that cannot
 * be read are skipped and counted; {@link #frameIndex()} still counts them, so frame N is always the N-th file.
 * All images must have the size of the first one: the first that differs ends the run with its name.
 */
public final class ImageFolderSource implements FrameSource {

    private static final Pattern NUMBER = Pattern.compile("(\\d+)(?!.*\\d)");
    private static final List<String> EXTENSIONS = List.of(".jpg", ".jpeg", ".png", ".bmp", ".tif", ".tiff", ".webp");

    private final Path folder;
    private final List<Path> files;
    private final int width;
    private final int height;
    private int next;
    private int skipped;
    private final Mat current = new Mat();

    public ImageFolderSource(Path dir) throws SourceException {
        this(listImages(Files.isDirectory(dir.resolve("img")) ? dir.resolve("img") : dir), dir);
    }

    /** The images {@code files}, in that order, as frames; {@code folder} names the source in messages. */
    public ImageFolderSource(List<Path> files, Path folder) throws SourceException {
        this.folder = folder;
        this.files = List.copyOf(files);
        if (files.isEmpty()) {
            throw new SourceException(folder + ": no images (.jpg, .png, ...) found");
        }
        Mat first = imread(files.get(0).toString(), IMREAD_COLOR);
        if (first.empty()) {
            throw new SourceException(files.get(0) + ": not a readable image");
        }
        this.width = first.cols();
        this.height = first.rows();
        first.close();
    }

    /**
     * The images of a folder (.jpg, .jpeg, .png, .bmp, .tif, .tiff, .webp) in frame order: by the last number in
     * the name ({@code 1.jpg, 2.jpg, 10.jpg}; {@code img0009.png} before {@code img0010.png}), names without a
     * number after all numbered ones, ties by name.
     */
    public static List<Path> listImages(Path folder) throws SourceException {
        try (Stream<Path> s = Files.list(folder)) {
            return s.filter(p -> {
                String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
                return EXTENSIONS.stream().anyMatch(n::endsWith) && Files.isRegularFile(p);
            }).sorted(Comparator.comparingLong(ImageFolderSource::number).thenComparing(Path::toString)).toList();
        } catch (IOException e) {
            throw new SourceException(folder + ": cannot list images (" + e.getMessage() + ")");
        }
    }

    private static long number(Path p) {
        Matcher m = NUMBER.matcher(p.getFileName().toString());
        if (!m.find()) {
            return Long.MAX_VALUE;
        }
        String digits = m.group(1);
        return digits.length() > 18 ? Long.MAX_VALUE - 1 : Long.parseLong(digits);
    }

    @Override
    public Mat next() throws SourceException {
        while (next < files.size()) {
            Path file = files.get(next++);
            // imread into a reused Mat leaves the previous image there when the file is no image at all
            if (!haveImageReader(file.toString())) {
                skipped++;
                continue;
            }
            try {
                imread(file.toString(), current, IMREAD_COLOR);
            } catch (RuntimeException e) {
                // OpenCV refuses to decode into the reused Mat when the image has another size
                throw sizeMismatch(file);
            }
            if (!current.empty()) {
                if (current.cols() != width || current.rows() != height) {
                    throw sizeMismatch(file);
                }
                return current;
            }
            skipped++;
        }
        return null;
    }

    private SourceException sizeMismatch(Path file) {
        try (Mat image = imread(file.toString(), IMREAD_COLOR)) {
            return new SourceException(file + " is " + image.cols() + "x" + image.rows() + " but "
                    + files.get(0).getFileName() + " is " + width + "x" + height
                    + ": all images of a folder must have the same size");
        }
    }

    @Override
    public int frameIndex() {
        return next - 1;
    }

    @Override
    public int width() {
        return width;
    }

    @Override
    public int height() {
        return height;
    }

    @Override
    public double fps() {
        return 0;
    }

    @Override
    public int frameCount() {
        return files.size();
    }

    @Override
    public int skippedFrames() {
        return skipped;
    }

    @Override
    public String description() {
        return folder.toString();
    }

    @Override
    public void close() {
        current.close();
    }
}
