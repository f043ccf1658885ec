package dev.siamtrack.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.siamtrack.eval.Roc;
import dev.siamtrack.eval.VerificationPairs;
import dev.siamtrack.eval.VerificationPairs.Crop;
import dev.siamtrack.geom.Box;
import dev.siamtrack.home.Home;
import dev.siamtrack.model.ModelException;
import dev.siamtrack.model.ModelRegistry;
import dev.siamtrack.model.SiameseModel;
import dev.siamtrack.track.TargetEmbedder;
import java.awt.Color;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.opencv_core.Mat;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code siamtrack compare}: one-shot verification of two target crops, or ROC / EER over many pairs. */
@Command(name = "compare", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Compare two target crops with the model's embedding: the same target or not.",
            "The embedding is the pooled backbone features of the template crop; the cosine similarity",
            "of two is held against the threshold calibrated in the model card. A crop is",
            "IMAGE:x,y,w,h, or IMAGE alone for the whole image.",
            "With --pairs: scores every pair of a pairs CSV (see make-pairs) and writes an",
            "ROC curve (roc.png), ROC AUC, the equal-error rate and its threshold to",
            "--report (summary.json, summary.md)."},
        footer = {"", "Exit codes: 0 done (for two crops: whatever the decision), 1 failure while running, 2 bad input.",
            "", "Examples (the demo clip's frames: its target on frames 1 and 150, then a crop of background):",
            "  ./siamtrack make-clip --leave --out out/demo-frames",
            "  ./siamtrack compare out/demo-frames/img/0001.jpg:462,166,56,40 \\",
            "      out/demo-frames/img/0150.jpg:253,279,101,72",
            "  ./siamtrack compare --model siamtrack-v3s \\",
            "      out/demo-frames/img/0001.jpg:462,166,56,40 \\",
            "      out/demo-frames/img/0001.jpg:100,300,56,40",
            "Many pairs with an ROC curve: see 'make-pairs --help'."})
public final class CompareCommand implements Callable<Integer> {

    private static final Pattern CROP = Pattern.compile("(.+):([-+0-9.eE]+(?:,[-+0-9.eE]+){3})");

    @Spec
    private CommandSpec spec;

    @Parameters(arity = "0..2", paramLabel = "CROP", description = "Two crops IMAGE[:x,y,w,h] (not with --pairs).")
    private List<String> crops = new ArrayList<>();

    @Option(names = "--pairs", paramLabel = "FILE.csv", description = "Pairs CSV to score (written by make-pairs).")
    private Path pairsFile;

    @Option(names = "--report", paramLabel = "DIR", description = "With --pairs: folder for roc.png, summary.json, summary.md.")
    private Path reportDir;

    @Option(names = "--model", paramLabel = "DIR|NAME", converter = ModelArgument.class,
            description = "Model directory, or the name of one in models/ or pulled with 'models pull'. Default: the"
                    + " installed default model in models/.")
    private Path model;

    @Option(names = "--threshold", paramLabel = "T",
            description = "Cosine similarity for 'same' (default: the model card's verify_threshold).")
    private Double threshold;

    @Option(names = "--verbose", description = "Show stack traces for errors.")
    private boolean verbose;

    @Override
    public Integer call() throws Exception {
        if (threshold != null && (threshold < -1 || threshold > 1)) {
            throw new UserException("--threshold " + threshold + ": must be a cosine similarity in [-1, 1]");
        }
        if (pairsFile == null) {
            if (reportDir != null) {
                throw new UserException("--report needs --pairs FILE.csv (two crops print their similarity only)");
            }
            if (crops.size() != 2) {
                throw new UserException("give two crops IMAGE[:x,y,w,h], or --pairs FILE.csv --report DIR");
            }
            return comparePair(parseCrop(crops.get(0)), parseCrop(crops.get(1)));
        }
        if (!crops.isEmpty() || reportDir == null) {
            throw new UserException("--pairs takes no crops and needs --report DIR");
        }
        // The report folder is checked before every pair is scored, not after.
        Arguments.checkWritableFolder("--report", reportDir);
        List<VerificationPairs.Pair> pairs = VerificationPairs.read(pairsFile);
        return scorePairs(pairs);
    }

    /** IMAGE or IMAGE:x,y,w,h; the image must exist. */
    static Crop parseCrop(String text) {
        Matcher m = CROP.matcher(text);
        Path image = Path.of(m.matches() ? m.group(1) : text);
        Box box = m.matches() ? Arguments.box(text, m.group(2)) : null;
        int colon = text.lastIndexOf(':');
        if (!m.matches() && !Files.isRegularFile(image) && colon > 0
                && Files.isRegularFile(Path.of(text.substring(0, colon)))) {
            throw new UserException(text + ": the box after ':' must be four numbers x,y,w,h, got '"
                    + text.substring(colon + 1) + "'");
        }
        if (!Files.isRegularFile(image)) {
            throw new UserException("image not found: " + image);
        }
        return new Crop(image, box);
    }

