package dev.siamtrack.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.siamtrack.geom.Box;
import dev.siamtrack.model.ModelException;
import dev.siamtrack.run.LatencyStats;
import dev.siamtrack.track.NativeCropPreprocessor;
import dev.siamtrack.track.opencv.OpenCvTracker;
import dev.siamtrack.video.FrameSource;
import dev.siamtrack.video.FrameSources;
import dev.siamtrack.video.synth.ClipWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.bytedeco.opencv.global.opencv_core;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Measure the tracker's speed on a video, stage by stage, optionally against OpenCV's TrackerNano.",
            "Per-stage latency (decode, crop/preprocess, backbone, head, post-process) with median and p95,",
            "tracker-only and end-to-end FPS.",
            "With --reference-model, OpenCV's TrackerNano runs on the SAME decoded frames in the same run",
            "(each frame: ours, then OpenCV's) and the ratio of their median tracker latencies is printed.",
            "With --compare-model, a second model runs in our engine on the same frames too (after --model),",
            "with its own ratio: two models compared in one run, under the same load.",
            "End-to-end = decode + track, no display or output.",
            "With --targets 1,2,4,8 it measures several targets instead: for each count N, the batched engine",
            "(all N targets in one backbone and one head call) and N independent single-target trackers on the",
            "same frames, and the ratio of their median per-frame latencies."},
        footer = {"", "Examples:",
            "  ./siamtrack bench",
            "  ./siamtrack bench --targets 1,2,4,8,16 --frames 150",
            "Against NanoTrack v2 (in our engine and in OpenCV), after ./siamtrack models pull nanotrack-v2:",
            "  ./siamtrack bench --model nanotrack-v2 --reference-model nanotrack-v2",
            "  ./siamtrack bench --compare-model nanotrack-v2 --reference-model nanotrack-v2"})
final class BenchCommand implements Callable<Integer> {

    @Option(names = "--video", paramLabel = "FILE", description = "Video to run on (default: videos/demo.mp4).")
    Path video;

    @Option(names = "--init", paramLabel = "X,Y,W,H", description = "Target box on frame 0 (default: first line of the video's .txt ground truth).")
    String init;

    @Option(names = "--reference-model", paramLabel = "DIR|NAME", converter = ModelArgument.class,
            description = "NanoTrack v1 or v2 model (directory or name, e.g. nanotrack-v2 after 'models pull') to run"
                    + " with OpenCV's TrackerNano for comparison.")
    Path referenceModel;

    @Option(names = "--compare-model", paramLabel = "DIR|NAME", converter = ModelArgument.class,
            description = "A second model (directory or name) to run in our engine on the same frames, with the same options.")
    Path compareModel;

    @Option(names = "--opencv-threads", paramLabel = "N", defaultValue = "0",
            description = "OpenCV's thread count for TrackerNano (0: OpenCV's default, all cores).")
    int opencvThreads;

    @Option(names = "--frames", paramLabel = "N", defaultValue = "300", description = "Frames to run (default: ${DEFAULT-VALUE}).")
    int frames;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the figures as JSON.")
    Path json;

    @Option(names = "--targets", paramLabel = "N[,N...]",
            description = "Target counts to measure, e.g. 1,2,4,8,16 (1 to 64 each): batched engine vs as many independent trackers."
                    + " Target 0 is the --init box, the others boxes of its size spread over the first frame.")
    String targets;

    @Mixin
    ModelOptions modelOptions;

