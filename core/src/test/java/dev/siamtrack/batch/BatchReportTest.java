package dev.siamtrack.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BatchReportTest {

    @TempDir
    Path out;

    private static VideoReport video(String name, VideoReport.Status status, boolean resumed, List<String> failures) {
        return new VideoReport(name, status == VideoReport.Status.DONE ? name + ".csv" : null, status, resumed, 10, 0, 1,
                List.of(new VideoReport.TargetReport("t", 0, 10, 0, 0, failures.isEmpty() ? null : failures.get(0))), failures);
    }

    @Test
    void doneFailedAndNotFinishedAddUpToTheVideos() throws Exception {
        Manifest manifest = Manifest.read(BatchClips.manifest(out, List.of("a.mp4,t,0,1,2,3,4")));
        List<VideoReport> videos = List.of(
                video("done", VideoReport.Status.DONE, false, List.of()),
                video("kept", VideoReport.Status.DONE, true, List.of()),
                video("partly", VideoReport.Status.DONE, false, List.of("target far: outside the frame")),
                video("broken", VideoReport.Status.FAILED, false, List.of("cannot open")),
                video("stopped", VideoReport.Status.STOPPED, false, List.of()));
        BatchReport report = BatchReport.of(manifest, Path.of("models/m"), "batch, 1 worker", 2, videos);
        assertEquals(2, report.doneVideos());
        assertEquals(2, report.failedVideos(), "a video with a target not tracked is failed, not also done");
        assertEquals(1, report.unfinishedVideos());
        assertEquals(videos.size(), report.doneVideos() + report.failedVideos() + report.unfinishedVideos());
        assertTrue(report.headline().startsWith("5 videos: 2 done, 2 failed, 1 not finished (1 kept from an earlier run)"),
                report.headline());
        report.write(out);
        JsonNode json = new ObjectMapper().readTree(out.resolve(BatchReport.JSON_FILE).toFile());
        assertEquals(5, json.get("done").asLong() + json.get("failed").asLong() + json.get("notFinished").asLong());
    }

    @Test
    void manifestTextInTheSummaryIsInert() throws Exception {
        Manifest manifest = Manifest.read(BatchClips.manifest(out, List.of("a.mp4,t,0,1,2,3,4")));
        String hostile = "<img src=x onerror=alert(1)>|x.mp4";
        BatchReport report = BatchReport.of(manifest, Path.of("models/m"), "batch", 1,
                List.of(video(hostile, VideoReport.Status.FAILED, false, List.of(hostile + ": cannot open\nsecond line"))));
        String summary = report.summary();
        assertFalse(summary.contains("<img"), summary);
        assertTrue(summary.contains("| &lt;img src=x onerror=alert(1)&gt;&#124;x.mp4 | FAILED |"), summary);
        assertTrue(summary.contains("cannot open second line"), summary);
    }
}
