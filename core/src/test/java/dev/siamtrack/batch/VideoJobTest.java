package dev.siamtrack.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.siamtrack.io.ResultWriter;
import dev.siamtrack.model.SiameseModel;
import dev.siamtrack.track.TargetResult;
import dev.siamtrack.track.TrackerParams;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VideoJobTest {

    @TempDir
    static Path clips;

    static List<String> rows;

    @TempDir
    Path out;

    @BeforeAll
    static void writeClips() throws Exception {
        rows = BatchClips.write(clips, 1);
    }

    private VideoJob job(boolean skipFinished) {
        return new VideoJob(new VideoJob.Settings(BatchClips.MODEL, SiameseModel.Options.DEFAULT,
                TrackerParams.DEFAULT, ResultWriter.Format.CSV, skipFinished), out);
    }

    private VideoTask task(String... extraRows) throws Exception {
        List<String> all = new ArrayList<>(rows);
        all.addAll(List.of(extraRows));
        return Manifest.read(BatchClips.manifest(clips, all)).videos().get(0);
    }

    @Test
    void tracksEveryTargetFromItsStartFrameInOneFileAndMovesItIntoPlace() throws Exception {
        List<Integer> perFrame = new ArrayList<>();
        VideoReport report = job(false).run(task(), () -> false, (i, results) -> perFrame.add(results.size()));
        assertTrue(report.succeeded(), report.toString());
        assertEquals(BatchClips.FRAMES, report.frames());
        assertEquals("clips/clip0.csv", report.output());
        List<String> lines = Files.readAllLines(out.resolve("clips/clip0.csv"));
        assertEquals("frame,id,x,y,w,h,score,state,reacquired", lines.get(0));
        // disc on every frame, patch from its start frame on, in manifest order within a frame
        assertEquals(1 + BatchClips.FRAMES + (BatchClips.FRAMES - BatchClips.SECOND_START), lines.size());
        assertTrue(lines.get(1).startsWith("0,disc,"), lines.get(1));
        assertTrue(lines.get(2).startsWith("1,disc,"), lines.get(2));
        assertEquals("10,patch,30.00,30.00,40.00,36.00,1.0000,TRACKING,false",
                lines.stream().filter(l -> l.startsWith("10,patch,")).findFirst().orElseThrow());
        assertTrue(lines.get(lines.size() - 1).startsWith((BatchClips.FRAMES - 1) + ",patch,"));
        assertEquals(BatchClips.FRAMES, perFrame.size());
        assertEquals(List.of(1, 2), List.of(perFrame.get(9), perFrame.get(10)));
        assertEquals(List.of("disc", "patch"), report.targets().stream().map(VideoReport.TargetReport::id).toList());
        assertEquals(BatchClips.FRAMES - BatchClips.SECOND_START, report.targets().get(1).frames());
        assertTrue(Files.isRegularFile(out.resolve("clips/clip0.report.json")));
        try (var partial = Files.walk(out.resolve(VideoJob.PARTIAL_DIR))) {
            assertEquals(0, partial.filter(Files::isRegularFile).count(), "nothing left half-written");
        }
    }

    @Test
    void aFinishedVideoIsKeptWithItsReportAndNotTrackedAgain() throws Exception {
        VideoReport first = job(true).run(task(), () -> false, null);
        byte[] results = Files.readAllBytes(out.resolve("clips/clip0.csv"));
        AtomicInteger frames = new AtomicInteger();
        VideoReport second = job(true).run(task(), () -> false, (i, r) -> frames.incrementAndGet());
        assertTrue(second.resumed());
        assertEquals(0, frames.get());
        assertEquals(first.frames(), second.frames());
        assertEquals(first.targets(), second.targets());
        assertEquals(new String(results), Files.readString(out.resolve("clips/clip0.csv")));
    }

    @Test
    void boxesOutsideTheFrameAndStartsAfterTheEndAreTargetFailures() throws Exception {
        VideoTask task = task("clips/clip0.mp4,gone,0,400,300,20,20", "clips/clip0.mp4,late,500,10,10,20,20");
        VideoReport report = job(false).run(task, () -> false, null);
        assertEquals(VideoReport.Status.DONE, report.status());
        assertFalse(report.succeeded());
        assertEquals(2, report.failures().size(), report.failures().toString());
        assertTrue(report.failures().get(0).startsWith("target gone: ") && report.failures().get(0).contains("is not inside the 320x240 frame"),
                report.failures().toString());
        assertTrue(report.failures().get(1).contains("ends before its start frame 500"), report.failures().toString());
        assertNotNull(report.targets().get(2).failure());
        assertNull(report.targets().get(0).failure());
        assertFalse(Files.readString(out.resolve("clips/clip0.csv")).contains(",gone,"));
    }

    @Test
    void aCorruptVideoFailsWithItsReasonAndLeavesNoFiles() throws Exception {
        BatchClips.truncated(clips.resolve("clips/clip0.mp4"), clips.resolve("broken.mp4"));
        VideoTask task = Manifest.read(BatchClips.manifest(clips, List.of("broken.mp4,t,0,10,10,20,20"))).videos().get(0);
        VideoReport report = job(true).run(task, () -> false, null);
        assertEquals(VideoReport.Status.FAILED, report.status());
        assertTrue(report.failures().get(0).contains("broken.mp4"), report.failures().toString());
        assertFalse(Files.exists(out.resolve("broken.csv")));
        assertFalse(Files.exists(out.resolve("broken.report.json")));
    }

    @Test
    void anOutputFolderWhereAResultWouldReplaceAnInputIsNamed() throws Exception {
        Path same = Files.createDirectories(out.resolve("same"));
        Files.copy(clips.resolve("clips/clip0.mp4"), same.resolve("short.mp4"));
        Path manifest = Files.writeString(same.resolve("short.csv"), Manifest.HEADER + "\nshort.mp4,t,0,10,10,20,20\n");
        Manifest m = Manifest.read(manifest);
        VideoJob intoItsOwnFolder = new VideoJob(new VideoJob.Settings(BatchClips.MODEL, SiameseModel.Options.DEFAULT,
                TrackerParams.DEFAULT, ResultWriter.Format.CSV, true), same);
        String clash = intoItsOwnFolder.overwrittenInput(m);
        assertNotNull(clash);
        assertTrue(clash.startsWith("the results of short.mp4 would be written over the manifest"), clash);
        VideoJob jsonl = new VideoJob(new VideoJob.Settings(BatchClips.MODEL, SiameseModel.Options.DEFAULT,
                TrackerParams.DEFAULT, ResultWriter.Format.JSONL, true), same);
        assertNull(jsonl.overwrittenInput(m), "JSON lines go to short.jsonl, next to the manifest");
        assertNull(job(true).overwrittenInput(m));

        Path video = Files.createDirectories(out.resolve(VideoJob.PARTIAL_DIR)).resolve("v.mp4");
        Files.copy(clips.resolve("clips/clip0.mp4"), video);
        Manifest inside = Manifest.read(Files.writeString(out.resolve("m.csv"),
                Manifest.HEADER + "\n" + VideoJob.PARTIAL_DIR + "/v.mp4,t,0,10,10,20,20\n"));
        assertTrue(job(true).overwrittenInput(inside).contains("which every run empties"));
    }

    @Test
    void aStoppedVideoWritesNothing() throws Exception {
        AtomicInteger frames = new AtomicInteger();
        VideoReport report = job(false).run(task(), () -> frames.get() >= 5, (i, r) -> frames.incrementAndGet());
        assertEquals(VideoReport.Status.STOPPED, report.status());
        assertEquals(5, report.frames());
        assertFalse(Files.exists(out.resolve("clips/clip0.csv")));
        assertEquals(0, countFiles(out.resolve(VideoJob.PARTIAL_DIR)));
    }

    private static long countFiles(Path dir) throws Exception {
        try (var files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).count();
        }
    }
}
