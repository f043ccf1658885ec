package dev.siamtrack.eval;

import java.util.Map;

/**
 * Everything measured on one sequence, per tracker label.
 *
 * @param scores  accuracy per tracker label
 * @param trackMs tracker-only milliseconds per updated frame (the init frame left out) per tracker label
 * @param longTerm long-term figures (the tracker's LOST state against absent ground truth) per tracker label
 * @param lossErrors false LOST frames and wrong re-acquisitions per tracker label
 */
public record SequenceOutcome(String sequence, int frames, Map<String, Metrics.Score> scores,
                              Map<String, double[]> trackMs, Map<String, LongTermMetrics.Score> longTerm,
                              Map<String, LossErrors.Score> lossErrors) {
}
