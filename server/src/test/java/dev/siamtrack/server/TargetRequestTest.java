package dev.siamtrack.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.siamtrack.geom.Box;
import java.util.List;
import org.junit.jupiter.api.Test;

class TargetRequestTest {

    private static final SourceStatus UP = new SourceStatus("cam", "0", "UP", 640, 480, 10, 9, 25, 1, 1, 0, 0,
            List.of(), null);
    private final ObjectMapper json = new ObjectMapper();

    private TargetRequest of(String body, SourceStatus source) throws Exception {
        return TargetRequest.of(json.readTree(body), source);
    }

    private ApiException refused(String body, SourceStatus source) {
        return assertThrows(ApiException.class, () -> of(body, source));
    }

    @Test
    void aBoxInsideTheFrameWithOrWithoutAnId() throws Exception {
        TargetRequest plain = of("{\"x\":10,\"y\":20,\"w\":40,\"h\":30}", UP);
        assertNull(plain.id());
        assertEquals(new Box(10, 20, 40, 30), plain.box());
        assertEquals("car-1", of("{\"x\":10,\"y\":20,\"w\":40,\"h\":30,\"id\":\"car-1\"}", UP).id());
    }

    @Test
    void eachWrongBoxIsRefusedWithItsReason() {
        assertEquals("'w' must be a number (box in frame pixels)",
                refused("{\"x\":10,\"y\":20,\"w\":\"40\",\"h\":30}", UP).getMessage());
        assertEquals("'id' must be 1 to 32 letters, digits, '-' or '_'",
                refused("{\"x\":10,\"y\":20,\"w\":40,\"h\":30,\"id\":\"a b\"}", UP).getMessage());
        ApiException small = refused("{\"x\":10,\"y\":20,\"w\":4,\"h\":30}", UP);
        assertEquals(400, small.status());
        assertEquals(true, small.getMessage().endsWith("w and h must be at least 8 px"), small.getMessage());
        ApiException outside = refused("{\"x\":620,\"y\":20,\"w\":40,\"h\":30}", UP);
        assertEquals(true, outside.getMessage().endsWith("is not inside the 640x480 frame"), outside.getMessage());
        ApiException noFrame = refused("{\"x\":10,\"y\":20,\"w\":40,\"h\":30}",
                SourceStatus.starting("cam", "0"));
        assertEquals(409, noFrame.status());
        assertEquals("source 'cam' has no frame yet (state STARTING)", noFrame.getMessage());
    }
}
