package dev.siamtrack.batch;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.siamtrack.io.ResultWriter;
import dev.siamtrack.model.ModelException;
import dev.siamtrack.model.SiameseModel;
import dev.siamtrack.track.MultiTargetTracker;
import dev.siamtrack.track.SiameseTracker;
import dev.siamtrack.track.TargetResult;
import dev.siamtrack.track.TrackState;
import dev.siamtrack.video.FrameSource;
import dev.siamtrack.video.FrameSources;
import dev.siamtrack.video.SourceException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.bytedeco.opencv.opencv_core.Mat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tracks every target of one video with one decode: each target is added on its start frame and all are
 * updated together on every later frame. Results go to {@code OUT/NAME.csv} (or .jsonl) with one line per
 * frame per target ({@code frame,id,x,y,w,h,score,state}); the file and the video's report are written under
 * {@code OUT/.partial/} and moved into place only when complete, so a killed run leaves no partial results
 * and a rerun can skip finished videos. Used by {@code siamtrack batch} and by the Spark job alike.
 */
public final class VideoJob {

    /** Folder, inside the output folder, for files still being written. */
    public static final String PARTIAL_DIR = ".partial";
    public static final String REPORT_SUFFIX = ".report.json";

    private static final Logger LOG = LoggerFactory.getLogger(VideoJob.class);
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /**
     * @param skipFinished keep the results of a video an earlier run finished instead of tracking it again
     */
    public record Settings(Path modelDir, SiameseModel.Options modelOptions, SiameseTracker.Params params,
                           ResultWriter.Format format, boolean skipFinished) {
    }

    /** Told about every decoded frame: the results of the targets tracked on it (possibly none). */
    public interface FrameListener {
        /** The video is open; {@code frameCount} as its container declares it, -1 when unknown. */
        default void opened(int frameCount) {
        }

        void frame(int index, List<TargetResult> results);
    }

    private final Settings settings;
    private final Path outDir;

    public VideoJob(Settings settings, Path outDir) {
        this.settings = settings;
        this.outDir = outDir;
    }

