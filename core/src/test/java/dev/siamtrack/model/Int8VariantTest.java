package dev.siamtrack.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.siamtrack.testing.SharedData;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * src/train/quantize.py's int8 variant of the tiny exported model, run by ONNX Runtime in the engine (its
 * QLinearConv kernels, the batch made symbolic by OnnxShapeEditor, two targets in one call): the card says
 * int8, and scores and boxes stay close to the float model's on the same crops.
 */
class Int8VariantTest {

    private static final Path PYTHON = Path.of("/usr/bin/python3");

    @TempDir
    Path tmp;

    @Test
    void int8VariantRunsInTheEngineCloseToTheFloatModel() throws Exception {
        assumeTrue(Files.isExecutable(PYTHON), "skipped: no /usr/bin/python3");
        Process probe = new ProcessBuilder(PYTHON.toString(), "-c", "import torch, onnx").redirectErrorStream(true).start();
        assumeTrue(probe.waitFor(120, TimeUnit.SECONDS) && probe.exitValue() == 0,
                "skipped: Debian's python3-torch / python3-onnx are not installed");
        Path train = SharedData.trainDataset();
        Path tiny = tmp.resolve("tiny");
        Path int8 = tmp.resolve("tiny-int8");
        python("src/train/export.py", "--tiny", "--out", tiny.toString());
        python("src/train/quantize.py", tiny.toString(), "--train", train.toString(), "--pairs", "4");

        try (SiameseModel floats = SiameseModel.load(tiny, SiameseModel.Options.DEFAULT);
             SiameseModel ints = SiameseModel.load(int8, SiameseModel.Options.DEFAULT)) {
            assertEquals("tiny-int8", ints.card().name());
            assertTrue(Files.readString(int8.resolve(ModelCard.FILE_NAME)).contains("\"quantized\": \"int8\""));
            int targets = 2;
            for (SiameseModel m : new SiameseModel[] {floats, ints}) {
                m.reserve(targets);
                for (int slot = 0; slot < targets; slot++) {
                    fill(m.templateInput(), slot);
                    m.embedTemplate(slot);
                    fill(m.searchInput(slot), slot + 7);
                }
                m.embedSearch(targets);
                m.runHead(targets);
            }
            for (int slot = 0; slot < targets; slot++) {
                FloatBuffer a = floats.scores(slot);
                FloatBuffer b = ints.scores(slot);
                assertEquals(a.remaining(), b.remaining());
                assertTrue(correlation(a, b) > 0.95, "score maps correlate: " + correlation(a, b));
                assertTrue(relativeRms(floats.boxes(slot), ints.boxes(slot)) < 0.1,
                        "boxes close: " + relativeRms(floats.boxes(slot), ints.boxes(slot)));
            }
        }
    }

    private void python(String... args) throws Exception {
        String[] command = new String[args.length + 1];
        command[0] = PYTHON.toString();
        System.arraycopy(args, 0, command, 1, args.length);
        Path log = tmp.resolve("python.log");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), String.join(" ", command) + " finishes");
        assertEquals(0, p.exitValue(), Files.readString(log));
    }

    /** A smooth 0..255 pattern, different per seed (quantization noise is relative to real-image-like inputs). */
    private static void fill(FloatBuffer planes, int seed) {
        int n = planes.remaining();
        int side = (int) Math.round(Math.sqrt(n / 3.0));
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < side; y++) {
                for (int x = 0; x < side; x++) {
                    double v = 127.5 + 100 * Math.sin((x + 3 * seed) / (9.0 + c)) * Math.cos((y - seed) / (13.0 - c));
                    planes.put(planes.position() + (c * side + y) * side + x, (float) v);
                }
            }
        }
    }

    private static double correlation(FloatBuffer a, FloatBuffer b) {
        int n = a.remaining();
        double ma = 0;
        double mb = 0;
        for (int i = 0; i < n; i++) {
            ma += a.get(a.position() + i) / n;
            mb += b.get(b.position() + i) / n;
        }
        double ab = 0;
        double aa = 0;
        double bb = 0;
        for (int i = 0; i < n; i++) {
            double x = a.get(a.position() + i) - ma;
            double y = b.get(b.position() + i) - mb;
            ab += x * y;
            aa += x * x;
            bb += y * y;
        }
        return ab / Math.sqrt(aa * bb);
    }

    private static double relativeRms(FloatBuffer a, FloatBuffer b) {
        double diff = 0;
        double norm = 0;
        for (int i = 0; i < a.remaining(); i++) {
            double x = a.get(a.position() + i);
            double y = b.get(b.position() + i);
            diff += (x - y) * (x - y);
            norm += x * x;
        }
        return Math.sqrt(diff / norm);
    }
}
