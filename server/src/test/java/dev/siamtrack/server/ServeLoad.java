package dev.siamtrack.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.siamtrack.geom.Box;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Measurements for the serve README section, run by hand (not a unit test), loopback only, bounded in clients
 * and time:
 * <pre>
 * java -cp ... dev.siamtrack.server.ServeLoad clients SECONDS   # tracker FPS without clients, with 20 MJPEG
 *                                                              # viewers + 5 event clients, without again
 * java -cp ... dev.siamtrack.server.ServeLoad soak FRAMES       # heap and RSS every 10,000 frames, with one
 *                                                              # preview viewer, one event client, and a
 *                                                              # target added and removed every 5 s
 * </pre>
 * Both track on the demo clip at full speed (every frame tracked, as fast as the machine goes).
 */
public final class ServeLoad {

    private static final int VIEWERS = 20;
    private static final int EVENT_CLIENTS = 5;

    private ServeLoad() {
    }

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        long amount = Long.parseLong(args[1]);
        int targets = mode.equals("clients") ? 4 : 0;
        ServeOptions options = ServiceClient.options(List.of(new SourceConfig("demo", ServiceClient.DEMO.toString())),
                null, 16, Duration.ofSeconds(2), false, null);
        try (TrackingService service = TrackingService.start(options)) {
            ServiceClient client = new ServiceClient(service.port(), null);
            client.awaitUp("demo", 60);
            addTargets(client, targets);
            if (mode.equals("clients")) {
                clients(client, (int) amount);
            } else {
                soak(client, amount);
            }
        }
    }

    /** The clip's ground-truth box, plus boxes on a grid of the background up to {@code count}. */
    private static void addTargets(ServiceClient client, int count) throws Exception {
        Box truth = ServiceClient.demoTruthFrom(client.getJson("/api/sources/demo").path("frameIndex").asLong());
        List<Box> boxes = new ArrayList<>(List.of(truth));
        for (int i = 1; i < count; i++) {
            boxes.add(new Box(40 + 150 * (i - 1), 330, 60, 60));
        }
        for (int i = 0; i < count; i++) {
            Box b = boxes.get(i);
            HttpResponse<String> r = client.post("/api/sources/demo/targets", String.format(Locale.ROOT,
                    "{\"x\":%.0f,\"y\":%.0f,\"w\":%.0f,\"h\":%.0f}", b.x(), b.y(), b.w(), b.h()));
            if (r.statusCode() != 201) {
                throw new IllegalStateException("add target: " + r.statusCode() + " " + r.body());
            }
        }
    }

    private static double fps(ServiceClient client, int seconds) throws Exception {
        long f0 = client.getJson("/api/sources/demo").path("frames").asLong();
        long t0 = System.nanoTime();
        Thread.sleep(seconds * 1000L);
        long f1 = client.getJson("/api/sources/demo").path("frames").asLong();
        return (f1 - f0) / ((System.nanoTime() - t0) / 1e9);
    }

    private static void clients(ServiceClient client, int seconds) throws Exception {
        Thread.sleep(3000);
        double alone = fps(client, seconds);
        System.out.printf(Locale.ROOT, "no clients: %.1f FPS over %d s%n", alone, seconds);
        AtomicLong bytes = new AtomicLong();
        List<Thread> viewers = new ArrayList<>();
        List<InputStream> streams = new ArrayList<>();
        for (int i = 0; i < VIEWERS; i++) {
            InputStream in = client.http.send(client.request("/api/sources/demo/preview.mjpg").GET().build(),
                    HttpResponse.BodyHandlers.ofInputStream()).body();
            streams.add(in);
            Thread t = new Thread(() -> {
                byte[] buf = new byte[64 * 1024];
                try {
                    int n;
                    while ((n = in.read(buf)) > 0) {
                        bytes.addAndGet(n);
                    }
                } catch (Exception closed) {
                    // ends when the stream is closed below
                }
            });
            t.setDaemon(true);
            t.start();
            viewers.add(t);
        }
        List<ServiceClient.Events> events = new ArrayList<>();
        for (int i = 0; i < EVENT_CLIENTS; i++) {
            events.add(client.new Events(""));
        }
        Thread.sleep(3000);
        long b0 = bytes.get();
        JsonNode metricsBefore = client.getJson("/api/sources/demo");
        double loaded = fps(client, seconds);
        long b1 = bytes.get();
        String clientsLine = client.get("/metrics").body().lines()
                .filter(l -> l.startsWith("siamtrack_clients")).reduce((a, b) -> a + "; " + b).orElse("");
        System.out.printf(Locale.ROOT, "%d MJPEG viewers + %d event clients: %.1f FPS over %d s (%.1f%% of no-client FPS); "
                        + "viewers received %.1f MB/s in total; %s; dropped frames so far %d%n",
                VIEWERS, EVENT_CLIENTS, loaded, seconds, 100 * loaded / alone, (b1 - b0) / 1e6 / seconds, clientsLine,
                metricsBefore.path("droppedFrames").asLong());
        for (InputStream in : streams) {
            in.close();
        }
        events.forEach(ServiceClient.Events::close);
        Thread.sleep(3000);
        double after = fps(client, seconds);
        System.out.printf(Locale.ROOT, "no clients again: %.1f FPS over %d s; with clients / mean without: %.1f%%%n",
                after, seconds, 200 * loaded / (alone + after));
    }

    private static void soak(ServiceClient client, long frames) throws Exception {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        try (ServiceClient.Events events = client.new Events("")) {
            InputStream viewer = client.http.send(client.request("/api/sources/demo/preview.mjpg").GET().build(),
                    HttpResponse.BodyHandlers.ofInputStream()).body();
            Thread reader = new Thread(() -> {
                try {
                    viewer.transferTo(java.io.OutputStream.nullOutputStream());
                } catch (Exception closed) {
                    // ends when closed
                }
            });
            reader.setDaemon(true);
            reader.start();
            Thread churn = new Thread(() -> {
                try {
                    while (true) {
                        Thread.sleep(3000);
                        addTargets(client, 1);
                        Thread.sleep(2000);
                        for (JsonNode t : client.getJson("/api/sources/demo/targets")) {
                            client.delete("/api/sources/demo/targets/" + t.path("id").asText());
                        }
                    }
                } catch (Exception stopped) {
                    // ends with the soak
                }
            });
            churn.setDaemon(true);
            churn.start();
            long start = System.nanoTime();
            long next = 0;
            System.out.println("frames,seconds,fps,heap_used_after_gc_mb,rss_mb");
            while (true) {
                long done = client.getJson("/api/sources/demo").path("frames").asLong();
                if (done >= next) {
                    System.gc();
                    double heap = memory.getHeapMemoryUsage().getUsed() / 1048576.0;
                    double seconds = (System.nanoTime() - start) / 1e9;
                    System.out.printf(Locale.ROOT, "%d,%.0f,%.1f,%.1f,%.1f%n", done, seconds, done / seconds, heap, rssMb());
                    next += 10_000;
                    if (done >= frames) {
                        break;
                    }
                }
                Thread.sleep(1000);
            }
            viewer.close();
        }
    }

    private static double rssMb() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
            }
        }
        return Double.NaN;
    }
}
