package dev.siamtrack.batch;

import dev.siamtrack.geom.Box;
import dev.siamtrack.testing.ShippedModel;
import dev.siamtrack.video.synth.ClipConfig;
import dev.siamtrack.video.synth.ClipGenerator;
import dev.siamtrack.video.synth.ClipWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Short generated clips and a manifest over them, for the batch tests of every module. */
public final class BatchClips {

    /** The model shipped in the repository. */
    public static final Path MODEL = ShippedModel.dir();
    public static final int FRAMES = 40;
    /** The second target of every clip: a patch of background, from this frame on. */
    public static final int SECOND_START = 10;
    public static final Box SECOND_BOX = new Box(30, 30, 40, 36);

    private BatchClips() {
    }

    /**
     * Writes {@code count} clips {@code clips/clipN.mp4} (320x240, {@link #FRAMES} frames, one seed each) and
     * returns manifest rows for them: target {@code disc} from frame 0 on the ground truth, target {@code patch}
     * from {@link #SECOND_START}.
     */
    public static List<String> write(Path dir, int count) throws IOException {
        List<String> rows = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Path clip = dir.resolve("clips/clip" + i + ".mp4");
            ClipGenerator generator = new ClipGenerator(ClipConfig.of(320, 240, FRAMES, 11 + i, false, 1));
            ClipWriter.write(generator, clip, n -> { });
            rows.add(row("clips/clip" + i + ".mp4", "disc", 0, generator.groundTruth(0)));
            rows.add(row("clips/clip" + i + ".mp4", "patch", SECOND_START, SECOND_BOX));
        }
        return rows;
    }

    public static String row(String video, String id, int frame, Box box) {
        return video + "," + id + "," + frame + "," + box.toCsv();
    }

    /** Writes {@code manifest.csv} in {@code dir} with the header and {@code rows}. */
    public static Path manifest(Path dir, List<String> rows) throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add(Manifest.HEADER);
        lines.addAll(rows);
        return Files.write(dir.resolve("manifest.csv"), lines);
    }

    /** A copy of {@code clip} cut to its first third: no index (moov), FFmpeg cannot open it. */
    public static Path truncated(Path clip, Path to) throws IOException {
        byte[] bytes = Files.readAllBytes(clip);
        return Files.write(to, java.util.Arrays.copyOf(bytes, bytes.length / 3));
    }
}
