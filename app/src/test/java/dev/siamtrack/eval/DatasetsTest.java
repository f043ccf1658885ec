package dev.siamtrack.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.siamtrack.geom.Box;
import dev.siamtrack.video.FrameSource;
import dev.siamtrack.video.FrameSources;
import dev.siamtrack.video.ImageFolderSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetsTest {

    private static final List<Box> BOXES = Fixtures.moving(3);

    @Test
    void readsOtbSequencesIncludingSeveralTargets(@TempDir Path root) throws Exception {
        Fixtures.otb(root, "Walk", BOXES);
        Path jogging = root.resolve("Jogging");
        Fixtures.images(jogging.resolve("img"), "%04d.jpg", BOXES);
        Files.writeString(jogging.resolve("groundtruth_rect.1.txt"), Fixtures.lines(BOXES, "\t"));
        List<Box> second = new ArrayList<>(BOXES);
        second.set(1, Box.ABSENT);
        Files.writeString(jogging.resolve("groundtruth_rect.2.txt"), Fixtures.lines(second, " "));

        Map<String, Sequence> found = byName(Datasets.scan(root));
        assertEquals(List.of("Jogging-1", "Jogging-2", "Walk"), List.copyOf(found.keySet()));
        assertEquals("OTB", found.get("Walk").layout());
        assertEquals(BOXES, found.get("Walk").groundTruth());
        assertEquals(BOXES, found.get("Jogging-1").groundTruth());
        assertEquals(second, found.get("Jogging-2").groundTruth());
        assertFrames(found.get("Walk"), 3);
    }

    @Test
    void readsGot10kWithAbsenceLabels(@TempDir Path root) throws Exception {
        Path seq = root.resolve("GOT-10k_Val_000001");
        Fixtures.images(seq, "%08d.jpg", BOXES);
        Files.writeString(seq.resolve("groundtruth.txt"), Fixtures.lines(BOXES, ","));
        Files.writeString(seq.resolve("absence.label"), "0\n0\n1\n");
        Files.writeString(root.resolve("list.txt"), "GOT-10k_Val_000001\n");

        Sequence s = Datasets.scan(root).sequences().get(0);
        assertEquals("GOT-10k", s.layout());
        assertEquals(List.of(BOXES.get(0), BOXES.get(1), Box.ABSENT), s.groundTruth());
        assertFrames(s, 3);
    }

    @Test
    void readsVotPolygonsAsAxisAlignedBoxes(@TempDir Path root) throws Exception {
        Path seq = root.resolve("ball");
        Fixtures.images(seq.resolve("color"), "%08d.jpg", BOXES);
        StringBuilder polygons = new StringBuilder();
        for (Box b : BOXES) {
            double x2 = b.x() + b.w();
            double y2 = b.y() + b.h();
            polygons.append(b.x()).append(',').append(b.y()).append(',').append(x2).append(',').append(b.y()).append(',')
                    .append(x2).append(',').append(y2).append(',').append(b.x()).append(',').append(y2).append('\n');
        }
        Files.writeString(seq.resolve("groundtruth.txt"), polygons);

        Sequence s = Datasets.scan(root).sequences().get(0);
        assertEquals("VOT", s.layout());
        for (int i = 0; i < BOXES.size(); i++) {
            assertEquals(BOXES.get(i).x(), s.groundTruth().get(i).x(), 1e-9);
            assertEquals(BOXES.get(i).w(), s.groundTruth().get(i).w(), 1e-9);
            assertEquals(BOXES.get(i).h(), s.groundTruth().get(i).h(), 1e-9);
        }
        assertFrames(s, 3);
    }

    @Test
    void readsLasotCategoryFoldersWithOcclusionAndOutOfView(@TempDir Path root) throws Exception {
        Path seq = root.resolve("airplane").resolve("airplane-1");
        Fixtures.images(seq.resolve("img"), "%08d.jpg", Fixtures.moving(4));
        Files.writeString(seq.resolve("groundtruth.txt"), Fixtures.lines(Fixtures.moving(4), ","));
        Files.writeString(seq.resolve("full_occlusion.txt"), "0,1,0,0");
        Files.writeString(seq.resolve("out_of_view.txt"), "0,0,0,1");

        Sequence s = Datasets.scan(root).sequences().get(0);
        assertEquals("airplane-1", s.name());
        assertEquals("LaSOT", s.layout());
        List<Box> gt = s.groundTruth();
        assertEquals(Fixtures.moving(4).get(0), gt.get(0));
        assertTrue(gt.get(1).isAbsent());
        assertEquals(Fixtures.moving(4).get(2), gt.get(2));
        assertTrue(gt.get(3).isAbsent());
    }

    @Test
    void readsVideoWithSidecarGroundTruth(@TempDir Path root) throws Exception {
        Fixtures.video(root.resolve("clip.mp4"), Fixtures.moving(5));
        Files.writeString(root.resolve("clip.txt"), Fixtures.lines(Fixtures.moving(5), ","));
        Fixtures.video(root.resolve("orphan.mp4"), Fixtures.moving(2));

        Datasets.Scan scan = Datasets.scan(root);
        Sequence s = scan.sequences().get(0);
        assertEquals("clip", s.name());
        assertEquals("video", s.layout());
        assertEquals(Fixtures.moving(5), s.groundTruth());
        assertFrames(s, 5);
        assertEquals("orphan", scan.skipped().get(0).name());
        assertTrue(scan.skipped().get(0).reason().contains("orphan.txt"), scan.skipped().get(0).reason());
    }

    @Test
    void reportsUnreadableSequencesAndCountMismatches(@TempDir Path root) throws Exception {
        Fixtures.otb(root, "Good", BOXES);
        Path broken = root.resolve("Broken");
        Fixtures.images(broken.resolve("img"), "%04d.jpg", BOXES);
        Files.writeString(broken.resolve("groundtruth_rect.txt"), "1,2,3\n");
        Files.createDirectories(root.resolve("Notes"));
        Path longer = root.resolve("Longer");
        Fixtures.images(longer.resolve("img"), "%04d.jpg", Fixtures.moving(4));
        Files.writeString(longer.resolve("groundtruth_rect.txt"), Fixtures.lines(BOXES, ","));
        Path testSplit = root.resolve("GOT-10k_Test_000001");
        Fixtures.images(testSplit, "%08d.jpg", BOXES);
        Files.writeString(testSplit.resolve("groundtruth.txt"), Fixtures.lines(BOXES.subList(0, 1), ","));

        Datasets.Scan scan = Datasets.scan(root);
        assertEquals(List.of("Good", "Longer"), scan.sequences().stream().map(Sequence::name).toList());
        Map<String, String> reasons = scan.skipped().stream()
                .collect(Collectors.toMap(Datasets.Skipped::name, Datasets.Skipped::reason));
        assertTrue(reasons.get("Broken").contains("line 1"), reasons.get("Broken"));
        assertTrue(reasons.get("Notes").contains("no known sequence layout"), reasons.get("Notes"));
        assertTrue(reasons.get("GOT-10k_Test_000001").contains("1 box(es) for 3 images"), reasons.get("GOT-10k_Test_000001"));
        Sequence s = scan.sequences().get(1);
        assertEquals(3, s.groundTruth().size());
        assertTrue(s.warnings().get(0).contains("4 images but 3 ground-truth boxes"), s.warnings().get(0));
        assertFrames(s, 3);
    }

    @Test
    void aSequenceFolderItselfIsADataset(@TempDir Path root) throws Exception {
        Path seq = Fixtures.otb(root, "Walk", BOXES);
        assertEquals("Walk", Datasets.scan(seq).sequences().get(0).name());
    }

    @Test
    void numberedImagesAreOrderedNumerically(@TempDir Path dir) throws Exception {
        for (String name : List.of("10.png", "9.png", "100.png", "notes.txt")) {
            Files.writeString(dir.resolve(name), "x");
        }
        assertEquals(List.of("9.png", "10.png", "100.png"),
                ImageFolderSource.listImages(dir).stream().map(p -> p.getFileName().toString()).toList());
    }

    @Test
    void trackAndEvalReadAnImageFolderInTheSameOrder(@TempDir Path root) throws Exception {
        Path seq = root.resolve("Seq");
        Files.createDirectories(seq.resolve("img"));
        // The file number is written into the blue channel, so each frame tells which file it came from. Names with
        // a prefix are where the two readers used to differ (eval sorted them as text: frame1, frame10, frame2).
        for (int number : new int[] {10, 2, 1}) {
            try (Mat image = new Mat(24, 32, opencv_core.CV_8UC3, new Scalar(number * 20, 0, 0, 0))) {
                opencv_imgcodecs.imwrite(seq.resolve("img/frame" + number + ".png").toString(), image);
            }
        }
        Files.writeString(seq.resolve("groundtruth_rect.txt"), "1,1,5,5\n1,1,5,5\n1,1,5,5\n");
        List<Integer> forTrack;
        try (FrameSource source = FrameSources.open(seq.toString())) {
            forTrack = fileNumbers(source);
        }
        List<Integer> forEval;
        try (FrameSource source = Datasets.scan(seq).sequences().get(0).frames().open()) {
            forEval = fileNumbers(source);
        }
        assertEquals(List.of(1, 2, 10), forTrack);
        assertEquals(forTrack, forEval);
    }

    private static List<Integer> fileNumbers(FrameSource source) throws Exception {
        List<Integer> numbers = new ArrayList<>();
        for (Mat m = source.next(); m != null; m = source.next()) {
            numbers.add((m.ptr(5, 5).get(0) & 0xff) / 20);
        }
        return numbers;
    }

    private static Map<String, Sequence> byName(Datasets.Scan scan) {
        return scan.sequences().stream().collect(Collectors.toMap(Sequence::name, s -> s, (a, b) -> a,
                java.util.TreeMap::new));
    }

    /** Opens the sequence and checks it yields {@code expected} BGR frames of the fixture size. */
    private static void assertFrames(Sequence s, int expected) throws Exception {
        try (FrameSource source = s.frames().open()) {
            for (int i = 0; i < expected; i++) {
                Mat m = source.next();
                assertNotNull(m, "frame " + i);
                assertEquals(3, m.channels());
                assertEquals(Fixtures.WIDTH, m.cols());
                assertEquals(Fixtures.HEIGHT, m.rows());
            }
            assertNull(source.next(), "no frame after " + expected);
        }
    }
}
