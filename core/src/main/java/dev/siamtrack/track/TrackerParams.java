package dev.siamtrack.track;

import dev.siamtrack.model.ModelCard;
import java.util.OptionalDouble;

/**
 * Tuning of the Siamese tracker, immutable. Hyper-parameters left empty take the model card's value (each
 * model is tuned and calibrated for its own); {@link #DEFAULT} leaves all of them to the card.
 *
 * <pre>{@code
 * TrackerParams p = TrackerParams.builder().lostThreshold(0.4).lostFrames(5).build();
 * }</pre>
 *
 * @param contextAmount      context added around the target: p = contextAmount * (w + h)
 * @param windowInfluence    weight of the cosine window against the penalised score
 * @param penaltyK           strength of the scale / aspect-ratio change penalty
 * @param lr                 how fast the box size follows the prediction
 * @param lostThreshold      scores below this count towards LOST; while LOST, a score at or above it re-acquires
 * @param lostFrames         consecutive low-score frames before the state becomes LOST; with re-detection also the
 *                           LOST frames before scan windows start
 * @param uncertainThreshold scores below this are reported as UNCERTAIN (empty: the card's, but never below lostThreshold)
 * @param minSize            smallest box side in pixels
 * @param redetect           while LOST, search beyond the last position (wider, then the whole frame) and re-acquire
 *                           only a candidate within the target's reach that its embedding and colours verify, one
 *                           on the test for look-alikes only once confirmed on the next frame (see docs/tracking.md,
 *                           "Long-term tracking and re-detection"); on by default
 * @param verifyThreshold    the model's same/different cosine similarity (empty: the card's): a candidate needs a
 *                           similarity within half the distance from it to 1 of what the target scored while tracked
 *                           with confidence, or this threshold before any confident frame
 * @param scanWindows        extra search windows per LOST frame while re-detecting, from the {@code lostFrames}-th
 *                           LOST frame on (the cost of a LOST frame)
 */
public record TrackerParams(double contextAmount, OptionalDouble windowInfluence, OptionalDouble penaltyK,
                            OptionalDouble lr, OptionalDouble lostThreshold, int lostFrames,
                            OptionalDouble uncertainThreshold, double minSize, boolean redetect, int scanWindows,
                            OptionalDouble verifyThreshold) {

    public static final TrackerParams DEFAULT = builder().build();

    public TrackerParams {
        positive(contextAmount, "contextAmount");
        positive(minSize, "minSize");
        if (lostFrames < 1) {
            throw new IllegalArgumentException("lostFrames must be at least 1, got " + lostFrames);
        }
        unit(windowInfluence, "windowInfluence");
        unit(lostThreshold, "lostThreshold");
        unit(uncertainThreshold, "uncertainThreshold");
        unit(lr, "lr");
        if (scanWindows < 1) {
            throw new IllegalArgumentException("scanWindows must be at least 1, got " + scanWindows);
        }
        if (verifyThreshold.isPresent() && !(Math.abs(verifyThreshold.getAsDouble()) <= 1)) {
            throw new IllegalArgumentException("verifyThreshold must be between -1 and 1, got "
                    + verifyThreshold.getAsDouble());
        }
        if (penaltyK.isPresent() && !(penaltyK.getAsDouble() >= 0)) {
            throw new IllegalArgumentException("penaltyK must be >= 0, got " + penaltyK.getAsDouble());
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from these values. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.contextAmount = contextAmount;
        b.windowInfluence = windowInfluence;
        b.penaltyK = penaltyK;
        b.lr = lr;
        b.lostThreshold = lostThreshold;
        b.lostFrames = lostFrames;
        b.uncertainThreshold = uncertainThreshold;
        b.minSize = minSize;
        b.redetect = redetect;
        b.scanWindows = scanWindows;
        b.verifyThreshold = verifyThreshold;
        return b;
    }

    /** The values in force for a model: empty ones taken from its card. */
    Resolved resolve(ModelCard card) {
        double lost = lostThreshold.orElse(card.lostThreshold());
        return new Resolved(contextAmount, windowInfluence.orElse(card.windowInfluence()),
                penaltyK.orElse(card.penaltyK()), lr.orElse(card.lr()), lost, lostFrames,
                uncertainThreshold.orElse(Math.max(card.uncertainThreshold(), lost)), minSize, redetect, scanWindows,
                verifyThreshold.orElse(card.verifyThreshold()));
    }

    record Resolved(double contextAmount, double windowInfluence, double penaltyK, double lr, double lostThreshold,
                    int lostFrames, double uncertainThreshold, double minSize, boolean redetect, int scanWindows,
                    double verifyThreshold) {
    }

    private static void positive(double v, String name) {
        if (!(v > 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException(name + " must be a positive number, got " + v);
        }
    }

    private static void unit(OptionalDouble v, String name) {
        if (v.isPresent() && !(v.getAsDouble() >= 0 && v.getAsDouble() <= 1)) {
            throw new IllegalArgumentException(name + " must be between 0 and 1, got " + v.getAsDouble());
        }
    }

    /** Builds {@link TrackerParams}; every setter is optional. */
    public static final class Builder {
        private double contextAmount = 0.5;
        private OptionalDouble windowInfluence = OptionalDouble.empty();
        private OptionalDouble penaltyK = OptionalDouble.empty();
        private OptionalDouble lr = OptionalDouble.empty();
        private OptionalDouble lostThreshold = OptionalDouble.empty();
        private int lostFrames = 3;
        private OptionalDouble uncertainThreshold = OptionalDouble.empty();
        private double minSize = 10;
        private boolean redetect = true;
        private int scanWindows = 1;
        private OptionalDouble verifyThreshold = OptionalDouble.empty();

        private Builder() {
        }

        public Builder contextAmount(double v) {
            contextAmount = v;
            return this;
        }

        public Builder windowInfluence(double v) {
            windowInfluence = OptionalDouble.of(v);
            return this;
        }

        public Builder penaltyK(double v) {
            penaltyK = OptionalDouble.of(v);
            return this;
        }

        public Builder lr(double v) {
            lr = OptionalDouble.of(v);
            return this;
        }

        public Builder lostThreshold(double v) {
            lostThreshold = OptionalDouble.of(v);
            return this;
        }

        public Builder lostFrames(int v) {
            lostFrames = v;
            return this;
        }

        public Builder uncertainThreshold(double v) {
            uncertainThreshold = OptionalDouble.of(v);
            return this;
        }

        public Builder minSize(double v) {
            minSize = v;
            return this;
        }

        public Builder redetect(boolean v) {
            redetect = v;
            return this;
        }

        public Builder scanWindows(int v) {
            scanWindows = v;
            return this;
        }

        public Builder verifyThreshold(double v) {
            verifyThreshold = OptionalDouble.of(v);
            return this;
        }

        /** @throws IllegalArgumentException for a value out of its range */
        public TrackerParams build() {
            return new TrackerParams(contextAmount, windowInfluence, penaltyK, lr, lostThreshold, lostFrames,
                    uncertainThreshold, minSize, redetect, scanWindows, verifyThreshold);
        }
    }
}
