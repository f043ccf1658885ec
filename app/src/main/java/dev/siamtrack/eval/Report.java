package dev.siamtrack.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.siamtrack.model.SiameseModel;
import dev.siamtrack.run.LatencyStats;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.bytedeco.opencv.global.opencv_core;

/** Writes {@code summary.json} (machine-readable) and {@code summary.md} (for people) into the report folder. */
public final class Report {

    /** Describes the protocol in the report, so every figure says how it was obtained. */
    static final List<String> PROTOCOL = List.of(
            "One-pass evaluation (OPE): each tracker is initialised once on the first frame with the ground-truth box"
                    + " and never re-initialised.",
            "The first (init) frame counts in every figure with the init box as the prediction, as in pysot.",
            "Success: fraction of frames with IoU > t (strict) for t = 0, 0.05, ..., 1; AUC = mean of the 21 values.",
            "Precision: centre (x + (w-1)/2, y + (h-1)/2) error <= 20 px; normalised precision: centre error"
                    + " divided by the ground-truth width/height <= 0.20.",
            "AO: mean IoU with both boxes clipped to the image; SR0.5 / SR0.75: fraction of frames with that IoU"
                    + " > 0.5 / 0.75 (GOT-10k definitions, applied to all frames).",
            "Frames whose ground truth is absent (NaN, absence/occlusion/out-of-view flags) or of zero area count as"
                    + " failures at every threshold (IoU -1, overlap 0 for AO), as in pysot.",
            "Dataset figures are means over sequences.",
            "Speed: tracker-only time per frame of the updates (the init frame is left out), excluding decoding,"
                    + " pooled over all frames; FPS (median) = 1000 / median ms. Timings are trustworthy only with --threads 1.");

    /** Added to the protocol when some ground truth has absent frames. */
    static final List<String> LONG_TERM_PROTOCOL = List.of(
            "Long-term figures (target absent for stretches): the tracker claims the target present on a frame when"
                    + " its state is not LOST (the init frame counts as a present claim).",
            "VOT-LT tracking precision Pr: mean IoU over present claims (0 where the target is absent); recall Re:"
                    + " mean IoU over frames with the target (0 where the tracker says LOST); both averaged over"
                    + " sequences; F = 2 Pr Re / (Pr + Re).",
            "Absent LOST: share of all absent frames (pooled) on which the tracker says LOST.",
            "Re-found <= " + LongTermMetrics.QUICK_REFIND_FRAMES + ": share of returns (a frame with the target after"
                    + " an absent one, pooled) with a present claim of IoU > " + LongTermMetrics.REFOUND_IOU
                    + " at most " + LongTermMetrics.QUICK_REFIND_FRAMES + " frames after the return, before the"
                    + " target is absent again; frames to re-find: the median over re-found returns (0: on the"
                    + " return frame).",
            "LT AUC: success AUC where a frame with the target scores its IoU (0 when LOST) and an absent frame is"
                    + " a success at every threshold when the tracker says LOST; mean over sequences.");

    /** Describes the LOST / re-acquisition error counts, which every report has. */
    static final List<String> LOSS_PROTOCOL = List.of(
            "False LOST: frames reported LOST while the target is present and the reported box has IoU >= "
                    + LossErrors.FALSE_LOST_IOU + " (the tracker was right but said it was lost); out of the frames"
                    + " reported LOST with the target present; pooled over sequences.",
            "Wrong re-acquisitions: frames flagged re-acquired whose box has IoU < " + LossErrors.WRONG_IOU
                    + " with a present target, or any while the target is absent; frames on the wrong object: from"
                    + " such a frame on, the frames still claimed (not LOST) with IoU < " + LossErrors.WRONG_IOU
                    + " or the target absent, until LOST, back on the target or re-acquired again; pooled.");

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Report() {
    }

    /** One tracker's dataset figures: means over sequences, speed pooled over all frames. */
    public record TrackerSummary(String label, Metrics.Score score, int sequences, double msMedian, double msP95,
                                 double fpsMean, LongTermMetrics.Summary longTerm, LossErrors.Score lossErrors) {

        public double fpsMedian() {
            return msMedian > 0 ? 1000 / msMedian : Double.NaN;
        }
    }

