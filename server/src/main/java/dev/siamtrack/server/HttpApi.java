package dev.siamtrack.server;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.siamtrack.geom.Box;
import dev.siamtrack.track.TargetResult;
import io.javalin.Javalin;
import io.javalin.compression.CompressionStrategy;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.http.staticfiles.Location;
import jakarta.servlet.ServletOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The HTTP side of the service on Javalin: the JSON API, the MJPEG preview and snapshots, the event stream
 * (Server-Sent Events), Prometheus metrics, the health check and the web page. Every request but the health
 * check, the page included, must carry the access token when one is configured: {@code Authorization: Bearer
 * TOKEN} or the page's cookie. The page is opened once as {@code /?token=TOKEN}, which sets that same-site,
 * HTTP-only cookie; no other URL takes a token. Errors are JSON objects {@code {"error": "...", "status": N}}.
 *
 * <p>Hostile clients: a {@code Host} that is not an IP address, {@code localhost} or a configured host name is
 * refused (DNS rebinding); so is a state-changing request from another {@code Origin} (cross-site writes), and
 * a JSON body not sent as {@code application/json}. Each long-lived route (preview streams, event streams,
 * snapshot waits, target commands) has its own bounded number of handler threads, below the server's pool, so
 * none can starve the health check and the API. Streaming handlers never wait without limit: a source's first
 * picture is awaited for {@link #PICTURE_WAIT_MILLIS} at most, a source that is not up answers at once with its
 * last picture (or 503), and a stream writes at least every {@link #HEARTBEAT_MILLIS} so that a viewer who left
 * is noticed by the failing write.
 */
final class HttpApi {

    static final int MAX_BODY_BYTES = 16 * 1024;
    static final int PREVIEW_STREAMS = 128;
    static final int EVENT_STREAMS = 64;
    static final int SNAPSHOT_WAITS = 32;
    static final int TARGET_COMMANDS = 32;
    /** The streaming routes' handlers plus room for the API, the page, the health check and Jetty's own. */
    static final int HTTP_THREADS = PREVIEW_STREAMS + EVENT_STREAMS + SNAPSHOT_WAITS + TARGET_COMMANDS + 64;
    static final long PICTURE_WAIT_MILLIS = 3000;
    static final long HEARTBEAT_MILLIS = 1000;
    private static final int IDLE_THREAD_MILLIS = 2000;
    private static final Set<HandlerType> STATE_CHANGING = Set.of(HandlerType.POST, HandlerType.PUT,
            HandlerType.PATCH, HandlerType.DELETE);
    private static final Pattern IP_LITERAL = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}|\\[[0-9A-Fa-f:.]+]");
    private static final Set<String> PAGE_PATHS = Set.of("/", "/index.html");
    private static final Pattern TARGET_ID = Pattern.compile("[A-Za-z0-9_-]{1,32}");
    private static final Set<String> BOX_FIELDS = Set.of("x", "y", "w", "h", "id");
    private static final double MIN_BOX_SIDE = 8;
    private static final long COMMAND_TIMEOUT_SECONDS = 20;
    private static final String BOUNDARY = "siamtrackframe";
    private static final String TOKEN_COOKIE = "siamtrack_token";

    private final Map<String, SourceWorker> sources = new LinkedHashMap<>();
    private final EventHub events;
    private final ServerMetrics metrics;
    private final AccessToken token;
    private final ObjectMapper json;
    private final AtomicInteger previewClients = new AtomicInteger();
    private final AtomicInteger eventClients = new AtomicInteger();
    private final Semaphore previewStreams = new Semaphore(PREVIEW_STREAMS);
    private final Semaphore eventStreams = new Semaphore(EVENT_STREAMS);
    private final Semaphore snapshotWaits = new Semaphore(SNAPSHOT_WAITS);
    private final Semaphore targetCommands = new Semaphore(TARGET_COMMANDS);
    private final Set<String> hostNames;
    private final ObjectReader strictJson;
    private volatile boolean stopping;
    private Javalin app;

    /** @param hostNames the names (besides IP addresses and localhost) clients may reach the server by */
    HttpApi(List<SourceWorker> workers, EventHub events, ServerMetrics metrics, String token, List<String> hostNames,
            ObjectMapper json) {
        workers.forEach(w -> sources.put(w.name(), w));
        this.events = events;
        this.metrics = metrics;
        this.token = token == null ? null : new AccessToken(token);
        this.hostNames = new HashSet<>();
        hostNames.forEach(h -> this.hostNames.add(h.toLowerCase(Locale.ROOT)));
        this.hostNames.add("localhost");
        this.json = json;
        this.strictJson = json.reader().with(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    }

    int previewClients() {
        return previewClients.get();
    }

    int eventClients() {
        return eventClients.get();
    }

    /** Starts listening; returns the port actually bound. */
    int start(String bind, int port) {
        app = Javalin.create(this::configure);
        app.start(bind, port);
        return app.port();
    }

    /** Ends the streaming responses, then stops the server (open connections are closed). */
    void stop() {
        stopping = true;
        if (app != null) {
            app.stop();
        }
    }

    private void configure(JavalinConfig config) {
        config.startup.showJavalinBanner = false;
        config.http.maxRequestSize = MAX_BODY_BYTES;
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
        config.routes.before(this::checkSite);
        config.routes.before(this::checkAccess);
        config.routes.get("/healthz", this::health);
        config.routes.get("/metrics", this::metricsText);
        config.routes.get("/api/sources", ctx -> sendJson(ctx, 200, sourcesJson()));
        config.routes.get("/api/sources/{source}", ctx -> sendJson(ctx, 200, sourceJson(source(ctx).status())));
        config.routes.get("/api/sources/{source}/targets", ctx -> sendJson(ctx, 200,
                targetsJson(source(ctx).status().targets())));
        config.routes.post("/api/sources/{source}/targets", this::addTarget);
        config.routes.get("/api/sources/{source}/targets/{target}", this::getTarget);
        config.routes.delete("/api/sources/{source}/targets/{target}", this::removeTarget);
        config.routes.get("/api/sources/{source}/snapshot.jpg", this::snapshot);
        config.routes.get("/api/sources/{source}/preview.mjpg", this::mjpeg);
        config.routes.get("/api/events", this::eventStream);
        config.routes.exception(ApiException.class, (e, ctx) -> sendError(ctx, e.status(), e.getMessage()));
        config.routes.exception(Exception.class, (e, ctx) -> sendError(ctx, 500, "internal error: " + e));
        config.routes.error(404, ctx -> {
            if (ctx.result() == null || !ctx.result().startsWith("{")) {
                sendError(ctx, 404, "not found: " + ctx.path());
            }
        });
        config.routes.error(405, ctx -> sendError(ctx, 405, ctx.method() + " is not allowed on " + ctx.path()));
        config.routes.error(413, ctx -> sendError(ctx, 413, "request body over " + MAX_BODY_BYTES + " bytes"));
    }

    /**
     * Refuses a {@code Host} this server does not answer to (a rebound DNS name), and a state-changing request
     * sent by a page of another origin.
     */
    private void checkSite(Context ctx) {
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("Cache-Control", "no-store");
        String host = ctx.header("Host");
        if (host == null || !knownHost(host)) {
            throw new ApiException(403, "Host '" + host + "' is not a name of this server (add it with --host-name)");
        }
        String origin = ctx.header("Origin");
        if (STATE_CHANGING.contains(ctx.method()) && origin != null
                && !origin.equalsIgnoreCase("http://" + host) && !origin.equalsIgnoreCase("https://" + host)) {
            throw new ApiException(403, "cross-site request refused: Origin " + origin + " is not this server");
        }
    }

    /** An IP address cannot be rebound to another machine; a name must be localhost or configured. */
    private boolean knownHost(String hostHeader) {
        String name = hostHeader;
        int colon = hostHeader.lastIndexOf(':');
        if (colon > hostHeader.lastIndexOf(']')) {
            name = hostHeader.substring(0, colon);
        }
        return IP_LITERAL.matcher(name).matches() || hostNames.contains(name.toLowerCase(Locale.ROOT));
    }

    private void checkAccess(Context ctx) {
        if (token == null || ctx.path().equals("/healthz")) {
            return;
        }
        boolean pageLogin = ctx.method() == HandlerType.GET && PAGE_PATHS.contains(ctx.path());
        if (ctx.queryParam("token") != null && !pageLogin) {
            ctx.header("WWW-Authenticate", "Bearer");
            throw new ApiException(401, "a token in the URL is only taken by the page (/?token=...): send "
                    + "'Authorization: Bearer TOKEN'");
        }
        String presented = null;
        String authorization = ctx.header("Authorization");
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            presented = authorization.substring(7).trim();
        } else if (pageLogin && ctx.queryParam("token") != null) {
            presented = ctx.queryParam("token");
        } else if (ctx.cookie(TOKEN_COOKIE) != null) {
            presented = URLDecoder.decode(ctx.cookie(TOKEN_COOKIE), StandardCharsets.UTF_8);
        }
        if (!token.matches(presented)) {
            ctx.header("WWW-Authenticate", "Bearer");
            throw new ApiException(401, presented == null ? "access token required" : "wrong access token");
        }
        if (pageLogin && ctx.queryParam("token") != null) {
            // The page opened with ?token= keeps it in a same-site cookie, so its scripts, pictures and event
            // stream are authorised without the token in any URL.
            ctx.res().addHeader("Set-Cookie", TOKEN_COOKIE + "=" + URLEncoder.encode(presented, StandardCharsets.UTF_8)
                    + "; Path=/; HttpOnly; SameSite=Strict");
        }
    }

    /** Takes one of a route's handler threads, or refuses at once when all are busy. */
    private static void enter(Semaphore route, String what) {
        if (!route.tryAcquire()) {
            throw new ApiException(503, "too many " + what + " at once; try again later");
        }
    }

    private SourceWorker source(Context ctx) {
        SourceWorker w = sources.get(ctx.pathParam("source"));
        if (w == null) {
            throw new ApiException(404, "no source named '" + ctx.pathParam("source") + "'");
        }
        return w;
    }

    private void health(Context ctx) {
        ObjectNode body = json.createObjectNode();
        long up = sources.values().stream().filter(w -> "UP".equals(w.status().state())).count();
        body.put("status", "ok");
        body.put("sources", sources.size());
        body.put("sourcesUp", up);
        sendJson(ctx, 200, body);
    }

    private void metricsText(Context ctx) throws IOException {
        ctx.contentType(ServerMetrics.CONTENT_TYPE);
        ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
        metrics.write(out);
        ctx.result(out.toByteArray());
    }

    private void addTarget(Context ctx) throws InterruptedException {
        SourceWorker w = source(ctx);
        JsonNode body = readBody(ctx);
        enter(targetCommands, "target commands");
        try {
            addTarget(ctx, w, body);
        } finally {
            targetCommands.release();
        }
    }

    private void addTarget(Context ctx, SourceWorker w, JsonNode body) throws InterruptedException {
        SourceStatus s = w.status();
        String id = null;
        if (body.has("id")) {
            if (!body.get("id").isTextual() || !TARGET_ID.matcher(body.get("id").asText()).matches()) {
                throw new ApiException(400, "'id' must be 1 to 32 letters, digits, '-' or '_'");
            }
            id = body.get("id").asText();
        }
        Box box = readBox(body, s);
        TargetResult first = await(w.add(id, box));
        ctx.header("Location", "/api/sources/" + w.name() + "/targets/" + first.id());
        sendJson(ctx, 201, targetJson(first));
    }

    private JsonNode readBody(Context ctx) {
        String type = ctx.header("Content-Type");
        if (type == null || !type.toLowerCase(Locale.ROOT).matches("application/json\\s*(;.*)?")) {
            throw new ApiException(415, "the body must be sent as Content-Type: application/json");
        }
        long declared = ctx.req().getContentLengthLong();
        if (declared > MAX_BODY_BYTES) {
            throw new ApiException(413, "request body over " + MAX_BODY_BYTES + " bytes");
        }
        byte[] bytes;
        try (InputStream in = ctx.req().getInputStream()) {
            bytes = in.readNBytes(MAX_BODY_BYTES + 1);
        } catch (IOException e) {
            throw new ApiException(400, "cannot read the request body: " + e.getMessage());
        }
        if (bytes.length > MAX_BODY_BYTES) {
            throw new ApiException(413, "request body over " + MAX_BODY_BYTES + " bytes");
        }
        JsonNode node;
        try {
            node = strictJson.readTree(bytes);
        } catch (IOException e) {
            throw new ApiException(400, "malformed JSON: " + firstLine(e.getMessage()));
        }
        if (node == null || !node.isObject()) {
            throw new ApiException(400, "expected a JSON object like {\"x\":10,\"y\":20,\"w\":40,\"h\":30}");
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!BOX_FIELDS.contains(field)) {
                throw new ApiException(400, "unknown field '" + field + "' (expected x, y, w, h and optional id)");
            }
        }
        return node;
    }

    private static String firstLine(String s) {
        int nl = s == null ? -1 : s.indexOf('\n');
        return nl < 0 ? String.valueOf(s) : s.substring(0, nl);
    }

    private static Box readBox(JsonNode body, SourceStatus s) {
        double[] v = new double[4];
        String[] names = {"x", "y", "w", "h"};
        for (int i = 0; i < 4; i++) {
            JsonNode n = body.get(names[i]);
            if (n == null || !n.isNumber() || !Double.isFinite(n.asDouble())) {
                throw new ApiException(400, "'" + names[i] + "' must be a number (box in frame pixels)");
            }
            v[i] = n.asDouble();
        }
        Box box = new Box(v[0], v[1], v[2], v[3]);
        if (s.width() <= 0) {
            throw new ApiException(409, "source '" + s.name() + "' has no frame yet (state " + s.state() + ")");
        }
        if (box.w() < MIN_BOX_SIDE || box.h() < MIN_BOX_SIDE) {
            throw new ApiException(400, "box " + box + " is too small: w and h must be at least " + (int) MIN_BOX_SIDE + " px");
        }
        if (box.x() < 0 || box.y() < 0 || box.x() + box.w() > s.width() || box.y() + box.h() > s.height()) {
            throw new ApiException(400, "box " + box + " is not inside the " + s.width() + "x" + s.height() + " frame");
        }
        return box;
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
        sendJson(ctx, 200, targetJson(r));
    }

    private void removeTarget(Context ctx) throws InterruptedException {
        SourceWorker w = source(ctx);
        String id = ctx.pathParam("target");
        if (!TARGET_ID.matcher(id).matches()) {
            throw new ApiException(404, "source '" + w.name() + "' has no target '" + id + "'");
        }
        enter(targetCommands, "target commands");
        try {
            if (!await(w.remove(id))) {
                throw new ApiException(404, "source '" + w.name() + "' has no target '" + id + "'");
            }
        } finally {
            targetCommands.release();
        }
        ctx.status(204);
    }

    private void snapshot(Context ctx) throws InterruptedException {
        SourceWorker w = source(ctx);
        enter(snapshotWaits, "snapshot requests");
        try {
            PreviewEncoder.Jpeg jpeg = picture(w);
            ctx.contentType("image/jpeg");
            ctx.result(jpeg.data());
        } finally {
            snapshotWaits.release();
        }
    }

    /**
     * A picture of the source: a fresh one when it is up (at most {@link #PICTURE_WAIT_MILLIS} away), else at
     * once its last one; 503 when there is none.
     */
    private static PreviewEncoder.Jpeg picture(SourceWorker w) throws InterruptedException {
        PreviewEncoder preview = w.preview();
        PreviewEncoder.Jpeg latest = preview.latest();
        String state = w.status().state();
        PreviewEncoder.Jpeg jpeg = latest;
        if (state.equals("UP") || (latest == null && !state.equals("DOWN"))) {
            PreviewEncoder.Jpeg fresh = preview.awaitNewer(latest == null ? 0 : latest.seq(), PICTURE_WAIT_MILLIS);
            jpeg = fresh != null ? fresh : preview.latest();
        }
        if (jpeg == null) {
            SourceStatus s = w.status();
            throw new ApiException(503, "source '" + w.name() + "' has no frame to show (state " + s.state()
                    + (s.lastError() == null ? "" : ": " + s.lastError()) + ")");
        }
        return jpeg;
    }

    /**
     * Streams the preview JPEGs as multipart/x-mixed-replace until the client leaves or the server stops. With
     * no new picture for {@link #HEARTBEAT_MILLIS}, the last one is sent again: the write fails once the viewer
     * has gone.
     */
    private void mjpeg(Context ctx) throws InterruptedException {
        SourceWorker w = source(ctx);
        PreviewEncoder preview = w.preview();
        enter(previewStreams, "preview viewers");
        previewClients.incrementAndGet();
        preview.viewer(true);
        try {
            PreviewEncoder.Jpeg jpeg = picture(w);
            ctx.res().setContentType("multipart/x-mixed-replace; boundary=" + BOUNDARY);
            ctx.res().setStatus(200);
            ServletOutputStream out = ctx.res().getOutputStream();
            while (!stopping) {
                byte[] head = ("--" + BOUNDARY + "\r\nContent-Type: image/jpeg\r\nContent-Length: "
                        + jpeg.data().length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
                out.write(head);
                out.write(jpeg.data());
                out.write('\r');
                out.write('\n');
                out.flush();
                PreviewEncoder.Jpeg next = preview.awaitNewer(jpeg.seq(), HEARTBEAT_MILLIS);
                if (next != null) {
                    jpeg = next;
                }
            }
        } catch (IOException clientGone) {
            // The viewer closed the page or lost the connection.
        } finally {
            preview.viewer(false);
            previewClients.decrementAndGet();
            previewStreams.release();
        }
    }

    /**
     * Server-Sent Events: one message per event ({@code id:} its seq, {@code data:} its JSON), a comment after
     * {@link #HEARTBEAT_MILLIS} without one, so that a client who left is noticed by the failing write. Written
     * on the request's own thread, like the preview, until the client leaves or the server stops.
     */
    private void eventStream(Context ctx) {
        enter(eventStreams, "event streams");
        eventClients.incrementAndGet();
        try (EventHub.Subscription sub = events.subscribe()) {
            ctx.res().setStatus(200);
            ctx.res().setContentType("text/event-stream");
            ctx.res().setCharacterEncoding("UTF-8");
            ServletOutputStream out = ctx.res().getOutputStream();
            out.write(": connected\n\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
            while (!stopping) {
                EventHub.Event event = sub.poll(HEARTBEAT_MILLIS);
                String message = event == null ? ": keep-alive\n\n" : "id: " + event.seq() + "\ndata: " + event.json() + "\n\n";
                out.write(message.getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
        } catch (IOException clientGone) {
            // The client closed the stream or lost the connection.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            eventClients.decrementAndGet();
            eventStreams.release();
        }
    }

    private ArrayNode sourcesJson() {
        ArrayNode list = json.createArrayNode();
        sources.values().forEach(w -> list.add(sourceJson(w.status())));
        return list;
    }

    private ObjectNode sourceJson(SourceStatus s) {
        ObjectNode n = json.createObjectNode();
        n.put("name", s.name());
        n.put("uri", s.uri());
        n.put("state", s.state());
        n.put("width", s.width());
        n.put("height", s.height());
        n.put("frames", s.frames());
        n.put("frameIndex", s.frameIndex());
        n.put("fps", round(s.fps(), 10));
        n.put("latencyMs", round(s.latencyMs(), 100));
        n.put("trackerMs", round(s.trackerMs(), 100));
        n.put("droppedFrames", s.droppedFrames());
        n.put("reconnects", s.reconnects());
        if (s.lastError() != null) {
            n.put("error", s.lastError());
        }
        n.set("targets", targetsJson(s.targets()));
        return n;
    }

    private ArrayNode targetsJson(List<TargetResult> targets) {
        ArrayNode list = json.createArrayNode();
        targets.forEach(t -> list.add(targetJson(t)));
        return list;
    }

    private ObjectNode targetJson(TargetResult t) {
        ObjectNode n = json.createObjectNode();
        n.put("id", t.id());
        n.put("state", t.state().name());
        n.put("score", round(t.score(), 1000));
        ObjectNode box = n.putObject("box");
        box.put("x", round(t.box().x(), 10));
        box.put("y", round(t.box().y(), 10));
        box.put("w", round(t.box().w(), 10));
        box.put("h", round(t.box().h(), 10));
        return n;
    }

    private static double round(double v, double scale) {
        return Double.isFinite(v) ? Math.round(v * scale) / scale : 0;
    }

    private void sendJson(Context ctx, int status, JsonNode body) {
        ctx.status(status);
        ctx.contentType("application/json");
        ctx.result(body.toString());
    }

    private void sendError(Context ctx, int status, String message) {
        ObjectNode body = json.createObjectNode();
        body.put("error", message);
        body.put("status", status);
        sendJson(ctx, status, body);
    }
}