    /** Deletes what a killed run left half-written. Call before any job of a run starts. */
    public static void cleanPartial(Path outDir) throws IOException {
        Path partial = outDir.resolve(PARTIAL_DIR);
        if (!Files.exists(partial)) {
            return;
        }
        try (Stream<Path> files = Files.walk(partial)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    public String extension() {
        return settings.format() == ResultWriter.Format.CSV ? ".csv" : ".jsonl";
    }

    /** The results file of {@code task}. */
    public Path output(VideoTask task) {
        return outDir.resolve(task.name() + extension());
    }

    /** The report an earlier run left for {@code task} when it finished it, else null. */
    public VideoReport finished(VideoTask task) {
        Path report = outDir.resolve(task.name() + REPORT_SUFFIX);
        if (!Files.isRegularFile(report) || !Files.isRegularFile(output(task))) {
            return null;
        }
        try {
            return JSON.readValue(report.toFile(), VideoReport.class).asResumed();
        } catch (IOException e) {
            LOG.warn("{}: unreadable, the video is tracked again ({})", report, e.getMessage());
            return null;
        }
    }

    /**
     * Runs {@code task}. Never throws for a bad video: failures are in the report. When {@code stop} turns
     * true the video is abandoned (status STOPPED, nothing written).
     */
    public VideoReport run(VideoTask task, BooleanSupplier stop, FrameListener listener) {
        if (stop.getAsBoolean()) {
            return VideoReport.failed(task, VideoReport.Status.STOPPED, 0, 0, null);
        }
        if (settings.skipFinished()) {
            VideoReport done = finished(task);
            if (done != null) {
                return done;
            }
        }
        long start = System.nanoTime();
        Path partial = outDir.resolve(PARTIAL_DIR).resolve(task.name() + extension());
        Path partialReport = outDir.resolve(PARTIAL_DIR).resolve(task.name() + REPORT_SUFFIX);
        int[] frames = {0};
        try {
            VideoReport report = track(task, partial, stop, listener, frames, start);
            if (report.status() == VideoReport.Status.DONE) {
                JSON.writeValue(partialReport.toFile(), report);
                moveIntoPlace(partial, output(task));
                moveIntoPlace(partialReport, outDir.resolve(task.name() + REPORT_SUFFIX));
            } else {
                Files.deleteIfExists(partial);
            }
            return report;
        } catch (SourceException | ModelException | IOException | RuntimeException e) {
            LOG.debug("{} failed", task.video(), e);
            deleteQuietly(partial);
            deleteQuietly(partialReport);
            String reason = e instanceof SourceException ? e.getMessage() : describe(e);
            return VideoReport.failed(task, VideoReport.Status.FAILED, frames[0], seconds(start), reason);
        }
    }

    private VideoReport track(VideoTask task, Path partial, BooleanSupplier stop, FrameListener listener,
                              int[] frames, long start) throws SourceException, ModelException, IOException {
        Deque<TargetSpec> pending = new ArrayDeque<>(task.targets().stream()
                .sorted(Comparator.comparingInt(TargetSpec::frame)).toList());
        Map<String, int[]> counts = new LinkedHashMap<>();
        Map<String, String> targetFailures = new LinkedHashMap<>();
        int skipped;
        try (FrameSource source = FrameSources.open(task.path())) {
            if (listener != null) {
                listener.opened(source.frameCount());
            }
            Files.createDirectories(partial.getParent());
            try (MultiTargetTracker tracker = MultiTargetTracker.create(settings.modelDir(), settings.modelOptions(),
                    settings.params());
                 ResultWriter writer = ResultWriter.open(partial, false, true)) {
                List<TargetResult> results = new ArrayList<>();
                Mat frame;
                while ((!pending.isEmpty() || tracker.size() > 0) && (frame = source.next()) != null) {
                    if (stop.getAsBoolean()) {
                        return VideoReport.failed(task, VideoReport.Status.STOPPED, frames[0], seconds(start), null);
                    }
                    int index = source.frameIndex();
                    results.clear();
                    if (tracker.size() > 0) {
                        results.addAll(tracker.update(frame));
                    }
                    while (!pending.isEmpty() && pending.peek().frame() <= index) {
                        TargetSpec t = pending.poll();
                        try {
                            results.add(tracker.add(t.id(), frame, t.box()));
                        } catch (IllegalArgumentException e) {
                            targetFailures.put(t.id(), "target " + t.id() + ": " + e.getMessage());
                        }
                    }
                    for (TargetResult r : results) {
                        writer.write(index, r.id(), r.box(), r.score(), r.state(), 0);
                        int[] c = counts.computeIfAbsent(r.id(), id -> new int[2]);
                        c[0]++;
                        if (r.state() == TrackState.LOST) {
                            c[1]++;
                        }
                    }
                    if (listener != null) {
                        listener.frame(index, results);
                    }
                    frames[0]++;
                }
                if (frames[0] == 0) {
                    throw new SourceException(task.path() + ": no frames could be read");
                }
                for (TargetSpec t : pending) {
                    targetFailures.put(t.id(), "target " + t.id() + ": the video ends before its start frame "
                            + t.frame() + " (last frame " + source.frameIndex() + ")");
                }
                skipped = source.skippedFrames();
            }
        }
        List<VideoReport.TargetReport> targets = new ArrayList<>();
        for (TargetSpec t : task.targets()) {
            int[] c = counts.getOrDefault(t.id(), new int[2]);
            targets.add(new VideoReport.TargetReport(t.id(), t.frame(), c[0], c[1], c[0] > 0 ? (double) c[1] / c[0] : 0,
                    targetFailures.get(t.id())));
        }
        return new VideoReport(task.video(), task.name() + extension(), VideoReport.Status.DONE, false, frames[0],
                skipped, seconds(start), targets, List.copyOf(targetFailures.values()));
    }

    private static void moveIntoPlace(Path from, Path to) throws IOException {
        Path parent = to.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.warn("{}: could not delete ({})", file, e.getMessage());
        }
    }

    private static String describe(Exception e) {
        if (e instanceof UncheckedIOException u) {
            return u.getMessage() + " (" + u.getCause().getMessage() + ")";
        }
        String message = e.getMessage();
        return message == null ? e.getClass().getSimpleName() : message;
    }

    private static double seconds(long start) {
        return (System.nanoTime() - start) / 1e9;
    }
}
