package dev.siamtrack.eval;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A progress bar with frame rate and ETA on stderr: redrawn in place a few times per second on a terminal,
 * one line every few seconds when stderr goes to a file. Used by {@code eval} (frames count once per tracker,
 * each runs its own pass) and {@code batch}.
 */
public final class Progress {

    private static final long TERMINAL_REDRAW_NANOS = 250_000_000L;
    private static final long LOG_REDRAW_NANOS = 5_000_000_000L;
    private static final int BAR_WIDTH = 30;

    private final PrintStream out;
    private final boolean terminal = System.console() != null;
    private final long redrawNanos = terminal ? TERMINAL_REDRAW_NANOS : LOG_REDRAW_NANOS;
    private final String label;
    private long totalFrames;
    private final long start = System.nanoTime();
    private long doneFrames;
    private long lastDraw;
    private String current = "";

    /** {@code label} starts every line (the command's name). */
    public Progress(PrintStream out, String label, long totalFrames) {
        this.out = out;
        this.label = label;
        this.totalFrames = Math.max(1, totalFrames);
    }

    /** A better estimate of the frames to do, when they are only known as the work goes on. */
    public synchronized void total(long frames) {
        totalFrames = Math.max(1, frames);
    }

    /** What is being worked on, shown at the end of the line. */
    public synchronized void current(String text) {
        current = text;
    }

    public synchronized void advance(int frames) {
        doneFrames += frames;
        long now = System.nanoTime();
        if (now - lastDraw >= redrawNanos) {
            lastDraw = now;
            draw(now);
        }
    }

    /** Draws the final state and ends the line. */
    public synchronized void finish() {
        draw(System.nanoTime());
        if (terminal) {
            out.println();
        }
        out.flush();
    }

    private void draw(long now) {
        double seconds = (now - start) / 1e9;
        double fraction = Math.min(1, (double) doneFrames / totalFrames);
        int filled = (int) Math.round(fraction * BAR_WIDTH);
        double rate = seconds > 0 ? doneFrames / seconds : 0;
        String eta = rate > 0 ? clock((totalFrames - doneFrames) / rate) : "--:--";
        String line = String.format(Locale.ROOT, "%s %3.0f%% [%s%s] %d/%d frames %5.1f frames/s ETA %s %-20s",
                label, 100 * fraction, "=".repeat(filled), " ".repeat(BAR_WIDTH - filled), doneFrames, totalFrames,
                rate, eta, current);
        if (terminal) {
            out.print("\r" + line);
        } else {
            out.println(line.stripTrailing());
        }
        out.flush();
    }

    private static String clock(double seconds) {
        long s = Math.max(0, Math.round(seconds));
        return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
    }
}
