package dev.siamtrack.batch;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.siamtrack.io.ResultWriter;
import dev.siamtrack.model.SiameseModel;
import dev.siamtrack.run.PlannedTarget;
import dev.siamtrack.run.SequenceRunner;
import dev.siamtrack.track.MultiTargetTracker;
import dev.siamtrack.track.TargetResult;
import dev.siamtrack.track.TrackerParams;
import dev.siamtrack.video.FrameSource;
import dev.siamtrack.video.FrameSources;
import dev.siamtrack.video.SourceException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tracks every target of one video with one decode: each target is added on its start frame and all are
 * updated together on every later frame. Results go to {@code OUT/NAME.csv} (or .jsonl) with one line per
 * frame per target ({@code frame,id,x,y,w,h,score,state,reacquired}); the file and the video's report are written under
 * {@code OUT/.partial/} and moved into place only when complete, so a killed run leaves no partial results
 * and a rerun can skip finished videos. Used by {@code siamtrack batch} and by the Spark job alike.
 */
public final class VideoJob {

    /** Folder, inside the output folder, for files still being written. */
    public static final String PARTIAL_DIR = ".partial";
    public static final String REPORT_SUFFIX = ".report.json";

    private static final Logger LOG = LoggerFactory.getLogger(VideoJob.class);
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    /** Per-frame engine times the runner keeps; batch reports FPS only. */
    private static final int STATS_CAPACITY = 256;

