package dev.siamtrack.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServeOptionsTest {

    @TempDir
    Path dir;

    private static ServeOptions withBind(String bind, String token) {
        ServeOptions o = ServiceClient.options(List.of(new SourceConfig("a", "videos/demo.mp4")), token, 16,
                Duration.ofSeconds(2), true, null);
        return new ServeOptions(bind, o.port(), token, o.hostNames(), o.sources(), o.modelDir(), o.modelOptions(), o.trackerParams(),
                o.crop(), o.maxTargets(), o.previewFps(), o.jpegQuality(), o.stallTimeout(), o.rtspTransport(), o.realtimeFiles(), null, null, null);
    }

    @Test
    void onlyLoopbackMayGoWithoutAToken() {
        withBind("127.0.0.1", null).validate();
        withBind("localhost", null).validate();
        withBind("::1", null).validate();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> withBind("0.0.0.0", null).validate());
        assertTrue(e.getMessage().contains("--token-file"), e.getMessage());
        withBind("0.0.0.0", "a-long-enough-token-123").validate();
    }

    @Test
    void sourcesParseFromFlagsAndConfigFiles() throws Exception {
        SourceConfig s = SourceConfig.parse("gate=rtsp://10.0.0.7/stream?a=b");
        assertEquals("gate", s.name());
        assertEquals("rtsp://10.0.0.7/stream?a=b", s.uri());
        assertThrows(IllegalArgumentException.class, () -> SourceConfig.parse("no-equals"));
        assertThrows(IllegalArgumentException.class, () -> SourceConfig.parse("bad/name=x"));

        Path yaml = dir.resolve("c.yaml");
        Files.writeString(yaml, "sources:\n  - name: gate\n    uri: rtsp://10.0.0.7/s1\n  - name: demo\n    uri: videos/demo.mp4\n");
        Path json = dir.resolve("c.json");
        Files.writeString(json, "{\"sources\":[{\"name\":\"gate\",\"uri\":\"rtsp://10.0.0.7/s1\"},{\"name\":\"demo\",\"uri\":\"videos/demo.mp4\"}]}");
        List<SourceConfig> expected = List.of(new SourceConfig("gate", "rtsp://10.0.0.7/s1"),
                new SourceConfig("demo", "videos/demo.mp4"));
        assertEquals(expected, ConfigFile.read(yaml).sources());
        assertEquals(expected, ConfigFile.read(json).sources());
        assertEquals(null, ConfigFile.read(yaml).mqtt());
        Path withBroker = dir.resolve("m.yaml");
        Files.writeString(withBroker, "sources:\n  - name: demo\n    uri: videos/demo.mp4\nmqtt: tcp://127.0.0.1:1883\n");
        assertEquals(java.net.URI.create("tcp://127.0.0.1:1883"), ConfigFile.read(withBroker).mqtt());

        Path unknown = dir.resolve("u.yaml");
        Files.writeString(unknown, "sources: []\nport: 9\n");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ConfigFile.read(unknown))
                .getMessage().contains("unknown key 'port'"));
        Path broken = dir.resolve("b.json");
        Files.writeString(broken, "{\"sources\": [");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ConfigFile.read(broken))
                .getMessage().contains("cannot parse"));
    }
}
