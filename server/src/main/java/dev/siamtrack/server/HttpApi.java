package dev.siamtrack.server;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.siamtrack.track.TargetResult;
import io.javalin.Javalin;
import io.javalin.compression.CompressionStrategy;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.staticfiles.Location;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The HTTP side of the service on Javalin: the JSON API ({@link ApiJson}), the MJPEG preview, snapshots and the
 * event stream ({@link StreamRoutes}), Prometheus metrics, the health check and the web page, every request first
 * through the {@link RequestGuard}. Errors are JSON objects {@code {"error": "...", "status": N}}. The server's
 * thread pool has room for every streaming route's handlers plus the API, so none can starve the health check.
 */
final class HttpApi {

    static final int TARGET_COMMANDS = 32;
    /** The streaming routes' handlers plus room for the API, the page, the health check and Jetty's own. */
    static final int HTTP_THREADS = StreamRoutes.PREVIEW_STREAMS + StreamRoutes.EVENT_STREAMS
            + StreamRoutes.SNAPSHOT_WAITS + TARGET_COMMANDS + 64;
    private static final int IDLE_THREAD_MILLIS = 2000;
    private static final long COMMAND_TIMEOUT_SECONDS = 20;

    private final Map<String, SourceWorker> sources = new LinkedHashMap<>();
    private final ServerMetrics metrics;
    private final RequestGuard guard;
    private final StreamRoutes streams;
    private final ObjectMapper json;
    private final ObjectReader strictJson;
    private final Semaphore targetCommands = new Semaphore(TARGET_COMMANDS);
    private Javalin app;

