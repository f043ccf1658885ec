package dev.siamtrack.cli;

import dev.siamtrack.io.ResultWriter;
import dev.siamtrack.run.PlannedTarget;
import dev.siamtrack.track.TargetEngine;
import dev.siamtrack.video.FrameSource;
import dev.siamtrack.video.FrameSources;
import dev.siamtrack.video.Mp4Writer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "track", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Track one or more objects through a video file, an image folder, a camera or a stream; "
                + "headless, or in a window with --view.",
            "Results are written and flushed frame by frame; Ctrl-C keeps everything tracked so far.",
            "Progress and a final summary (frames, FPS, frames LOST, damaged or missing frames) go to stderr;",
            "with --out, FILE.info.json next to the results records the same counts."},
        footer = {"", "Targets: each --init starts on frame 0; the N-th gets id N unless written ID=X,Y,W,H.",
            "A --targets file has rows id,frame,x,y,w,h (an optional header row, # comments): a target starts",
            "on its frame (the first frame at or after it for live sources); the same id on a later frame",
            "starts it over from the new box. Every box must lie inside the frame; a box that does not, a bad",
            "number, a size under one pixel or an id given twice for one frame is an error (exit 2), found",
            "before anything is written, as is an --out or --save file that is the SOURCE, lies in its folder",
            "or is the --targets file. A target whose frame the video never reaches is named at the end",
            "(exit 2; only a note when --max-frames stopped the run first); the outputs keep what was tracked.",
            "", "Examples:",
            "  ./siamtrack track videos/demo.mp4 --init 462.72,166.63,56.32,40.32 \\",
            "      --out out/run.csv --save out/run.mp4",
            "  ./siamtrack track videos/demo.mp4 --init ball=462.72,166.63,56.32,40.32 \\",
            "      --init decoy=20,174,72,52 --out out/two.jsonl --save out/two.mp4",
            "  ./siamtrack track videos/demo.mp4 --targets videos/demo-targets.csv \\",
            "      --out out/targets.csv",
            "An image folder: the demo clip's frames as JPEG files (OTB layout), then tracked:",
            "  ./siamtrack make-clip --leave --out out/demo-frames",
            "  ./siamtrack track out/demo-frames --init 462.72,166.63,56.32,40.32 \\",
            "      --out out/frames.csv",
            "With NanoTrack v2, after ./siamtrack models pull nanotrack-v2:",
            "  ./siamtrack track videos/demo.mp4 --init 462.72,166.63,56.32,40.32 \\",
            "      --model nanotrack-v2 --out out/v2.csv"})
