package dev.siamtrack.batch;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A batch manifest: CSV with the header {@code video,id,frame,x,y,w,h}, one row per target, several targets
 * per video allowed; video paths relative to the manifest's folder. Rows that cannot be used are kept as
 * {@link #problems()} so the rest of the manifest still runs.
 */
public final class Manifest {

    public static final String HEADER = "video,id,frame,x,y,w,h";

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
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ManifestException(file + ": not readable (" + e.getMessage() + ")");
        }
        if (lines.isEmpty() || !header(lines.get(0)).equals(HEADER)) {
            throw new ManifestException(file + ": the first line must be the header " + HEADER
                    + (lines.isEmpty() ? " (the file is empty)" : ", got '" + lines.get(0).strip() + "'"));
        }
        Path base = file.toAbsolutePath().getParent();
        Map<String, List<TargetSpec>> targets = new LinkedHashMap<>();
        Map<String, Integer> firstLine = new HashMap<>();
        List<Problem> problems = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty()) {
                continue;
            }
            int number = i + 1;
            String[] f = line.split(",", -1);
            String video = f[0].strip();
            if (f.length != 7) {
                problems.add(new Problem(number, video, "expected 7 fields " + HEADER + ", got " + f.length));
                continue;
            }
            String reason = rowProblem(f);
            List<TargetSpec> ofVideo = targets.get(video);
            if (reason == null && ofVideo != null && ofVideo.stream().anyMatch(t -> t.id().equals(f[1].strip()))) {
                reason = "target id '" + f[1].strip() + "' appears twice for this video";
            }
            if (reason != null) {
                problems.add(new Problem(number, video, reason));
                continue;
            }
            targets.computeIfAbsent(video, v -> new ArrayList<>()).add(new TargetSpec(f[1].strip(),
                    Integer.parseInt(f[2].strip()), Double.parseDouble(f[3].strip()), Double.parseDouble(f[4].strip()),
                    Double.parseDouble(f[5].strip()), Double.parseDouble(f[6].strip())));
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

    private static String header(String line) {
        return line.replace("\uFEFF", "").replace(" ", "").strip().toLowerCase(Locale.ROOT);
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
        if (id.contains("\"")) {
            return "the target id must not contain quotes";
        }
        int frame;
        try {
            frame = Integer.parseInt(f[2].strip());
        } catch (NumberFormatException e) {
            return "frame '" + f[2].strip() + "' is not a whole number";
        }
        if (frame < 0) {
            return "frame " + frame + " is negative";
        }
        String[] names = {"x", "y", "w", "h"};
        double[] v = new double[4];
        for (int k = 0; k < 4; k++) {
            try {
                v[k] = Double.parseDouble(f[3 + k].strip());
            } catch (NumberFormatException e) {
                return names[k] + " '" + f[3 + k].strip() + "' is not a number";
            }
            if (!Double.isFinite(v[k])) {
                return names[k] + " must be a finite number";
            }
        }
        if (!(v[2] > 0) || !(v[3] > 0)) {
            return "the box width and height must be positive";
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
