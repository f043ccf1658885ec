package dev.siamtrack.batch;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import dev.siamtrack.geom.Box;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A batch manifest: CSV (RFC 4180: fields may be quoted, {@code "a, b.mp4"}, with {@code ""} for a quote) with
 * the header {@code video,id,frame,x,y,w,h}, one row per target, several targets per video allowed; video paths
 * relative to the manifest's folder. Target ids follow the service's rule (1 to 32 letters, digits, {@code -}
 * or {@code _}). Rows that cannot be used are kept as {@link #problems()} so the rest of the manifest still runs.
 */
public final class Manifest {

    public static final String HEADER = "video,id,frame,x,y,w,h";
    /** The ids the service accepts, so that an id is safe in file names, reports and URLs alike. */
    public static final Pattern TARGET_ID = Pattern.compile("[A-Za-z0-9_-]{1,32}");
    private static final CsvMapper CSV = new CsvMapper();

    /** A row that was left out, and why. */
    public record Problem(int line, String video, String reason) {
        public String describe() {
            return "manifest line " + line + (video.isEmpty() ? "" : " (" + video + ")") + ": " + reason;
        }
    }

    private final Path file;
    private final List<VideoTask> videos;
    private final List<Problem> problems;

    private Manifest(Path file, List<VideoTask> videos, List<Problem> problems) {
        this.file = file;
        this.videos = List.copyOf(videos);
        this.problems = List.copyOf(problems);
    }

    public Path file() {
        return file;
    }

    /** The videos to run, in the order they first appear. */
    public List<VideoTask> videos() {
        return videos;
    }

    public List<Problem> problems() {
        return problems;
    }

    public static Manifest read(Path file) throws ManifestException {
        if (!Files.isRegularFile(file)) {
            throw new ManifestException(file + ": no such manifest file");
        }
        List<Record> records = records(file);
        if (records.isEmpty() || !header(records.get(0).fields()).equals(HEADER)) {
            throw new ManifestException(file + ": the first line must be the header " + HEADER
                    + (records.isEmpty() ? " (the file is empty)"
                    : ", got '" + String.join(",", records.get(0).fields()).strip() + "'"));
        }
        Path base = file.toAbsolutePath().getParent();
        Map<String, List<TargetSpec>> targets = new LinkedHashMap<>();
        Map<String, Integer> firstLine = new HashMap<>();
        List<Problem> problems = new ArrayList<>();
        for (Record record : records.subList(1, records.size())) {
            String[] f = record.fields().stream().map(String::strip).toArray(String[]::new);
            if (Arrays.stream(f).allMatch(String::isEmpty)) {
                continue;
            }
            int number = record.line();
            String video = f[0];
            if (f.length != 7) {
                problems.add(new Problem(number, video, "expected 7 fields " + HEADER + ", got " + f.length));
                continue;
            }
            String reason = rowProblem(f);
            List<TargetSpec> ofVideo = targets.get(video);
            if (reason == null && ofVideo != null && ofVideo.stream().anyMatch(t -> t.id().equals(f[1]))) {
                reason = "target id '" + f[1] + "' appears twice for this video";
            }
            if (reason != null) {
                problems.add(new Problem(number, video, reason));
                continue;
            }
            targets.computeIfAbsent(video, v -> new ArrayList<>()).add(new TargetSpec(f[1],
                    Integer.parseInt(f[2]), Double.parseDouble(f[3]), Double.parseDouble(f[4]),
                    Double.parseDouble(f[5]), Double.parseDouble(f[6])));
            firstLine.putIfAbsent(video, number);
        }
        List<VideoTask> videos = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (Map.Entry<String, List<TargetSpec>> e : targets.entrySet()) {
            String video = e.getKey();
            String name = outputName(video);
            if (!names.add(name.toLowerCase(Locale.ROOT))) {
                problems.add(new Problem(firstLine.get(video), video,
                        "its output name '" + name + "' is taken by another video of the manifest; rename or move one"));
                continue;
            }
            videos.add(new VideoTask(video, base.resolve(video).normalize().toString(), name, firstLine.get(video),
                    e.getValue()));
        }
        problems.sort((a, b) -> Integer.compare(a.line(), b.line()));
        return new Manifest(file, videos, problems);
    }

    /** One CSV record and the line it starts on. */
    private record Record(int line, List<String> fields) {
    }

    private static List<Record> records(Path file) throws ManifestException {
        List<Record> records = new ArrayList<>();
        int lastLine = 0;
        try (MappingIterator<List<String>> it = CSV.readerForListOf(String.class)
                .with(CsvParser.Feature.WRAP_AS_ARRAY).readValues(Files.readString(file, StandardCharsets.UTF_8))) {
            while (it.hasNextValue()) {
                List<String> fields = it.nextValue();
                // A quoted field may span lines: the record starts on the line after the previous one ended.
                records.add(new Record(lastLine + 1, fields));
                lastLine = (int) it.getParser().currentTokenLocation().getLineNr();
            }
        } catch (JsonProcessingException e) {
            throw new ManifestException(file + ": line " + (lastLine + 1) + ": not CSV: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new ManifestException(file + ": not readable (" + e.getMessage() + ")");
        }
        return records;
    }

    private static String header(List<String> fields) {
        return String.join(",", fields).replace("\uFEFF", "").replace(" ", "").strip().toLowerCase(Locale.ROOT);
    }

    private static String rowProblem(String[] f) {
        if (f[0].isBlank()) {
            return "the video is empty";
        }
        Path video;
        try {
            video = Path.of(f[0].strip()).normalize();
        } catch (InvalidPathException e) {
            return "the video is not a valid path (" + e.getReason() + ")";
        }
        // "/", "." or ".." name no file, and the outputs are named after the file
        Path file = video.getFileName();
        if (file == null || file.toString().isEmpty() || file.toString().equals("..")) {
            return "the video '" + f[0].strip() + "' names no file";
        }
        String id = f[1].strip();
        if (id.isEmpty()) {
            return "the target id is empty";
        }
        if (!TARGET_ID.matcher(id).matches()) {
            return "target id '" + id + "' must be 1 to 32 letters, digits, '-' or '_'";
        }
        int frame;
        try {
            frame = Integer.parseInt(f[2]);
        } catch (NumberFormatException e) {
            return "frame '" + f[2] + "' is not a whole number";
        }
        if (frame < 0) {
            return "frame " + frame + " is negative";
        }
        String[] names = {"x", "y", "w", "h"};
        double[] v = new double[4];
        for (int k = 0; k < 4; k++) {
            try {
                v[k] = Double.parseDouble(f[3 + k]);
            } catch (NumberFormatException e) {
                return names[k] + " '" + f[3 + k] + "' is not a number";
            }
            if (!Double.isFinite(v[k])) {
                return names[k] + " must be a finite number";
            }
        }
        if (!(v[2] > 0) || !(v[3] > 0)) {
            return "the box width and height must be positive";
        }
        if (v[2] < Box.MIN_SIDE || v[3] < Box.MIN_SIDE) {
            return "the box is smaller than one pixel (w and h must be at least " + (int) Box.MIN_SIDE + ")";
        }
        return null;
    }

    /**
     * The video's path without extension, so outputs mirror the archive's folders; a path outside the
     * manifest's folder (absolute or through {@code ..}) keeps only its file name.
     */
    static String outputName(String video) {
        Path p = Path.of(video).normalize();
        if (p.isAbsolute() || p.startsWith("..")) {
            p = p.getFileName();
        }
        String name = p.toString().replace('\\', '/');
        int slash = name.lastIndexOf('/');
        int dot = name.lastIndexOf('.');
        return dot > slash + 1 ? name.substring(0, dot) : name;
    }
}
