package dev.siamtrack.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.siamtrack.geom.Box;
import dev.siamtrack.testing.SharedData;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Metrics} against the independent {@link ReferenceMetrics} on the dev set (skipped without ../shared). */
class MetricsCrossCheckTest {

    private static final double TOLERANCE = 1e-6;

    @Test
    void kcfResultsOnDevSequencesScoreTheSameBothWays(@TempDir Path tmp) throws Exception {
        Path dev = SharedData.devDataset();
        List<String> names = List.of("Couple", "Football1", "Skiing");
        List<Sequence> sequences = Datasets.scan(dev).sequences().stream()
                .filter(s -> names.contains(s.name())).toList();
        Path report = tmp.resolve("report");
        new Evaluator("dev", dev, List.of(TrackerSpec.parse("kcf")), TrackerFactory.standard(), report, 1,
                new PrintStream(new ByteArrayOutputStream())).run(sequences, List.of());

        JsonNode kcf = new ObjectMapper().readTree(report.resolve("summary.json").toFile()).get("trackers").get("kcf");
        double aucSum = 0;
        double precisionSum = 0;
        for (String name : names) {
            double[][] truth = ReferenceMetrics.readBoxes(dev.resolve(name).resolve("groundtruth_rect.txt"));
            double[][] result = ReferenceMetrics.readBoxes(report.resolve("results/kcf/" + name + ".txt"));
            double auc = ReferenceMetrics.successAuc(truth, result);
            double precision = ReferenceMetrics.precisionAt(truth, result, 20);
            JsonNode seq = kcf.get("per_sequence").get(name);
            assertEquals(auc, seq.get("auc").asDouble(), TOLERANCE, name + " AUC");
            assertEquals(precision, seq.get("precision20").asDouble(), TOLERANCE, name + " P@20");
            aucSum += auc;
            precisionSum += precision;
        }
        assertEquals(aucSum / names.size(), kcf.get("auc").asDouble(), TOLERANCE);
        assertEquals(precisionSum / names.size(), kcf.get("precision20").asDouble(), TOLERANCE);
    }

    @Test
    void perturbedGroundTruthOfEveryDevSequenceScoresTheSameBothWays() throws Exception {
        Path dev = SharedData.devDataset();
        for (Sequence s : Datasets.scan(dev).sequences()) {
            List<Box> truth = s.groundTruth();
            List<Box> perturbed = new ArrayList<>();
            double[][] truthRows = new double[truth.size()][];
            double[][] resultRows = new double[truth.size()][];
            for (int i = 0; i < truth.size(); i++) {
                Box b = truth.get(i);
                // Deterministic shifts up to +-13 px and size changes up to +-30 %; every 17th frame lost.
                Box p = i % 17 == 16 ? Box.ABSENT : new Box(b.x() + (i * 7 % 27) - 13, b.y() + (i * 5 % 19) - 9,
                        b.w() * (0.7 + (i % 7) * 0.1), b.h() * (1.3 - (i % 5) * 0.15));
                perturbed.add(p);
                truthRows[i] = new double[] {b.x(), b.y(), b.w(), b.h()};
                resultRows[i] = new double[] {p.x(), p.y(), p.w(), p.h()};
            }
            Metrics.Score score = Metrics.score(truth, perturbed, 10_000, 10_000);
            assertEquals(ReferenceMetrics.successAuc(truthRows, resultRows), score.auc(), TOLERANCE, s.name());
            assertEquals(ReferenceMetrics.precisionAt(truthRows, resultRows, 20), score.precision20(), TOLERANCE, s.name());
        }
    }
}
