package dev.siamtrack.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.siamtrack.geom.Box;
import dev.siamtrack.video.synth.ClipConfig;
import dev.siamtrack.video.synth.ClipGenerator;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Metrics} against the independent {@link ReferenceMetrics} on sequences rendered by the clip generator
 * (exact ground truth, written as an OTB dataset) and on their ground truth, the demo clip's included.
 */
class MetricsCrossCheckTest {

    private static final double TOLERANCE = 1e-6;
    private static final List<String> NAMES = List.of("seed-3", "seed-4", "seed-5");

    /** OTB sequences {@code seed-N} (img/0001.jpg..., groundtruth_rect.txt) of 60 generated 320x240 frames. */
    private static Path generatedDataset(Path root) throws Exception {
        for (String name : NAMES) {
            ClipGenerator clip = new ClipGenerator(ClipConfig.of(320, 240, 60, Long.parseLong(name.substring(5)), false, 1));
            Path img = Files.createDirectories(root.resolve(name).resolve("img"));
            byte[] scratch = new byte[320 * 240 * 3];
            try (Mat frame = new Mat()) {
                for (int i = 0; i < clip.frameCount(); i++) {
                    clip.renderFrame(i, frame, scratch);
                    opencv_imgcodecs.imwrite(img.resolve(String.format(Locale.ROOT, "%04d.jpg", i + 1)).toString(), frame);
                }
            }
            Files.writeString(root.resolve(name).resolve("groundtruth_rect.txt"), Fixtures.lines(clip.groundTruth(), ","));
        }
        return root;
    }

    @Test
    void kcfResultsOnGeneratedSequencesScoreTheSameBothWays(@TempDir Path tmp) throws Exception {
        Path dev = generatedDataset(tmp.resolve("generated"));
        List<String> names = NAMES;
        List<Sequence> sequences = Datasets.scan(dev).sequences();
        assertEquals(names, sequences.stream().map(Sequence::name).toList());
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
    void perturbedGroundTruthScoresTheSameBothWays() throws Exception {
        Map<String, List<Box>> truths = new LinkedHashMap<>();
        truths.put("demo clip (videos/demo.txt)", new ClipGenerator(ClipConfig.demo()).groundTruth());
        for (long seed = 1; seed <= 4; seed++) {
            truths.put("generated seed " + seed, new ClipGenerator(ClipConfig.of(320, 240, 200, seed, seed % 2 == 0, 20)).groundTruth());
        }
        for (Map.Entry<String, List<Box>> s : truths.entrySet()) {
            List<Box> truth = s.getValue();
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
            assertEquals(ReferenceMetrics.successAuc(truthRows, resultRows), score.auc(), TOLERANCE, s.getKey());
            assertEquals(ReferenceMetrics.precisionAt(truthRows, resultRows, 20), score.precision20(), TOLERANCE, s.getKey());
        }
    }
}
