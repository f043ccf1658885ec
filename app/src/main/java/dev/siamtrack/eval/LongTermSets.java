package dev.siamtrack.eval;

import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.siamtrack.geom.Box;
import dev.siamtrack.video.ImageFolderSource;
import dev.siamtrack.video.SourceException;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * Turns OTB-layout sequences into long-term ones: at a few cut points, {@code gap} frames of a sequence are
 * replaced by frames of another sequence resized to the same size (ground truth NaN: the target is away);
 * the original resumes {@code gap} frames later, so the target has moved on as after a real exit.
 *
 * <p>Every cut has at least {@code minRun} frames with the target before it, and the last one has as many
 * after it. The same sources, options and seed always give the same set. Filler sequences whose name shares
 * the stem before a trailing {@code -N} with the sequence (Jogging-1 / Jogging-2: the same video) are never
 * used, since they show the sequence's own target.
 */
public final class LongTermSets {

    public record Options(int gap, int cuts, int minRun, long seed) {
        public Options {
            if (gap < 1 || cuts < 1 || minRun < 1) {
                throw new IllegalArgumentException("--gap, --cuts and --min-run must be at least 1");
            }
        }
    }

    /** One OTB sequence folder: its images in frame order and one ground-truth box per image. */
    public record Source(String name, List<Path> images, List<Box> truth) {
    }

    /** One stretch of absent frames: output frames first..last (0-based, inclusive) show {@code filler}'s frames from fillerFirst. */
    public record Cut(int first, int last, String filler, int fillerFirst) {
    }

    /** What was written for one sequence. */
    public record Made(String name, int frames, List<Cut> cuts) {
    }

    /** What a build wrote, and the sequences it left out with the reason. */
    public record Result(List<Made> made, List<Datasets.Skipped> skipped) {
    }

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private LongTermSets() {
    }

    /**
     * Reads the OTB sequences ({@code NAME/img/} + {@code NAME/groundtruth_rect.txt}) directly under
     * {@code root}; fails when fewer than two are usable (a cut needs another sequence's frames).
     */
    public static List<Source> sources(Path root) throws IOException {
        if (!Files.isDirectory(root)) {
            throw new IllegalArgumentException("source directory not found: " + root);
        }
        List<Source> sources = new ArrayList<>();
        try (Stream<Path> entries = Files.list(root)) {
            for (Path dir : entries.sorted().toList()) {
                Path truthFile = dir.resolve("groundtruth_rect.txt");
                if (!Files.isDirectory(dir.resolve("img")) || !Files.isRegularFile(truthFile)) {
                    continue;
                }
                List<Box> truth = GroundTruth.read(truthFile);
                List<Path> images;
                try {
                    images = ImageFolderSource.listImages(dir.resolve("img"));
                } catch (SourceException e) {
                    throw new IOException(e.getMessage(), e);
                }
                int frames = Math.min(truth.size(), images.size());
                if (frames > 0) {
                    sources.add(new Source(dir.getFileName().toString(), List.copyOf(images.subList(0, frames)),
                            List.copyOf(truth.subList(0, frames))));
                }
            }
        }
        if (sources.size() < 2) {
            throw new IllegalArgumentException("need at least two OTB-layout sequences (NAME/img/ +"
                    + " NAME/groundtruth_rect.txt) in " + root + ", found " + sources.size());
        }
        return sources;
    }

    /** Checks the sources, that one of them can be cut, and that {@code out} is new or empty; creates nothing. */
    public static List<Source> validate(Path root, Path out, Options o) throws IOException {
        List<Source> sources = sources(root);
        boolean cuttable = sources.stream().anyMatch(s -> s.truth().size() >= 2 * o.minRun() + o.gap()
                && sources.stream().anyMatch(f -> !stem(f.name()).equals(stem(s.name()))));
        if (!cuttable) {
            throw new IllegalArgumentException("no sequence in " + root + " has the " + (2 * o.minRun() + o.gap())
                    + " frames a gap of " + o.gap() + " with " + o.minRun() + " frames around it needs");
        }
        if (Files.exists(out)) {
            if (!Files.isDirectory(out)) {
                throw new IllegalArgumentException("output " + out + " exists and is not a directory");
            }
            try (Stream<Path> s = Files.list(out)) {
                if (s.findAny().isPresent()) {
                    throw new IllegalArgumentException("output directory " + out + " is not empty");
                }
            }
        }
        if (root.toAbsolutePath().normalize().equals(out.toAbsolutePath().normalize())) {
            throw new IllegalArgumentException("output directory must differ from the source directory");
        }
        return sources;
    }

    /** Where the cuts of a sequence of {@code frames} frames go; empty when it is too short for one. */
    static List<int[]> cutPoints(int frames, Options o, Random random) {
        int fit = (frames - o.minRun()) / (o.gap() + o.minRun());
        int count = Math.min(o.cuts(), fit);
        List<int[]> cuts = new ArrayList<>();
        if (count <= 0) {
            return cuts;
        }
        // The slack beyond the minimum runs is shared at random among the count + 1 runs with the target.
        int slack = frames - o.minRun() - count * (o.gap() + o.minRun());
        int[] extra = new int[count + 1];
        for (int i = 0; i < slack; i++) {
            extra[random.nextInt(count + 1)]++;
        }
        int start = 0;
        for (int k = 0; k < count; k++) {
            start += o.minRun() + extra[k];
            cuts.add(new int[] {start, start + o.gap() - 1});
            start += o.gap();
        }
        return cuts;
    }

