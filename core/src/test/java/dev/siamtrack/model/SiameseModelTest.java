package dev.siamtrack.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.siamtrack.testing.SharedData;
import dev.siamtrack.testing.ShippedModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SiameseModelTest {

    @TempDir
    Path tmp;

    @Test
    void missingDirectoryIsNamed() {
        ModelException e = assertThrows(ModelException.class,
                () -> SiameseModel.load(tmp.resolve("nope"), SiameseModel.Options.DEFAULT));
        assertTrue(e.getMessage().contains("nope") && e.getMessage().contains("does not exist"), e.getMessage());
    }

    @Test
    void missingHeadIsNamed() throws IOException {
        Files.write(tmp.resolve("backbone.onnx"), new byte[] {1, 2, 3});
        ModelException e = assertThrows(ModelException.class,
                () -> SiameseModel.load(tmp, SiameseModel.Options.DEFAULT));
        assertTrue(e.getMessage().contains("missing head.onnx"), e.getMessage());
    }

    @Test
    void garbageBackboneIsRejectedWithItsName() throws IOException {
        Files.write(tmp.resolve("backbone.onnx"), new byte[] {(byte) 0xff, (byte) 0xff, 0x7f});
        Files.write(tmp.resolve("head.onnx"), new byte[] {0});
        ModelException e = assertThrows(ModelException.class,
                () -> SiameseModel.load(tmp, SiameseModel.Options.DEFAULT));
        assertTrue(e.getMessage().contains("backbone.onnx"), e.getMessage());
    }

    @Test
    void swappedFilesAreReportedWithExpectedAndFoundShapes() throws Exception {
        Path shipped = ShippedModel.dir();
        Files.copy(shipped.resolve("head.onnx"), tmp.resolve("backbone.onnx"));
        Files.copy(shipped.resolve("backbone.onnx"), tmp.resolve("head.onnx"));
        ModelException e = assertThrows(ModelException.class, () -> SiameseModel.load(tmp, SiameseModel.Options.DEFAULT));
        assertTrue(e.getMessage().contains("backbone.onnx: expected 1 input [1,3,H,W]"), e.getMessage());
        assertTrue(e.getMessage().contains("found inputs {"), "names what was found: " + e.getMessage());
    }

    @Test
    void headThatDoesNotFitTheBackboneIsReported() throws Exception {
        Files.copy(SharedData.nanoTrack(2).resolve("backbone.onnx"), tmp.resolve("backbone.onnx"));
        Files.copy(SharedData.nanoTrack(3).resolve("head.onnx"), tmp.resolve("head.onnx"));
        ModelException e = assertThrows(ModelException.class, () -> SiameseModel.load(tmp, SiameseModel.Options.DEFAULT));
        assertTrue(e.getMessage().contains("head.onnx: does not accept the backbone's features [1, 48, 8, 8]"), e.getMessage());
    }

    @Test
    void nanoTrackV2LoadsAndIsRecognised() throws Exception {
        Path dir = SharedData.nanoTrack(2);
        try (SiameseModel m = SiameseModel.load(dir, SiameseModel.Options.DEFAULT)) {
            assertEquals("nanotrack-v2", m.card().family());
            assertEquals(48, m.featureChannels());
            assertEquals(16, m.card().scoreSize());
            assertEquals(2, m.scoreChannels());
            assertEquals(0.49, m.card().windowInfluence(), 1e-9);
            m.embedTemplate(0);
            m.embedSearch(1);
            m.runHead(1);
            assertEquals(2 * 16 * 16, m.scores(0).capacity());
            assertEquals(4 * 16 * 16, m.boxes(0).capacity());
        }
    }

    @Test
    void nanoTrackV1AndV3AreRecognised() throws Exception {
        try (SiameseModel v1 = SiameseModel.load(SharedData.nanoTrack(1), SiameseModel.Options.DEFAULT);
             SiameseModel v3 = SiameseModel.load(SharedData.nanoTrack(3), SiameseModel.Options.DEFAULT)) {
            assertEquals("nanotrack-v1", v1.card().family());
            assertEquals("nanotrack-v3", v3.card().family());
            assertEquals(96, v3.featureChannels());
            assertEquals(15, v3.card().scoreSize());
            assertEquals(-112, v3.card().gridOrigin());
        }
    }

    @Test
    void cudaWithoutProviderFallsBackOrFailsWhenStrict() throws Exception {
        Path dir = ShippedModel.dir();
        try (SiameseModel m = SiameseModel.load(dir, new SiameseModel.Options(Device.parse("cuda"), false, 1))) {
            if (!m.device().cuda()) {
                assertTrue(m.deviceNote().contains("CUDA"), m.deviceNote());
            }
        }
        ModelException e = null;
        try (SiameseModel m = SiameseModel.load(dir, new SiameseModel.Options(Device.parse("cuda:0"), true, 1))) {
            assertTrue(m.device().cuda(), "strict CUDA must either run on CUDA or fail");
        } catch (ModelException thrown) {
            e = thrown;
        }
        if (e != null) {
            assertTrue(e.getMessage().contains("--strict"), e.getMessage());
        }
    }
}
