package dev.siamtrack.eval;

import dev.siamtrack.geom.Box;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Result layouts the benchmarks' own scorers read, written by {@code eval} next to its OTB results, as
 * {@code REPORT/<format>/<tracker>/...}. Boxes are {@code x,y,w,h} with 3 decimals, comma separated, one line
 * per frame starting with the init frame (its box is the init box), as the GOT-10k toolkit writes them; a frame
 * that could not be decoded gets {@code 0,0,0,0} (the servers take numbers only; it scores as a miss, as the NaN
 * of the OTB file does).
 * <ul>
 * <li>GOT-10k ({@code got10k}): {@code <seq>/<seq>_001.txt} (the first and only run: the tracker is
 * deterministic) and {@code <seq>/<seq>_time.txt} with the tracker's seconds per frame (8 decimals), zipped as
 * {@code <tracker>.zip} with the sequence folders at its root, as the evaluation server wants it;</li>
 * <li>TrackingNet ({@code trackingnet}): {@code <seq>.txt}, zipped as {@code <tracker>.zip} with the files at its
 * root, as the evaluation server wants it;</li>
 * <li>LaSOT ({@code lasot}): {@code <seq>.txt}, read by LaSOT's offline toolkit; no zip.</li>
 * </ul>
 */
public enum SubmissionFormat {
    GOT10K("got10k", true),
    TRACKINGNET("trackingnet", true),
    LASOT("lasot", false);

    private final String id;
    private final boolean zipped;

    SubmissionFormat(String id, boolean zipped) {
        this.id = id;
        this.zipped = zipped;
    }

    public String id() {
        return id;
    }

    /**
     * The format named {@code text} (as in {@code --format}).
     *
     * @throws IllegalArgumentException naming the formats there are
     */
    public static SubmissionFormat parse(String text) {
        for (SubmissionFormat f : values()) {
            if (f.id.equals(text.strip().toLowerCase(Locale.ROOT))) {
                return f;
            }
        }
        throw new IllegalArgumentException("--format " + text + ": unknown result format (formats: "
                + Arrays.stream(values()).map(SubmissionFormat::id).collect(Collectors.joining(", ")) + ")");
    }

    /** The folder of one tracker's results in this format. */
    public Path folder(Path reportDir, String trackerLabel) {
        return reportDir.resolve(id).resolve(Evaluator.fileName(trackerLabel));
    }

    /** The zip the evaluation server takes, or null for a format scored offline. */
    public Path zip(Path reportDir, String trackerLabel) {
        return zipped ? reportDir.resolve(id).resolve(Evaluator.fileName(trackerLabel) + ".zip") : null;
    }

    /** The files of one sequence, relative to the tracker's folder (as in the zip). */
    List<String> files(String sequence) {
        String name = Evaluator.fileName(sequence);
        return this == GOT10K ? List.of(name + "/" + name + "_001.txt", name + "/" + name + "_time.txt")
                : List.of(name + ".txt");
    }

    /**
     * Writes one tracker's results on one sequence.
     *
     * @param boxes   the box of every frame, as the OTB file holds it ({@link Box#ABSENT} where none)
     * @param seconds the tracker's time on every frame, init included
     */
    void write(Path reportDir, String trackerLabel, String sequence, List<Box> boxes, double[] seconds)
            throws IOException {
        Path folder = folder(reportDir, trackerLabel);
        List<String> files = files(sequence);
        Path boxFile = folder.resolve(files.get(0));
        Files.createDirectories(boxFile.getParent());
        try (BufferedWriter w = Files.newBufferedWriter(boxFile, StandardCharsets.UTF_8)) {
            for (Box b : boxes) {
                Box box = b.isAbsent() ? new Box(0, 0, 0, 0) : b;
                w.write(String.format(Locale.ROOT, "%.3f,%.3f,%.3f,%.3f", box.x(), box.y(), box.w(), box.h()));
                w.newLine();
            }
        }
        if (this == GOT10K) {
            try (BufferedWriter w = Files.newBufferedWriter(folder.resolve(files.get(1)), StandardCharsets.UTF_8)) {
                for (int i = 0; i < boxes.size(); i++) {
                    w.write(String.format(Locale.ROOT, "%.8f", seconds[i]));
                    w.newLine();
                }
            }
        }
    }

    /** Zips the sequences' files for the evaluation server (formats scored offline have no zip). */
    void pack(Path reportDir, String trackerLabel, List<String> sequences) throws IOException {
        Path zip = zip(reportDir, trackerLabel);
        if (zip == null) {
            return;
        }
        Path folder = folder(reportDir, trackerLabel);
        Path tmp = zip.resolveSibling(zip.getFileName() + ".tmp");
        try (OutputStream file = Files.newOutputStream(tmp); ZipOutputStream out = new ZipOutputStream(file)) {
            for (String sequence : sequences) {
                for (String entry : files(sequence)) {
                    out.putNextEntry(new ZipEntry(entry));
                    Files.copy(folder.resolve(entry), out);
                    out.closeEntry();
                }
            }
        }
        Files.move(tmp, zip, StandardCopyOption.REPLACE_EXISTING);
    }
}
