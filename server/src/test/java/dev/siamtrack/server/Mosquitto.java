package dev.siamtrack.server;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A real MQTT broker for tests: Debian's mosquitto on a free loopback port, with persistence in a folder of the
 * test's, so that sessions and retained messages survive {@link #stop} and {@link #start}, as across a broker
 * restart in production.
 */
final class Mosquitto implements AutoCloseable {

    private static final Path BINARY = Path.of("/usr/sbin/mosquitto");

    private final int port;
    private final Path config;
    private Process process;

    private Mosquitto(int port, Path config) {
        this.port = port;
        this.config = config;
    }

    /** Starts a broker keeping its files in {@code dir}; skips the calling test when mosquitto is not installed. */
    static Mosquitto start(Path dir) throws Exception {
        assumeTrue(Files.isExecutable(BINARY), "skipped: needs Debian's mosquitto (apt-get install mosquitto)");
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Path config = Files.writeString(dir.resolve("mosquitto.conf"), String.join("\n",
                "listener " + port + " 127.0.0.1",
                "allow_anonymous true",
                "persistence true",
                "persistence_location " + dir.toAbsolutePath() + "/",
                // Started as root, mosquitto would switch to its own user, which cannot write the test's folder.
                "user " + System.getProperty("user.name"),
                "log_dest none", ""));
        Mosquitto broker = new Mosquitto(port, config);
        broker.start();
        return broker;
    }

    String url() {
        return "tcp://127.0.0.1:" + port;
    }

    /** (Re)starts the broker and waits until it accepts connections. */
    synchronized void start() throws IOException, InterruptedException {
        process = new ProcessBuilder(BINARY.toString(), "-c", config.toString()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (true) {
            try (Socket probe = new Socket()) {
                probe.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return;
            } catch (IOException notYet) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    throw new IOException("mosquitto did not start on port " + port + " (exit "
                            + (process.isAlive() ? "none" : process.exitValue()) + ")");
                }
                Thread.sleep(100);
            }
        }
    }

    /** Stops the broker the way a service manager does (SIGTERM): it saves its sessions and retained messages. */
    synchronized void stop() throws InterruptedException {
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
