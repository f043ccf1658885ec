package dev.siamtrack.batch;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The report of a whole batch run, written as {@code report.json} and a readable {@code report.md} in the
 * output folder: per video its frames, FPS, LOST share per target and failures, plus the manifest rows that
 * were left out.
 *
 * @param runner           what ran the videos, e.g. {@code batch, 2 workers} or {@code spark local[2]}
 * @param seconds          wall-clock time of the run
 * @param framesTracked    frames tracked by this run (videos kept from an earlier run not counted)
 * @param manifestProblems rows left out of the manifest
 * @param videos           in manifest order
 */
public record BatchReport(String manifest, String model, String runner, double seconds, long framesTracked,
                          List<Manifest.Problem> manifestProblems, List<VideoReport> videos) {

    public static final String JSON_FILE = "report.json";
    public static final String SUMMARY_FILE = "report.md";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public static BatchReport of(Manifest manifest, Path model, String runner, double seconds, List<VideoReport> videos) {
        long frames = videos.stream().filter(v -> !v.resumed()).mapToLong(VideoReport::frames).sum();
        return new BatchReport(manifest.file().toString(), model.toString(), runner, seconds, frames,
                manifest.problems(), videos);
    }

    public BatchReport {
        manifestProblems = List.copyOf(manifestProblems);
        videos = List.copyOf(videos);
    }

    /** Frames per second of the whole run: frames tracked by it over its wall-clock time. */
    @JsonProperty("fps")
    public double fps() {
        return seconds > 0 ? framesTracked / seconds : 0;
    }

    public long count(VideoReport.Status status) {
        return videos.stream().filter(v -> v.status() == status).count();
    }

    /** Videos finished with every target tracked (kept from an earlier run or not). */
    @JsonProperty("done")
    public long doneVideos() {
        return videos.stream().filter(VideoReport::succeeded).count();
    }

    /** Videos that failed, or that finished with some target not tracked. */
    @JsonProperty("failed")
    public long failedVideos() {
        return videos.stream().filter(v -> v.status() != VideoReport.Status.STOPPED && !v.succeeded()).count();
    }

    /** Videos the run was stopped before finishing. Done, failed and not finished add up to all videos. */
    @JsonProperty("notFinished")
    public long unfinishedVideos() {
        return count(VideoReport.Status.STOPPED);
    }

    /** No manifest row left out, every video finished, every target tracked. */
    @JsonProperty("succeeded")
    public boolean succeeded() {
        return manifestProblems.isEmpty() && videos.stream().allMatch(VideoReport::succeeded);
    }

    /** One line: videos done, failed (some target not tracked counts as failed), not finished, and the speed. */
    public String headline() {
        return String.format(Locale.ROOT,
                "%d video%s: %d done, %d failed, %d not finished (%d kept from an earlier run); %d manifest row%s left out; "
                        + "%d frames in %.1f s, %.1f FPS (%s)",
                videos.size(), videos.size() == 1 ? "" : "s", doneVideos(), failedVideos(), unfinishedVideos(),
                videos.stream().filter(VideoReport::resumed).count(), manifestProblems.size(),
                manifestProblems.size() == 1 ? "" : "s", framesTracked, seconds,
                fps(), runner);
    }

    /** Writes report.json and report.md into {@code outDir}, each under a temporary name first. */
    public void write(Path outDir) throws IOException {
        Files.createDirectories(outDir);
        Path json = outDir.resolve(JSON_FILE + ".tmp");
        JSON.writeValue(json.toFile(), this);
        Files.move(json, outDir.resolve(JSON_FILE), StandardCopyOption.REPLACE_EXISTING);
        Path md = outDir.resolve(SUMMARY_FILE + ".tmp");
        Files.writeString(md, summary(), StandardCharsets.UTF_8);
        Files.move(md, outDir.resolve(SUMMARY_FILE), StandardCopyOption.REPLACE_EXISTING);
    }

    /** The readable report (Markdown). */
    public String summary() {
        StringBuilder b = new StringBuilder();
        b.append("# Batch run report\n\n");
        b.append("- Manifest: ").append(cell(manifest)).append('\n');
        b.append("- Model: ").append(cell(model)).append('\n');
        b.append("- ").append(headline()).append("\n\n");
        b.append("| video | status | frames | FPS | LOST share per target | results |\n");
        b.append("|---|---|---:|---:|---|---|\n");
        for (VideoReport v : videos) {
            String lost = v.status() != VideoReport.Status.DONE ? "-" : v.targets().stream()
                    .map(t -> t.id() + " " + (t.failure() != null ? "failed"
                            : String.format(Locale.ROOT, "%.1f%%", 100 * t.lostShare())))
                    .collect(Collectors.joining(", "));
            // the status as the headline counts it: a complete results file with a failed target is a failed video
            String status = v.status() == VideoReport.Status.DONE && !v.succeeded()
                    ? String.format(Locale.ROOT, "FAILED (%d of %d targets; results for the others)", v.failedTargets(),
                            v.targets().size())
                    : v.status().toString();
            b.append(String.format(Locale.ROOT, "| %s | %s%s | %d | %.1f | %s | %s |\n", cell(v.video()), status,
                    v.resumed() ? " (earlier run)" : "", v.frames(), v.fps(), lost,
                    v.output() == null ? "-" : cell(v.output())));
        }
        List<String> failures = new ArrayList<>();
        manifestProblems.forEach(p -> failures.add(p.describe()));
        for (VideoReport v : videos) {
            v.failures().forEach(f -> failures.add(v.video() + ": " + f));
        }
        b.append("\n## Failures\n\n");
        if (failures.isEmpty()) {
            b.append("None.\n");
        }
        failures.forEach(f -> b.append("- ").append(cell(f)).append('\n'));
        return b.toString();
    }

    /**
     * Text from the manifest (video paths, messages quoting it) as inert Markdown: no HTML, no table breaks,
     * one line.
     */
    static String cell(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("|", "&#124;")
                .replace("\r", " ").replace("\n", " ");
    }
}