    /** @param hostNames the names (besides IP addresses and localhost) clients may reach the server by */
    HttpApi(List<SourceWorker> workers, EventHub events, ServerMetrics metrics, String token, List<String> hostNames,
            ObjectMapper json) {
        workers.forEach(w -> sources.put(w.name(), w));
        this.metrics = metrics;
        this.guard = new RequestGuard(token, hostNames);
        this.streams = new StreamRoutes(events);
        this.json = json;
        this.strictJson = json.reader().with(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    }

    int previewClients() {
        return streams.previewClients();
    }

    int eventClients() {
        return streams.eventClients();
    }

    /** Starts listening; returns the port actually bound. */
    int start(String bind, int port) {
        app = Javalin.create(this::configure);
        app.start(bind, port);
        return app.port();
    }

    /** Ends the streaming responses, then stops the server (open connections are closed). */
    void stop() {
        streams.stop();
        if (app != null) {
            app.stop();
        }
    }

    private void configure(JavalinConfig config) {
        config.startup.showJavalinBanner = false;
        config.http.maxRequestSize = TargetRequest.MAX_BODY_BYTES;
        config.http.prefer405over404 = true;
        QueuedThreadPool pool = new QueuedThreadPool(HTTP_THREADS, 8, IDLE_THREAD_MILLIS);
        pool.setName("siamtrack-http");
        // Threads left over from a burst go back within a few seconds, not one per idle period.
        pool.setMaxEvictCount(HTTP_THREADS);
        config.jetty.threadPool = pool;
        // Preview streams and event streams must go out as written, never gathered for compression.
        config.http.compressionStrategy = CompressionStrategy.NONE;
        config.staticFiles.add(files -> {
            files.hostedPath = "/";
            files.directory = "/web";
            files.location = Location.CLASSPATH;
        });
        config.routes.before(guard::checkSite);
        config.routes.before(guard::checkAccess);
        config.routes.get("/healthz", this::health);
        config.routes.get("/metrics", this::metricsText);
        config.routes.get("/api/sources", ctx -> sendJson(ctx, 200,
                sources.values().stream().map(w -> ApiJson.Source.of(w.status())).toList()));
        config.routes.get("/api/sources/{source}", ctx -> sendJson(ctx, 200, ApiJson.Source.of(source(ctx).status())));
        config.routes.get("/api/sources/{source}/targets", ctx -> sendJson(ctx, 200,
                ApiJson.Target.all(source(ctx).status().targets())));
        config.routes.post("/api/sources/{source}/targets", this::addTarget);
        config.routes.get("/api/sources/{source}/targets/{target}", this::getTarget);
        config.routes.delete("/api/sources/{source}/targets/{target}", this::removeTarget);
        config.routes.get("/api/sources/{source}/snapshot.jpg", ctx -> streams.snapshot(ctx, source(ctx)));
        config.routes.get("/api/sources/{source}/preview.mjpg", ctx -> streams.mjpeg(ctx, source(ctx)));
        config.routes.get("/api/events", streams::eventStream);
        config.routes.exception(ApiException.class, (e, ctx) -> sendError(ctx, e.status(), e.getMessage()));
        config.routes.exception(Exception.class, (e, ctx) -> sendError(ctx, 500, "internal error: " + e));
        config.routes.error(404, ctx -> {
            if (ctx.result() == null || !ctx.result().startsWith("{")) {
                sendError(ctx, 404, "not found: " + ctx.path());
            }
        });
        config.routes.error(405, ctx -> sendError(ctx, 405, ctx.method() + " is not allowed on " + ctx.path()));
        config.routes.error(413, ctx -> sendError(ctx, 413, "request body over " + TargetRequest.MAX_BODY_BYTES + " bytes"));
    }

    private SourceWorker source(Context ctx) {
        SourceWorker w = sources.get(ctx.pathParam("source"));
        if (w == null) {
            throw new ApiException(404, "no source named '" + ctx.pathParam("source") + "'");
        }
        return w;
    }

    private void health(Context ctx) {
        long up = sources.values().stream().filter(w -> "UP".equals(w.status().state())).count();
        sendJson(ctx, 200, new ApiJson.Health("ok", sources.size(), up));
    }

    private void metricsText(Context ctx) throws IOException {
        ctx.contentType(ServerMetrics.CONTENT_TYPE);
        ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
        metrics.write(out);
        ctx.result(out.toByteArray());
    }

    private void addTarget(Context ctx) throws InterruptedException {
        SourceWorker w = source(ctx);
        JsonNode body = TargetRequest.readBody(ctx, strictJson);
        StreamRoutes.enter(targetCommands, "target commands");
        try {
            TargetRequest request = TargetRequest.of(body, w.status());
            TargetResult first = await(w.add(request.id(), request.box()));
            ctx.header("Location", "/api/sources/" + w.name() + "/targets/" + first.id());
            sendJson(ctx, 201, ApiJson.Target.of(first));
        } finally {
            targetCommands.release();
        }
    }

    private static <T> T await(CompletableFuture<T> future) throws InterruptedException {
        try {
            return future.get(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ApiException api) {
                throw api;
            }
            throw new ApiException(500, "tracker failed: " + e.getCause());
        } catch (TimeoutException e) {
            throw new ApiException(503, "the source's tracking thread did not answer in " + COMMAND_TIMEOUT_SECONDS + " s");
        }
    }

    private void getTarget(Context ctx) {
        SourceWorker w = source(ctx);
        String id = ctx.pathParam("target");
        TargetResult r = w.status().targets().stream().filter(t -> t.id().equals(id)).findFirst()
                .orElseThrow(() -> new ApiException(404, "source '" + w.name() + "' has no target '" + id + "'"));
        sendJson(ctx, 200, ApiJson.Target.of(r));
    }

    private void removeTarget(Context ctx) throws InterruptedException {
        SourceWorker w = source(ctx);
        String id = ctx.pathParam("target");
        if (!TargetRequest.TARGET_ID.matcher(id).matches()) {
            throw new ApiException(404, "source '" + w.name() + "' has no target '" + id + "'");
        }
        StreamRoutes.enter(targetCommands, "target commands");
        try {
            if (!await(w.remove(id))) {
                throw new ApiException(404, "source '" + w.name() + "' has no target '" + id + "'");
            }
        } finally {
            targetCommands.release();
        }
        ctx.status(204);
    }

    private void sendJson(Context ctx, int status, Object body) {
        ctx.status(status);
        ctx.contentType("application/json");
        try {
            ctx.result(json.writeValueAsString(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the answer as JSON", e);
        }
    }

    private void sendError(Context ctx, int status, String message) {
        sendJson(ctx, status, new ApiJson.ErrorBody(message, status));
    }
}
