package dev.siamtrack.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.siamtrack.geom.Box;
import dev.siamtrack.model.SiameseModel;
import dev.siamtrack.testing.ShippedModel;
import dev.siamtrack.track.CropPreprocessors;
import dev.siamtrack.track.TrackerParams;
import dev.siamtrack.video.LiveSource;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Test helpers: service options on loopback with the demo clip, and a small HTTP client for the API. */
final class ServiceClient {

    static final Path DEMO = Path.of("videos/demo.mp4");
    static final Path MODEL = ShippedModel.dir();
    static final ObjectMapper JSON = new ObjectMapper();

    final String base;
    final String token;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    ServiceClient(int port, String token) {
        this.base = "http://127.0.0.1:" + port;
        this.token = token;
    }

    static ServeOptions options(List<SourceConfig> sources, String token, int maxTargets, Duration stall,
                                boolean realtimeFiles, Path eventLog) {
        return options(sources, token, maxTargets, stall, LiveSource.RtspTransport.TCP, realtimeFiles, eventLog);
    }

    static ServeOptions options(List<SourceConfig> sources, String token, int maxTargets, Duration stall,
                                LiveSource.RtspTransport rtsp, boolean realtimeFiles, Path eventLog) {
        return new ServeOptions("127.0.0.1", 0, token, List.of(), sources, MODEL, SiameseModel.Options.DEFAULT,
                TrackerParams.DEFAULT, CropPreprocessors.Preference.AUTO, maxTargets, 10, 75, stall, rtsp, realtimeFiles,
                eventLog, null, null);
    }

    /** The demo clip's ground-truth box on frame {@code index} (the clip loops); absent (NaN) where it is out of view. */
    static Box demoTruth(long index) throws IOException {
        return truth(Path.of("videos/demo.txt"), index);
    }

    /** The box on frame {@code index} of a looping clip whose ground truth is {@code truthFile}. */
    static Box truth(Path truthFile, long index) throws IOException {
        return truth(Files.readAllLines(truthFile), index);
    }

    private static Box truth(List<String> lines, long index) {
        return Box.parse(lines.get((int) (index % lines.size())));
    }

    /** The first frame from {@code index} on where the demo clip's target is in view, and its box. */
    static Box demoTruthFrom(long index) throws IOException {
        for (long i = index; i < index + 600; i++) {
            Box b = demoTruth(i);
            if (!b.isAbsent()) {
                return b;
            }
        }
        throw new IllegalStateException("no ground truth in videos/demo.txt");
    }

    HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return b;
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String path, String body) throws IOException, InterruptedException {
        return http.send(request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> delete(String path) throws IOException, InterruptedException {
        return http.send(request(path).DELETE().build(), HttpResponse.BodyHandlers.ofString());
    }

    JsonNode getJson(String path) throws IOException, InterruptedException {
        HttpResponse<String> r = get(path);
        if (r.statusCode() != 200) {
            throw new AssertionError("GET " + path + ": " + r.statusCode() + " " + r.body());
        }
        return JSON.readTree(r.body());
    }

    /**
     * Waits until the demo clip's target is in view on the current frame and stays so for {@code ahead} more
     * frames; returns the current frame index.
     */
    long awaitDemoTargetInView(int ahead) throws Exception {
        return awaitTargetInView(Path.of("videos/demo.txt"), ahead);
    }

    /** As {@link #awaitDemoTargetInView}, for the source "demo" playing a clip whose ground truth is {@code truthFile}. */
    long awaitTargetInView(Path truthFile, int ahead) throws Exception {
        List<String> lines = Files.readAllLines(truthFile);
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() < deadline) {
            long index = getJson("/api/sources/demo").path("frameIndex").asLong();
            boolean inView = true;
            for (long i = index; i <= index + ahead && inView; i++) {
                inView = !truth(lines, i).isAbsent();
            }
            if (inView) {
                return index;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the demo target never came into view");
    }

    /** Polls the source until it is UP with a frame, at most {@code seconds}. */
    JsonNode awaitUp(String source, int seconds) throws Exception {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        JsonNode s;
        do {
            s = getJson("/api/sources/" + source);
            if (s.path("state").asText().equals("UP") && s.path("width").asInt() > 0) {
                return s;
            }
            Thread.sleep(100);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("source " + source + " not up in " + seconds + " s: " + s);
    }

    /** An open event stream: each event's JSON lands in a queue. */
    final class Events implements AutoCloseable {
        final BlockingQueue<JsonNode> queue = new LinkedBlockingQueue<>();
        final List<JsonNode> seen = new ArrayList<>();
        private final java.util.concurrent.CompletableFuture<HttpResponse<Stream<String>>> response;
        private volatile Stream<String> lines;

        Events(String query) {
            response = http.sendAsync(request("/api/events" + query).GET().build(), HttpResponse.BodyHandlers.ofLines());
            Thread reader = new Thread(() -> {
                try {
                    lines = response.get(10, TimeUnit.SECONDS).body();
                    lines.forEach(line -> {
                        if (line.startsWith("data:")) {
                            try {
                                queue.add(JSON.readTree(line.substring(5).trim()));
                            } catch (IOException e) {
                                queue.add(JSON.createObjectNode().put("type", "unparseable").put("line", line));
                            }
                        }
                    });
                } catch (Exception e) {
                    // The stream ends when the test closes it or the service stops.
                }
            }, "test-events");
            reader.setDaemon(true);
            reader.start();
        }

        /** Forgets the events received so far. */
        void drain() {
            queue.clear();
            seen.clear();
        }

        int status() throws Exception {
            return response.get(10, TimeUnit.SECONDS).statusCode();
        }

        /** Waits for the next event of {@code type} (about {@code target}, or any), keeping all seen in order. */
        JsonNode await(String type, String target, int seconds) throws InterruptedException {
            long deadline = System.nanoTime() + seconds * 1_000_000_000L;
            while (System.nanoTime() < deadline) {
                JsonNode e = queue.poll(100, TimeUnit.MILLISECONDS);
                if (e == null) {
                    continue;
                }
                seen.add(e);
                if (e.path("type").asText().equals(type)
                        && (target == null || e.path("target").asText().equals(target))) {
                    return e;
                }
            }
            throw new AssertionError("no " + type + " event for " + target + " in " + seconds + " s; saw " + seen);
        }

        @Override
        public void close() {
            Stream<String> l = lines;
            if (l != null) {
                l.close();
            }
            response.cancel(true);
        }
    }
}