final class TrackCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "SOURCE", description = "Video file (anything FFmpeg decodes), image folder (OTB layout or numbered images), camera (0, /dev/video0) or stream URL (rtsp://, http(s)://, udp://, tcp://).")
    String source;

    @Option(names = "--init", paramLabel = "[ID=]X,Y,W,H",
            description = "A target's box on the first frame: top-left corner, width and height in pixels. Repeat it for several targets; "
                    + "the N-th gets id N unless given as ID=X,Y,W,H (optional with --view).")
    List<String> init = new ArrayList<>();

    @Option(names = "--targets", paramLabel = "FILE.csv",
            description = "Targets from a CSV file, one row id,frame,x,y,w,h each; a target may start on a later frame.")
    Path targets;

    @Option(names = "--out", paramLabel = "FILE.csv|FILE.jsonl",
            description = "Per-frame results as CSV frame,id,x,y,w,h,score,state,reacquired (one row per target;"
                    + " a target's first row is its start box), or as one JSON object per line with the same fields.")
    Path out;

    @Option(names = "--save", paramLabel = "FILE.mp4",
            description = "Write the video with each target's box in its own colour and its id, state and score drawn "
                    + "(fragmented MP4: playable even if the run is killed).")
    Path save;

    @Option(names = "--max-frames", paramLabel = "N", defaultValue = "0", description = "Stop after N frames (0: all).")
    int maxFrames;

    @Option(names = "--quiet", description = "No progress lines, only the summary.")
    boolean quiet;

    @Mixin
    ModelOptions modelOptions;

    @Mixin
    LiveOptions live;

    @Override
    public Integer call() throws Exception {
        TargetPlan plan = TargetPlan.parse(init, targets);
        Arguments.checkVideoPath("--save", save);
        if (out != null) {
            checkResultPath(out);
        }
        checkNotAnInput("--out", out);
        checkNotAnInput("--save", save);
        Arguments.checkNotInput("--save", save, "--out file", out == null ? null : out.toString());
        if (maxFrames < 0) {
            throw new UserException("--max-frames must be 0 (all) or positive");
        }
        if (LiveTracking.wanted(source, live)) {
            return LiveTracking.run(source, plan, out, save, maxFrames, quiet, modelOptions, live);
        }
        if (plan.isEmpty()) {
            throw new UserException("--init or --targets is required (or use --view and select targets with the mouse)");
        }
        // every check and the model come before the outputs: a mistake leaves no file behind
        try (FrameSource frames = FrameSources.open(source)) {
            plan.checkInside(frames.width(), frames.height());
            try (TargetEngine engine = modelOptions.createMultiTargetTracker();
                 Mp4Writer video = save == null ? null : new Mp4Writer(save, frames.width(), frames.height(), frames.fps());
                 ResultWriter writer = openWriter(out, false)) {
                return run(frames, engine, plan, writer, video);
            }
        }
    }

    /** An output is neither the SOURCE (nor inside its folder) nor the --targets file. */
    private void checkNotAnInput(String option, Path output) {
        Arguments.checkNotInput(option, output, "SOURCE", source);
        Arguments.checkNotInput(option, output, "--targets file", targets == null ? null : targets.toString());
    }

    private int run(FrameSource frames, TargetEngine engine, TargetPlan plan, ResultWriter writer, Mp4Writer video)
            throws Exception {
        TrackRun.Stats stats;
        try {
            stats = new TrackRun(frames, engine, plan.targets(), writer, video, maxFrames, quiet ? null : System.err, null)
                    .run(s -> report(frames, video, s));
        } catch (IllegalArgumentException e) {
            throw new UserException(e.getMessage());
        }
        if (!stats.notStarted().isEmpty() && !stats.run().stopped()) {
            // --max-frames asked to stop early: a later start is not reached, not wrong
            boolean cutShort = maxFrames > 0 && stats.run().frames() >= maxFrames;
            for (PlannedTarget t : stats.notStarted()) {
                System.err.println("siamtrack: target " + t.id() + (cutShort ? " not reached" : " never started")
                        + ": it starts on frame " + t.frame() + ", but the last frame read was frame "
                        + stats.lastFrame() + " (" + stats.run().frames() + " frames read"
                        + (cutShort ? ", --max-frames " + maxFrames : "") + ")");
            }
            // the outputs keep what was tracked; without --max-frames the plan named a frame the source lacks
            if (!cutShort) {
                return SiamTrackCli.EXIT_USAGE;
            }
        }
        return SiamTrackCli.EXIT_OK;
    }

    private void report(FrameSource frames, Mp4Writer video, TrackRun.Stats stats) {
        System.err.println("siamtrack: " + stats.summary());
        if (stats.damage().damaged()) {
            System.err.println("siamtrack: warning: " + frames.description()
                    + " is damaged; boxes on and after the damaged frames may be wrong");
        }
        if (out != null) {
            RunInfo.write(out, frames.description(), stats);
            System.err.println("siamtrack: results in " + out + " (run info in " + RunInfo.fileFor(out) + ")");
        }
        if (save != null) {
            System.err.println("siamtrack: video in " + save + " (" + video.codec() + ")");
        }
    }

    /** The results file's format and folder, checked before anything is written. */
    static void checkResultPath(Path file) {
        try {
            ResultWriter.formatOf(file);
        } catch (IllegalArgumentException e) {
            throw new UserException("--out " + e.getMessage());
        }
        Arguments.checkWritable("--out", file);
    }

    static ResultWriter openWriter(Path file, boolean timestamps) {
        if (file == null) {
            return null;
        }
        try {
            ResultWriter.formatOf(file);
            return ResultWriter.open(file, timestamps);
        } catch (IllegalArgumentException e) {
            throw new UserException("--out " + e.getMessage());
        } catch (IOException e) {
            throw new UserException("--out " + file + ": not writable (" + e.getMessage() + ")");
        }
    }
}
