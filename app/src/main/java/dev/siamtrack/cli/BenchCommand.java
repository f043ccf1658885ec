package dev.siamtrack.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.siamtrack.bench.PreprocessBench;
import dev.siamtrack.geom.Box;
import dev.siamtrack.home.Home;
import dev.siamtrack.run.LatencyStats;
import dev.siamtrack.run.PlannedTarget;
import dev.siamtrack.run.SequenceRunner;
import dev.siamtrack.track.CropPreprocessor;
import dev.siamtrack.track.CropPreprocessors;
import dev.siamtrack.track.NativeCropPreprocessor;
import dev.siamtrack.track.PixelSpec;
import dev.siamtrack.track.SiameseTracker;
import dev.siamtrack.track.StageTimes;
import dev.siamtrack.track.TargetEngine;
import dev.siamtrack.track.TrackState;
import dev.siamtrack.track.Tracker;
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
import org.bytedeco.opencv.opencv_core.Mat;
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

    private static final int CROP_ITERATIONS = 2000;

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
        Path clip = video != null ? video : DemoCommand.defaultClip();
        Box initBox = init != null ? Arguments.box("--init " + init, init) : truthInit(clip);
        if (frames < 2) {
            throw new UserException("--frames must be at least 2");
        }
        if (targets != null) {
            return benchTargets(clip, initBox, MultiTargetBench.parseCounts(targets));
        }
        Path compareDir = compareModel == null ? null : Home.findModel(compareModel);
        if (opencvThreads > 0) {
            opencv_core.setNumThreads(Arguments.threads("--opencv-threads", opencvThreads));
        }
        LatencyStats decode = new LatencyStats(frames);
        LatencyStats crop = new LatencyStats(frames);
        LatencyStats backbone = new LatencyStats(frames);
        LatencyStats head = new LatencyStats(frames);
        LatencyStats post = new LatencyStats(frames);
        LatencyStats track = new LatencyStats(frames);
        LatencyStats trackLost = new LatencyStats(frames);
        LatencyStats trackFound = new LatencyStats(frames);
        LatencyStats endToEnd = new LatencyStats(frames);
        LatencyStats nano = new LatencyStats(frames);
        LatencyStats compared = new LatencyStats(frames);
        String nanoName = null;
        String comparedName = null;
        String ourName;
        String cropUsed;
        double[][] cropTimes = new double[2][];
        int width;
        int height;
        try (FrameSource source = FrameSources.open(clip.toString());
             SiameseTracker tracker = modelOptions.createTracker();
             SiameseTracker other = compareDir == null ? null : modelOptions.createTracker(compareDir);
             OpenCvTracker reference = referenceModel == null ? null : OpenCvTracker.nano(referenceModel)) {
            width = source.width();
            height = source.height();
            try {
                initBox.checkInside(width, height);
            } catch (IllegalArgumentException e) {
                throw new UserException("--init " + e.getMessage());
            }
            cropUsed = tracker.cropName();
            nanoName = reference == null ? null : reference.name();
            comparedName = other == null ? null : "siamtrack@" + other.model().card().name();
            ourName = "siamtrack@" + tracker.model().card().name();
            System.err.printf(Locale.ROOT, "bench: %s (%dx%d), model %s, %d ORT thread(s), %s crop%s%n", clip, width,
                    height, tracker.model().card().name(), modelOptions.threads, cropUsed,
                    reference == null ? "" : ", vs " + reference.name() + " with " + opencv_core.getNumThreads() + " OpenCV thread(s)");
            // closing the tracker (above) is closing this engine
            TargetEngine engine = TargetEngine.single(tracker);
            TimedFrames timed = new TimedFrames(source);
            boolean[] started = new boolean[1];
            // Frames that start with the target LOST (re-detection searches beyond its last position on them)
            boolean[] lost = new boolean[1];
            // Each frame: ours (timed by the runner), then OpenCV's on the same decoded frame.
            SequenceRunner.Stats stats = new SequenceRunner(engine, List.of(new PlannedTarget("1", 0, initBox)), frames)
                    .run(timed, frames, (index, frame, results, trackNanos) -> {
                        boolean first = !started[0];
                        started[0] = true;
                        if (!first) {
                            StageTimes st = tracker.stageTimes();
                            decode.add(timed.lastNanos);
                            crop.add(st.crop);
                            backbone.add(st.backbone);
                            head.add(st.head);
                            post.add(st.post);
                            track.add(trackNanos);
                            (lost[0] ? trackLost : trackFound).add(trackNanos);
                            endToEnd.add(timed.lastNanos + trackNanos);
                        }
                        lost[0] = results.get(0).state() == TrackState.LOST;
                        timeOnSameFrame(other, first, frame, initBox, compared);
                        timeOnSameFrame(reference, first, frame, initBox, nano);
                    });
            if (stats.frames() < 2) {
                throw new UserException(clip + ": needs at least 2 frames to benchmark");
            }
        }
        try (FrameSource source = FrameSources.open(clip.toString());
             CropPreprocessor opencv = CropPreprocessors.create(PixelSpec.RAW_BGR, CropPreprocessors.Preference.OPENCV);
             CropPreprocessor nativeCrop = NativeCropPreprocessor.isAvailable() ? new NativeCropPreprocessor(PixelSpec.RAW_BGR) : null) {
            Mat first = source.next();
            cropTimes[0] = PreprocessBench.timeMs(opencv, first, CROP_ITERATIONS);
            cropTimes[1] = nativeCrop == null ? null : PreprocessBench.timeMs(nativeCrop, first, CROP_ITERATIONS);
        }
        double e2eFps = 1000 / endToEnd.meanMs();
        System.out.printf(Locale.ROOT, "crop 255x255 alone (%d calls): opencv %.3f / %.3f ms, native %s (median / p95); in use: %s%n",
                CROP_ITERATIONS, LatencyStats.quantile(cropTimes[0], 0.5), LatencyStats.quantile(cropTimes[0], 0.95),
                cropTimes[1] == null ? "not built (" + NativeCropPreprocessor.unavailableReason() + ")"
                        : String.format(Locale.ROOT, "%.3f / %.3f ms", LatencyStats.quantile(cropTimes[1], 0.5),
                        LatencyStats.quantile(cropTimes[1], 0.95)), cropUsed);
        System.out.printf(Locale.ROOT, "%-22s %10s %10s%n", "stage (ms per frame)", "median", "p95");
        row("decode", decode);
        row("crop/preprocess", crop);
        row("backbone (search)", backbone);
        row("head", head);
        row("post-process", post);
        row("tracker (update)", track);
        row("  target found", trackFound);
        row("  target LOST", trackLost);
        row("end-to-end", endToEnd);
        System.out.printf(Locale.ROOT, "tracker-only FPS %.1f (from the median), end-to-end FPS %.1f (mean over %d frames)%n",
                1000 / track.medianMs(), e2eFps, track.count());
        if (trackLost.count() > 0 && trackFound.count() > 0) {
            System.out.printf(Locale.ROOT, "frames starting LOST: %d of %d (re-detection %s); LOST / found median latency %.2f%n",
                    trackLost.count(), track.count(), modelOptions.params().redetect() ? "on" : "off",
                    trackLost.medianMs() / trackFound.medianMs());
        }
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = mapper.createObjectNode();
        ObjectNode ours = root.putObject("siamtrack");
        ours.put("model", modelOptions.modelDir().toString());
        ours.put("threads", modelOptions.threads);
        ours.put("track_ms_median", track.medianMs());
        ours.put("track_ms_p95", track.p95Ms());
        ours.put("tracker_fps", 1000 / track.medianMs());
        ours.put("redetect", modelOptions.params().redetect());
        ours.put("lost_frames", trackLost.count());
        if (trackLost.count() > 0) {
            ours.put("lost_ms_median", trackLost.medianMs());
            ours.put("lost_ms_p95", trackLost.p95Ms());
        }
        if (trackFound.count() > 0) {
            ours.put("found_ms_median", trackFound.medianMs());
            ours.put("found_ms_p95", trackFound.p95Ms());
        }
        ours.put("e2e_fps", e2eFps);
        ours.put("e2e_ms_median", endToEnd.medianMs());
        ours.put("e2e_ms_p95", endToEnd.p95Ms());
        ObjectNode stages = ours.putObject("stages");
        stage(stages, "decode", decode);
        stage(stages, "crop", crop);
        stage(stages, "backbone", backbone);
        stage(stages, "head", head);
        stage(stages, "post", post);
        ObjectNode crops = ours.putObject("crop_implementations");
        crops.put("in_use", cropUsed);
        crops.putObject("opencv").put("ms_median", LatencyStats.quantile(cropTimes[0], 0.5))
                .put("ms_p95", LatencyStats.quantile(cropTimes[0], 0.95));
        if (cropTimes[1] != null) {
            crops.putObject("native").put("ms_median", LatencyStats.quantile(cropTimes[1], 0.5))
                    .put("ms_p95", LatencyStats.quantile(cropTimes[1], 0.95));
        }
        if (comparedName != null) {
            row(comparedName, compared);
            double ratio = track.medianMs() / compared.medianMs();
            System.out.printf(Locale.ROOT, "ratio %s / %s tracker median latency: %.3f%n", ourName, comparedName, ratio);
            ObjectNode cmp = root.putObject("compare_model");
            cmp.put("model", compareDir.toString());
            cmp.put("track_ms_median", compared.medianMs());
            cmp.put("track_ms_p95", compared.p95Ms());
            root.put("ratio_compare_track_ms", ratio);
        }
        if (nanoName != null) {
            row(nanoName, nano);
            double ratio = track.medianMs() / nano.medianMs();
            System.out.printf(Locale.ROOT, "ratio siamtrack / %s tracker median latency: %.3f (%.2fx faster)%n",
                    nanoName, ratio, 1 / ratio);
            ObjectNode ref = root.putObject("opencv_nano");
            ref.put("model", referenceModel.toString());
            ref.put("threads", opencv_core.getNumThreads());
            ref.put("track_ms_median", nano.medianMs());
            ref.put("track_ms_p95", nano.p95Ms());
            root.put("ratio_track_ms", ratio);
        }
        root.put("video", clip.toString());
        root.put("frames", track.count());
        root.put("width", width);
        root.put("height", height);
        root.put("cpu_cores", Runtime.getRuntime().availableProcessors());
        writeJson(mapper, root);
        return SiamTrackCli.EXIT_OK;
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

    /** Another tracker (none: null) on the frame ours just tracked: init on the first, else a timed update. */
    private static void timeOnSameFrame(Tracker tracker, boolean first, Mat frame, Box initBox, LatencyStats stats) {
        if (tracker == null) {
            return;
        }
        long t0 = System.nanoTime();
        if (first) {
            tracker.init(frame, initBox);
        } else {
            tracker.update(frame);
            stats.add(System.nanoTime() - t0);
        }
    }

    private static void row(String name, LatencyStats s) {
        System.out.printf(Locale.ROOT, "%-22s %10.3f %10.3f%n", name, s.medianMs(), s.p95Ms());
    }

    private static void stage(ObjectNode stages, String name, LatencyStats s) {
        ObjectNode o = stages.putObject(name);
        o.put("ms_median", s.medianMs());
        o.put("ms_p95", s.p95Ms());
    }

    /** The frames of a source, timing each decode. */
    private static final class TimedFrames implements SequenceRunner.Frames {
        private final FrameSource source;
        long lastNanos;

        TimedFrames(FrameSource source) {
            this.source = source;
        }

        @Override
        public Mat next() throws Exception {
            long t0 = System.nanoTime();
            Mat frame = source.next();
            lastNanos = System.nanoTime() - t0;
            return frame;
        }

        @Override
        public int index() {
            return source.frameIndex();
        }
    }

    private static Box truthInit(Path clip) {
        Path truth = ClipWriter.groundTruthPath(clip);
        if (!Files.isRegularFile(truth)) {
            throw new UserException("no --init given and no ground truth " + truth + " next to the video");
        }
        return DemoCommand.readTruth(truth).get(0);
    }
}
