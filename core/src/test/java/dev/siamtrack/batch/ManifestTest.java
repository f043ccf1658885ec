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