    @Override
    public Integer call() throws Exception {
        if (json != null) {
            Arguments.checkWritable("--json", json);
        }
        if (frames < 2) {
            throw new UserException("--frames must be at least 2");
        }
        if (opencvThreads < 0) {
            throw new UserException("--opencv-threads " + opencvThreads + ": must be 0 (OpenCV's default) or from 1 to "
                    + Runtime.getRuntime().availableProcessors() + " (the processors available on this machine)");
        }
        if (opencvThreads > 0) {
            Arguments.threads("--opencv-threads", opencvThreads);
        }
        Path clip = video != null ? video : DemoCommand.defaultClip();
        // the video first, with track's words for a missing, unreadable or undecodable one
        try (FrameSource opened = FrameSources.open(clip.toString())) {
            // opening it is the check: it is read again for the benchmark
        }
        Box initBox = init != null ? Arguments.box("--init " + init, init) : truthInit(clip);
        if (targets != null) {
            return benchTargets(clip, initBox, MultiTargetBench.parseCounts(targets));
        }
        if (referenceModel != null) {
            try {
                OpenCvTracker.checkNanoModel(referenceModel);
            } catch (IllegalArgumentException e) {
                throw new UserException("--reference-model " + referenceModel + ": " + e.getMessage());
            }
        }
        if (opencvThreads > 0) {
            opencv_core.setNumThreads(opencvThreads);
        }
        SingleTargetBench.Result result = new SingleTargetBench(clip, initBox, frames, modelOptions, compareModel, referenceModel).run();
        print(result);
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = mapper.createObjectNode();
        putOurs(root.putObject("siamtrack"), result);
        SingleTargetBench.Latencies ms = result.ms();
        if (result.comparedName() != null) {
            ObjectNode cmp = root.putObject("compare_model");
            cmp.put("model", compareModel.toString());
            cmp.put("track_ms_median", ms.compared.medianMs());
            cmp.put("track_ms_p95", ms.compared.p95Ms());
            root.put("ratio_compare_track_ms", ms.track.medianMs() / ms.compared.medianMs());
        }
        if (result.nanoName() != null) {
            ObjectNode ref = root.putObject("opencv_nano");
            ref.put("model", referenceModel.toString());
            ref.put("threads", opencv_core.getNumThreads());
            ref.put("track_ms_median", ms.nano.medianMs());
            ref.put("track_ms_p95", ms.nano.p95Ms());
            root.put("ratio_track_ms", ms.track.medianMs() / ms.nano.medianMs());
        }
        root.put("video", clip.toString());
        root.put("frames", ms.track.count());
        root.put("width", result.width());
        root.put("height", result.height());
        root.put("cpu_cores", Runtime.getRuntime().availableProcessors());
        writeJson(mapper, root);
        return SiamTrackCli.EXIT_OK;
    }

    /** The one-target figures on standard output: crop alone, stages, FPS, then each comparison's ratio. */
    private void print(SingleTargetBench.Result r) {
        SingleTargetBench.Latencies ms = r.ms();
        System.out.printf(Locale.ROOT, "crop 255x255 alone (%d calls): opencv %.3f / %.3f ms, native %s (median / p95); in use: %s%n",
                SingleTargetBench.CROP_ITERATIONS, LatencyStats.quantile(r.opencvCropMs(), 0.5),
                LatencyStats.quantile(r.opencvCropMs(), 0.95),
                r.nativeCropMs() == null ? "not built (" + NativeCropPreprocessor.unavailableReason() + ")"
                        : String.format(Locale.ROOT, "%.3f / %.3f ms", LatencyStats.quantile(r.nativeCropMs(), 0.5),
                        LatencyStats.quantile(r.nativeCropMs(), 0.95)), r.cropUsed());
        System.out.printf(Locale.ROOT, "%-22s %10s %10s%n", "stage (ms per frame)", "median", "p95");
        row("decode", ms.decode);
        row("crop/preprocess", ms.crop);
        row("backbone (search)", ms.backbone);
        row("head", ms.head);
        row("post-process", ms.post);
        row("tracker (update)", ms.track);
        row("  target found", ms.trackFound);
        row("  target LOST", ms.trackLost);
        row("end-to-end", ms.endToEnd);
        System.out.printf(Locale.ROOT, "tracker-only FPS %.1f (from the median), end-to-end FPS %.1f (mean over %d frames)%n",
                1000 / ms.track.medianMs(), r.endToEndFps(), ms.track.count());
        if (ms.trackLost.count() > 0 && ms.trackFound.count() > 0) {
            System.out.printf(Locale.ROOT, "frames starting LOST: %d of %d (re-detection %s); LOST / found median latency %.2f%n",
                    ms.trackLost.count(), ms.track.count(), modelOptions.params().redetect() ? "on" : "off",
                    ms.trackLost.medianMs() / ms.trackFound.medianMs());
        }
        if (r.comparedName() != null) {
            row(r.comparedName(), ms.compared);
            System.out.printf(Locale.ROOT, "ratio %s / %s tracker median latency: %.3f%n", r.ourName(), r.comparedName(),
                    ms.track.medianMs() / ms.compared.medianMs());
        }
        if (r.nanoName() != null) {
            row(r.nanoName(), ms.nano);
            double ratio = ms.track.medianMs() / ms.nano.medianMs();
            System.out.printf(Locale.ROOT, "ratio siamtrack / %s tracker median latency: %.3f (%.2fx faster)%n",
                    r.nanoName(), ratio, 1 / ratio);
        }
    }