    /**
     * @param skipFinished keep the results of a video an earlier run finished instead of tracking it again
     */
    public record Settings(Path modelDir, SiameseModel.Options modelOptions, TrackerParams params,
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

    /**
     * What a run of {@code manifest} into the output folder would write over one of its own inputs (the
     * manifest, a video, or an input inside {@link #PARTIAL_DIR}, which is emptied first), said in one line;
     * null when it writes over none. A manifest {@code short.csv} next to a video {@code short.mp4}, run with
     * the output folder set to their own folder, is such a case.
     */
    public String overwrittenInput(Manifest manifest) throws IOException {
        Map<Path, String> inputs = new LinkedHashMap<>();
        inputs.put(manifest.file(), "the manifest " + manifest.file());
        for (VideoTask task : manifest.videos()) {
            inputs.put(Path.of(task.path()), "the video " + task.video());
        }
        Path partial = outDir.toAbsolutePath().normalize().resolve(PARTIAL_DIR);
        for (Map.Entry<Path, String> input : inputs.entrySet()) {
            if (input.getKey().toAbsolutePath().normalize().startsWith(partial)) {
                return input.getValue() + " lies in " + partial + ", which every run empties";
            }
        }
        Map<Path, String> outputs = new LinkedHashMap<>();
        for (String report : List.of(BatchReport.JSON_FILE, BatchReport.SUMMARY_FILE)) {
            outputs.put(outDir.resolve(report), "the run report");
            outputs.put(outDir.resolve(report + ".tmp"), "the run report");
        }
        for (VideoTask task : manifest.videos()) {
            outputs.put(output(task), "the results of " + task.video());
            outputs.put(outDir.resolve(task.name() + REPORT_SUFFIX), "the report of " + task.video());
        }
        for (Map.Entry<Path, String> output : outputs.entrySet()) {
            for (Map.Entry<Path, String> input : inputs.entrySet()) {
                if (samePlace(output.getKey(), input.getKey())) {
                    return output.getValue() + " would be written over " + input.getValue()
                            + " (" + output.getKey() + ")";
                }
            }
        }
        return null;
    }

    private static boolean samePlace(Path a, Path b) throws IOException {
        return a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize())
                || (Files.exists(a) && Files.exists(b) && Files.isSameFile(a, b));
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
        } catch (Exception e) {
            // a video that cannot be tracked is reported; the run goes on with the others
            LOG.debug("{} failed", task.video(), e);
            deleteQuietly(partial);
            deleteQuietly(partialReport);
            return VideoReport.failed(task, VideoReport.Status.FAILED, frames[0], seconds(start), describe(e));
        }
    }

    private VideoReport track(VideoTask task, Path partial, BooleanSupplier stop, FrameListener listener,
                              int[] frames, long start) throws Exception {
        Map<String, String> targetFailures = new LinkedHashMap<>();
        try (FrameSource source = FrameSources.open(task.path())) {
            if (listener != null) {
                listener.opened(source.frameCount());
            }
            List<PlannedTarget> plan = plan(task, source, targetFailures);
            if (plan.isEmpty()) {
                return VideoReport.failed(task, VideoReport.Status.FAILED, 0, seconds(start),
                        "no target can be tracked: " + String.join("; ", targetFailures.values()));
            }
            Files.createDirectories(partial.getParent());
            Map<String, Integer> framesById = new LinkedHashMap<>();
            SequenceRunner.Stats stats;
            try (MultiTargetTracker engine = MultiTargetTracker.create(settings.modelDir(), settings.modelOptions(),
                    settings.params());
                 ResultWriter writer = ResultWriter.open(partial, false)) {
                SequenceRunner runner = new SequenceRunner(engine, plan, STATS_CAPACITY);
                stats = runner.run(SequenceRunner.Frames.of(source), 0, (index, frame, results, trackNanos) -> {
                    for (TargetResult r : results) {
                        writer.write(index, r, 0);
                        framesById.merge(r.id(), 1, Integer::sum);
                    }
                    if (listener != null) {
                        listener.frame(index, results);
                    }
                    frames[0]++;
                    if (stop.getAsBoolean()) {
                        runner.stop();
                    }
                });
            }
            if (stats.stopped()) {
                return VideoReport.failed(task, VideoReport.Status.STOPPED, frames[0], seconds(start), null);
            }
            if (stats.frames() == 0) {
                throw new SourceException(task.path() + ": no frames could be read");
            }
            for (PlannedTarget t : plan) {
                if (!framesById.containsKey(t.id())) {
                    targetFailures.put(t.id(), "target " + t.id() + ": the video ends before its start frame "
                            + t.frame() + " (last frame " + source.frameIndex() + ")");
                }
            }
            return new VideoReport(task.video(), task.name() + extension(), VideoReport.Status.DONE, false, stats.frames(),
                    source.skippedFrames(), seconds(start), targetReports(task, framesById, stats, targetFailures),
                    List.copyOf(targetFailures.values()));
        }
    }

    /**
     * The task's targets whose box lies inside the video (the rule track applies to a user's box), checked
     * here so one bad box does not stop the others; the others go into {@code targetFailures}.
     */
    private static List<PlannedTarget> plan(VideoTask task, FrameSource source, Map<String, String> targetFailures) {
        List<PlannedTarget> plan = new ArrayList<>();
        for (TargetSpec t : task.targets()) {
            try {
                t.box().checkInside(source.width(), source.height());
                plan.add(new PlannedTarget(t.id(), t.frame(), t.box()));
            } catch (IllegalArgumentException e) {
                targetFailures.put(t.id(), "target " + t.id() + ": " + e.getMessage());
            }
        }
        return plan;
    }

    private static List<VideoReport.TargetReport> targetReports(VideoTask task, Map<String, Integer> framesById,
                                                                SequenceRunner.Stats stats, Map<String, String> targetFailures) {
        List<VideoReport.TargetReport> targets = new ArrayList<>();
        for (TargetSpec t : task.targets()) {
            int tracked = framesById.getOrDefault(t.id(), 0);
            int lost = stats.lostById().getOrDefault(t.id(), 0);
            targets.add(new VideoReport.TargetReport(t.id(), t.frame(), tracked, lost,
                    tracked > 0 ? (double) lost / tracked : 0, targetFailures.get(t.id())));
        }
        return targets;
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
