package dev.siamtrack.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.siamtrack.testing.SharedData;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code models pull} against a local HTTP server that plays the publisher, a broken mirror and a dead link. */
class ModelsPullCommandTest {

    private static final String V2_BACKBONE = "/nanotrackv2/nanotrack_backbone_sim.onnx";
    private static final String V2_HEAD = "/nanotrackv2/nanotrack_head_sim.onnx";

    @TempDir
    Path tmp;

    private HttpServer server;
    /** What the server holds: request path -> body. */
    private final Map<String, byte[]> files = new ConcurrentHashMap<>();
    /** Paths whose answer announces the whole length but stalls halfway. */
    private final List<String> truncated = new CopyOnWriteArrayList<>();
    /** Every path asked for. */
    private final List<String> requests = new CopyOnWriteArrayList<>();

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::serve);
        server.start();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    private void serve(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        requests.add(path);
        byte[] body = files.get(path);
        if (body == null) {
            exchange.sendResponseHeaders(404, -1);
            exchange.close();
            return;
        }
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body, 0, truncated.contains(path) ? body.length / 2 : body.length);
        } catch (IOException ignored) {
            // the client gave up: nothing more to send
        }
    }

    private String base() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/";
    }

    @Test
    void pullsThePinnedFilesAndTheModelLoads() throws IOException {
        Path reference = SharedData.nanoTrack(2);
        files.put(V2_BACKBONE, Files.readAllBytes(reference.resolve("backbone.onnx")));
        files.put(V2_HEAD, Files.readAllBytes(reference.resolve("head.onnx")));

        CliRunner.Result r = CliRunner.run("models", "pull", "nanotrack-v2", "--from", base(), "--dir", tmp.toString());

        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("installed nanotrack-v2"), r.out());
        assertArrayEquals(files.get(V2_BACKBONE), Files.readAllBytes(tmp.resolve("nanotrack-v2/backbone.onnx")));
        assertArrayEquals(files.get(V2_HEAD), Files.readAllBytes(tmp.resolve("nanotrack-v2/head.onnx")));
        assertEquals(List.of("nanotrack-v2"), entries(tmp));

        CliRunner.Result again = CliRunner.run("models", "pull", "nanotrack-v2", "--from", base(), "--dir", tmp.toString());
        assertEquals(2, again.exitCode());
        assertTrue(again.err().contains("already exists; pass --force"), again.err());
    }

    @Test
    void checksumMismatchLeavesNothing() throws IOException {
        byte[] wrong = new byte[1_056_849];
        Arrays.fill(wrong, (byte) 7);
        files.put(V2_BACKBONE, wrong);

        CliRunner.Result r = CliRunner.run("models", "pull", "nanotrack-v2", "--from", base(), "--dir", tmp.toString());

        assertEquals(1, r.exitCode(), "a failure while running, not a user mistake");
        assertTrue(r.err().contains("siamtrack: error: checksum mismatch"), r.err());
        assertOneLineNoTrace(r.err());
        assertEquals(List.of(), entries(tmp));
    }

    @Test
    void stalledDownloadTimesOutAndLeavesNothing() throws IOException {
        byte[] body = new byte[1_056_849];
        files.put(V2_BACKBONE, body);
        truncated.add(V2_BACKBONE);

        CliRunner.Result r = CliRunner.run("models", "pull", "nanotrack-v2", "--from", base(), "--dir", tmp.toString(),
                "--timeout", "2");

        assertEquals(1, r.exitCode());
        assertTrue(r.err().contains("stalled: no data for 2 s"), r.err());
        assertEquals(List.of(), entries(tmp));
    }

    @Test
    void missingFileAndNoServerAreNamed() throws IOException {
        CliRunner.Result notFound = CliRunner.run("models", "pull", "nanotrack-v3", "--from", base(), "--dir", tmp.toString());
        assertEquals(1, notFound.exitCode());
        assertTrue(notFound.err().contains("HTTP 404"), notFound.err());

        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        CliRunner.Result refused = CliRunner.run("models", "pull", "nanotrack-v1", "--from",
                "http://127.0.0.1:" + closedPort + "/", "--dir", tmp.toString());
        assertEquals(1, refused.exitCode(), "no network is a failure while running (exit 1), not bad input");
        assertTrue(refused.err().contains("connection refused"), refused.err());
        assertOneLineNoTrace(refused.err());
        assertEquals(List.of(), entries(tmp));
    }

    @Test
    void unknownNameAndBadMirrorAreRefusedBeforeAnyDownload() throws IOException {
        CliRunner.Result unknown = CliRunner.run("models", "pull", "nanotrack-v9", "--dir", tmp.toString());
        assertEquals(2, unknown.exitCode());
        assertTrue(unknown.err().contains("choose one of nanotrack-v1, nanotrack-v2, nanotrack-v3"), unknown.err());

        CliRunner.Result mirror = CliRunner.run("models", "pull", "nanotrack-v2", "--from", "ftp://x/", "--dir", tmp.toString());
        assertEquals(2, mirror.exitCode());
        assertTrue(mirror.err().contains("--from must be an http"), mirror.err());
        assertFalse(Files.exists(tmp.resolve("nanotrack-v2")));
    }

    @Test
    void anUnwritableDirIsRefusedBeforeAnyDownload() throws IOException {
        Path blocker = Files.writeString(tmp.resolve("blocker"), "a file");
        CliRunner.Result r = CliRunner.run("models", "pull", "nanotrack-v2", "--from", base(), "--dir",
                blocker.resolve("models").toString());
        assertEquals(2, r.exitCode(), r.err());
        assertEquals("siamtrack: --dir " + blocker.resolve("models") + ": not writable (" + blocker + " is a file, not a folder)",
                r.err().strip());
        assertTrue(requests.isEmpty(), "downloaded before the check: " + requests);
    }

    private static void assertOneLineNoTrace(String err) {
        List<String> lines = err.lines().filter(l -> l.startsWith("siamtrack: ") && !l.contains("downloading")).toList();
        assertEquals(1, lines.size(), err);
        assertFalse(err.contains("\tat "), err);
    }

    /** Names in {@code dir}, hidden staging folders included. */
    private static List<String> entries(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
