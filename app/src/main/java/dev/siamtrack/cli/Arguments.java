package dev.siamtrack.cli;

import dev.siamtrack.geom.Box;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Pattern;
import picocli.CommandLine;

/**
 * How every command reads and checks numbers, boxes, thread counts and output paths, so that the same text
 * means the same everywhere ({@code NaN}, {@code Infinity}, hex and Java suffixes such as {@code 1d} are not
 * numbers), and every check runs before any output file is created.
 */
final class Arguments {

    /** Plain decimal notation: digits, an optional fraction and an optional exponent. */
    private static final Pattern DECIMAL = Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?");

    private Arguments() {
    }

    /** Registers the strict number parser for every floating-point option and parameter of {@code cli}. */
    static void register(CommandLine cli) {
        CommandLine.ITypeConverter<Double> strict = text -> {
            try {
                return number(text);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        };
        cli.registerConverter(Double.class, strict);
        cli.registerConverter(double.class, strict);
    }

    /** A finite number in plain decimal notation. */
    static double number(String text) {
        String t = text.strip();
        if (!DECIMAL.matcher(t).matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a number");
        }
        double v = Double.parseDouble(t);
        if (!Double.isFinite(v)) {
            throw new IllegalArgumentException("'" + text + "' is too large");
        }
        return v;
    }

    /**
     * {@code x,y,w,h} (commas or spaces), each a finite number; errors start with {@code origin} (the option and
     * its text, or {@code file:line}). Whether the box fits is {@link Box#checkInside}'s rule, applied where the
     * frame size is known.
     */
    static Box box(String origin, String text) {
        String[] parts = text.strip().split("[,\\s]+");
        if (parts.length != 4) {
            throw new UserException(origin + ": expected 4 numbers x,y,w,h but got '" + text.strip() + "'");
        }
        return new Box(number(origin, parts[0]), number(origin, parts[1]), number(origin, parts[2]),
                number(origin, parts[3]));
    }

    /** {@link #number(String)} with its error as a one-line user mistake starting with {@code origin}. */
    static double number(String origin, String text) {
        try {
            return number(text);
        } catch (IllegalArgumentException e) {
            throw new UserException(origin + ": " + e.getMessage());
        }
    }

    /**
     * A thread count from 1 to the processors this JVM may use: more threads than cores only slow inference
     * down (16 on 2 cores: 12x slower) and 999 stall the machine.
     */
    static int threads(String option, int n) {
        int cores = Runtime.getRuntime().availableProcessors();
        if (n < 1 || n > cores) {
            throw new UserException(option + " " + n + ": must be from 1 to " + cores
                    + " (the processors available on this machine)");
        }
        return n;
    }

    /** A video output path: MP4 is the only container written. */
    static void checkVideoPath(String option, Path file) {
        if (file != null && !hasExtension(file, ".mp4", ".m4v")) {
            throw new UserException(option + " " + file + ": the video is written as MP4; name the file .mp4");
        }
        if (file != null) {
            checkWritable(option, file);
        }
    }

    /**
     * An output file can be created: its nearest existing folder is a writable folder (missing folders below it
     * are created when the file is written), and the file itself, if it exists, is a writable file.
     */
    static void checkWritable(String option, Path file) {
        Path absolute = file.toAbsolutePath();
        if (Files.isDirectory(absolute)) {
            throw new UserException(option + " " + file + ": is a folder, not a file");
        }
        if (Files.exists(absolute) && !Files.isWritable(absolute)) {
            throw new UserException(option + " " + file + ": not writable (check its permissions)");
        }
        Path folder = nearestExisting(absolute.getParent());
        if (folder != null && (!Files.isDirectory(folder) || !Files.isWritable(folder))) {
            throw new UserException(option + " " + file + ": not writable (" + folder
                    + (Files.isDirectory(folder) ? " is read-only)" : " is a file, not a folder)"));
        }
        if (folder != null && !Files.exists(absolute)) {
            probe(option, file, folder);
        }
    }

    /**
     * An output folder can be written: it is a writable folder, or missing with its nearest existing folder a
     * writable folder (it is created when written). Whether it must be new or empty is the command's rule.
     */
    static void checkWritableFolder(String option, Path dir) {
        Path absolute = dir.toAbsolutePath();
        if (Files.exists(absolute) && !Files.isDirectory(absolute)) {
            throw new UserException(option + " " + dir + ": is a file, not a folder");
        }
        Path folder = nearestExisting(absolute);
        if (folder == null) {
            return;
        }
        if (!Files.isDirectory(folder)) {
            throw new UserException(option + " " + dir + ": not writable (" + folder + " is a file, not a folder)");
        }
        if (!Files.isWritable(folder)) {
            throw new UserException(option + " " + dir + ": not writable (" + folder + " is read-only)");
        }
        probe(option, dir, folder);
    }

    /**
     * Creates and deletes a file in {@code folder}: permissions do not tell everything (root may "write" to
     * /proc, and a read-only mount looks writable), so the only sure check is to try before any real output.
     */
    private static void probe(String option, Path target, Path folder) {
        try {
            Files.delete(Files.createTempFile(folder, ".siamtrack-write-test", ".tmp"));
        } catch (IOException | RuntimeException e) {
            throw new UserException(option + " " + target + ": not writable (cannot create files in " + folder + ")");
        }
    }

    /**
     * An output file is not an input of the run: refused (a user mistake) when {@code output} is the same file
     * as {@code input} (their real paths, or the same file through a hard link), or lies inside {@code input}
     * when that is a folder (an image folder read as the frames). {@code input} names no existing file: nothing
     * to protect (a camera or stream URL as the source).
     *
     * @param what the input in the message, e.g. {@code "SOURCE"} or {@code "--targets file"}
     */
    static void checkNotInput(String option, Path output, String what, String input) {
        if (output == null || input == null) {
            return;
        }
        Path in;
        try {
            in = Path.of(input);
        } catch (InvalidPathException e) {
            return;
        }
        if (!Files.exists(in)) {
            return;
        }
        Path realIn = realPath(in);
        Path realOut = realPath(output);
        boolean same = realOut.equals(realIn);
        try {
            same = same || (Files.exists(output) && Files.isSameFile(output, in));
        } catch (IOException e) {
            // not comparable: the real paths decide
        }
        if (same) {
            throw new UserException(option + " " + output + ": is the " + what + " " + input
                    + "; writing it would overwrite the input (choose another file)");
        }
        if (Files.isDirectory(realIn) && realOut.startsWith(realIn)) {
            throw new UserException(option + " " + output + ": lies inside the " + what + " folder " + input
                    + ", which the run reads; write the outputs elsewhere");
        }
    }

    /** {@code path} or its nearest ancestor that exists; null when none does (or {@code path} is null). */
    static Path nearestExisting(Path path) {
        Path p = path;
        while (p != null && !Files.exists(p)) {
            p = p.getParent();
        }
        return p;
    }

    /**
     * The real path of a file that may not exist yet: the real path of its nearest existing folder (symbolic
     * links resolved) followed by the missing rest.
     */
    static Path realPath(Path file) {
        Path absolute = file.toAbsolutePath().normalize();
        Path existing = nearestExisting(absolute);
        if (existing == null) {
            return absolute;
        }
        try {
            return existing.toRealPath().resolve(existing.relativize(absolute)).normalize();
        } catch (IOException e) {
            return absolute;
        }
    }

    /** An image output path: PNG is the only format written. */
    static void checkPngPath(String option, Path file) {
        if (file != null && !hasExtension(file, ".png")) {
            throw new UserException(option + " " + file + ": the image is written as PNG; name the file .png");
        }
    }

    private static boolean hasExtension(Path file, String... extensions) {
        Path name = file.getFileName();
        String n = name == null ? "" : name.toString().toLowerCase(Locale.ROOT);
        for (String e : extensions) {
            if (n.endsWith(e) && n.length() > e.length()) {
                return true;
            }
        }
        return false;
    }
}
