package dev.siamtrack.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.siamtrack.eval.LongTermMetrics;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;

/**
 * Several {@code eval} summaries taken as one set, as one {@code eval} over all their sequences reports it: the
 * figures {@code eval} averages over sequences (AUC, precision, AO, success rates, the long-term Pr, Re and AUC) are
 * weighted by each summary's sequences, counts (false LOST, wrong re-acquisitions, returns and those re-found) are
 * summed, the share of absent frames reported LOST is weighted by absent frames, and F comes from the pooled Pr and
 * Re. Only trackers every summary has are kept; per-frame timings are not pooled (a median of medians is none).
 */
final class PooledSummary {

    private static final List<String> SEQUENCE_MEANS = List.of("auc", "precision20", "norm_precision20", "ao", "sr50", "sr75");
    private static final List<String> LOSS_COUNTS = List.of("false_lost", "wrong_reacquisitions");

    private PooledSummary() {
    }

    /** The pooled summary: {@code sequences} and {@code trackers}, with the fields the report's tables read. */
    static ObjectNode of(List<JsonNode> summaries) {
        ObjectNode pooled = JsonNodeFactory.instance.objectNode();
        pooled.put("sequences", summaries.stream().mapToInt(s -> s.path("sequences").asInt()).sum());
        ObjectNode trackers = pooled.putObject("trackers");
        for (Iterator<String> names = summaries.get(0).path("trackers").fieldNames(); names.hasNext(); ) {
            String name = names.next();
            List<JsonNode> parts = summaries.stream().map(s -> s.path("trackers").path(name)).toList();
            if (parts.stream().noneMatch(JsonNode::isMissingNode)) {
                trackers.set(name, tracker(parts));
            }
        }
        return pooled;
    }

    private static ObjectNode tracker(List<JsonNode> parts) {
        ObjectNode t = JsonNodeFactory.instance.objectNode();
        int[] sequences = parts.stream().mapToInt(p -> p.path("sequences").asInt()).toArray();
        for (String field : SEQUENCE_MEANS) {
            t.put(field, weighted(parts, field, sequences));
        }
        t.put("frames", parts.stream().mapToInt(p -> p.path("frames").asInt()).sum());
        List<JsonNode> losses = parts.stream().map(p -> p.path("lost_and_reacquired")).toList();
        if (losses.stream().allMatch(JsonNode::isObject)) {
            ObjectNode l = t.putObject("lost_and_reacquired");
            for (String field : LOSS_COUNTS) {
                l.put(field, losses.stream().mapToInt(p -> p.path(field).asInt()).sum());
            }
        }
        List<JsonNode> longTerm = parts.stream().map(p -> p.path("long_term")).toList();
        if (longTerm.stream().allMatch(JsonNode::isObject)) {
            t.set("long_term", longTerm(longTerm, sequences));
        }
        return t;
    }

    private static ObjectNode longTerm(List<JsonNode> parts, int[] sequences) {
        ObjectNode lt = JsonNodeFactory.instance.objectNode();
        double precision = weighted(parts, "precision", sequences);
        double recall = weighted(parts, "recall", sequences);
        lt.put("f_score", precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0);
        lt.put("precision", precision);
        lt.put("recall", recall);
        int[] absentFrames = parts.stream().mapToInt(p -> p.path("absent_frames").asInt()).toArray();
        lt.put("absent_frames", Arrays.stream(absentFrames).sum());
        lt.put("absent_lost_share", weighted(parts, "absent_lost_share", absentFrames));
        String refound = "refound_within_" + LongTermMetrics.QUICK_REFIND_FRAMES;
        lt.put("returns", parts.stream().mapToInt(p -> p.path("returns").asInt()).sum());
        lt.put(refound, parts.stream().mapToInt(p -> p.path(refound).asInt()).sum());
        lt.put("auc", weighted(parts, "auc", sequences));
        return lt;
    }

    /** The mean of {@code field} over the parts, each weighing {@code weights[i]}; NaN with no weight at all. */
    private static double weighted(List<JsonNode> parts, String field, int[] weights) {
        double total = 0;
        for (int i = 0; i < weights.length; i++) {
            total += weights[i] * parts.get(i).path(field).asDouble();
        }
        int all = Arrays.stream(weights).sum();
        return all == 0 ? Double.NaN : total / all;
    }
}
