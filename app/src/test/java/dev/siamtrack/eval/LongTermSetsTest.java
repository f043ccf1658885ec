package dev.siamtrack.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.siamtrack.cli.SiamTrackCli;
import dev.siamtrack.geom.Box;
import dev.siamtrack.video.ImageFolderSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LongTermSetsTest {

    @Test
    void cutPointsKeepTheMinimumRunsAndFitTheSequence() {
        LongTermSets.Options o = new LongTermSets.Options(10, 3, 5, 1);
        for (int frames : new int[] {25, 40, 200}) {
            List<int[]> cuts = LongTermSets.cutPoints(frames, o, new Random(frames));
            assertEquals(Math.min(3, (frames - 5) / 15), cuts.size(), "frames " + frames);
            int present = 0;
            for (int[] c : cuts) {
                assertTrue(c[0] - present >= 5, "run before the cut at " + c[0]);
                assertEquals(10, c[1] - c[0] + 1);
                present = c[1] + 1;
            }
            assertTrue(frames - present >= 5, "run after the last cut");
        }
        assertTrue(LongTermSets.cutPoints(19, o, new Random(1)).isEmpty());
    }

    @Test
    void replacesGapsWithOtherSequencesAndIsDeterministic(@TempDir Path tmp) throws Exception {
        Path src = tmp.resolve("src");
        List<Box> boxes = Fixtures.moving(40);
        Fixtures.otb(src, "Walk-1", boxes);
        Fixtures.otb(src, "Walk-2", boxes);
        Fixtures.otb(src, "Run", IntStream.range(0, 40).mapToObj(i -> new Box(30, 20, 8, 8)).toList());
        LongTermSets.Options o = new LongTermSets.Options(10, 2, 8, 7);

        Path out = tmp.resolve("lt");
        LongTermSets.Result r = LongTermSets.build(LongTermSets.validate(src, out, o), out, o, name -> { });
        assertEquals(3, r.made().size());
        LongTermSets.Made walk = r.made().get(1);
        assertEquals("Walk-1", walk.name());
        // Walk-2 is the same video as Walk-1 (shared stem): only Run may fill Walk-1's gaps.
        assertTrue(walk.cuts().stream().allMatch(c -> c.filler().equals("Run")), walk.cuts().toString());
        List<Box> truth = GroundTruth.read(out.resolve("Walk-1/groundtruth_rect.txt"));
        assertEquals(40, truth.size());
        assertEquals(40, ImageFolderSource.listImages(out.resolve("Walk-1/img")).size());
        for (int i = 0; i < 40; i++) {
            int frame = i;
            boolean away = walk.cuts().stream().anyMatch(c -> frame >= c.first() && frame <= c.last());
            assertEquals(away, truth.get(i).isAbsent(), "frame " + i);
            if (!away) {
                // The original frame i (not a shifted one) follows a gap: the target has moved on.
                assertEquals(boxes.get(i).x(), truth.get(i).x(), 1e-9);
                assertArrayEquals(Files.readAllBytes(src.resolve(String.format("Walk-1/img/%04d.jpg", i + 1))),
                        Files.readAllBytes(out.resolve(String.format("Walk-1/img/%04d.jpg", i + 1))));
            }
        }
        assertTrue(Files.readString(out.resolve("longterm.json")).contains("\"filler\" : \"Run\""));

        Path again = tmp.resolve("lt2");
        LongTermSets.Result r2 = LongTermSets.build(LongTermSets.validate(src, again, o), again, o, name -> { });
        assertEquals(r.made(), r2.made());
        assertEquals(Files.readString(out.resolve("longterm.json")), Files.readString(again.resolve("longterm.json")));
        Path other = tmp.resolve("lt3");
        LongTermSets.Options seed2 = new LongTermSets.Options(10, 2, 8, 8);
        assertNotEquals(r.made(), LongTermSets.build(LongTermSets.validate(src, other, seed2), other, seed2, n -> { }).made());
    }

    @Test
    void badInputExitsWithCode2AndWritesNothing(@TempDir Path tmp) throws Exception {
        Path src = tmp.resolve("src");
        Fixtures.otb(src, "Only", Fixtures.moving(40));
        Path out = tmp.resolve("out");
        assertEquals(2, SiamTrackCli.run("make-longterm", src.toString(), "--out", out.toString()));
        assertEquals(2, SiamTrackCli.run("make-longterm", tmp.resolve("missing").toString(), "--out", out.toString()));
        Fixtures.otb(src, "Other", Fixtures.moving(40));
        assertEquals(2, SiamTrackCli.run("make-longterm", src.toString(), "--out", out.toString(), "--gap", "0"));
        assertEquals(2, SiamTrackCli.run("make-longterm", src.toString(), "--out", out.toString(), "--gap", "100"));
        assertFalse(Files.exists(out));
        assertEquals(0, SiamTrackCli.run("make-longterm", src.toString(), "--out", out.toString(), "--gap", "10", "--min-run", "10"));
        assertEquals(2, SiamTrackCli.run("make-longterm", src.toString(), "--out", out.toString(), "--gap", "10", "--min-run", "10"));
    }
}
