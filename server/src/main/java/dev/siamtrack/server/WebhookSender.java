package dev.siamtrack.server;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * POSTs each event (JSON) to a URL on its own thread, in order, retrying a failed delivery (connection error
 * or a status other than 2xx) up to {@value #ATTEMPTS} times with growing pauses. Events wait in a bounded
 * queue; when the receiver is down long enough for it to fill, new events are dropped and counted.
 */
public final class WebhookSender implements Consumer<String>, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(WebhookSender.class);
    static final int ATTEMPTS = 4;
    private static final int QUEUE = 1000;

    private final URI url;
    private final long firstRetryMillis;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    private final ArrayBlockingQueue<String> queue = new ArrayBlockingQueue<>(QUEUE);
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final Thread thread;
    private volatile boolean running = true;

    public WebhookSender(URI url, long firstRetryMillis) {
        this.url = url;
        this.firstRetryMillis = firstRetryMillis;
        this.thread = new Thread(this::deliverLoop, "siamtrack-webhook");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void accept(String json) {
        if (!queue.offer(json)) {
            failed.incrementAndGet();
        }
    }

    /** Events the receiver acknowledged with a 2xx status. */
    public long delivered() {
        return delivered.get();
    }

    /** Events given up on (all attempts failed, or the queue was full). */
    public long failed() {
        return failed.get();
    }

    private void deliverLoop() {
        while (running || !queue.isEmpty()) {
            try {
                String json = queue.poll(200, TimeUnit.MILLISECONDS);
                if (json != null) {
                    deliver(json);
                }
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void deliver(String json) throws InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(5))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build();
        String last = "";
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            if (attempt > 0) {
                Thread.sleep(firstRetryMillis << (attempt - 1));
            }
            try {
                int status = client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
                if (status / 100 == 2) {
                    delivered.incrementAndGet();
                    return;
                }
                last = "HTTP " + status;
            } catch (IOException e) {
                last = e.toString();
            }
        }
        failed.incrementAndGet();
        LOG.warn("webhook {}: event dropped after {} attempts ({})", url, ATTEMPTS, last);
    }

    /** Delivers what is queued (for at most {@code millis}), then stops. */
    public void close(long millis) {
        running = false;
        try {
            thread.join(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        thread.interrupt();
    }

    @Override
    public void close() {
        close(2000);
    }
}
