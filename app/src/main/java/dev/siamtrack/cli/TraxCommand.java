package dev.siamtrack.cli;

import dev.siamtrack.model.ModelException;
import dev.siamtrack.track.MultiTargetTracker;
import dev.siamtrack.trax.TraxException;
import dev.siamtrack.trax.TraxServer;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code siamtrack trax}: the tracker as a TraX server, for the VOT toolkit and any other TraX client. */
@Command(name = "trax", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Serve the tracker to the VOT toolkit over TraX (version 4, several objects).",
            "Protocol messages go to stdout and nothing else does; logs go to stderr. With TRAX_SOCKET=PORT in",
            "the environment (the toolkit's socket mode) it speaks TraX on 127.0.0.1:PORT instead.",
            "Regions: rectangle or polygon (a polygon starts the box of the same centre and area);",
            "images: path (file://), memory (rgb, gray8) and buffer (JPEG or PNG data); channel: color.",
            "Each state carries the box, confidence=P (the classifier's probability) and siamtrack.state."},
        footer = {"", "Errors (a malformed message, an unreadable image, a region outside the image) are answered",
            "with quit and trax.reason, and the process exits with code 2; a client that goes away without quit",
            "ends the session with code 1.",
            "", "Example: the VOT toolkit starts it from an entry of its trackers.ini (an absolute path):",
            "  [SiamTrack]",
            "  label = SiamTrack",
            "  protocol = trax",
            "  command = /path/to/siamtrack trax --model siamtrack-v3s",
            "  timeout = 120"})
final class TraxCommand implements Callable<Integer> {

    /** How long to keep trying to reach the client's socket (it listens before it starts us). */
    private static final long CONNECT_SECONDS = 10;

    @Mixin
    ModelOptions modelOptions;

    @Override
    public Integer call() throws Exception {
        String socketVariable = System.getenv("TRAX_SOCKET");
        Integer port = socketVariable == null ? null : port(socketVariable);
        PrintStream stdout = System.out;
        // nothing but protocol messages may reach the client's stream: stray prints go to stderr
        System.setOut(System.err);
        try (Socket socket = port == null ? null : connect(port)) {
            InputStream in = socket == null ? new FileInputStream(FileDescriptor.in) : socket.getInputStream();
            OutputStream out = socket == null ? new FileOutputStream(FileDescriptor.out) : socket.getOutputStream();
            MultiTargetTracker engine;
            Path modelDir;
            try {
                modelDir = modelOptions.modelDir();
                engine = modelOptions.createMultiTargetTracker();
            } catch (ModelException | UserException | IllegalArgumentException e) {
                // the client waits for hello: tell it why none comes
                TraxServer.refuse(out, SiamTrackCli.oneLine(e));
                throw e;
            }
            System.err.println("siamtrack trax: " + modelDir.getFileName() + " ready; TraX on "
                    + (socket == null ? "stdin/stdout" : "127.0.0.1:" + port));
            try (engine) {
                TraxServer.Result result = new TraxServer(engine, in, out, System.err,
                        "siamtrack-0.1.0/" + modelDir.getFileName()).serve();
                var stats = result.stats();
                System.err.println(String.format(Locale.ROOT,
                        "siamtrack trax: %d frames in %.2f s, tracker %.2f ms median / %.2f ms p95 per frame",
                        stats.frames(), stats.seconds(), stats.updates().medianMs(), stats.updates().p95Ms()));
                if (!result.clientQuit()) {
                    System.err.println("siamtrack trax: the client closed the connection without quit");
                    return SiamTrackCli.EXIT_FAILURE;
                }
                return SiamTrackCli.EXIT_OK;
            } catch (TraxException e) {
                throw new UserException("trax: " + e.getMessage());
            }
        } finally {
            System.setOut(stdout);
        }
    }

    private static int port(String text) {
        try {
            int port = Integer.parseInt(text.strip());
            if (port >= 1 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // the message below says what is expected
        }
        throw new UserException("TRAX_SOCKET=" + text + ": expected a port number from 1 to 65535");
    }

    private static Socket connect(int port) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(CONNECT_SECONDS);
        while (true) {
            Socket socket = new Socket();
            try {
                socket.setTcpNoDelay(true);
                socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
                return socket;
            } catch (IOException e) {
                socket.close();
                if (System.nanoTime() > deadline) {
                    throw new IOException("no TraX client listens on 127.0.0.1:" + port + " (TRAX_SOCKET): "
                            + e.getMessage(), e);
                }
                Thread.sleep(200);
            }
        }
    }
}
