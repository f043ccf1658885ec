package dev.siamtrack.model;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.siamtrack.geom.Box;
import dev.siamtrack.track.SiameseTracker;
import dev.siamtrack.track.SiameseTrackers;
import dev.siamtrack.track.TrackerParams;
import dev.siamtrack.track.TrackResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The training side's export contract, checked from the engine: src/train exports a tiny untrained model
 * and the Java engine loads and runs it. Skips when Debian's Python with torch is not installed.
 */
class ExportContractTest {

    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final Path EXPORT = Path.of("src/train/export.py");

    @TempDir
    Path tmp;

    @Test
    void tinyExportLoadsAndTracksInTheEngine() throws Exception {
        assumeTrue(Files.isExecutable(PYTHON) && Files.isRegularFile(EXPORT), "skipped: no /usr/bin/python3 or src/train/export.py");
        Process probe = new ProcessBuilder(PYTHON.toString(), "-c", "import torch, onnx").redirectErrorStream(true).start();
        assumeTrue(probe.waitFor(120, TimeUnit.SECONDS) && probe.exitValue() == 0,
                "skipped: Debian's python3-torch / python3-onnx are not installed");
        Path out = tmp.resolve("tiny");
        Process export = new ProcessBuilder(PYTHON.toString(), EXPORT.toString(), "--tiny", "--out", out.toString())
                .redirectErrorStream(true).redirectOutput(tmp.resolve("export.log").toFile()).start();
        assertTrue(export.waitFor(300, TimeUnit.SECONDS), "export finishes");
        assertEquals(0, export.exitValue(), Files.readString(tmp.resolve("export.log")));

        try (SiameseModel model = SiameseModel.load(out, SiameseModel.Options.DEFAULT)) {
            ModelCard card = model.card();
            assertEquals("siamtrack", card.family());
            assertEquals(card.scoreSize() * card.scoreSize() * model.scoreChannels(), model.scores(0).capacity());
            assertEquals(4 * card.scoreSize() * card.scoreSize(), model.boxes(0).capacity());
        }
        try (SiameseTracker tracker = SiameseTrackers.create(out, SiameseModel.Options.DEFAULT, TrackerParams.DEFAULT);
             Mat frame = new Mat(240, 320, CV_8UC3, new Scalar(90, 120, 150, 0))) {
            tracker.init(frame, new Box(140, 100, 40, 30));
            TrackResult r = tracker.update(frame);
            assertTrue(r.score() >= 0 && r.score() <= 1, "score is a probability: " + r.score());
            assertTrue(r.box().w() > 0 && r.box().h() > 0 && !r.box().isAbsent(), r.box().toString());
        }
    }
}
