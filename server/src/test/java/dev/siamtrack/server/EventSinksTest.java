package dev.siamtrack.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The event log's daily files and the webhook's ordered delivery with retries. */
class EventSinksTest {

    @TempDir
    Path dir;

    /** A clock whose instant the test sets. */
    private static final class SetClock extends Clock {
        volatile Instant now;

        SetClock(Instant start) {
            now = start;
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void eventLogStartsANewFileEachUtcDay() throws Exception {
        SetClock clock = new SetClock(Instant.parse("2026-12-01T23:59:58Z"));
        try (EventLog log = new EventLog(dir, clock)) {
            log.accept("{\"seq\":1}");
            clock.now = Instant.parse("2026-12-02T00:00:01Z");
            log.accept("{\"seq\":2}");
            log.accept("{\"seq\":3}");
            assertEquals(List.of("{\"seq\":1}"), Files.readAllLines(dir.resolve("events-2026-12-01.jsonl")));
            assertEquals(List.of("{\"seq\":2}", "{\"seq\":3}"), Files.readAllLines(dir.resolve("events-2026-12-02.jsonl")));
        }
    }

    @Test
    void webhookDeliversInOrderRetryingFailures() throws Exception {
        List<String> received = new CopyOnWriteArrayList<>();
        AtomicInteger calls = new AtomicInteger();
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/events", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            // every other call fails at first: each event needs a retry
            int status = calls.incrementAndGet() % 2 == 1 ? 503 : 204;
            if (status == 204) {
                received.add(body);
            }
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        receiver.start();
        try (WebhookSender webhook = new WebhookSender(
                URI.create("http://127.0.0.1:" + receiver.getAddress().getPort() + "/events"), 20)) {
            for (int i = 1; i <= 5; i++) {
                webhook.accept("{\"seq\":" + i + "}");
            }
            long deadline = System.nanoTime() + 20_000_000_000L;
            while (webhook.delivered() < 5 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(5, webhook.delivered());
            assertEquals(0, webhook.failed());
            assertEquals(List.of("{\"seq\":1}", "{\"seq\":2}", "{\"seq\":3}", "{\"seq\":4}", "{\"seq\":5}"), received);
            assertTrue(calls.get() >= 10, "each event was retried once");
        } finally {
            receiver.stop(0);
        }
    }
}
