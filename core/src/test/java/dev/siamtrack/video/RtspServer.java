package dev.siamtrack.video;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A real RTSP server on loopback for tests: GStreamer's, through {@code tools/rtsp_server.py} (Debian
 * {@code gir1.2-gst-rtsp-server-1.0}, {@code python3-gi}, {@code gstreamer1.0-plugins-*}). It serves a video
 * file at its frame rate to each client from its start; {@link #stop} and {@link #start} again on the same port
 * are a camera going away and coming back.
 */
public final class RtspServer implements AutoCloseable {

    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final Path SCRIPT = Path.of("tools/rtsp_server.py");

    private final int port;
    private final Path video;
    private Process process;

    private RtspServer(int port, Path video) {
        this.port = port;
        this.video = video;
    }

    /** Starts a server for {@code video} on a free port; skips the calling test when GStreamer's RTSP server is missing. */
    public static RtspServer start(Path video) throws Exception {
        assumeTrue(Files.isExecutable(PYTHON), "skipped: no /usr/bin/python3");
        Process probe = new ProcessBuilder(PYTHON.toString(), "-c", "import gi; gi.require_version('GstRtspServer', '1.0');"
                + " from gi.repository import GstRtspServer").redirectErrorStream(true).start();
        assumeTrue(probe.waitFor(60, TimeUnit.SECONDS) && probe.exitValue() == 0,
                "skipped: needs GStreamer's RTSP server (apt-get install gir1.2-gst-rtsp-server-1.0 python3-gi "
                        + "gstreamer1.0-plugins-good gstreamer1.0-plugins-bad)");
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        RtspServer server = new RtspServer(port, video);
        server.start();
        return server;
    }

    /** The stream's URL. */
    public String url() {
        return "rtsp://127.0.0.1:" + port + "/clip";
    }

    /** (Re)starts the server on its port and waits until it listens. */
    public synchronized void start() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (true) {
            process = new ProcessBuilder(PYTHON.toString(), SCRIPT.toString(), Integer.toString(port), video.toString())
                    .redirectErrorStream(true).start();
            BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            String line = out.readLine();
            if ("ready".equals(line)) {
                Thread drain = new Thread(() -> {
                    try {
                        while (out.readLine() != null) {
                            // GStreamer's warnings, if any, are not the test's concern.
                        }
                    } catch (IOException ignored) {
                        // The process ended.
                    }
                }, "rtsp-server-output");
                drain.setDaemon(true);
                drain.start();
                return;
            }
            process.destroyForcibly().waitFor();
            // The port of a server just stopped may still be held for a moment.
            if (System.nanoTime() > deadline) {
                throw new IOException("the RTSP server did not start: " + line);
            }
            Thread.sleep(300);
        }
    }

    /** Stops the server: connected clients lose the stream. */
    public synchronized void stop() throws InterruptedException {
        if (process != null) {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
            process = null;
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
