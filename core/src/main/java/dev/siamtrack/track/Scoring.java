package dev.siamtrack.track;

import dev.siamtrack.geom.Box;
import dev.siamtrack.model.ModelCard;
import java.nio.FloatBuffer;

/**
 * What every target of one tracker shares when it turns a score map into a box: the model card, the resolved
 * parameters, the cosine window and the crop position of every score cell.
 */
final class Scoring {

    final ModelCard card;
    final TrackerParams.Resolved params;
    final boolean sigmoid;
    final int size;
    final int cells;
    final float[] window;
    final float[] pointX;
    final float[] pointY;

    Scoring(ModelCard card, TrackerParams params, int scoreChannels) {
        this.card = card;
        this.params = params.resolve(card);
        this.sigmoid = scoreChannels == 1;
        this.size = card.scoreSize();
        this.cells = size * size;
        this.window = new float[cells];
        this.pointX = new float[cells];
        this.pointY = new float[cells];
        // The cosine window spans card.windowSize() cells centred on the map: a model cut to a smaller search
        // crop than it was trained with keeps the original's window, so a given motion costs the same.
        int windowSize = card.windowSize();
        int offset = (windowSize - size) / 2;
        for (int i = 0; i < size; i++) {
            for (int j = 0; j < size; j++) {
                int k = i * size + j;
                window[k] = (float) (hanning(i + offset, windowSize) * hanning(j + offset, windowSize));
                pointX[k] = card.gridOrigin() + j * card.stride();
                pointY[k] = card.gridOrigin() + i * card.stride();
            }
        }
    }

    /** Target probability of score-map cell {@code k}: sigmoid of one logit, or softmax of (background, target). */
    double probability(FloatBuffer scores, int k) {
        return sigmoid ? 1 / (1 + Math.exp(-scores.get(k))) : 1 / (1 + Math.exp(scores.get(k) - scores.get(cells + k)));
    }

    /** {@link #penalty} of cell {@code k}'s box (ltrb planes of {@code boxes}) against the current target. */
    double cellPenalty(FloatBuffer boxes, int k, double targetSize, double targetRatio) {
        double bw = boxes.get(k) + boxes.get(2 * cells + k);
        double bh = boxes.get(cells + k) + boxes.get(3 * cells + k);
        return penalty(bw, bh, targetSize, targetRatio, params.penaltyK());
    }

    /**
     * The cell the target moved to: the best of the probability (written into {@code probability}) times the
     * scale / ratio change penalty against a target of {@code targetSize} (context-padded, crop pixels) and {@code
     * targetRatio}, mixed with the cosine window by the window influence.
     */
    int bestCell(FloatBuffer scores, FloatBuffer boxes, double targetSize, double targetRatio, float[] probability) {
        int best = 0;
        double bestValue = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < cells; k++) {
            double prob = probability(scores, k);
            probability[k] = (float) prob;
            double value = cellPenalty(boxes, k, targetSize, targetRatio) * prob * (1 - params.windowInfluence())
                    + window[k] * params.windowInfluence();
            if (value > bestValue) {
                bestValue = value;
                best = k;
            }
        }
        return best;
    }

    /** As {@link #bestCell} without the cosine window: the target may be anywhere in a scan window. */
    int bestUnwindowedCell(FloatBuffer scores, FloatBuffer boxes, double targetSize, double targetRatio) {
        int best = 0;
        double bestValue = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < cells; k++) {
            double value = probability(scores, k) * cellPenalty(boxes, k, targetSize, targetRatio);
            if (value > bestValue) {
                bestValue = value;
                best = k;
            }
        }
        return best;
    }

    /** numpy.hanning(n)[i]: 0.5 - 0.5 cos(2 pi i / (n - 1)). */
    static double hanning(int i, int n) {
        return n == 1 ? 1 : 0.5 - 0.5 * Math.cos(2 * Math.PI * i / (n - 1));
    }

    /**
     * exp(-(r * s - 1) * k) with s the change of the context-padded size and r the change of aspect ratio,
     * both as max(x, 1/x), measured against the current target size in crop pixels.
     */
    static double penalty(double predW, double predH, double targetSize, double targetRatio, double penaltyK) {
        double s = change(sizeWithContext(predW, predH) / targetSize);
        double r = change(targetRatio / (predW / predH));
        return Math.exp(-(r * s - 1) * penaltyK);
    }

    /** Side of the square a target of w x h is cropped with (its exemplar crop; the search crop is this scaled). */
    double exemplarSide(double w, double h) {
        return exemplarSide(w, h, params.contextAmount());
    }

    /** That side with {@code contextAmount * (w + h)} of context added to each dimension. */
    static double exemplarSide(double w, double h, double contextAmount) {
        double p = contextAmount * (w + h);
        return Math.sqrt((w + p) * (h + p));
    }

    /** The size the scale penalty compares: the exemplar side at pysot's fixed context of 0.5, whatever the crop's. */
    static double sizeWithContext(double w, double h) {
        return exemplarSide(w, h, 0.5);
    }

    private static double change(double r) {
        return Math.max(r, 1 / r);
    }

    /**
     * The debug overlay's geometry for a search crop of {@code searchSide} frame pixels centred at (cx, cy) and its
     * score map: cells are centred at gridOrigin + i * stride crop pixels.
     */
    DebugInfo debugInfo(double cx, double cy, double searchSide, float[] probability) {
        Box search = Box.ofCenter(cx, cy, searchSide, searchSide);
        double framePerCrop = searchSide / card.instanceSize();
        double first = (card.gridOrigin() - card.stride() / 2.0) * framePerCrop;
        double side = size * card.stride() * framePerCrop;
        return new DebugInfo(search, new Box(cx + first, cy + first, side, side), probability, size, size);
    }
}
