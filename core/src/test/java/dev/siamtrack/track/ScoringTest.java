package dev.siamtrack.track;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.siamtrack.model.ModelCard;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScoringTest {

    @Test
    void hanningMatchesNumpy() {
        // numpy.hanning(5) = [0, 0.5, 1, 0.5, 0]
        assertEquals(0, Scoring.hanning(0, 5), 1e-12);
        assertEquals(0.5, Scoring.hanning(1, 5), 1e-12);
        assertEquals(1, Scoring.hanning(2, 5), 1e-12);
        assertEquals(0.5, Scoring.hanning(3, 5), 1e-12);
        // numpy.hanning(16)[1] = 0.5 - 0.5 cos(2 pi / 15) = 0.04322727
        assertEquals(0.04322727, Scoring.hanning(1, 16), 1e-8);
    }

    @Test
    void sizeWithContextIsTheContextPaddedSide() {
        // w = 40, h = 20: pad = 30, sqrt(70 * 50) = 59.16079783
        assertEquals(59.16079783, Scoring.sizeWithContext(40, 20), 1e-8);
    }

    @Test
    void penaltyIsOneWithoutChange() {
        double size = Scoring.sizeWithContext(40, 20);
        assertEquals(1.0, Scoring.penalty(40, 20, size, 2.0, 0.15), 1e-12);
    }

    @Test
    void penaltyCombinesScaleAndRatioChange() {
        // target 40x20 (ratio 2), prediction 60x20 (ratio 3):
        // s = sz(60,20)/sz(40,20) = sqrt(100*60)/sqrt(70*50) = 77.45966692/59.16079783 = 1.30930734
        // r = max(2/3, 3/2) = 1.5; penalty = exp(-(1.5 * 1.30930734 - 1) * 0.15) = exp(-0.14459415) = 0.86537343
        double size = Scoring.sizeWithContext(40, 20);
        assertEquals(0.86537343, Scoring.penalty(60, 20, size, 2.0, 0.15), 1e-7);
        // shrinking by the same factors is penalised the same way (max(x, 1/x))
        double grown = Scoring.sizeWithContext(60, 20);
        assertEquals(0.86537343, Scoring.penalty(40, 20, grown, 3.0, 0.15), 1e-7);
    }

    @Test
    void windowAndCellPositionsFollowTheCardsGrid() {
        ModelCard card = ModelCard.nanoTrack("v2", 2);
        Scoring scoring = new Scoring(card, TrackerParams.DEFAULT, 2);
        int n = card.scoreSize();
        assertEquals(n * n, scoring.cells);
        for (int k : new int[] {0, 1, n, n + 3, n * n - 1}) {
            int i = k / n;
            int j = k % n;
            assertEquals(Scoring.hanning(i, n) * Scoring.hanning(j, n), scoring.window[k], 1e-6, "window " + k);
            assertEquals(card.gridOrigin() + j * card.stride(), scoring.pointX[k], 1e-6, "x of cell " + k);
            assertEquals(card.gridOrigin() + i * card.stride(), scoring.pointY[k], 1e-6, "y of cell " + k);
        }
    }

    @Test
    void aWiderWindowIsTheCentreOfTheOriginalMapsWindow(@TempDir Path dir) throws Exception {
        // An 11x11 map that keeps a 15-cell window: cell (i, j) weighs what cell (i + 2, j + 2) of the 15x15
        // map weighs, so the centre is 1 and the corner is hanning(2, 15) squared, not 0.
        Path file = Files.writeString(dir.resolve("model.json"),
                "{\"instance_size\": 191, \"score_size\": 11, \"window_size\": 15}");
        Scoring narrow = new Scoring(ModelCard.read(file), TrackerParams.DEFAULT, 2);
        double corner = 0.5 - 0.5 * Math.cos(2 * Math.PI * 2 / 14);
        assertEquals(corner * corner, narrow.window[0], 1e-6);
        assertEquals(1, narrow.window[5 * 11 + 5], 1e-6);
        assertEquals(corner, narrow.window[5 * 11], 1e-6);
    }

    @Test
    void probabilityIsTheSoftmaxOfTwoPlanesOrTheSigmoidOfOne() {
        ModelCard card = ModelCard.nanoTrack("v2", 2);
        int cells = card.scoreSize() * card.scoreSize();
        // background logit 0, target logit ln 3: softmax gives 3 / (1 + 3) = 0.75
        FloatBuffer two = FloatBuffer.allocate(2 * cells);
        two.put(cells + 5, (float) Math.log(3));
        assertEquals(0.75, new Scoring(card, TrackerParams.DEFAULT, 2).probability(two, 5), 1e-6);
        assertEquals(0.5, new Scoring(card, TrackerParams.DEFAULT, 2).probability(two, 4), 1e-6);
        // one logit ln 3: sigmoid gives 0.75 as well
        FloatBuffer one = FloatBuffer.allocate(cells);
        one.put(5, (float) Math.log(3));
        assertEquals(0.75, new Scoring(card, TrackerParams.DEFAULT, 1).probability(one, 5), 1e-6);
        assertFalse(new Scoring(card, TrackerParams.DEFAULT, 2).sigmoid);
    }

    @Test
    void cellPenaltyReadsTheBoxFromTheLtrbPlanes() {
        ModelCard card = ModelCard.nanoTrack("v2", 2);
        Scoring scoring = new Scoring(card, TrackerParams.DEFAULT, 2);
        int cells = scoring.cells;
        FloatBuffer boxes = FloatBuffer.allocate(4 * cells);
        // cell 7: left 25 + right 35 = width 60, top 8 + bottom 12 = height 20
        boxes.put(7, 25).put(2 * cells + 7, 35).put(cells + 7, 8).put(3 * cells + 7, 12);
        double size = Scoring.sizeWithContext(40, 20);
        assertEquals(Scoring.penalty(60, 20, size, 2.0, scoring.params.penaltyK()), scoring.cellPenalty(boxes, 7, size, 2.0), 1e-12);
        assertTrue(scoring.cellPenalty(boxes, 7, size, 2.0) < 1, "a changed box is penalised");
    }

    @Test
    void theCosineWindowKeepsTheTargetNearTheCentreAScanWindowDoesNot() {
        ModelCard card = ModelCard.nanoTrack("v2", 2);
        Scoring scoring = new Scoring(card, TrackerParams.DEFAULT, 1);
        int n = scoring.size;
        int cells = scoring.cells;
        // every cell predicts a 40 x 20 box (no penalty against a 40 x 20 target); logits: the centre cell 2,
        // a corner-near cell 3 (probabilities 0.881 and 0.953), the rest -5
        FloatBuffer scores = FloatBuffer.allocate(cells);
        FloatBuffer boxes = FloatBuffer.allocate(4 * cells);
        for (int k = 0; k < cells; k++) {
            scores.put(k, -5);
            boxes.put(k, 20).put(2 * cells + k, 20).put(cells + k, 10).put(3 * cells + k, 10);
        }
        int centre = (n / 2) * n + n / 2;
        int edge = n + 1;
        scores.put(centre, 2).put(edge, 3);
        double size = Scoring.sizeWithContext(40, 20);
        float[] probability = new float[cells];
        assertEquals(centre, scoring.bestCell(scores, boxes, size, 2.0, probability), "the window outweighs 0.07");
        assertEquals(1 / (1 + Math.exp(-3)), probability[edge], 1e-6, "every probability is written");
        assertEquals(1 / (1 + Math.exp(-2)), probability[centre], 1e-6);
        assertEquals(edge, scoring.bestUnwindowedCell(scores, boxes, size, 2.0), "no window: the best probability");
        // a box of another size at the edge cell is penalised below the centre's even without a window
        boxes.put(edge, 60).put(2 * cells + edge, 60);
        assertEquals(centre, scoring.bestUnwindowedCell(scores, boxes, size, 2.0));
    }
}
