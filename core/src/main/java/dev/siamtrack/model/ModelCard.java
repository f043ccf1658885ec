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
     * target, per NanoTrack version: the equal-error thresholds on the dev pairs (siamtrack make-pairs
     * ../shared/datasets/dev, then compare --pairs: v1 0.7496, v2 0.7533, v3 0.6992). Cards without
     * {@code hyper.verify_threshold} take v2's.
     */
    static final double[] NANOTRACK_VERIFY_THRESHOLDS = {0.750, 0.753, 0.699};
    static final double DEFAULT_VERIFY_THRESHOLD = NANOTRACK_VERIFY_THRESHOLDS[1];

    /** NanoTrack's published post-processing hyper-parameters per version (window influence, penalty k, lr). */
    public static ModelCard nanoTrack(String name, int version) {
        double[][] hyper = {{0.462, 0.148, 0.390}, {0.490, 0.150, 0.385}, {0.455, 0.138, 0.348}};
        int scoreSize = version == 3 ? 15 : 16;
        double[] h = hyper[version - 1];
        return new ModelCard(name, "nanotrack-v" + version, 127, 255, 16, scoreSize, -(scoreSize / 2) * 16,
                false, 1.0, new double[] {0, 0, 0}, new double[] {1, 1, 1}, false, h[0], h[1], h[2],
                NANOTRACK_LOST_THRESHOLD, NANOTRACK_UNCERTAIN_THRESHOLD,
                NANOTRACK_VERIFY_THRESHOLDS[version - 1],
                "NanoTrack v" + version + " (third-party weights, recognised from the I/O shapes)");
    }

    /** Reads a {@code model.json} card; missing fields take NanoTrack-like defaults. */
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
        int scoreSize = root.path("score_size").asInt(16);
        int stride = root.path("stride").asInt(16);
        JsonNode norm = root.path("normalize");
        JsonNode hyper = root.path("hyper");
        String order = root.path("channel_order").asText("BGR").toUpperCase(Locale.ROOT);
        if (!order.equals("BGR") && !order.equals("RGB")) {
            throw new ModelException(file + ": channel_order must be BGR or RGB, found " + order);
        }
        String activation = root.path("score_activation").asText("softmax2");
        if (!activation.equals("softmax2") && !activation.equals("sigmoid")) {
            throw new ModelException(file + ": score_activation must be softmax2 or sigmoid, found " + activation);
        }
        String fallbackName = file.getParent() == null ? "model" : file.getParent().getFileName().toString();
        JsonNode provenance = root.path("provenance");
        return new ModelCard(
                root.path("name").asText(fallbackName),
                root.path("family").asText("siamtrack"),
                root.path("exemplar_size").asInt(127),
                root.path("instance_size").asInt(255),
                stride,
                scoreSize,
                root.path("grid_origin").asInt(-(scoreSize / 2) * stride),
                order.equals("RGB"),
                norm.path("scale").asDouble(1.0),
                triple(norm.path("mean"), 0, file),
                triple(norm.path("std"), 1, file),
                activation.equals("sigmoid"),
                hyper.path("window_influence").asDouble(0.49),
                hyper.path("penalty_k").asDouble(0.15),
                hyper.path("lr").asDouble(0.385),
                hyper.path("lost_threshold").asDouble(NANOTRACK_LOST_THRESHOLD),
                hyper.path("uncertain_threshold").asDouble(NANOTRACK_UNCERTAIN_THRESHOLD),
                verifyThreshold(hyper, file),
                provenance.isMissingNode() ? "" : provenance.toString());
    }

    private static double verifyThreshold(JsonNode hyper, Path file) throws ModelException {
        JsonNode node = hyper.path("verify_threshold");
        if (node.isMissingNode()) {
            return DEFAULT_VERIFY_THRESHOLD;
        }
        double v = node.asDouble(Double.NaN);
        if (!node.isNumber() || v < -1 || v > 1) {
            throw new ModelException(file + ": hyper.verify_threshold must be a cosine similarity in [-1, 1], found "
                    + node);
        }
        return v;
    }

    private static double[] triple(JsonNode node, double fallback, Path file) throws ModelException {
        if (node.isMissingNode() || node.isNull()) {
            return new double[] {fallback, fallback, fallback};
        }
        if (!node.isArray() || node.size() != 3) {
            throw new ModelException(file + ": normalize mean/std must be arrays of 3 numbers");
        }
        return new double[] {node.get(0).asDouble(), node.get(1).asDouble(), node.get(2).asDouble()};
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
