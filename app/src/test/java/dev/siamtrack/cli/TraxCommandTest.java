package dev.siamtrack.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.siamtrack.geom.Box;
import dev.siamtrack.testing.ShippedModel;
import dev.siamtrack.trax.SpecClient;
import dev.siamtrack.video.synth.ClipConfig;
import dev.siamtrack.video.synth.ClipGenerator;
import java.io.ByteArrayOutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code siamtrack trax} as a child process, driven by {@link SpecClient} (the protocol as documented, none of
 * the server's code): its states equal {@code track}'s on the same images, and every bad request ends the
 * session with {@code quit} and a reason, never a hang. Shipped model only.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class TraxCommandTest {

    static final String MODEL = ShippedModel.dir().toAbsolutePath().toString();
    static final int FRAMES = 20;

    @TempDir
    static Path data;

    /** PNG frames in a folder whose name needs quoting and escaping: a space and a double quote. */
    static Path folder;
    static List<Path> images = new ArrayList<>();
    static Box truth;
    static final Box CORNER = new Box(10, 10, 40, 30);

    @TempDir
    Path tmp;

    @BeforeAll
    static void writeFrames() throws Exception {
        ClipGenerator clip = new ClipGenerator(ClipConfig.of(320, 240, FRAMES, 5, false, 1));
        folder = Files.createDirectories(data.resolve("my \"clip\" frames"));
        byte[] scratch = new byte[320 * 240 * 3];
        try (Mat frame = new Mat()) {
            for (int i = 0; i < FRAMES; i++) {
                clip.renderFrame(i, frame, scratch);
                Path image = folder.resolve(String.format(Locale.ROOT, "%08d.png", i + 1));
                opencv_imgcodecs.imwrite(image.toString(), frame);
                images.add(image);
            }
        }
        Box gt = clip.groundTruth(0);
        truth = new Box(Math.round(gt.x() * 100) / 100.0, Math.round(gt.y() * 100) / 100.0,
                Math.round(gt.w() * 100) / 100.0, Math.round(gt.h() * 100) / 100.0);
    }

    /** A running {@code siamtrack trax} with a client on its stdin/stdout (or on a socket). */
    private static final class Server implements AutoCloseable {
        final Process process;
        final Path log;
        SpecClient client;

        Server(Path log, Map<String, String> environment) throws Exception {
            this.log = log;
            ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), SiamTrackCli.class.getName(), "trax", "--model", MODEL)
                    .redirectError(log.toFile());
            builder.environment().putAll(environment);
            process = builder.start();
            client = new SpecClient(process.getInputStream(), process.getOutputStream());
        }

        /** The exit code, waiting at most 60 s: a session that ended must end the process. */
        int exitCode() throws Exception {
            assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the server exits; its log: " + Files.readString(log));
            return process.exitValue();
        }

        /** Every line on stdout was a protocol message. */
        void assertOnlyProtocolOnStdout() throws Exception {
            process.getInputStream().transferTo(new ByteArrayOutputStream());
            assertTrue(client.lines().stream().allMatch(l -> l.startsWith("@@TRAX:")), "stdout: " + client.lines());
        }

        @Override
        public void close() {
            process.destroyForcibly();
        }
    }

    private Server start() throws Exception {
        return new Server(tmp.resolve("trax.log"), Map.of());
    }

    private static SpecClient.Message hello(SpecClient client) throws Exception {
        SpecClient.Message hello = client.receive();
        assertNotNull(hello, "the server says hello");
        assertEquals("hello", hello.name());
        return hello;
    }

    /** {@code track}'s rows for one target id: x,y,w,h,score per frame. */
    private List<double[]> track(String id, String... inits) throws Exception {
        Path csv = tmp.resolve("track-" + inits.length + ".csv");
        List<String> args = new ArrayList<>(List.of("track", folder.toString(), "--model", MODEL, "--out",
                csv.toString(), "--quiet"));
        for (String init : inits) {
            args.add("--init");
            args.add(init);
        }
        CliRunner.Result r = CliRunner.run(args.toArray(String[]::new));
        assertEquals(0, r.exitCode(), r.err());
        List<double[]> rows = new ArrayList<>();
        for (String line : Files.readAllLines(csv)) {
            String[] f = line.split(",");
            if (f[1].equals(id)) {
                rows.add(new double[] {Double.parseDouble(f[2]), Double.parseDouble(f[3]), Double.parseDouble(f[4]),
                    Double.parseDouble(f[5]), Double.parseDouble(f[6])});
            }
        }
        assertEquals(FRAMES, rows.size());
        return rows;
    }

    /** A state equals track's row: boxes to the 2 decimals track writes, the confidence to its 4. */
    private static void assertSameAs(double[] row, SpecClient.Message state, String where) {
        assertEquals("state", state.name(), where);
        String[] box = state.argument(0).split(",");
        assertEquals(4, box.length, where + ": a rectangle");
        for (int k = 0; k < 4; k++) {
            assertEquals(row[k], Double.parseDouble(box[k]), 0.0051, where + " coordinate " + k);
        }
        assertEquals(row[4], Double.parseDouble(state.named().get("confidence")), 0.00011, where + " confidence");
    }

    private static String rect(Box b) {
        return String.format(Locale.ROOT, "%s,%s,%s,%s", b.x(), b.y(), b.w(), b.h());
    }

    @Test
    void aVersion1SessionGivesTrackStatesAndTheHelloListsTheCapabilities() throws Exception {
        List<double[]> expected = track("1", truth.toCsv());
        try (Server server = start()) {
            SpecClient client = server.client;
            SpecClient.Message hello = hello(client);
            assertEquals("4", hello.named().get("trax.version"));
            assertEquals("SiamTrack", hello.named().get("trax.name"));
            assertTrue(hello.named().get("trax.region").matches("(.*;)?rectangle;(.*;)?polygon;?"), hello.named().toString());
            assertTrue(hello.named().get("trax.image").contains("path"), hello.named().toString());
            assertEquals("1", hello.named().get("trax.multiobject"));
            // the older flow: image and region in one initialize, answered at once
            client.send("initialize", SpecClient.fileUri(images.get(0)), rect(truth));
            assertSameAs(expected.get(0), client.receive(), "frame 0");
            for (int i = 1; i < FRAMES; i++) {
                client.send("frame", SpecClient.fileUri(images.get(i)));
                assertSameAs(expected.get(i), client.receive(), "frame " + i);
            }
            client.send("quit");
            assertEquals(0, server.exitCode(), Files.readString(server.log));
            server.assertOnlyProtocolOnStdout();
        }
    }

    @Test
    void aMultiObjectSessionGivesTheBoxesOfTrackWithTwoInits() throws Exception {
        List<double[]> first = track("1", truth.toCsv(), CORNER.toCsv());
        List<double[]> second = track("2", truth.toCsv(), CORNER.toCsv());
        try (Server server = start()) {
            SpecClient client = server.client;
            hello(client);
            // version 4: one initialize per object, then the frame they start on; one state per object, in order
            client.send("initialize", List.of(rect(truth)), Map.of("vot.note", "first object"));
            client.send("initialize", rect(CORNER));
            for (int i = 0; i < FRAMES; i++) {
                client.send("frame", SpecClient.fileUri(images.get(i)));
                assertSameAs(first.get(i), client.receive(), "object 1, frame " + i);
                assertSameAs(second.get(i), client.receive(), "object 2, frame " + i);
            }
            client.send("quit");
            assertEquals(0, server.exitCode(), Files.readString(server.log));
            server.assertOnlyProtocolOnStdout();
        }
    }

    @Test
    void overASocketWithMemoryAndDataImagesAndAPolygonAndAReset() throws Exception {
        List<double[]> expected = track("1", truth.toCsv());
        try (ServerSocket listener = new ServerSocket(0);
             Server server = new Server(tmp.resolve("trax.log"), Map.of("TRAX_SOCKET", String.valueOf(listener.getLocalPort())))) {
            listener.setSoTimeout(60_000);
            try (Socket socket = listener.accept()) {
                SpecClient client = new SpecClient(socket.getInputStream(), socket.getOutputStream());
                hello(client);
                client.send("initialize", rect(truth));
                client.send("frame", memory(images.get(0)));
                assertSameAs(expected.get(0), client.receive(), "frame 0 (memory image)");
                for (int i = 1; i < 4; i++) {
                    client.send("frame", data(images.get(i)));
                    assertSameAs(expected.get(i), client.receive(), "frame " + i + " (PNG data)");
                }
                // a reset, then a polygon: the box of the same centre and area
                client.sendRaw("@@TRAX:initialize");
                client.send("initialize", "50,40,60,50,50,60,40,50");
                client.send("frame", SpecClient.fileUri(images.get(4)));
                SpecClient.Message state = client.receive();
                double side = 20 / Math.sqrt(2);
                String[] box = state.argument(0).split(",");
                assertEquals(50 - side / 2, Double.parseDouble(box[0]), 0.0006);
                assertEquals(side, Double.parseDouble(box[2]), 0.0006);
                client.send("frame", SpecClient.fileUri(images.get(5)));
                assertEquals("state", client.receive().name(), "one object after the reset");
                client.send("quit");
                assertEquals(0, server.exitCode(), Files.readString(server.log));
            }
            assertTrue(server.client.lines().isEmpty(), "nothing on stdout in socket mode: " + server.client.lines());
        }
    }

    private static String memory(Path png) {
        try (Mat bgr = opencv_imgcodecs.imread(png.toString())) {
            byte[] rgb = new byte[bgr.cols() * bgr.rows() * 3];
            BytePointer p = bgr.data();
            byte[] row = new byte[bgr.cols() * 3];
            for (int y = 0; y < bgr.rows(); y++) {
                p.position(y * bgr.step()).get(row);
                for (int x = 0; x < bgr.cols(); x++) {
                    rgb[(y * bgr.cols() + x) * 3] = row[x * 3 + 2];
                    rgb[(y * bgr.cols() + x) * 3 + 1] = row[x * 3 + 1];
                    rgb[(y * bgr.cols() + x) * 3 + 2] = row[x * 3];
                }
            }
            return "image:" + bgr.cols() + ";" + bgr.rows() + ";rgb;" + Base64.getEncoder().encodeToString(rgb);
        }
    }

    private static String data(Path png) throws Exception {
        return "data:image/png;" + Base64.getEncoder().encodeToString(Files.readAllBytes(png));
    }

    /** Starts a session with one object, then sends {@code bad}: the answer is quit with a reason, exit code 2. */
    private void assertRefused(String bad, String reason) throws Exception {
        try (Server server = start()) {
            SpecClient client = server.client;
            hello(client);
            client.send("initialize", SpecClient.fileUri(images.get(0)), rect(truth));
            assertEquals("state", client.receive().name());
            client.sendRaw(bad);
            SpecClient.Message quit = client.receive();
            assertNotNull(quit, "an answer to " + bad);
            assertEquals("quit", quit.name(), bad);
            assertTrue(quit.named().get("trax.reason").contains(reason), "reason for " + bad + ": " + quit.named());
            assertNull(client.receive(), "nothing after quit");
            assertEquals(2, server.exitCode());
            String log = Files.readString(server.log);
            assertTrue(log.contains(reason) && !log.contains("\tat "), "one line on stderr, no trace: " + log);
            server.assertOnlyProtocolOnStdout();
        }
    }

    @Test
    void aMalformedLineIsAnsweredWithQuit() throws Exception {
        assertRefused("@@TRAX:frame \"file:///unterminated.png", "unterminated quote");
    }

    @Test
    void anUnknownCommandIsAnsweredWithQuit() throws Exception {
        assertRefused("@@TRAX:rewind \"" + SpecClient.fileUri(images.get(0)) + "\"", "unknown message 'rewind'");
    }

    @Test
    void aMissingImageIsAnsweredWithQuit() throws Exception {
        Path missing = folder.resolve("missing.png");
        assertRefused("@@TRAX:frame \"" + SpecClient.fileUri(missing).replace("\"", "\\\"") + "\"",
                "image file " + missing + " does not exist");
    }

    @Test
    void aRegionOutsideTheImageIsAnsweredWithQuit() throws Exception {
        assertRefused("@@TRAX:initialize \"" + SpecClient.fileUri(images.get(1)).replace("\"", "\\\"")
                + "\" \"400,300,20,20\"", "lies outside the 320x240 frame");
    }

    @Test
    void aClientThatDisappearsMidSequenceEndsTheSession() throws Exception {
        try (Server server = start()) {
            SpecClient client = server.client;
            hello(client);
            client.send("initialize", SpecClient.fileUri(images.get(0)), rect(truth));
            client.send("frame", SpecClient.fileUri(images.get(1)));
            assertEquals("state", client.receive().name());
            assertEquals("state", client.receive().name());
            server.process.getOutputStream().close();
            assertEquals(1, server.exitCode());
            assertTrue(Files.readString(server.log).contains("the client closed the connection without quit"),
                    Files.readString(server.log));
        }
    }

    @Test
    void aModelThatCannotLoadIsAnsweredWithQuitInsteadOfHello() throws Exception {
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), SiamTrackCli.class.getName(), "trax", "--model",
                tmp.resolve("no-such-model").toString()).redirectError(tmp.resolve("err.log").toFile());
        Process p = builder.start();
        try {
            SpecClient client = new SpecClient(p.getInputStream(), p.getOutputStream());
            SpecClient.Message quit = client.receive();
            assertEquals("quit", quit.name());
            assertTrue(quit.named().get("trax.reason").contains("no-such-model"), quit.named().toString());
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            assertEquals(2, p.exitValue());
        } finally {
            p.destroyForcibly();
        }
    }
}
