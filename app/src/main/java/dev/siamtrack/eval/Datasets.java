package dev.siamtrack.eval;

import dev.siamtrack.geom.Box;
import dev.siamtrack.video.FFmpegFrameSource;
import dev.siamtrack.video.ImageFolderSource;
import dev.siamtrack.video.SourceException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Finds the sequences under a dataset folder, recognising each one's layout:
 * <ul>
 * <li>OTB: {@code Name/img/*.jpg} + {@code groundtruth_rect.txt} (or {@code groundtruth_rect.1.txt}, {@code .2.txt}
 * for several targets, evaluated as {@code Name-1}, {@code Name-2});</li>
 * <li>GOT-10k: images in the sequence folder + {@code groundtruth.txt} + {@code absence.label};</li>
 * <li>VOT: {@code groundtruth.txt} of 8-number polygons, images in {@code color/} or the folder;</li>
 * <li>LaSOT: {@code img/} + {@code groundtruth.txt} + {@code full_occlusion.txt} / {@code out_of_view.txt}
 * (category folders such as {@code airplane/airplane-1} are searched one level down);</li>
 * <li>a video file with a sidecar ground truth of the same name: {@code clip.mp4} + {@code clip.txt}.</li>
 * </ul>
 * A folder that cannot be read is reported as skipped, never fatal.
 */
public final class Datasets {

    /** What a scan found: the readable sequences, sorted by name, and the skipped entries with reasons. */
    public record Scan(List<Sequence> sequences, List<Skipped> skipped) {
    }

    public record Skipped(String name, String reason) {
    }

    private static final Set<String> VIDEO_EXTENSIONS = Set.of("mp4", "avi", "mov", "mkv", "webm", "m4v", "mpg", "mpeg");
    private static final Pattern OTB_TRUTH = Pattern.compile("groundtruth_rect(?:\\.(\\d+))?\\.txt");

    private Datasets() {
    }

    /** Scans {@code root}: either a single sequence folder or a folder of sequences. */
    public static Scan scan(Path root) throws IOException {
        List<Sequence> found = new ArrayList<>();
        List<Skipped> skipped = new ArrayList<>();
        if (isSequenceFolder(root)) {
            readFolder(root, found, skipped);
        } else {
            for (Path entry : list(root)) {
                scanEntry(entry, true, found, skipped);
            }
        }
        Set<String> names = new HashSet<>();
        List<Sequence> unique = new ArrayList<>();
        for (Sequence s : found) {
            if (names.add(s.name())) {
                unique.add(s);
            } else {
                skipped.add(new Skipped(s.name(), "a sequence of the same name was already found"));
            }
        }
        unique.sort(Comparator.comparing(Sequence::name));
        return new Scan(List.copyOf(unique), List.copyOf(skipped));
    }

    private static void scanEntry(Path entry, boolean descend, List<Sequence> found, List<Skipped> skipped)
            throws IOException {
        String fileName = entry.getFileName().toString();
        if (Files.isDirectory(entry)) {
            if (isSequenceFolder(entry)) {
                readFolder(entry, found, skipped);
                return;
            }
            int before = found.size() + skipped.size();
            if (descend) {
                for (Path child : list(entry)) {
                    if (Files.isDirectory(child) || isVideo(child)) {
                        scanEntry(child, false, found, skipped);
                    }
                }
            }
            if (found.size() + skipped.size() == before) {
                skipped.add(new Skipped(fileName, "no known sequence layout (OTB, GOT-10k, VOT, LaSOT, video + .txt)"));
            }
        } else if (isVideo(entry)) {
            Path sidecar = entry.resolveSibling(stem(fileName) + ".txt");
            if (!Files.isRegularFile(sidecar)) {
                skipped.add(new Skipped(stem(fileName), "video without a ground-truth file " + sidecar.getFileName()));
                return;
            }
            try {
                List<Box> truth = GroundTruth.read(sidecar);
                found.add(new Sequence(stem(fileName), "video", List.copyOf(truth),
                        () -> new FFmpegFrameSource(entry), List.of()));
            } catch (IOException e) {
                skipped.add(new Skipped(stem(fileName), e.getMessage()));
            }
        }
    }

    private static boolean isSequenceFolder(Path dir) throws IOException {
        if (Files.isRegularFile(dir.resolve("groundtruth.txt"))) {
            return true;
        }
        return Files.isDirectory(dir.resolve("img")) && !otbTruthFiles(dir).isEmpty();
    }

    private static void readFolder(Path dir, List<Sequence> found, List<Skipped> skipped) throws IOException {
        String name = dir.toAbsolutePath().normalize().getFileName().toString();
        List<Path> otb = otbTruthFiles(dir);
        if (Files.isDirectory(dir.resolve("img")) && !otb.isEmpty()) {
            for (Path truthFile : otb) {
                Matcher m = OTB_TRUTH.matcher(truthFile.getFileName().toString());
                m.matches();
                String seqName = m.group(1) == null ? name : name + "-" + m.group(1);
                add(seqName, "OTB", truthFile, dir.resolve("img"), null, found, skipped);
            }
            return;
        }
        Path truthFile = dir.resolve("groundtruth.txt");
        boolean[] absence = GroundTruth.readFlags(dir.resolve("absence.label"));
        boolean[] occlusion = GroundTruth.readFlags(dir.resolve("full_occlusion.txt"));
        boolean[] outOfView = GroundTruth.readFlags(dir.resolve("out_of_view.txt"));
        if (occlusion != null || outOfView != null) {
            add(name, "LaSOT", truthFile, imageFolder(dir), or(occlusion, outOfView), found, skipped);
        } else if (isPolygonFile(truthFile)) {
            add(name, "VOT", truthFile, imageFolder(dir), null, found, skipped);
        } else {
            add(name, "GOT-10k", truthFile, imageFolder(dir), absence, found, skipped);
        }
    }

    private static void add(String name, String layout, Path truthFile, Path imageDir, boolean[] absent,
                            List<Sequence> found, List<Skipped> skipped) throws IOException {
        List<Box> truth;
        try {
            truth = new ArrayList<>(GroundTruth.read(truthFile));
        } catch (IOException e) {
            skipped.add(new Skipped(name, e.getMessage()));
            return;
        }
        GroundTruth.markAbsent(truth, absent);
        List<Path> images;
        try {
            images = ImageFolderSource.listImages(imageDir);
        } catch (SourceException e) {
            skipped.add(new Skipped(name, e.getMessage()));
            return;
        }
        if (images.isEmpty()) {
            skipped.add(new Skipped(name, "no images in " + imageDir));
            return;
        }
        if (truth.isEmpty() || (truth.size() == 1 && images.size() > 1)) {
            skipped.add(new Skipped(name, "ground truth has " + truth.size() + " box(es) for " + images.size()
                    + " images (a test split without annotations?)"));
            return;
        }
        List<String> warnings = new ArrayList<>();
        int frames = Math.min(truth.size(), images.size());
        if (truth.size() != images.size()) {
            warnings.add(name + ": " + images.size() + " images but " + truth.size()
                    + " ground-truth boxes; evaluated the first " + frames + " frames");
        }
        List<Path> used = List.copyOf(images.subList(0, frames));
        found.add(new Sequence(name, layout, List.copyOf(truth.subList(0, frames)),
                () -> new ImageFolderSource(used, imageDir), List.copyOf(warnings)));
    }

    private static Path imageFolder(Path dir) {
        for (String sub : List.of("img", "color")) {
            if (Files.isDirectory(dir.resolve(sub))) {
                return dir.resolve(sub);
            }
        }
        return dir;
    }

    private static List<Path> otbTruthFiles(Path dir) throws IOException {
        List<Path> files = new ArrayList<>();
        for (Path p : list(dir)) {
            if (Files.isRegularFile(p) && OTB_TRUTH.matcher(p.getFileName().toString()).matches()) {
                files.add(p);
            }
        }
        return files;
    }

    private static boolean isPolygonFile(Path truthFile) throws IOException {
        try (Stream<String> lines = Files.lines(truthFile)) {
            return lines.map(String::trim).filter(l -> !l.isEmpty()).findFirst()
                    .map(l -> l.split("[,\\s]+").length == 8).orElse(false);
        }
    }

    /** Directory entries sorted by name. */
    private static List<Path> list(Path dir) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.sorted().toList();
        }
    }

    private static boolean isVideo(Path p) {
        String n = p.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot > 0 && Files.isRegularFile(p) && VIDEO_EXTENSIONS.contains(n.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    private static String stem(String fileName) {
        int dot = fileName.lastIndexOf('.');
        return dot > 0 ? fileName.substring(0, dot) : fileName;
    }

    private static boolean[] or(boolean[] a, boolean[] b) {
        if (a == null || b == null) {
            return a == null ? b : a;
        }
        boolean[] r = new boolean[Math.max(a.length, b.length)];
        for (int i = 0; i < r.length; i++) {
            r[i] = (i < a.length && a[i]) || (i < b.length && b[i]);
        }
        return r;
    }
}