    /** A crop's box lies inside its image, the rule track applies to --init (checked before the model loads). */
    private static void checkInside(Crop crop, Map<Path, Mat> images) {
        if (crop.box() == null) {
            return;
        }
        Mat image = image(crop, images);
        try {
            crop.box().checkInside(image.cols(), image.rows());
        } catch (IllegalArgumentException e) {
            throw new UserException(crop.image() + ": " + e.getMessage());
        }
    }

    private int comparePair(Crop a, Crop b) throws ModelException {
        Map<Path, Mat> images = new HashMap<>();
        try (TargetEmbedder embedder = withInsideChecked(a, b, images)) {
            double t = threshold != null ? threshold : embedder.threshold();
            double similarity = TargetEmbedder.similarity(embed(embedder, a, images), embed(embedder, b, images));
            PrintWriter out = spec.commandLine().getOut();
            out.printf(Locale.ROOT, "similarity %.4f, threshold %.4f (%s, %s): %s%n", similarity, t,
                    embedder.card().name(), threshold != null ? "--threshold" : "model card",
                    similarity >= t ? "same" : "different");
            out.flush();
            return 0;
        } finally {
            images.values().forEach(Mat::close);
        }
    }

    private TargetEmbedder withInsideChecked(Crop a, Crop b, Map<Path, Mat> images) throws ModelException {
        checkInside(a, images);
        checkInside(b, images);
        return embedder();
    }

    private int scorePairs(List<VerificationPairs.Pair> pairs) throws ModelException, IOException {
        PrintWriter err = spec.commandLine().getErr();
        List<Roc.Scored> scored = new ArrayList<>();
        String modelName;
        double cardThreshold;
        // Every pair is scored before anything is written: a bad box fails the run without a half report.
        try (TargetEmbedder embedder = embedder()) {
            modelName = embedder.card().name();
            cardThreshold = embedder.threshold();
            Map<Path, Mat> images = new HashMap<>();
            try {
                for (int i = 0; i < pairs.size(); i++) {
                    VerificationPairs.Pair p = pairs.get(i);
                    double s = TargetEmbedder.similarity(embed(embedder, p.a(), images), embed(embedder, p.b(), images));
                    scored.add(new Roc.Scored(s, p.same()));
                    if ((i + 1) % 100 == 0) {
                        err.printf(Locale.ROOT, "\rscored %d/%d pairs", i + 1, pairs.size());
                        err.flush();
                    }
                    if (images.size() > 64) {
                        images.values().forEach(Mat::close);
                        images.clear();
                    }
                }
            } finally {
                images.values().forEach(Mat::close);
            }
        }
        err.println();
        Roc roc;
        try {
            roc = Roc.of(scored);
        } catch (IllegalArgumentException e) {
            throw new UserException(pairsFile + ": " + e.getMessage());
        }
        double used = threshold != null ? threshold : cardThreshold;
        Files.createDirectories(reportDir);
        writeReport(pairs, scored, roc, modelName, cardThreshold, used);
        PrintWriter out = spec.commandLine().getOut();
        out.printf(Locale.ROOT, "%s on %s: ROC AUC %.4f, EER %.4f at threshold %.4f; threshold in use %.4f: accuracy %.4f%n",
                modelName, VerificationPairs.counts(pairs), roc.auc(), roc.eer(), roc.eerThreshold(), used,
                Roc.accuracy(scored, used));
        out.println("report written to " + reportDir.resolve("summary.md"));
        out.flush();
        return 0;
    }

    private TargetEmbedder embedder() throws ModelException {
        return TargetEmbedder.create(ModelRegistry.resolve(model, Home.modelsDir()), SiameseModel.Options.DEFAULT);
    }

    /** Embeds one crop; images are read once per run (pairs share anchors). */
    private static float[] embed(TargetEmbedder embedder, Crop crop, Map<Path, Mat> images) {
        Mat image = image(crop, images);
        Box box = crop.box() != null ? crop.box() : new Box(0, 0, image.cols(), image.rows());
        try {
            return embedder.embed(image, box);
        } catch (IllegalArgumentException e) {
            throw new UserException(crop.image() + ": " + e.getMessage());
        }
    }

