package dev.siamtrack.video;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bytedeco.ffmpeg.global.avutil;

/**
 * Turns JavaCV's FFmpeg exception texts ({@code avformat_open_input() error -111: Could not open input "x".
 * (Has setFormat() been called?) ...}) into what a user can act on: the error code's meaning, without
 * JavaCV's hints meant for developers.
 */
public final class FFmpegErrors {

    private static final Pattern CODE = Pattern.compile("error (-\\d+)");
    private static final Pattern HINT = Pattern.compile(
            "\\s*\\((Has setFormat\\(\\) been called\\?|For more details, make sure FFmpegLogCallback\\.set\\(\\) has been called\\.)\\)");

    /** The common codes: POSIX errors are negated errno values, FFmpeg's own are tags. */
    private static final Map<Integer, String> MEANINGS = Map.ofEntries(
            Map.entry(-2, "no such file"),
            Map.entry(-5, "input/output error"),
            Map.entry(-13, "permission denied"),
            Map.entry(-104, "connection reset by the other side"),
            Map.entry(-110, "connection timed out"),
            Map.entry(-111, "connection refused (nothing is listening at that address and port)"),
            Map.entry(-113, "no route to host"),
            Map.entry(avutil.AVERROR_INVALIDDATA, "not a video FFmpeg understands (invalid data)"),
            Map.entry(avutil.AVERROR_EOF, "ends before the first frame"),
            Map.entry(avutil.AVERROR_PROTOCOL_NOT_FOUND, "unknown protocol in the URL"),
            Map.entry(avutil.AVERROR_DEMUXER_NOT_FOUND, "unknown container format"),
            Map.entry(avutil.AVERROR_STREAM_NOT_FOUND, "no such stream"),
            Map.entry(avutil.AVERROR_HTTP_BAD_REQUEST, "HTTP 400 bad request"),
            Map.entry(avutil.AVERROR_HTTP_UNAUTHORIZED, "HTTP 401 unauthorized (credentials needed)"),
            Map.entry(avutil.AVERROR_HTTP_FORBIDDEN, "HTTP 403 forbidden"),
            Map.entry(avutil.AVERROR_HTTP_NOT_FOUND, "HTTP 404 not found"),
            Map.entry(avutil.AVERROR_HTTP_SERVER_ERROR, "HTTP 5xx server error"));

    private FFmpegErrors() {
    }

    /** The FFmpeg error code in a JavaCV exception message, or 0 when it has none. */
    public static int code(String message) {
        Matcher m = CODE.matcher(String.valueOf(message));
        return m.find() ? Integer.parseInt(m.group(1)) : 0;
    }

    /** One line for users: the code's meaning when it is a common one, else JavaCV's text without its hints. */
    public static String describe(Exception e) {
        String message = String.valueOf(e.getMessage());
        String meaning = MEANINGS.get(code(message));
        if (meaning != null) {
            return meaning;
        }
        return HINT.matcher(message).replaceAll("").strip();
    }
}
