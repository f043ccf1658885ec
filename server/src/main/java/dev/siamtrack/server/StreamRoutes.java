package dev.siamtrack.server;

import io.javalin.http.Context;
import jakarta.servlet.ServletOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The routes that answer with pictures or hold a response open: snapshots, MJPEG previews and the event stream.
 * Each has its own bounded number of handler threads (503 beyond it), and none waits without limit: a source's
 * first picture is awaited for {@link #PICTURE_WAIT_MILLIS} at most, a source that is not up answers at once
 * with its last picture (or 503), and a stream writes at least every {@link #HEARTBEAT_MILLIS} so that a viewer
 * who left is noticed by the failing write.
 */
final class StreamRoutes {

    static final int PREVIEW_STREAMS = 128;
    static final int EVENT_STREAMS = 64;
    static final int SNAPSHOT_WAITS = 32;
    static final long PICTURE_WAIT_MILLIS = 3000;
    static final long HEARTBEAT_MILLIS = 1000;
    private static final String BOUNDARY = "siamtrackframe";

    private final EventHub events;
    private final AtomicInteger previewClients = new AtomicInteger();
    private final AtomicInteger eventClients = new AtomicInteger();
    private final Semaphore previewStreams = new Semaphore(PREVIEW_STREAMS);
    private final Semaphore eventStreams = new Semaphore(EVENT_STREAMS);
    private final Semaphore snapshotWaits = new Semaphore(SNAPSHOT_WAITS);
    private volatile boolean stopping;

    StreamRoutes(EventHub events) {
        this.events = events;
    }

    int previewClients() {
        return previewClients.get();
    }

    int eventClients() {
        return eventClients.get();
    }

    /** Ends the streams at their next write. */
    void stop() {
        stopping = true;
    }

    /** Takes one of a route's handler threads, or refuses at once when all are busy. */
    static void enter(Semaphore route, String what) {
        if (!route.tryAcquire()) {
            throw new ApiException(503, "too many " + what + " at once; try again later");
        }
    }

    void snapshot(Context ctx, SourceWorker w) throws InterruptedException {
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
    void mjpeg(Context ctx, SourceWorker w) throws InterruptedException {
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
    void eventStream(Context ctx) {
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
}
