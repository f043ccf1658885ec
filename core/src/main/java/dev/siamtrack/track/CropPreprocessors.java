package dev.siamtrack.track;

import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Chooses a {@link CropPreprocessor}: the native kernel when it is built and loadable, else OpenCV. */
public final class CropPreprocessors {

    /** Which implementation to use; {@code AUTO} takes the faster one that is available. */
    public enum Preference {
        AUTO, NATIVE, OPENCV;

        /** Parses {@code auto}, {@code native} or {@code opencv} (any case). */
        public static Preference parse(String text) {
            try {
                return valueOf(text.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException | NullPointerException e) {
                throw new IllegalArgumentException("crop preprocessor must be auto, native or opencv, got '" + text + "'");
            }
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(CropPreprocessors.class);
    private static boolean fallbackNoted;

    private CropPreprocessors() {
    }

    /** The faster implementation that is available. */
    public static CropPreprocessor create(PixelSpec spec) {
        return create(spec, Preference.AUTO);
    }

    public static CropPreprocessor create(PixelSpec spec, String preference) {
        return create(spec, Preference.parse(preference));
    }

    /**
     * {@code OPENCV}: OpenCV. {@code AUTO}: the native kernel when its library loads (it measured about
     * twice as fast, see {@code PreprocessBench}), else OpenCV, silently. {@code NATIVE}: the same, but a
     * missing library is logged as a warning (once per process).
     */
    public static CropPreprocessor create(PixelSpec spec, Preference preference) {
        if (preference == Preference.OPENCV) {
            return new OpenCvCropPreprocessor(spec);
        }
        if (NativeCropPreprocessor.isAvailable()) {
            return new NativeCropPreprocessor(spec);
        }
        if (preference == Preference.NATIVE) {
            noteFallback();
        }
        return new OpenCvCropPreprocessor(spec);
    }

    private static synchronized void noteFallback() {
        if (!fallbackNoted) {
            fallbackNoted = true;
            LOG.warn("{}; using the OpenCV crop", NativeCropPreprocessor.unavailableReason());
        }
    }
}
