package dev.siamtrack.io;

import dev.siamtrack.geom.Box;
import dev.siamtrack.track.TrackState;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Per-frame tracking results as CSV ({@code frame,x,y,w,h,score,state}) or JSON lines, chosen by the file
 * extension. Every line is flushed as it is written so an interrupted run loses nothing already tracked.
 * With wall-clock timestamps (live sources) a {@code time_ms} column / field is added; with target ids
 * (several targets in one file) an {@code id} column / field follows {@code frame}.
 */
public final class ResultWriter implements AutoCloseable {

    public enum Format { CSV, JSONL }

    private final Path file;
    private final Format format;
    private final boolean timestamps;
    private final boolean ids;
    private final BufferedWriter out;

    private ResultWriter(Path file, Format format, boolean timestamps, boolean ids, BufferedWriter out) {
        this.file = file;
        this.format = format;
        this.timestamps = timestamps;
        this.ids = ids;
        this.out = out;
    }

    /** Opens (truncates) {@code file}; the format follows its extension, .csv or .jsonl. */
    public static ResultWriter open(Path file, boolean timestamps) throws IOException {
        return open(file, timestamps, false);
    }

    /** As {@link #open(Path, boolean)}; with {@code ids} every line names its target (write with an id). */
    public static ResultWriter open(Path file, boolean timestamps, boolean ids) throws IOException {
        Format format = formatOf(file);
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
        ResultWriter w = new ResultWriter(file, format, timestamps, ids, out);
        if (format == Format.CSV) {
            w.line("frame," + (ids ? "id," : "") + "x,y,w,h,score,state" + (timestamps ? ",time_ms" : ""));
        }
        return w;
    }

    /** CSV or JSONL from the file name; anything else is a usage error. */
    public static Format formatOf(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".csv")) {
            return Format.CSV;
        }
        if (name.endsWith(".jsonl") || name.endsWith(".ndjson")) {
            return Format.JSONL;
        }
        throw new IllegalArgumentException(file + ": output must end in .csv or .jsonl");
    }

    public Path file() {
        return file;
    }

    /** Writes one frame; {@code timeMillis} is used only when the writer was opened with timestamps. */
    public void write(int frame, Box box, double score, TrackState state, long timeMillis) {
        write(frame, null, box, score, state, timeMillis);
    }

    /**
     * Writes one frame of target {@code id}; the id is written only when the writer was opened with ids
     * (CSV ids must not contain commas or quotes).
     */
    public void write(int frame, String id, Box box, double score, TrackState state, long timeMillis) {
        String text;
        if (format == Format.CSV) {
            text = frame + (ids ? "," + id : "") + String.format(Locale.ROOT, ",%.2f,%.2f,%.2f,%.2f,%.4f,%s",
                    box.x(), box.y(), box.w(), box.h(), score, state) + (timestamps ? "," + timeMillis : "");
        } else {
            text = "{\"frame\":" + frame + (ids ? ",\"id\":\"" + jsonEscape(id) + "\"" : "")
                    + String.format(Locale.ROOT,
                    ",\"x\":%.2f,\"y\":%.2f,\"w\":%.2f,\"h\":%.2f,\"score\":%.4f,\"state\":\"%s\"",
                    box.x(), box.y(), box.w(), box.h(), score, state)
                    + (timestamps ? ",\"time_ms\":" + timeMillis : "") + "}";
        }
        line(text);
    }

    private static String jsonEscape(String text) {
        StringBuilder b = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20) {
                b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    private void line(String text) {
        try {
            out.write(text);
            out.newLine();
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": write failed", e);
        }
    }

    @Override
    public void close() {
        try {
            out.close();
        } catch (IOException ignored) {
            // every line was flushed when written
        }
    }
}
