package dev.siamtrack.eval;

import dev.siamtrack.geom.Box;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads ground-truth files of the common benchmark layouts into one {@link Box} per frame. */
public final class GroundTruth {

    private GroundTruth() {
    }

    /**
     * One box per non-blank line: {@code x,y,w,h} (commas, tabs or spaces) or a VOT polygon of 8 numbers
     * {@code x1,y1,...,x4,y4}. A line containing NaN gives {@link Box#ABSENT}.
     */
    public static List<Box> read(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        List<Box> boxes = new ArrayList<>(lines.size());
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).trim();
            if (line.isEmpty()) {
                continue;
            }
            try {
                boxes.add(parseLine(line));
            } catch (IllegalArgumentException e) {
                throw new IOException(file.getFileName() + " line " + (i + 1) + ": " + e.getMessage());
            }
        }
        return boxes;
    }

    static Box parseLine(String line) {
        String[] parts = line.split("[,\\s]+");
        double[] v = new double[parts.length];
        for (int i = 0; i < parts.length; i++) {
            v[i] = parseNumber(parts[i]);
        }
        return switch (v.length) {
            case 4 -> absentIfNaN(new Box(v[0], v[1], v[2], v[3]));
            case 8 -> Box.ofPolygon(v);
            default -> throw new IllegalArgumentException("expected 4 (x,y,w,h) or 8 (polygon) numbers, got "
                    + v.length + " in '" + line + "'");
        };
    }

    /**
     * Per-frame 0/1 flags (GOT-10k {@code absence.label}: one per line; LaSOT {@code full_occlusion.txt},
     * {@code out_of_view.txt}: comma separated). Returns null when the file does not exist.
     */
    public static boolean[] readFlags(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        String text = Files.readString(file, StandardCharsets.UTF_8).trim();
        if (text.isEmpty()) {
            return new boolean[0];
        }
        String[] parts = text.split("[,\\s]+");
        boolean[] flags = new boolean[parts.length];
        for (int i = 0; i < parts.length; i++) {
            flags[i] = parseNumber(parts[i]) != 0;
        }
        return flags;
    }

    /** Replaces the boxes of flagged frames by {@link Box#ABSENT}. */
    public static void markAbsent(List<Box> boxes, boolean[] absent) {
        if (absent == null) {
            return;
        }
        for (int i = 0; i < Math.min(boxes.size(), absent.length); i++) {
            if (absent[i]) {
                boxes.set(i, Box.ABSENT);
            }
        }
    }

    private static Box absentIfNaN(Box box) {
        return box.isAbsent() ? Box.ABSENT : box;
    }

    private static double parseNumber(String text) {
        if (text.equalsIgnoreCase("nan")) {
            return Double.NaN;
        }
        try {
            return Double.parseDouble(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not a number");
        }
    }
}
