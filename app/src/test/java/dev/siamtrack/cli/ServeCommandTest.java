package dev.siamtrack.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServeCommandTest {

    @TempDir
    Path dir;

    @Test
    void refusesToListenBeyondLoopbackWithoutAToken() {
        CliRunner.Result r = CliRunner.run("serve", "--source", "demo=videos/demo.mp4", "--bind", "0.0.0.0");
        assertEquals(2, r.exitCode(), r.err());
        assertTrue(r.err().contains("refusing to listen on 0.0.0.0 without an access token"), r.err());
        assertFalse(r.err().contains("Exception"), r.err());
    }

    @Test
    void badSourcesAndTokensAreUsageErrors() throws Exception {
        assertEquals(2, CliRunner.run("serve").exitCode());
        CliRunner.Result noFile = CliRunner.run("serve", "--source", "a=videos/none.mp4");
        assertEquals(2, noFile.exitCode());
        assertTrue(noFile.err().contains("neither a file nor a camera"), noFile.err());
        assertEquals(2, CliRunner.run("serve", "--source", "bad name=videos/demo.mp4").exitCode());
        CliRunner.Result badHost = CliRunner.run("serve", "--source", "a=videos/demo.mp4", "--host-name", "evil/x");
        assertEquals(2, badHost.exitCode());
        assertTrue(badHost.err().contains("--host-name 'evil/x' is not a host name"), badHost.err());
        CliRunner.Result badBroker = CliRunner.run("serve", "--source", "a=videos/demo.mp4", "--mqtt", "http://127.0.0.1:1883");
        assertEquals(2, badBroker.exitCode());
        assertTrue(badBroker.err().contains("--mqtt must be a broker address tcp://HOST:PORT"), badBroker.err());
        CliRunner.Result badTransport = CliRunner.run("serve", "--source", "a=videos/demo.mp4", "--rtsp-transport", "x");
        assertEquals(2, badTransport.exitCode());
        assertTrue(badTransport.err().contains("--rtsp-transport must be tcp or udp"), badTransport.err());
        assertEquals(2, CliRunner.run("serve", "--source", "a=videos/demo.mp4", "--source", "a=videos/demo.mp4").exitCode());
        Path shortToken = dir.resolve("token");
        Files.writeString(shortToken, "abc\n");
        CliRunner.Result weak = CliRunner.run("serve", "--source", "a=videos/demo.mp4", "--bind", "0.0.0.0",
                "--token-file", shortToken.toString());
        assertEquals(2, weak.exitCode());
        assertTrue(weak.err().contains("at least 16 characters"), weak.err());
        Path config = dir.resolve("cams.yaml");
        Files.writeString(config, "sources:\n  - name: a\n    url: videos/demo.mp4\n");
        CliRunner.Result badConfig = CliRunner.run("serve", "--config", config.toString());
        assertEquals(2, badConfig.exitCode());
        assertTrue(badConfig.err().contains("needs a 'name' and a 'uri'"), badConfig.err());
    }

    @Test
    void aMissingFileNextToWorkingSourcesIsADownSourceNotAFailedStart() throws Exception {
        ServeCommand serve = new ServeCommand();
        new picocli.CommandLine(serve).parseArgs("--source", "demo=videos/demo.mp4", "--source", "gone=" + dir.resolve("gone.mp4"));
        assertEquals(List.of("demo", "gone"), serve.options().sources().stream().map(s -> s.name()).toList());
    }

    @Test
    void sigtermStopsTheServiceCleanlyWithExitZero() throws Exception {
        Path config = dir.resolve("cams.yaml");
        Files.writeString(config, "sources:\n  - name: demo\n    uri: videos/demo.mp4\n");
        Path log = dir.resolve("events");
        Path args = dir.resolve("java.args");
        Files.writeString(args, "-cp \"" + System.getProperty("java.class.path") + "\"\n");
        Process serve = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "@" + args, "dev.siamtrack.cli.SiamTrackCli", "serve", "--config", config.toString(), "--port", "0",
                "--event-log", log.toString())
                .redirectErrorStream(true).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(serve.getInputStream(), StandardCharsets.UTF_8))) {
            Pattern listening = Pattern.compile("serving 1 source\\(s\\) on http://127\\.0\\.0\\.1:(\\d+)/");
            String line;
            int port = -1;
            while (port < 0 && (line = out.readLine()) != null) {
                Matcher m = listening.matcher(line);
                if (m.find()) {
                    port = Integer.parseInt(m.group(1));
                }
            }
            assertTrue(port > 0, "the service announced its port");
            HttpClient http = HttpClient.newHttpClient();
            long deadline = System.nanoTime() + 30_000_000_000L;
            String body = "";
            while (!body.contains("\"state\":\"UP\"") && System.nanoTime() < deadline) {
                body = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/sources/demo")).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
                Thread.sleep(200);
            }
            assertTrue(body.contains("\"state\":\"UP\""), body);
            long t0 = System.nanoTime();
            serve.destroy();
            assertTrue(serve.waitFor(10, TimeUnit.SECONDS), "stopped");
            double seconds = (System.nanoTime() - t0) / 1e9;
            assertEquals(0, serve.exitValue());
            assertTrue(seconds < 5, "stopped in " + seconds + " s");
            List<Path> logs;
            try (var files = Files.list(log)) {
                logs = files.toList();
            }
            assertEquals(1, logs.size());
            assertTrue(Files.readString(logs.get(0)).contains("\"type\":\"source_up\""));
        } finally {
            serve.destroyForcibly();
        }
    }
}
