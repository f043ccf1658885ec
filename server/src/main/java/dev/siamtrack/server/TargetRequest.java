package dev.siamtrack.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.siamtrack.geom.Box;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.util.Iterator;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A request to track a new target, read from its JSON body ({@code {"x":10,"y":20,"w":40,"h":30}} with an
 * optional {@code id}) and checked against the source's frame. Bodies must be sent as {@code application/json},
 * at most {@link #MAX_BODY_BYTES}, with no duplicate, unknown or trailing content.
 *
 * @param id  the target id asked for, or {@code null} for the next free one
 * @param box the box in frame pixels
 */
record TargetRequest(String id, Box box) {

    static final int MAX_BODY_BYTES = 16 * 1024;
    /**
     * How much of a refused body is read and dropped before the 413 goes out: a server that answers while the
     * client is still sending closes a connection with unread data, and the client may then see the connection
     * reset instead of the answer. Beyond this the connection is closed regardless.
     */
    static final int DRAINED_BYTES = 1024 * 1024;
    static final Pattern TARGET_ID = Pattern.compile("[A-Za-z0-9_-]{1,32}");
    private static final Set<String> BOX_FIELDS = Set.of("x", "y", "w", "h", "id");
    private static final double MIN_BOX_SIDE = 8;

    /** The target asked for in {@code body}, checked against {@code source}'s frame (400, 409 when wrong). */
    static TargetRequest of(JsonNode body, SourceStatus source) {
        String id = null;
        if (body.has("id")) {
            if (!body.get("id").isTextual() || !TARGET_ID.matcher(body.get("id").asText()).matches()) {
                throw new ApiException(400, "'id' must be 1 to 32 letters, digits, '-' or '_'");
            }
            id = body.get("id").asText();
        }
        return new TargetRequest(id, readBox(body, source));
    }

    /** The 413 for a body over {@link #MAX_BODY_BYTES}, after reading up to {@link #DRAINED_BYTES} of the rest. */
    private static ApiException tooLarge(InputStream in) throws IOException {
        long left = DRAINED_BYTES;
        long skipped;
        while (left > 0 && (skipped = in.skip(left)) > 0) {
            left -= skipped;
        }
        return new ApiException(413, "request body over " + MAX_BODY_BYTES + " bytes");
    }

    /**
     * The request's body as a JSON object of box fields (415, 413, 400 when it is not).
     *
     * @param strictJson a reader refusing duplicate keys and trailing content
     */
    static JsonNode readBody(Context ctx, ObjectReader strictJson) {
        String type = ctx.header("Content-Type");
        if (type == null || !type.toLowerCase(Locale.ROOT).matches("application/json\\s*(;.*)?")) {
            throw new ApiException(415, "the body must be sent as Content-Type: application/json");
        }
        byte[] bytes;
        try (InputStream in = ctx.req().getInputStream()) {
            if (ctx.req().getContentLengthLong() > MAX_BODY_BYTES) {
                throw tooLarge(in);
            }
            bytes = in.readNBytes(MAX_BODY_BYTES + 1);
            if (bytes.length > MAX_BODY_BYTES) {
                throw tooLarge(in);
            }
        } catch (IOException e) {
            throw new ApiException(400, "cannot read the request body: " + e.getMessage());
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
}
