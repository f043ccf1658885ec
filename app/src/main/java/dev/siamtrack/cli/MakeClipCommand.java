package dev.siamtrack.cli;

import dev.siamtrack.video.synth.ClipConfig;
import dev.siamtrack.video.synth.ClipEvents;
import dev.siamtrack.video.synth.ClipGenerator;
import dev.siamtrack.video.synth.ClipWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.IntConsumer;
import java.util.stream.Stream;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Renders a synthetic clip with exact ground truth: scale change, look-alike, occlusion, optional exit. */
@Command(name = "make-clip", mixinStandardHelpOptions = true,
        description = {
            "Render a synthetic tracking clip with its exact ground truth, as an MP4 video or as a folder of"
                + " frames (OTB layout).",
            "Ground truth: OTB x,y,w,h per frame, NaN while the target is out of view; an events file lists the"
                + " occlusion and out-of-view frame ranges. The same options and seed always give the same clip;"
                + " videos/demo.mp4 is the clip of --leave with the other options at their defaults."},
        footer = {"", "Examples:",
            "  ./siamtrack make-clip --leave --out out/clip.mp4",
            "  ./siamtrack make-clip --leave --out out/demo-frames",
            "  ./siamtrack make-clip --seed 3 --frames 150 --out out/clip3"})
public final class MakeClipCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = "--out", required = true, paramLabel = "FILE.mp4|DIR",
            description = "Video to write, with FILE.txt and FILE.events.json next to it; or a folder (a name without"
                    + " extension) to write the frames to as an OTB-layout sequence: DIR/img/0001.jpg and on,"
                    + " DIR/groundtruth_rect.txt and DIR/events.json.")
    private Path out;

    @Option(names = "--frames", defaultValue = "" + ClipConfig.DEFAULT_FRAMES, description = "Frame count (default: ${DEFAULT-VALUE}).")
    private int frames;

    @Option(names = "--width", defaultValue = "" + ClipConfig.DEFAULT_WIDTH, description = "Frame width (default: ${DEFAULT-VALUE}).")
    private int width;

    @Option(names = "--height", defaultValue = "" + ClipConfig.DEFAULT_HEIGHT, description = "Frame height (default: ${DEFAULT-VALUE}).")
    private int height;

    @Option(names = "--fps", defaultValue = "" + ClipConfig.DEFAULT_FPS, description = "Frame rate (default: ${DEFAULT-VALUE}).")
    private double fps;

    @Option(names = "--seed", defaultValue = "" + ClipConfig.DEFAULT_SEED, description = "Random seed (default: ${DEFAULT-VALUE}).")
    private long seed;

    @Option(names = "--leave", description = "The target leaves the frame at 60%% of the clip and comes back.")
    private boolean leave;

    @Option(names = "--out-frames", defaultValue = "" + ClipConfig.DEFAULT_OUT_FRAMES,
            description = "With --leave: frames the target stays out of view (default: ${DEFAULT-VALUE}).")
    private int outFrames;

    @Option(names = "--occlusion-frames", defaultValue = "" + ClipConfig.DEFAULT_OCCLUSION_FRAMES,
            description = "Frames the target is fully hidden (default: ${DEFAULT-VALUE}).")
    private int occlusionFrames;

    @Option(names = "--bitrate", defaultValue = "" + ClipConfig.DEFAULT_BITRATE_KBPS, paramLabel = "KBPS",
            description = "Video bitrate in kbit/s (default: ${DEFAULT-VALUE}).")
    private int bitrateKbps;

    @Option(names = "--verbose", description = "Show stack traces for errors.")
    private boolean verbose;

    @Override
    public Integer call() throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        String name = out.getFileName().toString();
        boolean video = name.toLowerCase(Locale.ROOT).endsWith(".mp4");
        if (!video && name.contains(".")) {
            throw new UserException("--out must name an .mp4 file or a folder (a name without extension), got " + out);
        }
        if (video && Files.isDirectory(out)) {
            throw new UserException("--out " + out + " is a directory");
        }
        if (!video && Files.exists(out) && !isEmptyFolder(out)) {
            throw new UserException("--out " + out + " exists and is not an empty folder");
        }
        checkLimit("--width", width, MAX_WIDTH);
        checkLimit("--height", height, MAX_HEIGHT);
        checkLimit("--frames", frames, MAX_FRAMES);
        if (video) {
            Arguments.checkWritable("--out", out);
        } else {
            Arguments.checkWritableFolder("--out", out);
        }
        ClipConfig config = ClipConfig.of(width, height, frames, seed, leave, outFrames)
                .withFps(fps).withOcclusionFrames(occlusionFrames).withBitrateKbps(bitrateKbps);
        ClipGenerator clip = new ClipGenerator(config);
        IntConsumer progress = done -> {
            if (done % 50 == 0 || done == config.frames()) {
                err.printf(Locale.ROOT, "\rrendered %d/%d frames", done, config.frames());
                err.flush();
            }
        };
        String written;
        try {
            if (video) {
                String encoder = ClipWriter.write(clip, out, progress);
                written = String.format(Locale.ROOT, "%s (%dx%d, %d frames at %.3g fps, %s), %s, %s", out, width,
                        height, config.frames(), config.fps(), encoder, ClipWriter.groundTruthPath(out).getFileName(),
                        ClipWriter.eventsPath(out).getFileName());
                if (!ClipWriter.H264_ENCODER.equals(encoder)) {
                    err.println();
                    err.print("note: H.264 (openh264) was not available, the video is MPEG-4 part 2");
                }
            } else {
                ClipWriter.writeSequence(clip, out, progress);
                written = String.format(Locale.ROOT, "%s (%dx%d, %d frames as img/0001.jpg..., groundtruth_rect.txt,"
                        + " events.json)", out, width, height, config.frames());
            }
        } finally {
            err.println();
        }
        ClipEvents events = clip.events();
        PrintWriter stdout = spec.commandLine().getOut();
        stdout.println("wrote " + written);
        stdout.printf(Locale.ROOT, "full occlusion %s, out of view %s, distractor closest at frame %d, scale %.2f..%.2f%n",
                ranges(events.fullOcclusion()), ranges(events.outOfView()), events.distractorClosestFrame(),
                events.minScale(), events.maxScale());
        stdout.flush();
        return 0;
    }

    /** 8K UHD: larger frames overflow the renderer's buffers and no tracker here reads them. */
    static final int MAX_WIDTH = 7680;
    static final int MAX_HEIGHT = 4320;
    /** About an hour at 25 fps. */
    static final int MAX_FRAMES = 100_000;

    private static void checkLimit(String option, int value, int max) {
        if (value > max) {
            throw new UserException(option + " " + value + ": at most " + max);
        }
    }

    private static boolean isEmptyFolder(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        }
    }

    private static String ranges(List<ClipEvents.FrameRange> ranges) {
        if (ranges.isEmpty()) {
            return "none";
        }
        return ranges.stream().map(r -> r.first() + ".." + r.last()).collect(Collectors.joining(", "));
    }
}
