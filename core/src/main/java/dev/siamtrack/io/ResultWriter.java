package dev.siamtrack.io;

import dev.siamtrack.geom.Box;
import dev.siamtrack.track.TargetResult;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Per-frame tracking results as CSV ({@code frame,id,x,y,w,h,score,state,reacquired}, one row per target and
 * frame; {@code reacquired} is true on the frame re-detection found a LOST target again) or JSON lines with the
 * same fields, chosen by the file extension. Every line is flushed as it is written so an interrupted run loses nothing already tracked.
 * With wall-clock timestamps (live sources) a {@code time_ms} column / field is added.
 */
public final class ResultWriter implements AutoCloseable {

    public enum Format { CSV, JSONL }

    private final Path file;
    private final Format format;
    private final boolean timestamps;
    private final BufferedWriter out;

    private ResultWriter(Path file, Format format, boolean timestamps, BufferedWriter out) {
        this.file = file;
        this.format = format;
        this.timestamps = timestamps;
        this.out = out;
    }

    /** Opens (truncates) {@code file}; the format follows its extension, .csv or .jsonl. */
    public static ResultWriter open(Path file, boolean timestamps) throws IOException {
        Format format = formatOf(file);
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
        ResultWriter w = new ResultWriter(file, format, timestamps, out);
        if (format == Format.CSV) {
            w.line("frame,id,x,y,w,h,score,state,reacquired" + (timestamps ? ",time_ms" : ""));
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

    /** Writes one target's answer on one frame; {@code timeMillis} is used only when opened with timestamps. */
    public void write(int frame, TargetResult result, long timeMillis) {
        Box box = result.box();
        String text;
        if (format == Format.CSV) {
            text = String.format(Locale.ROOT, "%d,%s,%.2f,%.2f,%.2f,%.2f,%.4f,%s,%b", frame, csvField(result.id()),
                    box.x(), box.y(), box.w(), box.h(), result.score(), result.state(), result.reacquired())
                    + (timestamps ? "," + timeMillis : "");
        } else {
            text = String.format(Locale.ROOT,
                    "{\"frame\":%d,\"id\":\"%s\",\"x\":%.2f,\"y\":%.2f,\"w\":%.2f,\"h\":%.2f,\"score\":%.4f,\"state\":\"%s\","
                            + "\"reacquired\":%b",
                    frame, jsonText(result.id()), box.x(), box.y(), box.w(), box.h(), result.score(), result.state(),
                    result.reacquired())
                    + (timestamps ? ",\"time_ms\":" + timeMillis : "") + "}";
        }
        line(text);
    }

    /** An id as a CSV field: quoted (quotes doubled) when it holds a comma, a quote or a line break. */
    private static String csvField(String id) {
        return id.matches("[^,\"\r\n]*") ? id : "\"" + id.replace("\"", "\"\"") + "\"";
    }

    /** An id as the inside of a JSON string. */
    private static String jsonText(String id) {
        StringBuilder b = new StringBuilder(id.length());
        for (char c : id.toCharArray()) {
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