    /** Builds the long-term set; {@code progress} hears each sequence's name as it starts. */
    public static Result build(List<Source> sources, Path out, Options o, Consumer<String> progress)
            throws IOException {
        Files.createDirectories(out);
        List<Made> made = new ArrayList<>();
        List<Datasets.Skipped> skipped = new ArrayList<>();
        for (Source s : sources) {
            Random random = new Random(o.seed() * 1_000_003L + s.name().hashCode());
            List<int[]> points = cutPoints(s.truth().size(), o, random);
            List<Source> fillers = sources.stream().filter(f -> !stem(f.name()).equals(stem(s.name()))).toList();
            if (points.isEmpty() || fillers.isEmpty()) {
                skipped.add(new Datasets.Skipped(s.name(), points.isEmpty()
                        ? s.truth().size() + " frames: too short for a gap of " + o.gap() + " with " + o.minRun()
                        + " frames of target around it" : "no other sequence to take frames from"));
                continue;
            }
            progress.accept(s.name());
            made.add(write(s, points, fillers, out.resolve(s.name()), random));
        }
        Map<String, Object> manifest = new LinkedHashMap<>();
        manifest.put("options", ordered("gap", o.gap(), "cuts", o.cuts(), "min_run", o.minRun(), "seed", o.seed()));
        List<Object> sequences = new ArrayList<>();
        for (Made m : made) {
            List<Object> cuts = new ArrayList<>();
            for (Cut c : m.cuts()) {
                cuts.add(ordered("first_frame", c.first() + 1, "last_frame", c.last() + 1, "filler", c.filler(),
                        "filler_first_frame", c.fillerFirst() + 1));
            }
            sequences.add(ordered("name", m.name(), "frames", m.frames(), "absent", cuts));
        }
        manifest.put("sequences", sequences);
        manifest.put("frame_numbers", "1-based, inclusive; the original's frames under each absent stretch are dropped");
        Files.writeString(out.resolve("longterm.json"), JSON.writeValueAsString(manifest) + "\n", StandardCharsets.UTF_8);
        return new Result(made, skipped);
    }

    private static Made write(Source s, List<int[]> points, List<Source> fillers, Path dir, Random random)
            throws IOException {
        Path img = Files.createDirectories(dir.resolve("img"));
        int n = s.truth().size();
        List<Cut> cuts = new ArrayList<>();
        int width;
        int height;
        try (Mat first = opencv_imgcodecs.imread(s.images().get(0).toString(), opencv_imgcodecs.IMREAD_COLOR)) {
            if (first.empty()) {
                throw new IOException("cannot read image " + s.images().get(0));
            }
            width = first.cols();
            height = first.rows();
        }
        try (BufferedWriter truth = Files.newBufferedWriter(dir.resolve("groundtruth_rect.txt"), StandardCharsets.UTF_8);
             Mat resized = new Mat(); Size size = new Size(width, height)) {
            int cut = 0;
            for (int i = 0; i < n; i++) {
                Path target = img.resolve(String.format(Locale.ROOT, "%04d.jpg", i + 1));
                if (cut < points.size() && i == points.get(cut)[0]) {
                    Source f = fillers.get(random.nextInt(fillers.size()));
                    cuts.add(new Cut(i, points.get(cut)[1], f.name(), random.nextInt(f.images().size())));
                }
                Cut current = cuts.isEmpty() ? null : cuts.get(cuts.size() - 1);
                if (current != null && i >= current.first() && i <= current.last()) {
                    Source f = fillers.stream().filter(x -> x.name().equals(current.filler())).findFirst().orElseThrow();
                    Path source = f.images().get((current.fillerFirst() + i - current.first()) % f.images().size());
                    // A fresh Mat per image: imread into a Mat of another size fails in OpenCV 4.13.
                    try (Mat filler = opencv_imgcodecs.imread(source.toString(), opencv_imgcodecs.IMREAD_COLOR)) {
                        if (filler.empty()) {
                            throw new IOException("cannot read image " + source);
                        }
                        resize(filler, resized, size, 0, 0, INTER_AREA);
                    }
                    if (!opencv_imgcodecs.imwrite(target.toString(), resized)) {
                        throw new IOException("cannot write " + target);
                    }
                    truth.write("NaN,NaN,NaN,NaN");
                    if (i == current.last()) {
                        cut++;
                    }
                } else {
                    // JPEG files are copied, not re-encoded: frames with the target stay bit-identical.
                    Path original = s.images().get(i);
                    if (original.getFileName().toString().toLowerCase(Locale.ROOT).matches(".*\\.jpe?g")) {
                        Files.copy(original, target, StandardCopyOption.REPLACE_EXISTING);
                    } else {
                        try (Mat m = opencv_imgcodecs.imread(original.toString(), opencv_imgcodecs.IMREAD_COLOR)) {
                            opencv_imgcodecs.imwrite(target.toString(), m);
                        }
                    }
                    Box b = s.truth().get(i);
                    truth.write(b.isAbsent() ? "NaN,NaN,NaN,NaN" : b.toCsv());
                }
                truth.newLine();
            }
        }
        return new Made(s.name(), n, List.copyOf(cuts));
    }

    /** A JSON object with its keys in the order given: key, value, key, value... */
    private static Map<String, Object> ordered(Object... keyValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            map.put((String) keyValues[i], keyValues[i + 1]);
        }
        return map;
    }

    /** A sequence name without a trailing {@code -N}: Jogging-1 and Jogging-2 share the stem Jogging. */
    static String stem(String name) {
        return name.replaceFirst("-\\d+$", "");
    }
}
