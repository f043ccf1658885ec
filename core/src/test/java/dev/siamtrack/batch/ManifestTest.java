package dev.siamtrack.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManifestTest {

    @TempDir
    Path tmp;

    @Test
    void groupsTargetsByVideoAndResolvesPathsAgainstTheManifest() throws Exception {
        Path file = BatchClips.manifest(tmp, List.of(
                "a/one.mp4,car,0,10,20,30,40",
                "b.avi,p1,5,1.5,2.5,3,4",
                " a/one.mp4 , bike , 12 , 1,2,3,4 "));
        Manifest m = Manifest.read(file);
        assertEquals(List.of(), m.problems());
        assertEquals(2, m.videos().size());
        VideoTask one = m.videos().get(0);
        assertEquals("a/one.mp4", one.video());
        assertEquals(tmp.resolve("a/one.mp4").toAbsolutePath().toString(), one.path());
        assertEquals("a/one", one.name());
        assertEquals(2, one.line());
        assertEquals(List.of(new TargetSpec("car", 0, 10, 20, 30, 40), new TargetSpec("bike", 12, 1, 2, 3, 4)),
                one.targets());
        assertEquals(List.of(new TargetSpec("p1", 5, 1.5, 2.5, 3, 4)), m.videos().get(1).targets());
    }

    @Test
    void badRowsAreProblemsWithTheirLineAndTheRestIsKept() throws Exception {
        Path file = BatchClips.manifest(tmp, List.of(
                "v.mp4,a,0,1,2,3,4",
                "v.mp4,b,zero,1,2,3,4",
                "v.mp4,c,0,1,2,3",
                "v.mp4,a,3,1,2,3,4",
                "w.mp4,d,-1,1,2,3,4",
                "w.mp4,e,0,1,2,0,4",
                "w.mp4,,0,1,2,3,4",
                "",
                "x.mp4,f,0,1,2,NaN,4"));
        Manifest m = Manifest.read(file);
        assertEquals(List.of("v.mp4"), m.videos().stream().map(VideoTask::video).toList());
        assertEquals(List.of(3, 4, 5, 6, 7, 8, 10), m.problems().stream().map(Manifest.Problem::line).toList());
        assertTrue(m.problems().get(0).reason().contains("'zero' is not a whole number"), m.problems().toString());
        assertTrue(m.problems().get(1).reason().contains("expected 7 fields"), m.problems().toString());
        assertTrue(m.problems().get(2).reason().contains("appears twice"), m.problems().toString());
        assertTrue(m.problems().get(3).reason().contains("negative"), m.problems().toString());
        assertTrue(m.problems().get(4).reason().contains("positive"), m.problems().toString());
        assertTrue(m.problems().get(5).reason().contains("id is empty"), m.problems().toString());
        assertEquals("manifest line 3 (v.mp4): frame 'zero' is not a whole number", m.problems().get(0).describe());
    }

    @Test
    void aBoxSmallerThanOnePixelIsAProblemAndTheVideosOtherRowsAreKept() throws Exception {
        Path file = BatchClips.manifest(tmp, List.of(
                "v.mp4,a,0,1,2,30,40",
                "v.mp4,tiny,0,1,2,0.5,0.5",
                "v.mp4,thin,0,1,2,30,0.9"));
        Manifest m = Manifest.read(file);
        assertEquals(List.of(new TargetSpec("a", 0, 1, 2, 30, 40)), m.videos().get(0).targets());
        assertEquals(List.of(3, 4), m.problems().stream().map(Manifest.Problem::line).toList());
        assertEquals("manifest line 3 (v.mp4): the box is smaller than one pixel (w and h must be at least 1)",
                m.problems().get(0).describe());
        assertTrue(m.problems().get(1).reason().contains("smaller than one pixel"), m.problems().toString());
    }

    @Test
    void quotedFieldsAreReadAsRfc4180SaysAndLinesCountFromWhereARecordStarts() throws Exception {
        Path file = BatchClips.manifest(tmp, List.of(
                "\"a, b.mp4\",car,0,10,20,30,40",
                "\"say \"\"hi\"\".mp4\",\"p1\",\"5\",1,2,3,4",
                "\"two",
                "lines.mp4\",t,0,1,2,3,4",
                "c.mp4,bad,0,1,2,3"));
        Manifest m = Manifest.read(file);
        assertEquals(List.of("a, b.mp4", "say \"hi\".mp4", "two\nlines.mp4"), m.videos().stream().map(VideoTask::video).toList());
        assertEquals(tmp.resolve("a, b.mp4").toAbsolutePath().toString(), m.videos().get(0).path());
        assertEquals(List.of(new TargetSpec("p1", 5, 1, 2, 3, 4)), m.videos().get(1).targets());
        assertEquals(List.of(2, 3, 4), m.videos().stream().map(VideoTask::line).toList());
        assertEquals(6, m.problems().get(0).line(), m.problems().toString());

        Path open = Files.writeString(tmp.resolve("open.csv"), Manifest.HEADER + "\nv.mp4,a,0,1,2,3,4\n\"v.mp4,b,0,1,2,3,4\n");
        ManifestException unclosed = assertThrows(ManifestException.class, () -> Manifest.read(open));
        assertTrue(unclosed.getMessage().contains("line 3: not CSV"), unclosed.getMessage());
    }

    @Test
    void targetIdsFollowTheServicesRule() throws Exception {
        Path file = BatchClips.manifest(tmp, List.of(
                "v.mp4,ok-id_1,0,1,2,3,4",
                "v.mp4,<script>alert(1)</script>,0,1,2,3,4",
                "v.mp4,\"has space\",0,1,2,3,4",
                "v.mp4," + "x".repeat(33) + ",0,1,2,3,4",
                "v.mp4,a\"b,0,1,2,3,4"));
        Manifest m = Manifest.read(file);
        assertEquals(List.of("ok-id_1"), m.videos().get(0).targets().stream().map(TargetSpec::id).toList());
        assertEquals(List.of(3, 4, 5, 6), m.problems().stream().map(Manifest.Problem::line).toList());
        assertTrue(m.problems().get(0).reason().contains("must be 1 to 32 letters, digits"), m.problems().toString());
    }

    @Test
    void outputNamesMirrorTheArchiveAndCollisionsAreProblems() throws Exception {
        assertEquals("clips/a", Manifest.outputName("clips/a.mp4"));
        assertEquals("a", Manifest.outputName("/data/x/a.mp4"));
        assertEquals("a", Manifest.outputName("../a.mp4"));
        assertEquals("frames", Manifest.outputName("sub/../frames"));
        Path file = BatchClips.manifest(tmp, List.of("a.mp4,t,0,1,2,3,4", "a.avi,t,0,1,2,3,4"));
        Manifest m = Manifest.read(file);
        assertEquals(1, m.videos().size());
        assertTrue(m.problems().get(0).reason().contains("output name 'a' is taken"), m.problems().toString());
    }

    @Test
    void missingFileOrWrongHeaderIsRejectedAsAWhole() throws Exception {
        ManifestException missing = assertThrows(ManifestException.class, () -> Manifest.read(tmp.resolve("no.csv")));
        assertTrue(missing.getMessage().contains("no such manifest"), missing.getMessage());
        Path wrong = Files.writeString(tmp.resolve("m.csv"), "video,x,y,w,h\nv.mp4,1,2,3,4\n");
        ManifestException header = assertThrows(ManifestException.class, () -> Manifest.read(wrong));
        assertTrue(header.getMessage().contains("header video,id,frame,x,y,w,h"), header.getMessage());
        Path empty = Files.writeString(tmp.resolve("e.csv"), "");
        assertThrows(ManifestException.class, () -> Manifest.read(empty));
    }
}
