package dev.siamtrack.track;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * {@link CropPreprocessor} in C ({@code native/crop_resize.c}, built into {@code libsiamcrop.so}): one pass
 * that samples the 8-bit frame bilinearly (padding where the crop leaves the frame, without a padded copy)
 * and writes the normalised planar floats straight into the destination buffer.
 *
 * <p>The Maven build puts the library among these classes ({@value #RESOURCE}), so it travels in the core jar
 * (to Spark executors too); from a jar it is copied to a temporary file first, since the OS loads files only.
 * Without it, {@code java.library.path} is tried.
 */
public final class NativeCropPreprocessor implements CropPreprocessor {

    public static final String LIBRARY = "siamcrop";
    static final String RESOURCE = "/native/linux-x86_64/libsiamcrop.so";

    /** Null once the library is loaded, else why it could not be. */
    private static final String LOAD_FAILURE = load();

    /**
     * Whether the kernel may read the pixel pointer out of the cv::Mat header itself (its {@code data}
     * field, after four ints), which spares the BytePointer that {@code Mat.data()} allocates on every
     * call. Checked once against {@code Mat.data()}.
     */
    private static final boolean READ_MAT_HEADER = LOAD_FAILURE == null && matHeaderLayoutMatches();

    private final float[] alpha = new float[3];
    private final float[] beta = new float[3];
    private final boolean rgb;

    /** @throws IllegalStateException when the native library is not available (see {@link #unavailableReason()}) */
    public NativeCropPreprocessor(PixelSpec spec) {
        if (LOAD_FAILURE != null) {
            throw new IllegalStateException(LOAD_FAILURE);
        }
        for (int k = 0; k < 3; k++) {
            alpha[k] = (float) spec.alpha(k);
            beta[k] = (float) spec.beta(k);
        }
        rgb = spec.channelOrderRgb();
    }

    public static boolean isAvailable() {
        return LOAD_FAILURE == null;
    }

    /** Why the library could not be loaded, or null when it is loaded. */
    public static String unavailableReason() {
        return LOAD_FAILURE;
    }

    @Override
    public void crop(Mat bgr, double cx, double cy, double side, int size, double[] padBgr, FloatBuffer dst) {
        CropGeometry.check(bgr, cx, cy, side, size, padBgr, dst);
        long frame = READ_MAT_HEADER ? bgr.address() : bgr.data().address();
        cropBgr(frame, READ_MAT_HEADER, bgr.rows(), bgr.cols(), bgr.step(), cx, cy, side, size,
                padBgr[0], padBgr[1], padBgr[2], rgb,
                alpha[0], alpha[1], alpha[2], beta[0], beta[1], beta[2], dst);
    }

    @Override
    public String name() {
        return "native";
    }

    /**
     * The kernel. {@code frame} points at row 0 of an 8-bit BGR image of {@code rows x cols} pixels and
     * {@code step} bytes per row, or, with {@code matHeader}, at the cv::Mat holding that pointer;
     * alpha/beta are per output channel; dst is direct, in native byte order.
     */
    private static native void cropBgr(long frame, boolean matHeader, int rows, int cols, long step,
                                       double cx, double cy, double side, int size,
                                       double padB, double padG, double padR, boolean rgb,
                                       float alpha0, float alpha1, float alpha2,
                                       float beta0, float beta1, float beta2, FloatBuffer dst);

    /** The pixel pointer as the kernel reads it from a cv::Mat header. */
    private static native long matData(long mat);

    private static boolean matHeaderLayoutMatches() {
        try (Mat probe = new Mat(3, 5, org.bytedeco.opencv.global.opencv_core.CV_8UC3);
             Mat roi = probe.rowRange(1, 3)) {
            return matData(probe.address()) == probe.data().address()
                    && matData(roi.address()) == roi.data().address();
        }
    }

    private static String load() {
        List<String> tried = new ArrayList<>();
        URL resource = NativeCropPreprocessor.class.getResource(RESOURCE);
        if (resource == null) {
            tried.add(RESOURCE + " (not built into these classes)");
        } else {
            try {
                System.load(localFile(resource).toAbsolutePath().toString());
                return null;
            } catch (IOException | URISyntaxException | UnsatisfiedLinkError e) {
                tried.add(resource + " (" + e.getMessage() + ")");
            }
        }
        try {
            System.loadLibrary(LIBRARY);
            return null;
        } catch (UnsatisfiedLinkError e) {
            tried.add("java.library.path (" + e.getMessage() + ")");
        }
        return "native crop library not found: tried " + String.join(", ", tried);
    }

    /** The library as a file: the resource itself in a classes folder, else a temporary copy. */
    private static Path localFile(URL resource) throws IOException, URISyntaxException {
        if ("file".equals(resource.getProtocol())) {
            return Path.of(resource.toURI());
        }
        Path copy = Files.createTempFile(LIBRARY, ".so");
        copy.toFile().deleteOnExit();
        try (InputStream in = resource.openStream()) {
            Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
        }
        return copy;
    }
}
