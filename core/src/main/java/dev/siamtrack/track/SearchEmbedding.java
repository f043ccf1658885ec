package dev.siamtrack.track;

import java.nio.FloatBuffer;

/**
 * The target embedding read off a search crop's backbone features, at no extra network cost: the cells a
 * target-sized box covers (as many as the central half of the template's feature map, which
 * {@link TargetEmbedder} pools) around a point of the crop are averaged and L2-normalised, and compared with
 * the target's template embedding by cosine similarity. Each frame this verifies where a target is tracked
 * and every re-detection candidate, in the features its search window already has.
 */
final class SearchEmbedding {

    private final int channels;
    private final int side;
    private final int width;
    private final double cellPixels;
    private final float[] scratch;

    /**
     * @param channels     feature channels
     * @param side         side of a search crop's feature map
     * @param templateSide side of the template's feature map
     * @param instanceSize side of the search crop in pixels
     */
    SearchEmbedding(int channels, int side, int templateSide, int instanceSize) {
        this.channels = channels;
        this.side = side;
        this.width = Math.min(side, templateSide - 2 * (templateSide / 4));
        this.cellPixels = instanceSize / (double) side;
        this.scratch = new float[channels];
    }

    /**
     * Cosine similarity of {@code target} with the embedding of the box centred at crop pixel ({@code x}, {@code y})
     * in {@code features} (channels x side x side): the block of cells nearest to that centre, inside the map.
     */
    double similarity(FloatBuffer features, double x, double y, float[] target) {
        int x0 = clampCell(Math.round(x / cellPixels - width / 2.0));
        int y0 = clampCell(Math.round(y / cellPixels - width / 2.0));
        TargetEmbedder.pool(features, channels, side, x0, y0, width, scratch);
        return TargetEmbedder.similarity(target, scratch);
    }

    private int clampCell(long cell) {
        return (int) Math.max(0, Math.min(side - width, cell));
    }
}
