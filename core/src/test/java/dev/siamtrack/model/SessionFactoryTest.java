package dev.siamtrack.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class SessionFactoryTest {

    @Test
    void cpuRunsOnCpuWithoutANote() throws Exception {
        try (SessionFactory sessions = SessionFactory.create(SiameseModel.Options.DEFAULT)) {
            assertEquals(Device.CPU, sessions.device());
            assertNull(sessions.deviceNote());
        }
    }

    @Test
    void bytesThatAreNoModelAreRefusedWithTheFileName() throws Exception {
        try (SessionFactory sessions = SessionFactory.create(SiameseModel.Options.DEFAULT)) {
            ModelException e = assertThrows(ModelException.class,
                    () -> sessions.open(new byte[] {1, 2, 3}, Path.of("m/backbone.onnx")));
            assertTrue(e.getMessage().startsWith("m/backbone.onnx: not a loadable ONNX model ("), e.getMessage());
        }
    }

    @Test
    void cudaWithoutItsProviderFallsBackToCpuWithTheReasonOrFailsWhenStrict() throws Exception {
        Device cuda = Device.parse("cuda:0");
        try (SessionFactory sessions = SessionFactory.create(new SiameseModel.Options(cuda, false, 1))) {
            if (sessions.device().cuda()) {
                assertNull(sessions.deviceNote());
            } else {
                assertTrue(sessions.deviceNote().startsWith("CUDA execution provider unavailable ("), sessions.deviceNote());
                assertTrue(sessions.deviceNote().endsWith("; running on CPU"), sessions.deviceNote());
            }
        }
        try (SessionFactory strict = SessionFactory.create(new SiameseModel.Options(cuda, true, 1))) {
            assertEquals(cuda, strict.device(), "strict CUDA must either run on CUDA or fail");
        } catch (ModelException e) {
            assertTrue(e.getMessage().endsWith("; --strict was given, so not falling back to CPU"), e.getMessage());
        }
    }

    @Test
    void firstLineKeepsOnlyTheFirstLineAndNamesAMissingMessage() {
        assertEquals("a", SessionFactory.firstLine("a\nb"));
        assertEquals("a", SessionFactory.firstLine("a"));
        assertEquals("no details", SessionFactory.firstLine(null));
    }
}
