package dev.siamtrack.model;

import java.net.URI;
import java.util.List;
import java.util.Optional;

/**
 * Third-party models that {@link ModelDownloader} can fetch: each file pinned to a commit of its public
 * repository and to its SHA-256, so what lands on disk is exactly what was measured.
 */
public final class ModelCatalog {

    /** One file of a model: where it comes from, its name in the model directory, its size and checksum. */
    public record File(String name, String path, long size, String sha256) {
    }

    /** A downloadable model: its directory name, what it is, where it comes from and its files. */
    public record Entry(String name, String description, String source, List<File> files) {

        /** The download address of {@code file} under {@code base} (the origin, or a mirror with the same layout). */
        public URI uri(URI base, File file) {
            String b = base.toString();
            return URI.create((b.endsWith("/") ? b : b + "/") + file.path());
        }
    }

    /** HonglinChu/SiamTrackers at the commit the reference figures were measured with. */
    public static final URI NANOTRACK_ORIGIN =
            URI.create("https://github.com/HonglinChu/SiamTrackers/raw/248663fde6bf/NanoTrack/models/");

    private static final String NANOTRACK_SOURCE = "NanoTrack (HonglinChu/SiamTrackers, commit 248663fde6bf)";

    /** The NanoTrack exports, smallest first. */
    public static final List<Entry> NANOTRACK = List.of(
            new Entry("nanotrack-v1", "NanoTrack v1: fastest, least accurate", NANOTRACK_SOURCE, List.of(
                    new File(SiameseModel.BACKBONE_FILE, "onnx/nanotrack_backbone_sim.onnx", 767_819,
                            "f6fdf311bdc846510c2f9f0b2b8159c7e0cf5d80ed18c9079faeb32db460cba9"),
                    new File(SiameseModel.HEAD_FILE, "onnx/nanotrack_head_sim.onnx", 392_202,
                            "4c987e5121cc400b6175f2168c30c84857864fe36d5e7a14df0c27e8e5b9540d"))),
            new Entry("nanotrack-v2", "NanoTrack v2: the best speed/accuracy trade-off on the dev set", NANOTRACK_SOURCE,
                    List.of(
                    new File(SiameseModel.BACKBONE_FILE, "nanotrackv2/nanotrack_backbone_sim.onnx", 1_056_849,
                            "530bdd0cd00f19afab79a863e71ba71e3312395a5dc9151af675082bdaaa2fc4"),
                    new File(SiameseModel.HEAD_FILE, "nanotrackv2/nanotrack_head_sim.onnx", 726_198,
                            "0d8c0637be849f092cc7236cae02e55c8b9455ebe37ba50601d6115db4247cd9"))),
            new Entry("nanotrack-v3", "NanoTrack v3: 96-channel features, slower; OpenCV cannot run it", NANOTRACK_SOURCE,
                    List.of(
                    new File(SiameseModel.BACKBONE_FILE, "nanotrackv3/nanotrack_backbone.onnx", 1_431_635,
                            "50be1320abf9384fd3479ea829f95e244cf3f3838190c5ab60c750fb8c1ce828"),
                    new File(SiameseModel.HEAD_FILE, "nanotrackv3/nanotrack_head.onnx", 1_183_740,
                            "75357903be3f4817c965af16cb5a11fd32b1467f597a408405a98635ac63f61d"))));

    private ModelCatalog() {
    }

    public static Optional<Entry> find(String name) {
        return NANOTRACK.stream().filter(e -> e.name().equals(name)).findFirst();
    }

    public static List<String> names() {
        return NANOTRACK.stream().map(Entry::name).toList();
    }
}
