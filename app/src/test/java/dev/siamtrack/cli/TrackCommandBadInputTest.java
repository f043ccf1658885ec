package dev.siamtrack.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.siamtrack.video.synth.ClipConfig;
import dev.siamtrack.video.synth.ClipGenerator;
import dev.siamtrack.video.synth.ClipWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every user mistake: exit code 2, one clear line naming the problem, no stack trace. Needs no model. */
class TrackCommandBadInputTest {

    @TempDir
    static Path tmp;
    static Path clip;

    @BeforeAll
    static void makeClip() throws Exception {
        clip = tmp.resolve("small.mp4");
        ClipWriter.write(new ClipGenerator(ClipConfig.of(320, 240, 12, 3, false, 1)), clip, i -> { });
    }

    private static void assertUserError(CliRunner.Result r, String expected) {
        assertEquals(2, r.exitCode(), r.err());
        assertTrue(r.err().contains(expected), "stderr should mention '" + expected + "' but was: " + r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
    }

    @Test
    void missingFile() {
        assertUserError(CliRunner.run("track", tmp.resolve("nope.mp4").toString(), "--init", "1,1,5,5"), "no such file");
    }

    @Test
    void fileFfmpegCannotDecode() throws Exception {
        Path junk = tmp.resolve("junk.mp4");
        Files.write(junk, "this is not a video at all".repeat(100).getBytes());
        assertUserError(CliRunner.run("track", junk.toString(), "--init", "1,1,5,5"), "FFmpeg cannot decode");
    }

    @Test
    void emptyInitBox() {
        assertUserError(CliRunner.run("track", clip.toString(), "--init", "10,10,0,20"), "width and height must be positive");
    }

    @Test
    void negativeInitBox() {
        assertUserError(CliRunner.run("track", clip.toString(), "--init", "-5,10,20,20"), "not inside the 320x240 frame");
    }

    @Test
    void initBoxOutsideTheFrame() {
        assertUserError(CliRunner.run("track", clip.toString(), "--init", "300,200,50,50"), "not inside the 320x240 frame");
    }

    @Test
    void initBoxThatIsNotNumbers() {
        assertUserError(CliRunner.run("track", clip.toString(), "--init", "a,b,c"), "--init");
    }

    @Test
    void modelDirectoryMissingAFile() throws Exception {
        Path model = Files.createDirectories(tmp.resolve("half-model"));
        Files.write(model.resolve("backbone.onnx"), new byte[] {8, 7});
        assertUserError(CliRunner.run("track", clip.toString(), "--init", "10,10,20,20", "--model", model.toString()),
                "missing head.onnx");
    }

    @Test
    void modelDirectoryThatDoesNotExist() {
        assertUserError(CliRunner.run("track", clip.toString(), "--init", "10,10,20,20", "--model",
                tmp.resolve("no-model").toString()), "does not exist");
    }

    @Test
    void outputPathNotWritable() throws Exception {
        Path blocker = Files.writeString(tmp.resolve("blocker"), "a file, not a folder");
        assertUserError(CliRunner.run("track", clip.toString(), "--init", "10,10,20,20", "--out",
                blocker.resolve("out.csv").toString()), "not writable");
    }

    @Test
    void outputWithUnknownExtension() {
        assertUserError(CliRunner.run("track", clip.toString(), "--init", "10,10,20,20", "--out",
                tmp.resolve("out.xlsx").toString()), ".csv or .jsonl");
    }

    @Test
    void unknownDevice() {
        assertUserError(CliRunner.run("track", clip.toString(), "--init", "10,10,20,20", "--device", "tpu",
                "--model", tmp.toString()), "unknown device");
    }

    @Test
    void unknownOption() {
        CliRunner.Result r = CliRunner.run("track", clip.toString(), "--init", "1,1,5,5", "--frobnicate");
        assertUserError(r, "Unknown option");
    }

    @Test
    void aBoxSmallerThanOnePixelIsRefusedBeforeAnOutputIsTouched() throws Exception {
        // it passed the up-front check, then the tracker's crop failed mid-run after --out was cut to its header
        Path out = Files.writeString(tmp.resolve("kept.csv"), "frame,id,x,y,w,h,score,state,reacquired\n0,1,1,1,9,9,1,TRACKING,false\n");
        String before = Files.readString(out);
        Path mp4 = tmp.resolve("tiny.mp4");
        CliRunner.Result init = CliRunner.run("track", clip.toString(), "--init", "10,10,0.5,0.5", "--out", out.toString(),
                "--save", mp4.toString());
        assertUserError(init, "--init 10,10,0.5,0.5: 10.00,10.00,0.50,0.50: the box is smaller than one pixel");
        assertEquals(1, init.err().strip().lines().count(), init.err());
        Path targets = Files.writeString(tmp.resolve("tiny-targets.csv"), "a,0,10,10,40,30\ndot,3,10,10,40,0.2\n");
        CliRunner.Result row = CliRunner.run("track", clip.toString(), "--targets", targets.toString(), "--out", out.toString(),
                "--save", mp4.toString());
        assertUserError(row, "tiny-targets.csv:2: 10.00,10.00,40.00,0.20: the box is smaller than one pixel");
        assertEquals(before, Files.readString(out), "the existing results file is untouched");
        assertFalse(Files.exists(mp4), "no video created");
    }

    @Test
    void saveOrOutOnTheSourceIsRefusedAndTheClipIsKept() throws Exception {
        byte[] video = Files.readAllBytes(clip);
        assertUserError(CliRunner.run("track", clip.toString(), "--init", "10,10,20,20", "--save", clip.toString(),
                "--max-frames", "3"), "--save " + clip + ": is the SOURCE " + clip);
        // the same file under another name: a relative path with .., and a symbolic link
        Path roundabout = tmp.resolve("sub/../small.mp4");
        Files.createDirectories(tmp.resolve("sub"));
        assertUserError(CliRunner.run("track", clip.toString(), "--init", "10,10,20,20", "--save", roundabout.toString()),
                "is the SOURCE");
        Path link = Files.createSymbolicLink(tmp.resolve("link.mp4"), clip);
        assertUserError(CliRunner.run("track", link.toString(), "--init", "10,10,20,20", "--save", clip.toString()),
                "is the SOURCE");
        assertUserError(CliRunner.run("track", clip.toString(), "--init", "10,10,20,20", "--save", link.toString()),
                "is the SOURCE");
        assertArrayEquals(video, Files.readAllBytes(clip), "the clip is untouched");
    }

    @Test
    void outputsInsideAnImageFolderSourceAreRefused() throws Exception {
        Path frames = Files.createDirectories(tmp.resolve("frames"));
        Files.write(frames.resolve("0001.jpg"), new byte[] {1});
        assertUserError(CliRunner.run("track", frames.toString(), "--init", "10,10,20,20", "--out",
                frames.resolve("run.csv").toString()), "lies inside the SOURCE folder " + frames);
        assertUserError(CliRunner.run("track", frames.toString(), "--init", "10,10,20,20", "--save",
                frames.resolve("deeper/run.mp4").toString()), "lies inside the SOURCE folder");
        try (var listing = Files.list(frames)) {
            assertEquals(1, listing.count(), "nothing written into the folder");
        }
    }

    @Test
    void outOnTheTargetsFileIsRefusedAndTheFileIsKept() throws Exception {
        String rows = "id,frame,x,y,w,h\na,0,10,10,40,30\n";
        Path targets = Files.writeString(tmp.resolve("t.csv"), rows);
        CliRunner.Result r = CliRunner.run("track", clip.toString(), "--targets", targets.toString(), "--out", targets.toString());
        assertUserError(r, "--out " + targets + ": is the --targets file " + targets);
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertEquals(rows, Files.readString(targets));
    }
}
