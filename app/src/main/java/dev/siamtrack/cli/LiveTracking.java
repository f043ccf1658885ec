package dev.siamtrack.cli;

import dev.siamtrack.io.ResultWriter;
import dev.siamtrack.model.ModelException;
import dev.siamtrack.pipeline.FrameOutput;
import dev.siamtrack.pipeline.FramePacket;
import dev.siamtrack.pipeline.TrackingControl;
import dev.siamtrack.pipeline.TrackingPipeline;
import dev.siamtrack.render.TrackViewer;
import dev.siamtrack.render.VideoRecorder;
import dev.siamtrack.render.ViewerUnavailableException;
import dev.siamtrack.track.TargetEngine;
import dev.siamtrack.track.TargetResult;
import dev.siamtrack.video.FrameSource;
import dev.siamtrack.video.FrameSources;
import dev.siamtrack.video.LiveSource;
import dev.siamtrack.video.SourceDamage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * {@code track} with {@code --view}, {@code --realtime} or a live source (camera, stream URL): runs the
 * threaded {@link TrackingPipeline} with the viewer, the result writer and the recorder as its outputs.
 */
final class LiveTracking {

    private LiveTracking() {
    }

    /** Whether {@code track} should run through the pipeline rather than the plain file loop. */
    static boolean wanted(String source, LiveOptions live) {
        return live.view || live.realtime || live.screenshot != null || isLive(source);
    }

    private static boolean isLive(String source) {
        Path path = Path.of(source);
        return LiveSource.isLive(source) && !Files.isRegularFile(path) && !Files.isDirectory(path);
    }

    /**
     * Runs the pipeline and prints its summary (with the glass-to-glass latency when viewing).
     *
     * @param plan the targets to start; may be empty with the viewer, where targets are drawn with the mouse
     */
    static int run(String source, TargetPlan plan, Path out, Path save, int maxFrames, boolean quiet,
                   ModelOptions modelOptions, LiveOptions live) throws Exception {
        if (plan.isEmpty() && !live.view) {
            throw new UserException("--init or --targets is required (or use --view and select targets with the mouse)");
        }
        if (live.screenshot != null && !live.view) {
            throw new UserException("--screenshot needs --view");
        }
        Arguments.checkPngPath("--screenshot", live.screenshot);
        if (live.screenshotFrame < 0) {
            throw new UserException("--screenshot-frame must be 0 or positive");
        }
        String noViewer = live.view ? TrackViewer.unavailableReason() : null;
        if (noViewer != null) {
            throw new UserException(noViewer);
        }
        Consumer<String> log = line -> System.err.println("siamtrack: " + line);
        boolean liveSource = isLive(source);
        TrackingControl control = new TrackingControl();
        if (live.debugOverlay) {
            control.toggleDebug();
        }
        List<FrameOutput> outputs = new ArrayList<>();
        try (FrameSource frames = liveSource ? LiveSource.open(source, live.stallTimeout(), live.rtspTransport(), log)
                     : FrameSources.open(source);
             TargetEngine engine = checkThenCreateEngine(plan, frames, modelOptions, live);
             ResultWriter writer = TrackCommand.openWriter(out, liveSource)) {
            if (live.view) {
                outputs.add(openViewer(source, frames, control, live, log));
            }
            RunInfo.LostFrames lost = new RunInfo.LostFrames();
            if (writer != null) {
                outputs.add(packet -> write(writer, packet));
                outputs.add(lost);
            }
            if (save != null) {
                outputs.add(new VideoRecorder(save, frames.fps(), liveSource, log));
            }
            TrackingPipeline pipeline = new TrackingPipeline(frames, engine, control, outputs,
                    new TrackingPipeline.Settings(liveSource || live.realtime, live.realtime && !liveSource,
                            maxFrames, plan.targets()), quiet ? line -> { } : log);
            try {
                StopOnSignal.run(control::quit, pipeline::run, summary -> {
                    log.accept(summary.describe());
                    SourceDamage damage = SourceDamage.of(frames);
                    if (damage.damaged()) {
                        log.accept("warning: " + frames.description() + " is damaged" + damage.summary());
                    }
                    if (out != null) {
                        RunInfo.write(out, frames.description(), summary, lost, damage);
                        log.accept("results in " + out + " (run info in " + RunInfo.fileFor(out) + ")");
                    }
                    if (save != null) {
                        log.accept("video in " + save);
                    }
                });
            } catch (IllegalArgumentException e) {
                throw new UserException(e.getMessage());
            }
            return SiamTrackCli.EXIT_OK;
        }
    }

    private static TrackViewer openViewer(String source, FrameSource frames, TrackingControl control, LiveOptions live,
                                          Consumer<String> log) {
        try {
            return TrackViewer.open("siamtrack: " + source, frames.width(), frames.height(), control,
                    live.screenshot, live.screenshotFrame, log);
        } catch (ViewerUnavailableException e) {
            throw new UserException(e.getMessage());
        }
    }

    /**
     * Checks the boxes (a live source's boxes are checked by the engine as they start) and the screenshot frame
     * against the opened source when it knows them, then creates the engine (the slow part) last.
     */
    private static TargetEngine checkThenCreateEngine(TargetPlan plan, FrameSource frames, ModelOptions modelOptions,
                                                      LiveOptions live) throws ModelException {
        if (frames.width() > 0 && frames.height() > 0) {
            plan.checkInside(frames.width(), frames.height());
        }
        if (live.screenshot != null && frames.frameCount() > 0 && live.screenshotFrame >= frames.frameCount()) {
            throw new UserException("--screenshot-frame " + live.screenshotFrame + ": " + frames.description()
                    + " has only " + frames.frameCount() + " frames (0 to " + (frames.frameCount() - 1) + ")");
        }
        return modelOptions.createMultiTargetTracker();
    }

    private static void write(ResultWriter writer, FramePacket packet) {
        for (TargetResult r : packet.results()) {
            writer.write(packet.index(), r, packet.wallClockMillis());
        }
    }
}
