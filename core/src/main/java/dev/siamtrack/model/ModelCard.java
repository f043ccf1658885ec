package dev.siamtrack.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * What the engine needs to know about a model: crop sizes, score-map geometry, input pixel format and
 * post-processing hyper-parameters (see docs/model-format.md).
 */
public record ModelCard(
        String name,
        String family,
        int exemplarSize,
        int instanceSize,
        int stride,
        int scoreSize,
        int windowSize,
        int gridOrigin,
        boolean rgb,
        double scale,
        double[] mean,
        double[] std,
        boolean sigmoidScore,
        double windowInfluence,
        double penaltyK,
        double lr,
        double lostThreshold,
        double uncertainThreshold,
        double verifyThreshold,
        String provenance) {

    public static final String FILE_NAME = "model.json";

    /**
     * NanoTrack's classifier saturates near 1 on the target and stays around 0.7-0.85 on background it
     * drifted to: on the dev set, 99% of frames with zero overlap score under 0.9 but only 1.2% of frames
     * with IoU > 0.3 do.
     */
    static final double NANOTRACK_LOST_THRESHOLD = 0.9;
    static final double NANOTRACK_UNCERTAIN_THRESHOLD = 0.97;
    /**
     * Cosine similarity of target embeddings (see TargetEmbedder) at or above which two crops show the same
     * target, per NanoTrack version: the lowest threshold that accepts at most 1% of the different pairs built
     * from the dev sequences (siamtrack make-pairs ../shared/datasets/dev, then compare --pairs); re-detection
     * tries many candidates per second, so false accepts must be rare. Cards without
     * {@code hyper.verify_threshold} take v2's.
     */
    static final double[] NANOTRACK_VERIFY_THRESHOLDS = {0.845, 0.840, 0.780};
    static final double DEFAULT_VERIFY_THRESHOLD = NANOTRACK_VERIFY_THRESHOLDS[1];

    /** NanoTrack's published post-processing hyper-parameters per version (window influence, penalty k, lr). */
    public static ModelCard nanoTrack(String name, int version) {
        double[][] hyper = {{0.462, 0.148, 0.390}, {0.490, 0.150, 0.385}, {0.455, 0.138, 0.348}};
        int scoreSize = version == 3 ? 15 : 16;
        double[] h = hyper[version - 1];
        return new ModelCard(name, "nanotrack-v" + version, 127, 255, 16, scoreSize, scoreSize, -(scoreSize / 2) * 16,
                false, 1.0, new double[] {0, 0, 0}, new double[] {1, 1, 1}, false, h[0], h[1], h[2],
                NANOTRACK_LOST_THRESHOLD, NANOTRACK_UNCERTAIN_THRESHOLD,
                NANOTRACK_VERIFY_THRESHOLDS[version - 1],
                "NanoTrack v" + version + " (third-party weights, recognised from the I/O shapes)");
    }

    /**
     * Reads a {@code model.json} card; missing fields take NanoTrack-like defaults. Every field is checked
     * against its range, and a bad one is named with the file.
     */
    public static ModelCard read(Path file) throws ModelException {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new ModelException(file + ": not valid JSON (" + e.getMessage().lines().findFirst().orElse("") + ")");
        }
        if (root == null || !root.isObject()) {
            throw new ModelException(file + ": expected a JSON object");
        }
        Fields f = new Fields(file, root);
        int exemplarSize = f.integer("exemplar_size", 127, 16, 1024);
        int instanceSize = f.integer("instance_size", 255, exemplarSize + 1, 2048);
        int stride = f.integer("stride", 16, 1, 64);
        int scoreSize = f.integer("score_size", 16, 1, 512);
        int windowSize = f.integer("window_size", scoreSize, scoreSize, 512);
        if ((windowSize - scoreSize) % 2 != 0) {
            throw new ModelException(file + ": window_size must exceed score_size by an even number of cells (the"
                    + " window is centred on the map), found " + windowSize + " for a score_size of " + scoreSize);
        }
        int gridOrigin = f.integer("grid_origin", -(scoreSize / 2) * stride, -instanceSize, instanceSize);
        String order = f.text("channel_order", "BGR").toUpperCase(Locale.ROOT);
        if (!order.equals("BGR") && !order.equals("RGB")) {
            throw new ModelException(file + ": channel_order must be BGR or RGB, found " + order);
        }
        String activation = f.text("score_activation", "softmax2");
        if (!activation.equals("softmax2") && !activation.equals("sigmoid")) {
            throw new ModelException(file + ": score_activation must be softmax2 or sigmoid, found " + activation);
        }
        double scale = f.number("normalize.scale", 1.0, 1e-6, 1e6);
        double[] mean = f.triple("normalize.mean", 0, -1e6, 1e6);
        double[] std = f.triple("normalize.std", 1, 1e-6, 1e6);
        double windowInfluence = f.number("hyper.window_influence", 0.49, 0, 1);
        double penaltyK = f.number("hyper.penalty_k", 0.15, 0, 10);
        double lr = f.number("hyper.lr", 0.385, 0, 1);
        double lostThreshold = f.number("hyper.lost_threshold", NANOTRACK_LOST_THRESHOLD, 0, 1);
        double uncertainThreshold = f.number("hyper.uncertain_threshold",
                Math.max(lostThreshold, NANOTRACK_UNCERTAIN_THRESHOLD), lostThreshold, 1);
        double verifyThreshold = f.number("hyper.verify_threshold", DEFAULT_VERIFY_THRESHOLD, -1, 1);
        String fallbackName = file.getParent() == null ? "model" : file.getParent().getFileName().toString();
        JsonNode provenance = root.path("provenance");
        return new ModelCard(f.text("name", fallbackName), f.text("family", "siamtrack"), exemplarSize, instanceSize,
                stride, scoreSize, windowSize, gridOrigin, order.equals("RGB"), scale, mean, std, activation.equals("sigmoid"),
                windowInfluence, penaltyK, lr, lostThreshold, uncertainThreshold, verifyThreshold,
                provenance.isMissingNode() ? "" : provenance.toString());
    }

    /** Typed, range-checked access to a card's fields by dotted path; errors name the file and the field. */
    private record Fields(Path file, JsonNode root) {

        private JsonNode node(String path) {
            JsonNode n = root;
            for (String part : path.split("\\.")) {
                n = n.path(part);
            }
            return n.isNull() ? n.path("absent") : n;
        }

        int integer(String path, int fallback, int min, int max) throws ModelException {
            JsonNode n = node(path);
            if (n.isMissingNode()) {
                return fallback;
            }
            if (!n.isIntegralNumber() || !n.canConvertToLong() || n.longValue() < min || n.longValue() > max) {
                throw new ModelException(file + ": " + path + " must be an integer from " + min + " to " + max
                        + ", found " + n);
            }
            return n.intValue();
        }

        double number(String path, double fallback, double min, double max) throws ModelException {
            JsonNode n = node(path);
            if (n.isMissingNode()) {
                return fallback;
            }
            if (!n.isNumber() || !(n.doubleValue() >= min && n.doubleValue() <= max)) {
                throw new ModelException(file + ": " + path + " must be a number from " + plain(min) + " to "
                        + plain(max) + ", found " + n);
            }
            return n.doubleValue();
        }

        double[] triple(String path, double fallback, double min, double max) throws ModelException {
            JsonNode n = node(path);
            if (n.isMissingNode()) {
                return new double[] {fallback, fallback, fallback};
            }
            if (!n.isArray() || n.size() != 3) {
                throw new ModelException(file + ": " + path + " must be an array of 3 numbers, found " + n);
            }
            double[] v = new double[3];
            for (int i = 0; i < 3; i++) {
                JsonNode e = n.get(i);
                if (!e.isNumber() || !(e.doubleValue() >= min && e.doubleValue() <= max)) {
                    throw new ModelException(file + ": " + path + " must hold 3 numbers from " + plain(min) + " to "
                            + plain(max) + ", found " + n);
                }
                v[i] = e.doubleValue();
            }
            return v;
        }

        String text(String path, String fallback) throws ModelException {
            JsonNode n = node(path);
            if (n.isMissingNode()) {
                return fallback;
            }
            if (!n.isTextual() || n.asText().isBlank()) {
                throw new ModelException(file + ": " + path + " must be a non-empty string, found " + n);
            }
            return n.asText();
        }

        private static String plain(double v) {
            return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
        }
    }

    /** One line for listings. */
    public String summary() {
        return String.format(Locale.ROOT,
                "%s (%s): exemplar %d, instance %d, stride %d, score map %dx%d, %s, window %.3f, penalty k %.3f,"
                        + " lr %.3f, lost under %.2f, same target from %.3f",
                name, family, exemplarSize, instanceSize, stride, scoreSize, scoreSize, rgb ? "RGB" : "BGR",
                windowInfluence, penaltyK, lr, lostThreshold, verifyThreshold);
    }
}