    /** The crop's image, read once per run. */
    private static Mat image(Crop crop, Map<Path, Mat> images) {
        Mat image = images.get(crop.image());
        if (image == null) {
            image = opencv_imgcodecs.imread(crop.image().toString(), opencv_imgcodecs.IMREAD_COLOR);
            if (image.empty()) {
                image.close();
                throw new UserException("cannot read image " + crop.image());
            }
            images.put(crop.image(), image);
        }
        return image;
    }

    private void writeReport(List<VerificationPairs.Pair> pairs, List<Roc.Scored> scored, Roc roc, String modelName,
                             double cardThreshold, double used) throws IOException {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("model", modelName);
        root.put("pairs_file", pairsFile.toString());
        root.put("pairs", pairs.size());
        root.put("roc_auc", roc.auc());
        root.put("eer", roc.eer());
        root.put("eer_threshold", roc.eerThreshold());
        root.put("card_threshold", cardThreshold);
        root.put("threshold_used", used);
        root.put("accuracy_at_threshold_used", Roc.accuracy(scored, used));
        Map<String, Object> kinds = new LinkedHashMap<>();
        for (String kind : pairs.stream().map(VerificationPairs.Pair::kind).distinct().toList()) {
            double[] s = new double[(int) pairs.stream().filter(p -> p.kind().equals(kind)).count()];
            int k = 0;
            for (int i = 0; i < pairs.size(); i++) {
                if (pairs.get(i).kind().equals(kind)) {
                    s[k++] = scored.get(i).similarity();
                }
            }
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("pairs", s.length);
            f.put("mean_similarity", Arrays.stream(s).average().orElse(Double.NaN));
            f.put("accepted_at_threshold_used", Arrays.stream(s).filter(v -> v >= used).count() / (double) s.length);
            kinds.put(kind, f);
        }
        root.put("by_kind", kinds);
        root.put("similarities", scored.stream().mapToDouble(Roc.Scored::similarity).toArray());
        root.put("protocol", List.of(
                "Similarity: cosine of the L2-normalised embeddings (central half of the backbone's template feature"
                        + " map, averaged over space) of the two crops cut at the tracker's template geometry.",
                "ROC over 'same if similarity >= t' for every distinct t; AUC by trapezoids; EER = (FAR + FRR) / 2"
                        + " at the threshold where FAR and FRR are closest."));
        Files.writeString(reportDir.resolve("summary.json"),
                new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(root) + "\n",
                StandardCharsets.UTF_8);
        StringBuilder md = new StringBuilder();
        md.append("# Verification of ").append(modelName).append(" on ").append(pairsFile).append("\n\n");
        md.append(String.format(Locale.ROOT, "%s%n%n| ROC AUC | EER | EER threshold | card threshold | accuracy at %.4f |%n"
                        + "|---:|---:|---:|---:|---:|%n| %.4f | %.4f | %.4f | %.4f | %.4f |%n%n",
                VerificationPairs.counts(pairs), used, roc.auc(), roc.eer(), roc.eerThreshold(), cardThreshold,
                Roc.accuracy(scored, used)));
        md.append("| kind | pairs | mean similarity | accepted as same |\n|---|---:|---:|---:|\n");
        for (Map.Entry<String, Object> e : kinds.entrySet()) {
            @SuppressWarnings("unchecked")
            Map<String, Object> f = (Map<String, Object>) e.getValue();
            md.append(String.format(Locale.ROOT, "| %s | %d | %.4f | %.4f |%n", e.getKey(), f.get("pairs"),
                    f.get("mean_similarity"), f.get("accepted_at_threshold_used")));
        }
        Files.writeString(reportDir.resolve("summary.md"), md.toString(), StandardCharsets.UTF_8);
        System.setProperty("java.awt.headless", "true");
        ImageIO.setUseCache(false);
        XYChart chart = new XYChartBuilder().width(640).height(480).title("ROC of " + modelName + " verification")
                .xAxisTitle("False accept rate").yAxisTitle("True accept rate").build();
        chart.getStyler().setYAxisMin(0.0).setYAxisMax(1.0).setXAxisMin(0.0).setXAxisMax(1.0)
                .setChartBackgroundColor(Color.WHITE).setLegendPosition(Styler.LegendPosition.InsideSE);
        chart.addSeries(String.format(Locale.ROOT, "%s [AUC %.3f, EER %.3f]", modelName, roc.auc(), roc.eer()),
                roc.fpr(), roc.tpr()).setMarker(SeriesMarkers.NONE);
        chart.addSeries("chance", new double[] {0, 1}, new double[] {0, 1}).setMarker(SeriesMarkers.NONE);
        BitmapEncoder.saveBitmap(chart, reportDir.resolve("roc.png").toString(), BitmapEncoder.BitmapFormat.PNG);
    }
}
