package dev.siamtrack.server;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Appends event JSON lines to {@code events-YYYY-MM-DD.jsonl} (UTC day) in a folder, starting a new file
 * when the day changes. Each line is flushed as written, so a crash loses nothing already logged.
 */
public final class EventLog implements Consumer<String>, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EventLog.class);

    private final Path dir;
    private final Clock clock;
    private LocalDate day;
    private BufferedWriter out;
    private boolean failed;

    public EventLog(Path dir, Clock clock) throws IOException {
        this.dir = dir;
        this.clock = clock;
        Files.createDirectories(dir);
        open(LocalDate.now(clock.withZone(ZoneOffset.UTC)));
    }

    /** The file events of {@code day} go to. */
    public Path fileFor(LocalDate day) {
        return dir.resolve("events-" + day + ".jsonl");
    }

    private void open(LocalDate newDay) throws IOException {
        out = Files.newBufferedWriter(fileFor(newDay), StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        day = newDay;
    }

    @Override
    public synchronized void accept(String line) {
        try {
            LocalDate today = LocalDate.now(clock.withZone(ZoneOffset.UTC));
            if (!today.equals(day)) {
                out.close();
                open(today);
            }
            out.write(line);
            out.newLine();
            out.flush();
            failed = false;
        } catch (IOException e) {
            // A full disk must not stop tracking; say so once per failure streak.
            if (!failed) {
                LOG.error("cannot write the event log in {}: {}", dir, e.getMessage());
            }
            failed = true;
        }
    }

    @Override
    public synchronized void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
