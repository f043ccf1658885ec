package dev.siamtrack.track;

import java.util.Locale;

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

    private static boolean fallbackNoted;

    private CropPreprocessors() {
    }

    /** System property that picks the implementation for {@link #create(PixelSpec)}: auto, native or opencv. */
    public static final String PREFERENCE_PROPERTY = "siamtrack.crop";

    /** The implementation named by the system property {@value #PREFERENCE_PROPERTY}, {@code auto} when unset. */
    public static CropPreprocessor create(PixelSpec spec) {
        return create(spec, System.getProperty(PREFERENCE_PROPERTY, "auto"));
    }

    public static CropPreprocessor create(PixelSpec spec, String preference) {
        return create(spec, Preference.parse(preference));
    }

    /**
     * {@code OPENCV}: OpenCV. {@code AUTO}: the native kernel when its library loads (it measured about
     * twice as fast, see {@code PreprocessBench}), else OpenCV, silently. {@code NATIVE}: the same, but a
     * missing library is reported with a one-line note on stderr (once per process).
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
            System.err.println("note: " + NativeCropPreprocessor.unavailableReason() + "; using the OpenCV crop");
        }
    }
}
