package dev.siamtrack.cli;

import dev.siamtrack.geom.Box;
import dev.siamtrack.io.ResultWriter;
import dev.siamtrack.track.SiameseTracker;
import dev.siamtrack.video.FrameSource;
import dev.siamtrack.video.FrameSources;
import dev.siamtrack.video.Mp4Writer;
import dev.siamtrack.video.SourceException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "track", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Track one object through a video file, an image folder, a camera or a stream; "
                + "headless, or in a window with --view.",
            "Results are written and flushed frame by frame; Ctrl-C keeps everything tracked so far.",
            "Progress and a final summary (frames, FPS, frames LOST, damaged or missing frames) go to stderr;",
            "with --out, FILE.info.json next to the results records the same counts."},
        footer = {"", "Examples:",
            "  ./siamtrack track videos/demo.mp4 --init 462,166,56,40 \\",
            "      --out out/run.csv --save out/run.mp4",
            "  ./siamtrack track ../shared/datasets/dev/Crossing --init 205,151,17,50 \\",
            "      --model ../shared/models/reference/nanotrack-v2"})
final class TrackCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "SOURCE", description = "Video file (anything FFmpeg decodes), image folder (OTB layout or numbered images), camera (0, /dev/video0) or stream URL (rtsp://, http(s)://, udp://, tcp://).")
    String source;

    @Option(names = "--init", paramLabel = "X,Y,W,H",
            description = "Target box on the first frame: top-left corner, width and height in pixels (optional with --view).")
    String init;

    @Option(names = "--out", paramLabel = "FILE.csv|FILE.jsonl",
            description = "Per-frame results: CSV header frame,x,y,w,h,score,state (frame 0 is the init box), or one JSON object per line.")
    Path out;

    @Option(names = "--save", paramLabel = "FILE.mp4",
            description = "Write the video with the box, score and state drawn (fragmented MP4: playable even if the run is killed).")
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
        Box initBox = init == null ? null : Arguments.box("--init", init);
        Arguments.checkVideoPath("--save", save);
        if (out != null) {
            checkResultPath(out);
        }
        if (maxFrames < 0) {
            throw new UserException("--max-frames must be 0 (all) or positive");
        }
        if (LiveTracking.wanted(source, live)) {
            return LiveTracking.run(source, initBox, out, save, maxFrames, quiet, modelOptions, live);
        }
        if (initBox == null) {
            throw new UserException("--init is required (or use --view and select the target with the mouse)");
        }
        // every check and the model come before the outputs: a mistake leaves no file behind
        try (FrameSource frames = FrameSources.open(source)) {
            checkInitBox(initBox, frames.width(), frames.height());
            try (SiameseTracker tracker = modelOptions.createTracker();
                 Mp4Writer video = save == null ? null : new Mp4Writer(save, frames.width(), frames.height(), frames.fps());
                 ResultWriter writer = openWriter(out, false)) {
                return run(frames, tracker, initBox, writer, video);
            }
        }
    }

    private int run(FrameSource frames, SiameseTracker tracker, Box initBox, ResultWriter writer, Mp4Writer video)
            throws SourceException {
        new TrackRun(frames, tracker, initBox, writer, video, maxFrames, quiet ? null : System.err, null).run(stats -> {
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
        });
        return SiamTrackCli.EXIT_OK;
    }

    static void checkInitBox(Box b, int width, int height) {
        if (!(b.w() > 0) || !(b.h() > 0)) {
            throw new UserException("--init " + b + ": width and height must be positive");
        }
        if (b.x() < 0 || b.y() < 0 || b.x() + b.w() > width || b.y() + b.h() > height) {
            throw new UserException("--init " + b + " is not inside the " + width + "x" + height + " frame");
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
