package dev.siamtrack.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.siamtrack.geom.Box;
import dev.siamtrack.testing.ShippedModel;
import dev.siamtrack.video.synth.ClipConfig;
import dev.siamtrack.video.synth.ClipGenerator;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** compare with the shipped model on frames of a generated clip. */
class CompareCommandTest {

    @TempDir
    static Path tmp;
    private static Path first;
    private static Path later;
    private static Box target;
    private static Box targetLater;

    private record Run(int exit, String out, String err) {
    }

    @BeforeAll
    static void writeFrames() {
        ClipGenerator clip = new ClipGenerator(ClipConfig.demo());
        byte[] scratch = new byte[clip.config().width() * clip.config().height() * 3];
        first = tmp.resolve("first.png");
        later = tmp.resolve("later.png");
        try (Mat m = new Mat()) {
            clip.renderFrame(0, m, scratch);
            opencv_imgcodecs.imwrite(first.toString(), m);
            clip.renderFrame(40, m, scratch);
            opencv_imgcodecs.imwrite(later.toString(), m);
        }
        target = clip.groundTruth(0);
        targetLater = clip.groundTruth(40);
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = SiamTrackCli.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        String[] all = new String[args.length + 2];
        all[0] = "compare";
        System.arraycopy(args, 0, all, 1, args.length);
        all[all.length - 1] = "--model=" + ShippedModel.dir();
        int exit = cli.execute(all);
        return new Run(exit, out.toString(), err.toString());
    }

    private static String crop(Path image, Box b) {
        return image + ":" + String.format(Locale.ROOT, "%.1f,%.1f,%.1f,%.1f", b.x(), b.y(), b.w(), b.h());
    }

    @Test
    void identicalShiftedAndUnrelatedCrops() {
        Run identical = run(crop(first, target), crop(first, target));
        assertEquals(0, identical.exit(), identical.err());
        JsonNode card = ShippedModel.card();
        String threshold = String.format(Locale.ROOT, "%.4f", card.get("hyper").get("verify_threshold").asDouble());
        assertTrue(identical.out().startsWith("similarity 1.0000, threshold " + threshold + " (" + card.get("name").asText()
                + ", model card): same"), identical.out());
        Box shifted = new Box(target.x() + 6, target.y() + 4, target.w(), target.h());
        Run shift = run(crop(first, target), crop(first, shifted));
        assertTrue(shift.out().contains(": same"), shift.out());
        Run moved = run(crop(first, target), crop(later, targetLater));
        assertTrue(moved.out().contains(": same"), moved.out());
        Run unrelated = run(crop(first, target), crop(first, new Box(20, 400, target.w(), target.h())));
        assertEquals(0, unrelated.exit());
        assertTrue(unrelated.out().contains(": different"), unrelated.out());
        Run wholeImage = run(crop(first, target), first.toString());
        assertEquals(0, wholeImage.exit(), wholeImage.err());
        assertTrue(wholeImage.out().startsWith("similarity "), wholeImage.out());
    }

    @Test
    void badInputExitsWith2AndOneLine() {
        Run missing = run(crop(tmp.resolve("nope.jpg"), target), crop(first, target));
        assertEquals(2, missing.exit());
        assertTrue(missing.err().contains("image not found"), missing.err());
        Run outside = run(crop(first, target), crop(first, new Box(700, 10, 20, 20)));
        assertEquals(2, outside.exit());
        // track's rule (Box.checkInside), checked before the model loads
        assertTrue(outside.err().contains("is not inside the 640x480 frame"), outside.err());
        Run one = run(crop(first, target));
        assertEquals(2, one.exit());
        for (Run r : new Run[] {missing, outside, one}) {
            assertEquals(1, r.err().strip().lines().count(), r.err());
            assertFalse(r.err().contains("\tat "), r.err());
        }
        Run noPairs = run("--pairs", tmp.resolve("none.csv").toString(), "--report", tmp.resolve("r0").toString());
        assertEquals(2, noPairs.exit());
        assertFalse(Files.exists(tmp.resolve("r0")));
    }

    @Test
    void pairsGiveAnRocReport() throws Exception {
        Path csv = tmp.resolve("pairs.csv");
        Box other = new Box(20, 400, target.w(), target.h());
        Box other2 = new Box(500, 30, target.w(), target.h());
        Files.writeString(csv, "a,ax,ay,aw,ah,b,bx,by,bw,bh,same,kind\n"
                + row(first, target, later, targetLater, 1, "same")
                + row(first, target, first, new Box(target.x() + 5, target.y(), target.w(), target.h()), 1, "same")
                + row(first, target, first, other, 0, "background")
                + row(first, target, later, other2, 0, "background"));
        Path report = tmp.resolve("report");
        Run r = run("--pairs", csv.toString(), "--report", report.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(Files.size(report.resolve("roc.png")) > 1000);
        JsonNode summary = new ObjectMapper().readTree(report.resolve("summary.json").toFile());
        assertEquals(1.0, summary.get("roc_auc").asDouble(), 1e-12);
        assertEquals(0.0, summary.get("eer").asDouble(), 1e-12);
        assertEquals(4, summary.get("pairs").asInt());
        assertTrue(r.out().contains("ROC AUC 1.0000, EER 0.0000"), r.out());

        Files.writeString(csv, "a,ax,ay,aw,ah,b,bx,by,bw,bh,same,kind\n" + row(first, target, first, new Box(900, 900, 10, 10), 0, "x")
                + row(first, target, first, target, 1, "same"));
        Run bad = run("--pairs", csv.toString(), "--report", tmp.resolve("r2").toString());
        assertEquals(2, bad.exit(), bad.err());
        assertFalse(Files.exists(tmp.resolve("r2")), "nothing written for a bad box");
    }

    private static String row(Path a, Box ab, Path b, Box bb, int same, String kind) {
        return a.getFileName() + "," + ab.toCsv() + "," + b.getFileName() + "," + bb.toCsv() + "," + same + "," + kind + "\n";
    }
}
