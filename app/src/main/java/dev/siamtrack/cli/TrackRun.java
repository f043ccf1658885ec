package dev.siamtrack.cli;

import dev.siamtrack.bench.LatencyStats;
import dev.siamtrack.geom.Box;
import dev.siamtrack.io.ResultWriter;
import dev.siamtrack.draw.FrameAnnotator;
import dev.siamtrack.track.TrackResult;
import dev.siamtrack.track.TrackState;
import dev.siamtrack.track.Tracker;
import dev.siamtrack.video.FrameSource;
import dev.siamtrack.video.Mp4Writer;
import dev.siamtrack.video.SourceDamage;
import dev.siamtrack.video.SourceException;
import java.io.PrintStream;
import java.util.Locale;
import java.util.function.Consumer;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * The headless tracking loop shared by {@code track} and {@code demo}: grab, track, write, draw, record.
 * Results are written and flushed per frame; on Ctrl-C or SIGTERM a shutdown hook stops the loop and waits
 * for it to close the outputs, so the CSV/JSONL and a playable MP4 hold every frame tracked so far.
 */
final class TrackRun {

    /** Told about every tracked frame (frame 0 is the init box), e.g. to score it against ground truth. */
    interface FrameListener {
        void frame(int index, TrackResult result);
    }

    /** What a run did. Times are in milliseconds per frame. */
    record Stats(int frames, int lostFrames, SourceDamage damage, double seconds, double trackMsMedian,
                 double trackMsP95, boolean interrupted) {
        double fps() {
            return seconds > 0 ? frames / seconds : 0;
        }

        String summary() {
            return String.format(Locale.ROOT,
                    "%d frames in %.2f s: %.1f FPS end-to-end, tracker %.2f ms median / %.2f ms p95; %d frames LOST; %d frames skipped%s%s",
                    frames, seconds, fps(), trackMsMedian, trackMsP95, lostFrames, damage.skippedFrames(), damage.summary(),
                    interrupted ? " (interrupted: outputs hold the frames above)" : "");
        }
    }

    private final FrameSource source;
    private final Tracker tracker;
    private final Box initBox;
    private final ResultWriter writer;
    private final Mp4Writer video;
    private final int maxFrames;
    private final PrintStream progress;
    private final FrameListener listener;
    private volatile boolean stopRequested;

    TrackRun(FrameSource source, Tracker tracker, Box initBox, ResultWriter writer, Mp4Writer video, int maxFrames,
             PrintStream progress, FrameListener listener) {
        this.source = source;
        this.tracker = tracker;
        this.initBox = initBox;
        this.writer = writer;
        this.video = video;
        this.maxFrames = maxFrames;
        this.progress = progress;
        this.listener = listener;
    }

    /** Runs the loop, then {@code report} with its stats (also when a signal stopped it). */
    void run(Consumer<Stats> report) throws SourceException {
        StopOnSignal.run(() -> stopRequested = true, () -> {
            try {
                return loop();
            } finally {
                if (writer != null) {
                    writer.close();
                }
                if (video != null) {
                    video.close();
                }
            }
        }, report);
    }

    private Stats loop() throws SourceException {
        Mat frame = source.next();
        if (frame == null) {
            throw new SourceException(source.description() + ": no frames could be read");
        }
        long start = System.nanoTime();
        int limit = maxFrames > 0 ? maxFrames : Integer.MAX_VALUE;
        int total = source.frameCount() > 0 ? Math.min(source.frameCount(), limit) : -1;
        // the init frame embeds the template: keep it out of the per-frame update statistics
        LatencyStats updates = new LatencyStats(total > 0 ? total : 1 << 16);
        int frames = 0;
        int lost = 0;
        long lastProgress = start;
        try (FrameAnnotator annotator = video != null ? new FrameAnnotator() : null) {
            while (frame != null && frames < limit && !stopRequested) {
                long t0 = System.nanoTime();
                TrackResult r;
                if (frames == 0) {
                    tracker.init(frame, initBox);
                    r = new TrackResult(initBox, 1.0, TrackState.TRACKING);
                } else {
                    r = tracker.update(frame);
                }
                long t1 = System.nanoTime();
                if (frames > 0) {
                    updates.add(t1 - t0);
                }
                if (r.state() == TrackState.LOST) {
                    lost++;
                }
                int index = source.frameIndex();
                if (listener != null) {
                    listener.frame(index, r);
                }
                if (writer != null) {
                    writer.write(index, r.box(), r.score(), r.state(), System.currentTimeMillis());
                }
                if (video != null) {
                    annotator.draw(frame, r, index);
                    video.write(frame);
                }
                frames++;
                if (progress != null && t1 - lastProgress > 1_000_000_000L) {
                    lastProgress = t1;
                    progress.printf(Locale.ROOT, "frame %d%s  %.1f FPS  %s %.2f%n", index,
                            total > 0 ? "/" + total : "", frames / ((t1 - start) / 1e9), r.state(), r.score());
                }
                frame = frames < limit && !stopRequested ? source.next() : null;
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Stats(frames, lost, SourceDamage.of(source), seconds, updates.medianMs(),
                updates.p95Ms(), stopRequested);
    }
}
