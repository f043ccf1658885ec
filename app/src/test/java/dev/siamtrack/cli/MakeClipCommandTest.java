package dev.siamtrack.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.siamtrack.video.synth.ClipConfig;
import dev.siamtrack.video.synth.ClipGenerator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MakeClipCommandTest {

    private static CliRunner.Result run(String... args) {
        String[] withCommand = new String[args.length + 1];
        withCommand[0] = "make-clip";
        System.arraycopy(args, 0, withCommand, 1, args.length);
        return CliRunner.run(withCommand);
    }

    @Test
    void writesVideoGroundTruthAndEvents(@TempDir Path dir) throws Exception {
        Path video = dir.resolve("c.mp4");
        CliRunner.Result run = run("--out", video.toString(), "--frames", "100", "--width", "320", "--height", "240",
                "--leave", "--out-frames", "8");
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(Files.size(video) > 1000);
        long nanRows = Files.readAllLines(dir.resolve("c.txt")).stream().filter(l -> l.startsWith("NaN")).count();
        assertEquals(8, nanRows);
        assertTrue(Files.exists(dir.resolve("c.events.json")));
        assertTrue(run.out().contains("out of view 75..82"), run.out());
    }

    @Test
    void userMistakesExitWithCode2AndOneLineSayingSiamtrack(@TempDir Path dir) throws Exception {
        CliRunner.Result notMp4 = run("--out", dir.resolve("c.avi").toString());
        assertEquals(2, notMp4.exitCode());
        assertEquals("siamtrack: --out must name an .mp4 file or a folder (a name without extension), got "
                + dir.resolve("c.avi") + "\n", notMp4.err());
        CliRunner.Result tooShort = run("--out", dir.resolve("c.mp4").toString(), "--frames", "40", "--leave");
        assertEquals(2, tooShort.exitCode());
        assertEquals(1, tooShort.err().strip().lines().count(), tooShort.err());
        assertTrue(tooShort.err().startsWith("siamtrack: "), tooShort.err());
        Files.writeString(Files.createDirectories(dir.resolve("full")).resolve("x"), "x");
        CliRunner.Result notEmpty = run("--out", dir.resolve("full").toString());
        assertEquals("siamtrack: --out " + dir.resolve("full") + " exists and is not an empty folder\n", notEmpty.err());
        assertEquals(2, notEmpty.exitCode());
    }

    /** A folder gets the frames as OTB-layout JPEGs whose target sits where the ground truth says. */
    @Test
    void writesAnOtbSequenceWhoseFramesMatchTheVideosGroundTruth(@TempDir Path dir) throws Exception {
        Path seq = dir.resolve("seq");
        CliRunner.Result run = run("--out", seq.toString(), "--frames", "60", "--width", "320", "--height", "240");
        assertEquals(0, run.exitCode(), run.err());
        List<String> truth = Files.readAllLines(seq.resolve("groundtruth_rect.txt"));
        assertEquals(60, truth.size());
        ClipGenerator clip = new ClipGenerator(ClipConfig.of(320, 240, 60, ClipConfig.DEFAULT_SEED, false,
                ClipConfig.DEFAULT_OUT_FRAMES));
        assertEquals(clip.groundTruth(59).toCsv(), truth.get(59));
        byte[] rendered = new byte[320 * 240 * 3];
        clip.renderFrame(59, rendered);
        try (Mat jpeg = opencv_imgcodecs.imread(seq.resolve("img/0060.jpg").toString())) {
            assertEquals(320, jpeg.cols());
            byte[] read = new byte[rendered.length];
            jpeg.data().get(read);
            double error = 0;
            for (int i = 0; i < read.length; i++) {
                error += Math.abs((read[i] & 0xff) - (rendered[i] & 0xff));
            }
            assertTrue(error / read.length < 6, "mean JPEG error per channel " + error / read.length);
        }
        assertFalse(Files.exists(seq.resolve("img/0061.jpg")));
        assertTrue(Files.readString(seq.resolve("events.json")).contains("\"groundTruth\" : \"groundtruth_rect.txt\""));
    }
}
