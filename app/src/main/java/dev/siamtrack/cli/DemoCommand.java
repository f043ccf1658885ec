package dev.siamtrack.cli;

import dev.siamtrack.eval.GroundTruth;
import dev.siamtrack.geom.Box;
import dev.siamtrack.home.Home;
import dev.siamtrack.io.ResultWriter;
import dev.siamtrack.run.PlannedTarget;
import dev.siamtrack.track.TargetEngine;
import dev.siamtrack.video.FrameSource;
import dev.siamtrack.video.FrameSources;
import dev.siamtrack.video.Mp4Writer;
import dev.siamtrack.video.synth.ClipWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Track the shipped demo clip and print the mean IoU against its ground truth.",
            "Uses videos/demo.mp4 and the default model; writes out/demo.mp4 and out/demo.csv."},
        footer = {"", "Examples:",
            "  ./siamtrack demo --out-dir out/demo",
            "With NanoTrack v2, after ./siamtrack models pull nanotrack-v2:",
            "  ./siamtrack demo --model nanotrack-v2 --out-dir out/demo-v2"})
final class DemoCommand implements Callable<Integer> {

    @Option(names = "--video", paramLabel = "FILE", description = "Clip to track (default: videos/demo.mp4); its ground truth is the file of the same"
            + " name ending in .txt.")
    Path video;

    @Option(names = "--out-dir", paramLabel = "DIR", description = "Where demo.csv and demo.mp4 go (default: out/).")
    Path outDir;

    @Mixin
    ModelOptions modelOptions;

    @Override
    public Integer call() throws Exception {
        Path clip = video != null ? video : defaultClip();
        Path truthFile = ClipWriter.groundTruthPath(clip);
        if (!Files.isRegularFile(clip) || !Files.isRegularFile(truthFile)) {
            throw new UserException("demo clip " + clip + " or its ground truth " + truthFile
                    + " is missing (make one with ./siamtrack make-clip)");
        }
        List<Box> truth = readTruth(truthFile);
        Box start = truth.get(0);
        Path dir = outDir != null ? outDir : Home.dir().resolve("out");
        Path csv = dir.resolve("demo.csv");
        Path mp4 = dir.resolve("demo.mp4");
        Path modelDir = modelOptions.modelDir();
        System.err.println("siamtrack: demo with model " + modelDir + " on " + clip);
        try (FrameSource frames = FrameSources.open(clip.toString())) {
            try {
                start.checkInside(frames.width(), frames.height());
            } catch (IllegalArgumentException e) {
                throw new UserException(truthFile + " line 1: " + e.getMessage());
            }
            try (TargetEngine engine = modelOptions.createMultiTargetTracker();
                 ResultWriter writer = TrackCommand.openWriter(csv, false);
                 Mp4Writer recorder = new Mp4Writer(mp4, frames.width(), frames.height(), frames.fps())) {
                return run(frames, engine, truth, writer, recorder, modelDir, csv, mp4);
            }
        }
    }

    private static int run(FrameSource frames, TargetEngine engine, List<Box> truth, ResultWriter writer,
                           Mp4Writer recorder, Path modelDir, Path csv, Path mp4) throws Exception {
        double[] iouSum = new double[1];
        int[] visible = new int[1];
        new TrackRun(frames, engine, List.of(new PlannedTarget("1", 0, truth.get(0))), writer,
                recorder, 0, System.err, (index, results) -> {
                    if (index < truth.size() && !truth.get(index).isAbsent() && !results.isEmpty()) {
                        iouSum[0] += Math.max(0, results.get(0).box().iou(truth.get(index)));
                        visible[0]++;
                    }
                }).run(stats -> {
                    System.err.println("siamtrack: " + stats.summary());
                    System.out.printf(Locale.ROOT, "mean IoU %.3f over %d frames with a visible target (model %s)%n",
                            visible[0] > 0 ? iouSum[0] / visible[0] : 0, visible[0], modelDir.getFileName());
                    System.err.println("siamtrack: wrote " + csv + " and " + mp4);
                });
        return SiamTrackCli.EXIT_OK;
    }

    /** The shipped demo clip, {@code videos/demo.mp4} under the SiamTrack home. */
    static Path defaultClip() {
        return Home.dir().resolve("videos/demo.mp4");
    }

    /** The clip's ground truth ({@link GroundTruth#read}); its first box is where the target starts. */
    static List<Box> readTruth(Path file) {
        List<Box> boxes;
        try {
            boxes = GroundTruth.read(file);
        } catch (IOException e) {
            throw new UserException(file + ": " + e.getMessage());
        }
        if (boxes.isEmpty() || boxes.get(0).isAbsent()) {
            throw new UserException(file + ": the first line must be the target's box x,y,w,h");
        }
        return boxes;
    }
}
