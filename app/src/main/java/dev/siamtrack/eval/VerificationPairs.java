package dev.siamtrack.eval;

import dev.siamtrack.geom.Box;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.IntStream;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Same/different pairs of target crops for calibrating verification, built from OTB sequences, and their
 * CSV file: {@code a,ax,ay,aw,ah,b,bx,by,bw,bh,same,kind} with image paths relative to the CSV's folder.
 *
 * <p>Per sequence, the anchor is the target in the first third of the sequence; {@code same} pairs take the
 * target in the last third (far apart in time); {@code other-target} pairs take another sequence's target;
 * {@code background} pairs take a crop of the target's size from the last third of the same sequence that
 * overlaps the target by IoU < 0.1 (the scene the tracker would drift to).
 */
public final class VerificationPairs {

    public static final String HEADER = "a,ax,ay,aw,ah,b,bx,by,bw,bh,same,kind";

    /** An image and the box of the crop in it. */
    public record Crop(Path image, Box box) {
    }

    public record Pair(Crop a, Crop b, boolean same, String kind) {
    }

    private VerificationPairs() {
    }

    /** Builds {@code perSequence} same pairs and as many different ones (half each kind) per sequence. */
    public static List<Pair> build(List<LongTermSets.Source> sources, int perSequence, long seed) throws IOException {
        List<Pair> pairs = new ArrayList<>();
        for (LongTermSets.Source s : sources) {
            Random random = new Random(seed * 1_000_003L + s.name().hashCode());
            int n = s.truth().size();
            List<Integer> early = valid(s, 0, Math.max(1, n / 3));
            List<Integer> late = valid(s, 2 * n / 3, n);
            if (early.isEmpty() || late.isEmpty()) {
                continue;
            }
            int width;
            int height;
            try (Mat first = opencv_imgcodecs.imread(s.images().get(0).toString(), opencv_imgcodecs.IMREAD_COLOR)) {
                width = first.cols();
                height = first.rows();
            }
            List<LongTermSets.Source> others = sources.stream().filter(o -> o != s).toList();
            for (int k = 0; k < perSequence; k++) {
                Crop anchor = crop(s, pick(early, random));
                pairs.add(new Pair(anchor, crop(s, pick(late, random)), true, "same"));
                if (k % 2 == 0 && !others.isEmpty()) {
                    LongTermSets.Source o = others.get(random.nextInt(others.size()));
                    List<Integer> frames = valid(o, 0, o.truth().size());
                    if (!frames.isEmpty()) {
                        pairs.add(new Pair(anchor, crop(o, pick(frames, random)), false, "other-target"));
                    }
                } else {
                    int f = pick(late, random);
                    Box target = s.truth().get(f);
                    Box background = backgroundBox(target, width, height, random);
                    if (background != null) {
                        pairs.add(new Pair(anchor, new Crop(s.images().get(f), background), false, "background"));
                    }
                }
            }
        }
        return pairs;
    }

    private static List<Integer> valid(LongTermSets.Source s, int from, int to) {
        return IntStream.range(from, to).filter(i -> Metrics.isValid(s.truth().get(i))).boxed().toList();
    }

    private static int pick(List<Integer> frames, Random random) {
        return frames.get(random.nextInt(frames.size()));
    }

    private static Crop crop(LongTermSets.Source s, int frame) {
        return new Crop(s.images().get(frame), s.truth().get(frame));
    }

    /** A box of the target's size inside the image, overlapping it by IoU < 0.1; null when none was found. */
    static Box backgroundBox(Box target, int width, int height, Random random) {
        double w = Math.min(target.w(), width);
        double h = Math.min(target.h(), height);
        for (int attempt = 0; attempt < 100; attempt++) {
            Box b = new Box(random.nextDouble() * (width - w), random.nextDouble() * (height - h), w, h);
            if (b.iou(target) < 0.1) {
                return b;
            }
        }
        return null;
    }

    /** Writes the pairs with image paths relative to the CSV's folder. */
    public static void write(Path csv, List<Pair> pairs) throws IOException {
        Path base = csv.toAbsolutePath().normalize().getParent();
        try (BufferedWriter out = Files.newBufferedWriter(csv, StandardCharsets.UTF_8)) {
            out.write(HEADER);
            out.newLine();
            for (Pair p : pairs) {
                out.write(String.join(",", path(base, p.a().image()), p.a().box().toCsv(), path(base, p.b().image()),
                        p.b().box().toCsv(), p.same() ? "1" : "0", p.kind()));
                out.newLine();
            }
        }
    }

    private static String path(Path base, Path image) {
        String text = base.relativize(image.toAbsolutePath().normalize()).toString();
        if (text.contains(",")) {
            throw new IllegalArgumentException("image path with a comma cannot go into the pairs CSV: " + image);
        }
        return text;
    }

    /** Reads a pairs CSV; image paths are resolved against its folder. Checks syntax and that images exist. */
    public static List<Pair> read(Path csv) throws IOException {
        if (!Files.isRegularFile(csv)) {
            throw new IllegalArgumentException("pairs file not found: " + csv);
        }
        Path base = csv.toAbsolutePath().normalize().getParent();
        List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
        List<Pair> pairs = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).trim();
            if (line.isEmpty() || (i == 0 && line.startsWith("a,"))) {
                continue;
            }
            String[] f = line.split(",", -1);
            String where = csv.getFileName() + " line " + (i + 1) + ": ";
            if (f.length != 12 || !(f[10].equals("0") || f[10].equals("1"))) {
                throw new IllegalArgumentException(where + "expected " + HEADER + " (same = 0 or 1)");
            }
            try {
                pairs.add(new Pair(cropOf(base, f, 0, where), cropOf(base, f, 5, where), f[10].equals("1"),
                        f[11].isBlank() ? (f[10].equals("1") ? "same" : "different") : f[11].trim()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(where + "box numbers expected: " + e.getMessage());
            }
        }
        if (pairs.isEmpty()) {
            throw new IllegalArgumentException(csv + ": no pairs");
        }
        return pairs;
    }

    private static Crop cropOf(Path base, String[] f, int at, String where) {
        Path image = base.resolve(f[at].trim());
        if (!Files.isRegularFile(image)) {
            throw new IllegalArgumentException(where + "image not found: " + image);
        }
        return new Crop(image, new Box(Double.parseDouble(f[at + 1]), Double.parseDouble(f[at + 2]),
                Double.parseDouble(f[at + 3]), Double.parseDouble(f[at + 4])));
    }

    /** One line for listings: how many pairs of each kind. */
    public static String counts(List<Pair> pairs) {
        return String.format(Locale.ROOT, "%d pairs: %d same, %d other-target, %d background", pairs.size(),
                pairs.stream().filter(Pair::same).count(),
                pairs.stream().filter(p -> p.kind().equals("other-target")).count(),
                pairs.stream().filter(p -> p.kind().equals("background")).count());
    }
}
