package dev.siamtrack.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The training side's export contract, checked from the engine: src/train exports a tiny untrained model, the
 * Java engine loads it, and on the same crops its template features, logits and box distances are PyTorch's.
 * Skips when Debian's Python with torch is not installed.
 */
class ExportContractTest {

    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final Path EXPORT = Path.of("src/train/export.py");

    @TempDir
    Path tmp;

    @Test
    void tinyExportRunsInTheEngineAsInPyTorch() throws Exception {
        assumeTrue(Files.isExecutable(PYTHON) && Files.isRegularFile(EXPORT), "skipped: no /usr/bin/python3 or src/train/export.py");
        Process probe = new ProcessBuilder(PYTHON.toString(), "-c", "import torch, onnx").redirectErrorStream(true).start();
        assumeTrue(probe.waitFor(120, TimeUnit.SECONDS) && probe.exitValue() == 0,
                "skipped: Debian's python3-torch / python3-onnx are not installed");
        Path out = tmp.resolve("tiny");
        Process export = new ProcessBuilder(PYTHON.toString(), EXPORT.toString(), "--tiny", "--out", out.toString())
                .redirectErrorStream(true).redirectOutput(tmp.resolve("export.log").toFile()).start();
        assertTrue(export.waitFor(300, TimeUnit.SECONDS), "export finishes");
        assertEquals(0, export.exitValue(), Files.readString(tmp.resolve("export.log")));

        // PyTorch's own outputs for the same network (tiny_model is seeded) on random crops: the reference the
        // exported graphs and the engine's buffers must reproduce.
        Path reference = tmp.resolve("reference");
        Process torch = new ProcessBuilder(PYTHON.toString(), "-c", String.join("\n",
                "import sys, torch",
                "sys.path.insert(0, 'src/train')",
                "from siamtrack_train.models.siamtracker import tiny_model",
                "from siamtrack_train.settings import EXEMPLAR, TRACK_INSTANCE",
                "net = tiny_model().eval()",
                "g = torch.Generator().manual_seed(5)",
                "z = torch.rand(1, 3, EXEMPLAR, EXEMPLAR, generator=g) * 255",
                "x = torch.rand(1, 3, TRACK_INSTANCE, TRACK_INSTANCE, generator=g) * 255",
                "with torch.no_grad():",
                "    zf = net.backbone(z)",
                "    cls, loc = net.head(zf, net.backbone(x))",
                "for name, t in (('z', z), ('x', x), ('zf', zf), ('cls', cls), ('loc', loc)):",
                "    t.contiguous().numpy().astype('<f4').tofile(sys.argv[1] + '.' + name)"), reference.toString())
                .redirectErrorStream(true).redirectOutput(tmp.resolve("torch.log").toFile()).start();
        assertTrue(torch.waitFor(300, TimeUnit.SECONDS), "PyTorch finishes");
        assertEquals(0, torch.exitValue(), Files.readString(tmp.resolve("torch.log")));

        try (SiameseModel model = SiameseModel.load(out, SiameseModel.Options.DEFAULT)) {
            ModelCard card = model.card();
            assertEquals("siamtrack", card.family());
            assertEquals(card.scoreSize() * card.scoreSize() * model.scoreChannels(), model.scores(0).capacity());
            assertEquals(4 * card.scoreSize() * card.scoreSize(), model.boxes(0).capacity());
            model.templateInput().put(0, floats(reference, "z"));
            model.embedTemplate(0);
            model.searchInput(0).put(0, floats(reference, "x"));
            model.embedSearch(1);
            model.runHead(1);
            assertClose(floats(reference, "zf"), model.exemplarFeatures(), "template features");
            assertClose(floats(reference, "cls"), model.scores(0), "classification logits");
            assertClose(floats(reference, "loc"), model.boxes(0), "box distances");
        }
    }

    private static float[] floats(Path reference, String name) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(Path.of(reference + "." + name))).order(ByteOrder.LITTLE_ENDIAN);
        float[] values = new float[bytes.remaining() / 4];
        bytes.asFloatBuffer().get(values);
        return values;
    }

    /** Every value within 1e-3 of PyTorch's, relative to the largest magnitude (float summation order differs). */
    private static void assertClose(float[] expected, FloatBuffer actual, String what) {
        assertEquals(expected.length, actual.capacity(), what + ": element count");
        double scale = 1e-6;
        for (float v : expected) {
            scale = Math.max(scale, Math.abs(v));
        }
        double worst = 0;
        for (int i = 0; i < expected.length; i++) {
            worst = Math.max(worst, Math.abs(expected[i] - actual.get(i)) / scale);
        }
        assertTrue(worst < 1e-3, what + ": largest difference " + worst + " of the largest magnitude " + scale);
        assertTrue(scale > 1e-3, what + ": PyTorch's outputs are not all zero");
    }
}