    /** Dataset figures of one tracker; null when no sequence has finished. */
    public static TrackerSummary summarise(String label, List<SequenceOutcome> outcomes) {
        List<Metrics.Score> scores = new ArrayList<>();
        List<double[]> times = new ArrayList<>();
        List<LongTermMetrics.Score> longTerm = new ArrayList<>();
        List<LossErrors.Score> lossErrors = new ArrayList<>();
        for (SequenceOutcome o : outcomes) {
            scores.add(o.scores().get(label));
            times.add(o.trackMs().get(label));
            longTerm.add(o.longTerm().get(label));
            lossErrors.add(o.lossErrors().get(label));
        }
        if (scores.isEmpty()) {
            return null;
        }
        double[] allMs = times.stream().flatMapToDouble(Arrays::stream).toArray();
        double totalMs = Arrays.stream(allMs).sum();
        Metrics.Score mean = new Metrics.Score(
                scores.stream().mapToInt(Metrics.Score::frames).sum(),
                average(scores, Metrics.Score::auc), average(scores, Metrics.Score::precision20),
                average(scores, Metrics.Score::normPrecision20), average(scores, Metrics.Score::ao),
                average(scores, Metrics.Score::sr50), average(scores, Metrics.Score::sr75),
                Metrics.meanCurve(scores.stream().map(Metrics.Score::success).toList()),
                Metrics.meanCurve(scores.stream().map(Metrics.Score::precision).toList()),
                Metrics.meanCurve(scores.stream().map(Metrics.Score::normPrecision).toList()));
        return new TrackerSummary(label, mean, scores.size(), LatencyStats.quantile(allMs, 0.5),
                LatencyStats.quantile(allMs, 0.95), totalMs > 0 ? allMs.length * 1000 / totalMs : Double.NaN,
                LongTermMetrics.anyAbsent(longTerm) ? LongTermMetrics.summarise(longTerm) : null,
                LossErrors.total(lossErrors));
    }

    public static void write(Path dir, ReportData data) throws IOException {
        Files.createDirectories(dir);
        List<TrackerSummary> summaries = new ArrayList<>();
        for (String label : data.trackers()) {
            TrackerSummary s = summarise(label, data.outcomes());
            if (s != null) {
                summaries.add(s);
            }
        }
        writeAtomically(dir.resolve("summary.json"), JSON.writeValueAsString(json(data, summaries)) + "\n");
        writeAtomically(dir.resolve("summary.md"), markdown(data, summaries));
    }

