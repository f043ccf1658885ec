package dev.siamtrack.cli;

import dev.siamtrack.draw.FrameAnnotator;
import dev.siamtrack.io.ResultWriter;
import dev.siamtrack.run.PlannedTarget;
import dev.siamtrack.run.SequenceRunner;
import dev.siamtrack.track.TargetEngine;
import dev.siamtrack.track.TargetResult;
import dev.siamtrack.video.FrameSource;
import dev.siamtrack.video.Mp4Writer;
import dev.siamtrack.video.SourceDamage;
import dev.siamtrack.video.SourceException;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * The outputs of a headless run ({@code track}, {@code demo}) around the {@link SequenceRunner}: results
 * written and flushed per frame, the annotated video, progress lines and the summary. On Ctrl-C or SIGTERM a
 * shutdown hook stops the runner and waits for it to close the outputs and report, so the CSV/JSONL and a
 * playable MP4 hold every frame tracked so far and the summary is still printed.
 */
final class TrackRun {

    /** Told about every processed frame, e.g. to score it against ground truth. */
    interface FrameListener {
        void frame(int index, List<TargetResult> results);
    }

    /**
     * What a run did. Times are in milliseconds per frame.
     *
     * @param notStarted the planned targets whose start frame never came
     * @param lastFrame  the index of the last frame read (counting frames the source skipped)
     */
    record Stats(SequenceRunner.Stats run, SourceDamage damage, List<PlannedTarget> notStarted, int lastFrame) {
        double fps() {
            return run.seconds() > 0 ? run.frames() / run.seconds() : 0;
        }

        String summary() {
            Map<String, Integer> lost = run.lostById();
            String byTarget = lost.size() < 2 ? "" : lost.entrySet().stream()
                    .map(e -> e.getKey() + ": " + e.getValue()).collect(Collectors.joining(", ", " (by target: ", ")"));
            // a frame is timed once a target is tracked on it: none when every target starts on the last frame or later
            String tracker = run.updates().count() == 0 ? "no frame was tracked"
                    : String.format(Locale.ROOT, "tracker %.2f ms median / %.2f ms p95", run.updates().medianMs(),
                    run.updates().p95Ms());
            return String.format(Locale.ROOT,
                    "%d frames in %.2f s: %.1f FPS end-to-end, %s; %d frames LOST%s; %d frames skipped%s%s",
                    run.frames(), run.seconds(), fps(), tracker,
                    run.lostFrames(), byTarget, damage.skippedFrames(), damage.summary(),
                    run.stopped() ? " (interrupted: outputs hold the frames above)" : "");
        }
    }

    private final FrameSource source;
    private final TargetEngine engine;
    private final List<PlannedTarget> plan;
    private final ResultWriter writer;
    private final Mp4Writer video;
    private final int maxFrames;
    private final PrintStream progress;
    private final FrameListener listener;

    TrackRun(FrameSource source, TargetEngine engine, List<PlannedTarget> plan, ResultWriter writer, Mp4Writer video,
             int maxFrames, PrintStream progress, FrameListener listener) {
        this.source = source;
        this.engine = engine;
        this.plan = plan;
        this.writer = writer;
        this.video = video;
        this.maxFrames = maxFrames;
        this.progress = progress;
        this.listener = listener;
    }

    /**
     * Runs the frames through the {@link SequenceRunner}, closes the outputs, then {@code report} with the stats
     * (also when a signal stopped the run), and returns them.
     *
     * @throws IllegalArgumentException when a planned target cannot start on its frame
     */
    Stats run(Consumer<Stats> report) throws Exception {
        int limit = maxFrames > 0 ? maxFrames : Integer.MAX_VALUE;
        int total = source.frameCount() > 0 ? Math.min(source.frameCount(), limit) : -1;
        SequenceRunner runner = new SequenceRunner(engine, plan, total > 0 ? total : 1 << 16);
        return StopOnSignal.run(runner::stop, () -> {
            SequenceRunner.Stats stats;
            try (FrameAnnotator annotator = video != null ? new FrameAnnotator() : null) {
                stats = runner.run(SequenceRunner.Frames.of(source), maxFrames,
                        new Outputs(annotator, total, System.nanoTime()));
            } finally {
                if (writer != null) {
                    writer.close();
                }
                if (video != null) {
                    video.close();
                }
            }
            if (stats.frames() == 0 && !stats.stopped()) {
                throw new SourceException(source.description() + ": no frames could be read");
            }
            return new Stats(stats, SourceDamage.of(source), runner.notStarted(), source.frameIndex());
        }, report);
    }

    /** Writes, draws, records and reports each frame. */
    private final class Outputs implements SequenceRunner.Listener {
        private final FrameAnnotator annotator;
        private final int total;
        private final long start;
        private long lastProgress;
        private int frames;

        Outputs(FrameAnnotator annotator, int total, long start) {
            this.annotator = annotator;
            this.total = total;
            this.start = start;
            this.lastProgress = start;
        }

        @Override
        public void frame(int index, Mat frame, List<TargetResult> results,
                          long trackNanos) throws SourceException {
            frames++;
            if (listener != null) {
                listener.frame(index, results);
            }
            if (writer != null) {
                long now = System.currentTimeMillis();
                for (TargetResult r : results) {
                    writer.write(index, r, now);
                }
            }
            if (video != null) {
                annotator.draw(frame, results, index);
                video.write(frame);
            }
            long t = System.nanoTime();
            if (progress != null && t - lastProgress > 1_000_000_000L) {
                lastProgress = t;
                progress.printf(Locale.ROOT, "frame %d%s  %.1f FPS  %s%n", index, total > 0 ? "/" + total : "",
                        frames / ((t - start) / 1e9), describe(results));
            }
        }
    }

    /** {@code STATE score} for one target, {@code id STATE score, ...} for several. */
    private static String describe(List<TargetResult> results) {
        if (results.isEmpty()) {
            return "no target yet";
        }
        if (results.size() == 1) {
            return String.format(Locale.ROOT, "%s %.2f", results.get(0).state(), results.get(0).score());
        }
        return results.stream().map(r -> String.format(Locale.ROOT, "%s %s %.2f", r.id(), r.state(), r.score()))
                .collect(Collectors.joining(", "));
    }
}
