package dev.siamtrack.batch;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.Serializable;
import java.util.List;

/**
 * What happened to one video of a batch: stored next to its results ({@code NAME.report.json}) and
 * gathered into the run report.
 *
 * @param video         the video as written in the manifest
 * @param output        the results file, relative to the output folder (null when nothing was written)
 * @param status        DONE: the results file is complete; FAILED: the video could not be tracked;
 *                      STOPPED: the run was stopped before the video was finished
 * @param resumed       true when an earlier run had finished the video and this one kept its results
 * @param frames        frames decoded
 * @param skippedFrames frames the decoder could not read and skipped
 * @param seconds       wall-clock time, model loading included
 * @param targets       per target, in manifest order
 * @param failures      why the video or some of its targets could not be tracked
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record VideoReport(String video, String output, Status status, boolean resumed, int frames,
                          int skippedFrames, double seconds, List<TargetReport> targets, List<String> failures)
        implements Serializable {

    public enum Status { DONE, FAILED, STOPPED }

    /**
     * @param frames     frames with a result for this target, its start frame included
     * @param lostFrames frames in state LOST
     * @param lostShare  lostFrames / frames (0 without frames)
     * @param failure    why the target was not tracked, or null
     */
    public record TargetReport(String id, int startFrame, int frames, int lostFrames, double lostShare, String failure)
            implements Serializable {
    }

    public VideoReport {
        targets = List.copyOf(targets);
        failures = List.copyOf(failures);
    }

    /** Frames per second over the whole job, decoding and model loading included. */
    @JsonProperty("fps")
    public double fps() {
        return seconds > 0 ? frames / seconds : 0;
    }

    /** Every target of the video tracked to the end. */
    public boolean succeeded() {
        return status == Status.DONE && failures.isEmpty();
    }

    /**
     * How the run's headline counts the video: {@code done} (every target tracked), {@code failed} (the video,
     * or some target of it, could not be tracked: a DONE video with a failed target counts here), or
     * {@code not finished} (stopped). {@link #status} says whether the results file is complete.
     */
    @JsonProperty("outcome")
    public String outcome() {
        return status == Status.STOPPED ? "not finished" : succeeded() ? "done" : "failed";
    }

    /** Targets that could not be tracked. */
    public long failedTargets() {
        return targets.stream().filter(t -> t.failure() != null).count();
    }

    public VideoReport asResumed() {
        return new VideoReport(video, output, status, true, frames, skippedFrames, seconds, targets, failures);
    }

    static VideoReport failed(VideoTask task, Status status, int frames, double seconds, String reason) {
        List<TargetReport> targets = task.targets().stream()
                .map(t -> new TargetReport(t.id(), t.frame(), 0, 0, 0, null)).toList();
        return new VideoReport(task.video(), null, status, false, frames, 0, seconds, targets,
                reason == null ? List.of() : List.of(reason));
    }
}
