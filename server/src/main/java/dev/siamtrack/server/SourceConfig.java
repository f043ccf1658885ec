package dev.siamtrack.server;

import java.util.regex.Pattern;

/**
 * One source the service tracks on: a name used in URLs and events, and what to open (a camera index or
 * device, a stream URL, or a video file that is looped).
 */
public record SourceConfig(String name, String uri) {

    static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,32}");

    public SourceConfig {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("source name '" + name
                    + "' must be 1 to 32 letters, digits, '-' or '_'");
        }
        if (uri == null || uri.isBlank()) {
            throw new IllegalArgumentException("source '" + name + "' has no URI");
        }
    }

    /** Parses {@code NAME=URI} as typed after {@code --source}. */
    public static SourceConfig parse(String text) {
        int eq = text.indexOf('=');
        if (eq <= 0) {
            throw new IllegalArgumentException("--source expects NAME=URI, got '" + text + "'");
        }
        return new SourceConfig(text.substring(0, eq).trim(), text.substring(eq + 1).trim());
    }
}