    /** Our tracker's figures in the JSON. */
    private void putOurs(ObjectNode ours, SingleTargetBench.Result r) throws ModelException {
        SingleTargetBench.Latencies ms = r.ms();
        ours.put("model", modelOptions.modelDir().toString());
        ours.put("threads", modelOptions.threads);
        ours.put("track_ms_median", ms.track.medianMs());
        ours.put("track_ms_p95", ms.track.p95Ms());
        ours.put("tracker_fps", 1000 / ms.track.medianMs());
        ours.put("redetect", modelOptions.params().redetect());
        ours.put("lost_frames", ms.trackLost.count());
        if (ms.trackLost.count() > 0) {
            ours.put("lost_ms_median", ms.trackLost.medianMs());
            ours.put("lost_ms_p95", ms.trackLost.p95Ms());
        }
        if (ms.trackFound.count() > 0) {
            ours.put("found_ms_median", ms.trackFound.medianMs());
            ours.put("found_ms_p95", ms.trackFound.p95Ms());
        }
        ours.put("e2e_fps", r.endToEndFps());
        ours.put("e2e_ms_median", ms.endToEnd.medianMs());
        ours.put("e2e_ms_p95", ms.endToEnd.p95Ms());
        ObjectNode stages = ours.putObject("stages");
        stage(stages, "decode", ms.decode);
        stage(stages, "crop", ms.crop);
        stage(stages, "backbone", ms.backbone);
        stage(stages, "head", ms.head);
        stage(stages, "post", ms.post);
        ObjectNode crops = ours.putObject("crop_implementations");
        crops.put("in_use", r.cropUsed());
        crops.putObject("opencv").put("ms_median", LatencyStats.quantile(r.opencvCropMs(), 0.5))
                .put("ms_p95", LatencyStats.quantile(r.opencvCropMs(), 0.95));
        if (r.nativeCropMs() != null) {
            crops.putObject("native").put("ms_median", LatencyStats.quantile(r.nativeCropMs(), 0.5))
                    .put("ms_p95", LatencyStats.quantile(r.nativeCropMs(), 0.95));
        }
    }

    private int benchTargets(Path clip, Box initBox, List<Integer> counts) throws Exception {
        if (referenceModel != null) {
            throw new UserException("--reference-model compares one target with OpenCV; it does not combine with --targets");
        }
        int width;
        int height;
        try (FrameSource source = FrameSources.open(clip.toString())) {
            width = source.width();
            height = source.height();
        }
        initBox.checkInside(width, height);
        for (int n : counts) {
            MultiTargetBench.spreadBoxes(initBox, width, height, n);
        }
        Path modelDir = modelOptions.modelDir();
        System.err.printf(Locale.ROOT, "bench: %s (%dx%d), model %s, %d ORT thread(s), up to %d frames per target count%n",
                clip, width, height, modelDir, modelOptions.threads, frames);
        MultiTargetBench bench = new MultiTargetBench(clip, initBox, frames, modelOptions);
        MultiTargetBench.printHeader();
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = mapper.createObjectNode();
        root.put("video", clip.toString());
        root.put("model", modelDir.toString());
        root.put("threads", modelOptions.threads);
        root.put("cpu_cores", Runtime.getRuntime().availableProcessors());
        ArrayNode rows = root.putArray("targets");
        for (int n : counts) {
            MultiTargetBench.Row r = bench.run(n);
            MultiTargetBench.print(r);
            rows.addObject().put("targets", n).put("frames", r.batched().count())
                    .put("batched_ms_median", r.batched().medianMs()).put("batched_ms_p95", r.batched().p95Ms())
                    .put("independent_ms_median", r.independent().medianMs())
                    .put("independent_ms_p95", r.independent().p95Ms())
                    .put("ratio", r.ratio()).put("batched_fps", 1000 / r.batched().medianMs())
                    .put("batched_cpu_ms_median", r.batchedCpu().medianMs())
                    .put("independent_cpu_ms_median", r.independentCpu().medianMs())
                    .put("cpu_ratio", r.cpuRatio())
                    .put("batched_backbone_ms_median", r.backbone().medianMs())
                    .put("batched_head_ms_median", r.head().medianMs());
        }
        System.out.println("ratio = batched median / independent median (per frame, all targets); CPU = the tracking"
                + " thread's CPU time (all the work with --threads 1), less inflated by other processes");
        writeJson(mapper, root);
        return SiamTrackCli.EXIT_OK;
    }

    private void writeJson(ObjectMapper mapper, ObjectNode root) {
        if (json == null) {
            return;
        }
        try {
            Path parent = json.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            mapper.writeValue(json.toFile(), root);
        } catch (IOException e) {
            throw new UserException("--json " + json + ": not writable (" + e.getMessage() + ")");
        }
        System.err.println("bench: wrote " + json);
    }

    private static void row(String name, LatencyStats s) {
        System.out.printf(Locale.ROOT, "%-22s %10.3f %10.3f%n", name, s.medianMs(), s.p95Ms());
    }

    private static void stage(ObjectNode stages, String name, LatencyStats s) {
        ObjectNode o = stages.putObject(name);
        o.put("ms_median", s.medianMs());
        o.put("ms_p95", s.p95Ms());
    }

    private static Box truthInit(Path clip) {
        Path truth = ClipWriter.groundTruthPath(clip);
        if (!Files.isRegularFile(truth)) {
            throw new UserException("no --init given and no ground truth " + truth + " next to the video");
        }
        return DemoCommand.readTruth(truth).get(0);
    }
}
