package dev.siamtrack.cli;

import dev.siamtrack.geom.Box;
import dev.siamtrack.run.PlannedTarget;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The targets given to {@code track}: each {@code --init} (the N-th gets id N unless written
 * {@code ID=X,Y,W,H}) starts on frame 0, and each row {@code id,frame,x,y,w,h} of a {@code --targets} CSV
 * file on its frame. Everything is checked before any output is opened; each problem is one line naming the
 * option or {@code file:line}.
 */
final class TargetPlan {

    static final String TARGETS_HEADER = "id,frame,x,y,w,h";
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_.-]+");

    /** A target and where it was given, for messages. */
    private record Entry(String origin, PlannedTarget target) {
    }

    private final List<Entry> entries;

    private TargetPlan(List<Entry> entries) {
        this.entries = entries;
    }

    /**
     * Reads {@code --init} values and the {@code --targets} file (either may be absent).
     *
     * @throws UserException for a malformed box or row, a bad id, a non-positive size, a negative frame or an
     *                       id given twice for the same frame
     */
    static TargetPlan parse(List<String> inits, Path targetsFile) {
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < inits.size(); i++) {
            String text = inits.get(i).trim();
            String origin = "--init " + text;
            int eq = text.indexOf('=');
            String id = eq < 0 ? String.valueOf(i + 1) : text.substring(0, eq).trim();
            checkId(origin, id);
            Box box = Arguments.box(origin, eq < 0 ? text : text.substring(eq + 1));
            entries.add(checked(origin, new PlannedTarget(id, 0, box)));
        }
        if (targetsFile != null) {
            readFile(targetsFile, entries);
        }
        Map<String, String> seen = new HashMap<>();
        for (Entry e : entries) {
            String key = e.target().id() + "@" + e.target().frame();
            String first = seen.putIfAbsent(key, e.origin());
            if (first != null) {
                throw new UserException(e.origin() + ": target " + e.target().id() + " already starts on frame "
                        + e.target().frame() + " (" + first + ")");
            }
        }
        return new TargetPlan(List.copyOf(entries));
    }

    private static void readFile(Path file, List<Entry> entries) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UserException("--targets " + file + ": cannot read (" + e.getMessage() + ")");
        }
        int before = entries.size();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).trim();
            String origin = file + ":" + (i + 1);
            if (line.isEmpty() || line.startsWith("#") || line.replace(" ", "").equalsIgnoreCase(TARGETS_HEADER)) {
                continue;
            }
            String[] f = line.split("\\s*,\\s*", -1);
            if (f.length != 6) {
                throw new UserException(origin + ": expected " + TARGETS_HEADER + " (6 fields) but got '" + line + "'");
            }
            checkId(origin, f[0]);
            int frame;
            try {
                frame = Integer.parseInt(f[1]);
            } catch (NumberFormatException e) {
                throw new UserException(origin + ": frame '" + f[1] + "' is not a whole number");
            }
            if (frame < 0) {
                throw new UserException(origin + ": frame " + frame + " is negative");
            }
            Box box = new Box(Arguments.number(origin, f[2]), Arguments.number(origin, f[3]),
                    Arguments.number(origin, f[4]), Arguments.number(origin, f[5]));
            entries.add(checked(origin, new PlannedTarget(f[0], frame, box)));
        }
        if (entries.size() == before) {
            throw new UserException("--targets " + file + ": no targets (rows " + TARGETS_HEADER + ")");
        }
    }

    private static void checkId(String origin, String id) {
        if (!ID.matcher(id).matches()) {
            throw new UserException(origin + ": target id '" + id + "' must be letters, digits, '_', '-' or '.'");
        }
    }

    private static Entry checked(String origin, PlannedTarget t) {
        try {
            t.box().checkSize();
        } catch (IllegalArgumentException e) {
            throw new UserException(origin + ": " + e.getMessage());
        }
        return new Entry(origin, t);
    }

    boolean isEmpty() {
        return entries.isEmpty();
    }

    /** Checks every box against the frame size ({@link Box#checkInside}), before the run starts. */
    void checkInside(int width, int height) {
        for (Entry e : entries) {
            try {
                e.target().box().checkInside(width, height);
            } catch (IllegalArgumentException ex) {
                throw new UserException(e.origin() + ": " + ex.getMessage());
            }
        }
    }

    List<PlannedTarget> targets() {
        return entries.stream().map(Entry::target).toList();
    }
}
