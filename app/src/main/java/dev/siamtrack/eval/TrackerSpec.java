package dev.siamtrack.eval;

import dev.siamtrack.home.Home;
import dev.siamtrack.model.ModelRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A tracker named on the command line: {@code siamtrack}, {@code siamtrack:DIR}, {@code opencv-nano:DIR},
 * {@code opencv-vit:FILE}, {@code csrt}, {@code kcf} or {@code mil}. {@code siamtrack-lt[:DIR]} and
 * {@code siamtrack-st[:DIR]} are our engine with re-detection switched on and off whatever the default,
 * so one run can compare both.
 *
 * @param path  the model directory or file; null where the kind takes none, or for {@code siamtrack} when no
 *              default model is installed
 * @param label the name used in reports and result folders, e.g. {@code opencv-nano@nanotrack-v2}
 */
public record TrackerSpec(Kind kind, Path path, String label) {

    public enum Kind {
        SIAMTRACK("siamtrack"), SIAMTRACK_LT("siamtrack-lt"), SIAMTRACK_ST("siamtrack-st"), OPENCV_NANO("opencv-nano"), OPENCV_VIT("opencv-vit"),
        CSRT("csrt"), KCF("kcf"), MIL("mil");

        private final String prefix;

        Kind(String prefix) {
            this.prefix = prefix;
        }

        public String prefix() {
            return prefix;
        }

        /** Our own engine, with or without re-detection. */
        public boolean isSiamTrack() {
            return this == SIAMTRACK || this == SIAMTRACK_LT || this == SIAMTRACK_ST;
        }
    }

    public static final String SYNTAX =
            "siamtrack[:MODEL], siamtrack-lt[:MODEL] (re-detection on), siamtrack-st[:MODEL] (off), opencv-nano:MODEL"
                    + " (MODEL: a model directory or the name of an installed one), opencv-vit:FILE, csrt, kcf, mil";

    /** Parses one spec and checks that the model files it names exist. */
    public static TrackerSpec parse(String text) {
        String spec = text.trim();
        int colon = spec.indexOf(':');
        String prefix = colon < 0 ? spec : spec.substring(0, colon);
        String arg = colon < 0 ? null : spec.substring(colon + 1);
        Kind kind = null;
        for (Kind k : Kind.values()) {
            if (k.prefix().equals(prefix)) {
                kind = k;
            }
        }
        if (kind == null) {
            throw new IllegalArgumentException("unknown tracker '" + spec + "'; expected one of: " + SYNTAX);
        }
        boolean needsPath = kind == Kind.OPENCV_NANO || kind == Kind.OPENCV_VIT;
        boolean takesPath = needsPath || kind.isSiamTrack();
        if (arg != null && arg.isEmpty() || needsPath && arg == null) {
            throw new IllegalArgumentException("tracker '" + spec + "' needs a model path: "
                    + kind.prefix() + (kind == Kind.OPENCV_VIT ? ":FILE" : ":MODEL"));
        }
        if (!takesPath && arg != null) {
            throw new IllegalArgumentException("tracker '" + kind.prefix() + "' takes no model path: '" + spec + "'");
        }
        if (arg == null && kind.isSiamTrack()) {
            // The default model is named in the label; without one the factory explains what to install.
            Kind k = kind;
            return ModelRegistry.defaultModel(Home.modelsDir())
                    .map(dir -> new TrackerSpec(k, dir, k.prefix() + "@" + dir.getFileName()))
                    .orElse(new TrackerSpec(k, null, k.prefix()));
        }
        if (arg == null) {
            return new TrackerSpec(kind, null, kind.prefix());
        }
        Path path = kind == Kind.OPENCV_VIT ? Path.of(arg) : Home.findModel(Path.of(arg));
        if (kind == Kind.OPENCV_VIT) {
            if (!Files.isRegularFile(path)) {
                throw new IllegalArgumentException("model file not found for '" + spec + "': " + path);
            }
            return new TrackerSpec(kind, path, kind.prefix() + "@" + path.getFileName().toString().replaceFirst("\\.onnx$", ""));
        }
        if (!Files.exists(path)) {
            throw new IllegalArgumentException("model '" + arg + "' of '" + spec + "' does not exist (a model is a"
                    + " directory with backbone.onnx and head.onnx, given as a path, a name in models/, or pulled with"
                    + " 'models pull')");
        }
        for (String file : List.of("backbone.onnx", "head.onnx")) {
            if (!Files.isRegularFile(path.resolve(file))) {
                throw new IllegalArgumentException("model directory of '" + spec + "' lacks " + file + ": " + path);
            }
        }
        Path name = path.toAbsolutePath().normalize().getFileName();
        return new TrackerSpec(kind, path, kind.prefix() + "@" + (name == null ? path : name));
    }

    /** Parses several specs; two specs with the same label are refused (their result folders would clash). */
    public static List<TrackerSpec> parseAll(List<String> texts) {
        List<TrackerSpec> specs = new ArrayList<>();
        Set<String> labels = new HashSet<>();
        for (String text : texts) {
            TrackerSpec spec = parse(text);
            if (!labels.add(spec.label())) {
                throw new IllegalArgumentException("tracker label '" + spec.label() + "' given twice");
            }
            specs.add(spec);
        }
        if (specs.isEmpty()) {
            throw new IllegalArgumentException("no tracker given; expected one or more of: " + SYNTAX);
        }
        return specs;
    }
}
