package dev.siamtrack.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hang of issue 22: a source that never yields a frame (a text file named .mp4) and a flood of preview,
 * event-stream and snapshot requests that clients abort. Every handler must end on its own, so the health
 * check keeps answering and the server's threads go back to their idle number.
 */
class AbortedStreamsTest {

    private static final int REQUESTS = 1000;
    private static final int AT_ONCE = 50;
    private static final List<String> PATHS = List.of("/api/sources/bad/preview.mjpg", "/api/sources/demo/preview.mjpg",
            "/api/events", "/api/sources/bad/snapshot.jpg", "/api/sources/demo/snapshot.jpg",
            "/api/sources/missing/preview.mjpg");

    @TempDir
    Path dir;

    @Test
    void abortedStreamsLeaveNoThreadBehindAndTheHealthCheckAnswers() throws Exception {
        Path notVideo = dir.resolve("NOTVIDEO.mp4");
        Files.writeString(notVideo, "this is not a video\n");
        ServeOptions options = ServiceClient.options(List.of(new SourceConfig("demo", ServiceClient.DEMO.toString()),
                new SourceConfig("bad", notVideo.toString()), new SourceConfig("missing", dir.resolve("gone.mp4").toString())),
                null, 4, Duration.ofSeconds(2), true, null);
        try (TrackingService service = TrackingService.start(options)) {
            ServiceClient client = new ServiceClient(service.port(), null);
            client.awaitUp("demo", 30);
            awaitState(client, "bad", "DOWN");
            awaitState(client, "missing", "DOWN");
            HttpResponse<String> downPreview = client.get("/api/sources/bad/preview.mjpg");
            assertEquals(503, downPreview.statusCode(), "a DOWN source without a picture answers at once");
            assertTrue(downPreview.body().contains("no frame to show"), downPreview.body());
            int idleThreads = awaitSettledHttpThreads(Integer.MAX_VALUE, 10);

            AtomicLong slowestHealthNanos = new AtomicLong();
            Thread prober = new Thread(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    try {
                        long t0 = System.nanoTime();
                        client.get("/healthz");
                        slowestHealthNanos.accumulateAndGet(System.nanoTime() - t0, Math::max);
                        Thread.sleep(100);
                    } catch (InterruptedException e) {
                        return;
                    } catch (Exception e) {
                        slowestHealthNanos.set(Long.MAX_VALUE);
                    }
                }
            }, "test-health-prober");
            prober.start();
            ExecutorService clients = Executors.newFixedThreadPool(AT_ONCE);
            List<Future<?>> sent = new ArrayList<>();
            for (int i = 0; i < REQUESTS; i++) {
                String path = PATHS.get(i % PATHS.size());
                int abortAfterMillis = 50 + (i * 37) % 400;
                sent.add(clients.submit(() -> {
                    openAndAbort(service.port(), path, abortAfterMillis);
                    return null;
                }));
            }
            for (Future<?> f : sent) {
                f.get(120, TimeUnit.SECONDS);
            }
            clients.shutdown();
            prober.interrupt();
            prober.join();
            assertTrue(slowestHealthNanos.get() < 10_000_000_000L, "the health check answered throughout the flood; "
                    + "slowest " + slowestHealthNanos.get() / 1_000_000 + " ms");

            long floodEnd = System.nanoTime();
            int threads = awaitSettledHttpThreads(idleThreads + 2, 10);
            double settleSeconds = (System.nanoTime() - floodEnd) / 1e9;
            assertTrue(threads <= idleThreads + 2, "HTTP threads " + threads + " vs " + idleThreads + " idle");
            long best = Long.MAX_VALUE;
            for (int i = 0; i < 5; i++) {
                long t0 = System.nanoTime();
                assertEquals(200, client.get("/healthz").statusCode());
                best = Math.min(best, System.nanoTime() - t0);
            }
            assertTrue(best < 100_000_000L, "/healthz answered in " + best / 1_000_000 + " ms");
            String metrics = client.get("/metrics").body();
            assertTrue(metrics.contains("siamtrack_clients{kind=\"preview\"} 0"), metrics);
            assertTrue(metrics.contains("siamtrack_clients{kind=\"events\"} 0"), metrics);
            System.out.printf("%d aborted requests: slowest /healthz during the flood %d ms, after %d ms; "
                            + "HTTP threads %d idle, %d %.1f s after the flood%n", REQUESTS,
                    slowestHealthNanos.get() / 1_000_000, best / 1_000_000, idleThreads, threads, settleSeconds);
        }
    }

    /** Sends a GET, waits, then closes the socket without reading, as {@code curl -m} does. */
    private static void openAndAbort(int port, String path, int abortAfterMillis) throws Exception {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nAccept: */*\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Thread.sleep(abortAfterMillis);
        }
    }

    private static void awaitState(ServiceClient client, String source, String state) throws Exception {
        long deadline = System.nanoTime() + 30_000_000_000L;
        JsonNode s;
        do {
            s = client.getJson("/api/sources/" + source);
            if (s.path("state").asText().equals(state)) {
                assertEquals(0, s.path("fps").asDouble(), s.toString());
                return;
            }
            Thread.sleep(100);
        } while (System.nanoTime() < deadline);
        throw new AssertionError(source + " never " + state + ": " + s);
    }

    /**
     * Waits (at most {@code seconds}) until the server's thread count is at most {@code target}, or, with no
     * target, stops changing; returns the count.
     */
    private static int awaitSettledHttpThreads(int target, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        int previous = -1;
        int count = httpThreads();
        while (System.nanoTime() < deadline && count > target && count != previous) {
            Thread.sleep(target == Integer.MAX_VALUE ? 3000 : 200);
            previous = target == Integer.MAX_VALUE ? count : -1;
            count = httpThreads();
        }
        return count;
    }

    private static int httpThreads() {
        return (int) Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith("siamtrack-http")).count();
    }
}