    private static Map<String, Object> json(ReportData data, List<TrackerSummary> summaries) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("dataset", data.dataset());
        root.put("dataset_dir", data.datasetDir());
        root.put("status", data.status().name().toLowerCase(Locale.ROOT));
        root.put("threads", data.threads());
        root.put("cpus", Runtime.getRuntime().availableProcessors());
        root.put("load_average", loadAverage());
        root.put("opencv_threads", opencv_core.getNumThreads());
        root.put("siamtrack_onnx_threads", SiameseModel.Options.DEFAULT.threads());
        root.put("sequences", data.outcomes().size());
        Map<String, Object> trackers = new LinkedHashMap<>();
        for (TrackerSummary s : summaries) {
            Map<String, Object> t = figures(s.score(), s.msMedian(), s.msP95());
            t.put("fps_mean", s.fpsMean());
            t.put("sequences", s.sequences());
            t.put("success_curve", s.score().success());
            t.put("precision_curve", s.score().precision());
            t.put("norm_precision_curve", s.score().normPrecision());
            if (s.longTerm() != null) {
                t.put("long_term", longTermJson(s.longTerm()));
            }
            t.put("lost_and_reacquired", lossJson(s.lossErrors()));
            Map<String, Object> perSequence = new LinkedHashMap<>();
            for (SequenceOutcome o : data.outcomes()) {
                double[] ms = o.trackMs().get(s.label());
                Map<String, Object> f = figures(o.scores().get(s.label()),
                        LatencyStats.quantile(ms, 0.5), LatencyStats.quantile(ms, 0.95));
                if (s.longTerm() != null) {
                    LongTermMetrics.Score lt = o.longTerm().get(s.label());
                    Map<String, Object> l = new LinkedHashMap<>();
                    l.put("f_score", lt.fScore());
                    l.put("precision", lt.precision());
                    l.put("recall", lt.recall());
                    l.put("absent_frames", lt.absentFrames());
                    l.put("absent_lost", lt.absentLost());
                    l.put("refind_frames", lt.refindFrames());
                    l.put("auc", lt.auc());
                    f.put("long_term", l);
                }
                f.put("lost_and_reacquired", lossJson(o.lossErrors().get(s.label())));
                perSequence.put(o.sequence(), f);
            }
            t.put("per_sequence", perSequence);
            trackers.put(s.label(), t);
        }
        root.put("trackers", trackers);
        List<Map<String, String>> skipped = new ArrayList<>();
        for (Datasets.Skipped s : data.skipped()) {
            skipped.add(Map.of("sequence", s.name(), "reason", s.reason()));
        }
        root.put("skipped", skipped);
        root.put("warnings", data.warnings());
        root.put("protocol", protocol(summaries));
        return root;
    }

    private static Map<String, Object> longTermJson(LongTermMetrics.Summary lt) {
        Map<String, Object> l = new LinkedHashMap<>();
        l.put("f_score", lt.fScore());
        l.put("precision", lt.precision());
        l.put("recall", lt.recall());
        l.put("absent_frames", lt.absentFrames());
        l.put("absent_lost_share", lt.absentLostShare());
        l.put("returns", lt.returns());
        l.put("refound_within_" + LongTermMetrics.QUICK_REFIND_FRAMES, lt.refoundQuickly());
        l.put("refound_within_" + LongTermMetrics.QUICK_REFIND_FRAMES + "_share", finite(lt.refoundQuicklyShare()));
        l.put("median_refind_frames", finite(lt.medianRefindFrames()));
        l.put("auc", lt.auc());
        l.put("success_curve", lt.success());
        return l;
    }

    private static Map<String, Object> lossJson(LossErrors.Score e) {
        Map<String, Object> l = new LinkedHashMap<>();
        l.put("present_frames", e.presentFrames());
        l.put("lost_while_present", e.lostWhilePresent());
        l.put("false_lost", e.falseLost());
        l.put("reacquisitions", e.reacquisitions());
        l.put("wrong_reacquisitions", e.wrongReacquisitions());
        l.put("wrong_object_frames", e.wrongObjectFrames());
        return l;
    }

    /** JSON has no NaN: null instead. */
    private static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }

    private static Map<String, Object> figures(Metrics.Score score, double msMedian, double msP95) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("auc", score.auc());
        f.put("precision20", score.precision20());
        f.put("norm_precision20", score.normPrecision20());
        f.put("ao", score.ao());
        f.put("sr50", score.sr50());
        f.put("sr75", score.sr75());
        f.put("fps_median", msMedian > 0 ? 1000 / msMedian : null);
        f.put("ms_median", msMedian);
        f.put("ms_p95", msP95);
        f.put("frames", score.frames());
        return f;
    }

    private static String markdown(ReportData data, List<TrackerSummary> summaries) {
        StringBuilder md = new StringBuilder();
        int frames = data.outcomes().stream().mapToInt(SequenceOutcome::frames).sum();
        md.append("# Evaluation on ").append(data.dataset()).append("\n\n");
        md.append(String.format(Locale.ROOT, "One-pass evaluation of %d sequence(s), %d frames, from `%s`;"
                        + " %d sequence thread(s) on %d CPU(s)%s.%n%n",
                data.outcomes().size(), frames, data.datasetDir(), data.threads(),
                Runtime.getRuntime().availableProcessors(),
                data.threads() == 1 ? "" : " (timings share the CPU: trustworthy only with --threads 1)"));
        md.append(String.format(Locale.ROOT, "OpenCV's trackers use OpenCV's thread pool (%d thread(s));"
                + " siamtrack runs ONNX Runtime on the CPU with %d thread(s). System load average when written:"
                + " %.1f (timings are distorted when it exceeds the CPU count).%n%n",
                opencv_core.getNumThreads(), SiameseModel.Options.DEFAULT.threads(), loadAverage()));
        switch (data.status()) {
            case RUNNING -> md.append("**Running**: this report covers the sequences finished so far.\n\n");
            case INTERRUPTED -> md.append("**Interrupted**: this report covers only the sequences that finished.\n\n");
            case COMPLETE -> { }
        }
        md.append("| tracker | AUC | P@20 | NP@0.2 | AO | SR0.5 | SR0.75 | FPS (median) | ms median | ms p95 | frames |\n");
        md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (TrackerSummary s : summaries) {
            Metrics.Score sc = s.score();
            md.append(String.format(Locale.ROOT, "| %s | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f | %.1f | %.2f | %.2f | %d |%n",
                    s.label(), sc.auc(), sc.precision20(), sc.normPrecision20(), sc.ao(), sc.sr50(), sc.sr75(),
                    s.fpsMedian(), s.msMedian(), s.msP95(), sc.frames()));
        }
        if (!data.outcomes().isEmpty()) {
            md.append("\n## Per sequence: AUC / P@20 (ms median)\n\n| sequence | frames |");
            summaries.forEach(s -> md.append(' ').append(s.label()).append(" |"));
            md.append("\n|---|---:|");
            summaries.forEach(s -> md.append("---:|"));
            md.append('\n');
            for (SequenceOutcome o : data.outcomes()) {
                md.append("| ").append(o.sequence()).append(" | ").append(o.frames()).append(" |");
                for (TrackerSummary s : summaries) {
                    Metrics.Score sc = o.scores().get(s.label());
                    md.append(String.format(Locale.ROOT, " %.3f / %.3f (%.1f) |", sc.auc(), sc.precision20(),
                            LatencyStats.quantile(o.trackMs().get(s.label()), 0.5)));
                }
                md.append('\n');
            }
        }
        if (summaries.stream().anyMatch(s -> s.longTerm() != null)) {
            md.append("\n## Long-term: target absent for stretches\n\n");
            md.append("| tracker | F | Pr | Re | absent LOST | re-found <= ").append(LongTermMetrics.QUICK_REFIND_FRAMES)
                    .append(" | frames to re-find (median) | LT AUC | absent frames | returns |\n");
            md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
            for (TrackerSummary s : summaries) {
                LongTermMetrics.Summary lt = s.longTerm();
                md.append(String.format(Locale.ROOT, "| %s | %.3f | %.3f | %.3f | %.3f | %.3f (%d/%d) | %.0f | %.3f | %d | %d |%n",
                        s.label(), lt.fScore(), lt.precision(), lt.recall(), lt.absentLostShare(),
                        lt.refoundQuicklyShare(), lt.refoundQuickly(), lt.returns(), lt.medianRefindFrames(), lt.auc(),
                        lt.absentFrames(), lt.returns()));
            }
        }
        if (!summaries.isEmpty()) {
            lossTable(md, summaries);
        }
        md.append("\n## Protocol\n\n");
        protocol(summaries).forEach(p -> md.append("- ").append(p).append('\n'));
        if (!data.skipped().isEmpty()) {
            md.append("\n## Skipped\n\n");
            data.skipped().forEach(s -> md.append("- ").append(s.name()).append(": ").append(s.reason()).append('\n'));
        }
        if (!data.warnings().isEmpty()) {
            md.append("\n## Warnings\n\n");
            data.warnings().forEach(w -> md.append("- ").append(w).append('\n'));
        }
        return md.toString();
    }

    private static void lossTable(StringBuilder md, List<TrackerSummary> summaries) {
        md.append("\n## LOST decisions and re-acquisitions\n\n");
        md.append("| tracker | false LOST | LOST with the target present | frames with the target | wrong re-acquisitions"
                + " | re-acquisitions | frames on the wrong object |\n");
        md.append("|---|---:|---:|---:|---:|---:|---:|\n");
        for (TrackerSummary s : summaries) {
            LossErrors.Score e = s.lossErrors();
            md.append(String.format(Locale.ROOT, "| %s | %d | %d | %d | %d | %d | %d |%n", s.label(), e.falseLost(),
                    e.lostWhilePresent(), e.presentFrames(), e.wrongReacquisitions(), e.reacquisitions(),
                    e.wrongObjectFrames()));
        }
    }

    private static List<String> protocol(List<TrackerSummary> summaries) {
        List<String> all = new ArrayList<>(PROTOCOL);
        all.addAll(LOSS_PROTOCOL);
        if (summaries.stream().anyMatch(s -> s.longTerm() != null)) {
            all.addAll(LONG_TERM_PROTOCOL);
        }
        return all;
    }

    private static double average(List<Metrics.Score> scores, ToDoubleFunction<Metrics.Score> f) {
        return scores.stream().mapToDouble(f).average().orElse(Double.NaN);
    }

    /** The 1-minute system load average, or -1 where the platform does not tell. */
    private static double loadAverage() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    /** Readers (and an interrupted run) never see a half-written file. */
    public static void writeAtomically(Path file, String text) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
