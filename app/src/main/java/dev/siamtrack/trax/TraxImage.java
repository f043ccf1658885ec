package dev.siamtrack.trax;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imdecode;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imread;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_GRAY2BGR;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_RGB2BGR;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Reads the image of an {@code initialize} or {@code frame} message into one reused 8-bit BGR {@link Mat}. The
 * formats, as the reference library names them in {@code trax.image}:
 * <ul>
 * <li>{@code path}: {@code file:///abs/path.jpg} (or, as the reference library also accepts, a bare path);</li>
 * <li>{@code memory}: {@code image:WIDTH;HEIGHT;FORMAT;BASE64} with raw rows of {@code rgb} or {@code gray8};</li>
 * <li>{@code buffer} (the spec's "data"): {@code data:image/jpeg;BASE64} or {@code image/png}; the
 * {@code base64} marker of a data URI ({@code ;base64,}) is accepted too.</li>
 * </ul>
 */
final class TraxImage implements AutoCloseable {

    /** What {@code hello} announces: the formats {@link #read} decodes. */
    static final String FORMATS = "path;memory;buffer;";

    private final Mat frame = new Mat();
    private final Mat raw = new Mat();

    /**
     * The image {@code uri} names, in the reused frame (valid until the next call).
     *
     * @throws TraxException when the file is missing or unreadable, or the encoding is unknown or broken
     */
    Mat read(String uri) throws TraxException {
        if (uri.startsWith("image:")) {
            readMemory(uri.substring("image:".length()));
        } else if (uri.startsWith("data:")) {
            readBuffer(uri.substring("data:".length()));
        } else if (uri.startsWith("file:")) {
            readPath(uri.startsWith("file://") ? uri.substring("file://".length()) : uri.substring("file:".length()));
        } else if (uri.matches("^[a-z][a-z0-9+.-]*://.*")) {
            throw new TraxException("image " + uri + ": only file://, image: and data: images are supported");
        } else {
            readPath(uri);
        }
        return frame;
    }

    private void readPath(String path) throws TraxException {
        if (!Files.isRegularFile(Path.of(path))) {
            throw new TraxException("image file " + path + " does not exist");
        }
        try {
            imread(path, frame, IMREAD_COLOR);
        } catch (RuntimeException e) {
            // OpenCV refuses to decode into the reused Mat when the image has another size
            frame.release();
            imread(path, frame, IMREAD_COLOR);
        }
        if (frame.empty()) {
            throw new TraxException("image file " + path + " is not a readable image");
        }
    }

    private void readMemory(String body) throws TraxException {
        String[] header = body.split(";", 4);
        if (header.length != 4) {
            throw new TraxException("memory image: expected image:WIDTH;HEIGHT;FORMAT;DATA");
        }
        int width;
        int height;
        try {
            width = Integer.parseInt(header[0]);
            height = Integer.parseInt(header[1]);
        } catch (NumberFormatException e) {
            throw new TraxException("memory image: width and height must be whole numbers, got " + header[0] + ";" + header[1]);
        }
        int channels = switch (header[2]) {
            case "rgb" -> 3;
            case "gray8" -> 1;
            default -> throw new TraxException("memory image format " + header[2] + ": only rgb and gray8 are supported");
        };
        byte[] pixels = decodeBase64(header[3], "memory image");
        if (width < 1 || height < 1 || pixels.length != (long) width * height * channels) {
            throw new TraxException("memory image: " + pixels.length + " bytes do not make a " + width + "x" + height
                    + " " + header[2] + " image");
        }
        raw.create(height, width, channels == 3 ? CV_8UC3 : CV_8UC1);
        raw.data().put(pixels);
        cvtColor(raw, frame, channels == 3 ? COLOR_RGB2BGR : COLOR_GRAY2BGR);
    }

    private void readBuffer(String body) throws TraxException {
        int semicolon = body.indexOf(';');
        if (semicolon < 0) {
            throw new TraxException("data image: expected data:image/jpeg;DATA or data:image/png;DATA");
        }
        String mime = body.substring(0, semicolon);
        if (!mime.equals("image/jpeg") && !mime.equals("image/png")) {
            throw new TraxException("data image type " + mime + ": only image/jpeg and image/png are supported");
        }
        String data = body.substring(semicolon + 1);
        if (data.startsWith("base64,") || data.startsWith("base64;")) {
            data = data.substring("base64,".length());
        }
        byte[] bytes = decodeBase64(data, "data image");
        try (BytePointer pointer = new BytePointer(bytes); Mat encoded = new Mat(1, bytes.length, CV_8UC1, pointer)) {
            Mat decoded = imdecode(encoded, IMREAD_COLOR);
            if (decoded.empty()) {
                decoded.close();
                throw new TraxException("data image: the " + mime + " data could not be decoded");
            }
            decoded.copyTo(frame);
            decoded.close();
        }
    }

    private static byte[] decodeBase64(String text, String what) throws TraxException {
        try {
            return Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw new TraxException(what + ": the data is not valid Base64 (" + e.getMessage() + ")");
        }
    }

    @Override
    public void close() {
        frame.close();
        raw.close();
    }
}
