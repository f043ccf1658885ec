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
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Renders a synthetic clip with exact ground truth: scale change, look-alike, occlusion, optional exit. */
@Command(name = "make-clip", mixinStandardHelpOptions = true,
        description = {
            "Render a synthetic tracking clip (MP4) with its exact ground truth.",
            "Ground truth: OTB x,y,w,h per frame, NaN while the target is out of view; an events sidecar",
            "lists the occlusion and out-of-view frame ranges.",
            "The same options and seed always give the same clip."})
public final class MakeClipCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = "--out", required = true, paramLabel = "FILE.mp4",
            description = "Video to write; FILE.txt and FILE.events.json are written next to it.")
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

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        if (!out.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".mp4")) {
            err.println("error: --out must name an .mp4 file, got " + out);
            return 2;
        }
        if (Files.isDirectory(out)) {
            err.println("error: --out " + out + " is a directory");
            return 2;
        }
        ClipConfig config;
        try {
            config = ClipConfig.of(width, height, frames, seed, leave, outFrames)
                    .withFps(fps).withOcclusionFrames(occlusionFrames).withBitrateKbps(bitrateKbps);
        } catch (IllegalArgumentException e) {
            err.println("error: " + e.getMessage());
            return 2;
        }
        ClipGenerator clip = new ClipGenerator(config);
        String encoder;
        try {
            encoder = ClipWriter.write(clip, out, done -> {
                if (done % 50 == 0 || done == config.frames()) {
                    err.printf(Locale.ROOT, "\rrendered %d/%d frames", done, config.frames());
                    err.flush();
                }
            });
        } catch (IOException e) {
            err.println();
            err.println("error: could not write " + out + ": " + e.getMessage());
            return 1;
        }
        err.println();
        if (!ClipWriter.H264_ENCODER.equals(encoder)) {
            err.println("note: H.264 (openh264) was not available, the video is MPEG-4 part 2");
        }
        ClipEvents events = clip.events();
        PrintWriter stdout = spec.commandLine().getOut();
        stdout.printf(Locale.ROOT, "wrote %s (%dx%d, %d frames at %.3g fps, %s), %s, %s%n", out, width, height,
                config.frames(), config.fps(), encoder, ClipWriter.groundTruthPath(out).getFileName(),
                ClipWriter.eventsPath(out).getFileName());
        stdout.printf(Locale.ROOT, "full occlusion %s, out of view %s, distractor closest at frame %d, scale %.2f..%.2f%n",
                ranges(events.fullOcclusion()), ranges(events.outOfView()), events.distractorClosestFrame(),
                events.minScale(), events.maxScale());
        stdout.flush();
        return 0;
    }

    private static String ranges(List<ClipEvents.FrameRange> ranges) {
        if (ranges.isEmpty()) {
            return "none";
        }
        return ranges.stream().map(r -> r.first() + ".." + r.last()).collect(Collectors.joining(", "));
    }
}
