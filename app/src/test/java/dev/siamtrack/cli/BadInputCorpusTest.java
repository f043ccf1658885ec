package dev.siamtrack.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.siamtrack.testing.DamagedFiles;
import dev.siamtrack.testing.ShippedModel;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Damaged and wrong inputs generated here, from videos/demo.mp4 and the shipped model: every one ends with exit
 * code 2 and one line on stderr and leaves no output file behind, or, for damage a run can go through, exit 0
 * with the damage counted in the summary and in the run info.
 */
class BadInputCorpusTest {

    private static final Path DEMO = Path.of("videos/demo.mp4");
    private static final Path MODEL = ShippedModel.dir();
    private static final String INIT = "462,166,56,40";

    @TempDir
    static Path tmp;

    /**
     * One input: the arguments after {@code track}, the exit code, what stderr must say, for runs that go
     * through (exit 0) the run-info field that must count the damage, and whether the run starts (and so
     * writes outputs) before it meets the problem.
     */
    record Case(String name, List<String> args, int exit, String says, String countedIn, boolean starts) {
        Case(String name, List<String> args, int exit, String says, String countedIn) {
            this(name, args, exit, says, countedIn, exit == 0);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    @BeforeAll
    static void makeCorpus() throws IOException {
        Path v = Files.createDirectories(tmp.resolve("videos"));
        DamagedFiles.truncated(DEMO, v.resolve("truncated.mp4"), 0.6);
        DamagedFiles.flipped(DEMO, v.resolve("flipped.mp4"), 300, 0.1, 0.2);
        DamagedFiles.truncated(DamagedFiles.indexFirst(DEMO, v.resolve("indexfirst.mp4"), 60),
                v.resolve("indexfirst-truncated.mp4"), 0.5);
        Files.write(v.resolve("empty.mp4"), new byte[0]);
        Files.writeString(v.resolve("text.mp4"), "this is a shopping list, not a video\n".repeat(50));
        Files.write(v.resolve("sound.mp4"), wav());
        Files.writeString(v.resolve("huge.y4m"), "YUV4MPEG2 W30000 H30000 F25:1 Ip A1:1 C420jpeg\nFRAME\n" + "x".repeat(500));
        Files.writeString(tmp.resolve("blocker"), "a file where a folder is expected");
        Files.writeString(v.resolve("big.y4m"), "YUV4MPEG2 W9000 H9000 F25:1 Ip A1:1 C420jpeg\nFRAME\n" + "x".repeat(500));

        Path folders = Files.createDirectories(tmp.resolve("folders"));
        Path withText = images(folders.resolve("with-a-text-file"), 8, 120);
        Files.writeString(withText.resolve("notes.txt"), "frames shot on a Tuesday");
        Path withBadJpg = images(folders.resolve("with-a-broken-jpg"), 8, 120);
        Files.writeString(withBadJpg.resolve("0005.jpg"), "not a JPEG");
        Path sizes = images(folders.resolve("mixed-sizes"), 4, 120);
        try (Mat other = new Mat(100, 160, opencv_core.CV_8UC3, new Scalar(90, 90, 90, 0))) {
            opencv_imgcodecs.imwrite(sizes.resolve("0003.png").toString(), other);
        }
        Files.writeString(Files.createDirectories(folders.resolve("no-images")).resolve("readme.txt"), "empty");
        Path badFirst = images(folders.resolve("unreadable-first"), 3, 120);
        Files.writeString(badFirst.resolve("0001.png"), "not a PNG");

        Path models = Files.createDirectories(tmp.resolve("models"));
        for (String file : new String[] {"backbone.onnx", "head.onnx", "model.json"}) {
            String stem = file.substring(0, file.indexOf('.'));
            Files.delete(model(models, "missing-" + stem).resolve(file));
            Files.write(model(models, "empty-" + stem).resolve(file), new byte[0]);
            byte[] garbage = new byte[4000];
            new Random(file.hashCode()).nextBytes(garbage);
            Files.write(model(models, "garbage-" + stem).resolve(file), garbage);
        }
        Path swapped = model(models, "swapped");
        Files.move(swapped.resolve("backbone.onnx"), swapped.resolve("tmp.onnx"));
        Files.move(swapped.resolve("head.onnx"), swapped.resolve("backbone.onnx"));
        Files.move(swapped.resolve("tmp.onnx"), swapped.resolve("head.onnx"));
        for (String[] field : CARD_FIELDS) {
            Path dir = model(models, "card-" + field[0].replace('.', '-') + "-" + field[1].replaceAll("\\W", "_"));
            String card = Files.readString(dir.resolve("model.json"));
            String key = field[0].contains(".") ? field[0].substring(field[0].indexOf('.') + 1) : field[0];
            String changed = card.replaceFirst("\"" + key + "\"\\s*:\\s*[^,}\\n]+", "\"" + key + "\": " + field[1]);
            assertFalse(changed.equals(card), "the card has " + field[0]);
            Files.writeString(dir.resolve("model.json"), changed);
        }
    }

    /** Card fields set out of range: the field, the value. */
    private static final String[][] CARD_FIELDS = {
        {"exemplar_size", "-127"}, {"exemplar_size", "0"}, {"instance_size", "-223"}, {"instance_size", "2000000000"},
        {"instance_size", "99999999999999999999"}, {"stride", "0"}, {"stride", "-16"}, {"score_size", "0"},
        {"grid_origin", "100000"}, {"normalize.scale", "0"}, {"hyper.window_influence", "2"},
        {"hyper.penalty_k", "-1"}, {"hyper.lr", "1.5"}, {"hyper.lost_threshold", "5"},
        {"hyper.lost_threshold", "\"high\""}, {"hyper.uncertain_threshold", "0.1"},
    };

    static Stream<Case> corpus() {
        Path v = Path.of(System.getProperty("java.io.tmpdir"));
        List<Case> cases = new ArrayList<>();
        String videos = tmp.resolve("videos").toString();
        String folders = tmp.resolve("folders").toString();
        cases.add(usage("truncated MP4 (index lost)", videos + "/truncated.mp4", "without its index (moov atom)"));
        cases.add(usage("zero-length file", videos + "/empty.mp4", "is empty (0 bytes)"));
        cases.add(usage("text named .mp4", videos + "/text.mp4", "not a video FFmpeg understands"));
        cases.add(usage("audio-only file", videos + "/sound.mp4", "has no video stream"));
        cases.add(usage("huge dimensions (refused by FFmpeg)", videos + "/huge.y4m", "FFmpeg cannot decode it"));
        cases.add(usage("huge dimensions (9000x9000)", videos + "/big.y4m", "frames of 9000x9000 are too large"));
        cases.add(usage("folder without images", folders + "/no-images", "no images"));
        cases.add(usage("folder whose first image is unreadable", folders + "/unreadable-first", "not a readable image"));
        cases.add(new Case("bit-flipped MP4", List.of(videos + "/flipped.mp4", "--init", INIT, "--max-frames", "90"),
                0, "frames with decode errors", "decode_errors"));
        cases.add(new Case("truncated MP4 with its index first", List.of(videos + "/indexfirst-truncated.mp4",
                "--init", INIT), 0, "frames missing at the end", "missing_frames"));
        cases.add(new Case("folder with a broken .jpg", List.of(folders + "/with-a-broken-jpg", "--init", "10,10,30,30"),
                0, "1 frames skipped", "skipped_frames"));
        cases.add(new Case("folder with images of two sizes", List.of(folders + "/mixed-sizes", "--init", "10,10,30,30"),
                2, "0003.png is 160x100 but 0001.png is 160x120: all images of a folder must have the same size", null, true));
        cases.add(new Case("folder with a text file", List.of(folders + "/with-a-text-file", "--init", "10,10,30,30"),
                0, "8 frames in", null));
        // each damage names its file and what is wrong with it, so that they can be told apart
        Map<String, String> modelErrors = new LinkedHashMap<>();
        modelErrors.put("missing-backbone", ": missing backbone.onnx");
        modelErrors.put("missing-head", ": missing head.onnx");
        modelErrors.put("missing-model", "/head.onnx: does not accept the backbone's features [1, 96, 8, 8] / [1, 96, 16, 16] (no model.json");
        modelErrors.put("empty-backbone", "/backbone.onnx: not an ONNX model");
        modelErrors.put("empty-head", "/head.onnx: not an ONNX model");
        modelErrors.put("empty-model", "/model.json: expected a JSON object");
        modelErrors.put("garbage-backbone", "/backbone.onnx: not an ONNX model");
        modelErrors.put("garbage-head", "/head.onnx: not an ONNX model");
        modelErrors.put("garbage-model", "/model.json: not valid JSON");
        modelErrors.put("swapped", "/backbone.onnx: expected 1 input [1,3,H,W]");
        for (Map.Entry<String, String> e : modelErrors.entrySet()) {
            String dir = tmp.resolve("models/" + e.getKey()).toString();
            cases.add(new Case("model: " + e.getKey(), List.of(DEMO.toString(), "--init", INIT, "--model", dir), 2,
                    dir + e.getValue(), null));
        }
        for (String[] field : CARD_FIELDS) {
            String dir = tmp.resolve("models/card-" + field[0].replace('.', '-') + "-" + field[1].replaceAll("\\W", "_")).toString();
            cases.add(new Case("card: " + field[0] + " " + field[1], List.of(DEMO.toString(), "--init", INIT, "--model", dir),
                    2, dir + "/model.json: " + field[0] + " must be", null));
        }
        String demo = DEMO.toString();
        cases.add(option("--init NaN", List.of(demo, "--init", "NaN,166,56,40"), "'NaN' is not a number"));
        cases.add(option("--init nan", List.of(demo, "--init", "nan,166,56,40"), "'nan' is not a number"));
        cases.add(option("--init Infinity", List.of(demo, "--init", "462,166,Infinity,40"), "'Infinity' is not a number"));
        cases.add(option("--init hex", List.of(demo, "--init", "0x1p3,166,56,40"), "'0x1p3' is not a number"));
        cases.add(option("--init three numbers", List.of(demo, "--init", "462,166,56"), "expected 4 numbers"));
        cases.add(option("--init outside", List.of(demo, "--init", "630,166,56,40"), "not inside the 640x480 frame"));
        cases.add(option("--lost-threshold NaN", List.of(demo, "--init", INIT, "--lost-threshold", "NaN"), "'NaN' is not a number"));
        cases.add(option("--lost-threshold 5", List.of(demo, "--init", INIT, "--lost-threshold", "5"), "must be from 0 to 1"));
        cases.add(option("--threads 999", List.of(demo, "--init", INIT, "--threads", "999"), "must be from 1 to "));
        cases.add(option("--threads 0", List.of(demo, "--init", INIT, "--threads", "0"), "must be from 1 to "));
        cases.add(option("--save .mkv", List.of(demo, "--init", INIT, "--save", v.resolve("x.mkv").toString()), "name the file .mp4"));
        cases.add(option("--save .txt", List.of(demo, "--init", INIT, "--save", v.resolve("x.txt").toString()), "name the file .mp4"));
        String blocker = tmp.resolve("blocker").toString();
        cases.add(option("--out under a file", List.of(demo, "--init", INIT, "--out", blocker + "/r.csv", "--save", "{out}/r.mp4"),
                "--out " + blocker + "/r.csv: not writable"));
        cases.add(option("--save under a file", List.of(demo, "--init", INIT, "--out", "{out}/r.csv", "--save", blocker + "/r.mp4"),
                "--save " + blocker + "/r.mp4: not writable"));
        cases.add(option("--out is a folder", List.of(demo, "--init", INIT, "--out", tmp.resolve("videos") + "/", "--save", "{out}/r.mp4"),
                "--out"));
        cases.add(option("--max-frames -1", List.of(demo, "--init", INIT, "--max-frames", "-1"), "--max-frames"));
        return cases.stream();
    }

    private static Case usage(String name, String source, String says) {
        return new Case(name, List.of(source, "--init", "1,1,20,20"), 2, says, null);
    }

    private static Case option(String name, List<String> args, String says) {
        return new Case(name, args, 2, says, null);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void everyBadInputEndsCleanly(Case c) throws IOException {
        Path outDir = tmp.resolve("out").resolve(c.name().replaceAll("\\W+", "-"));
        List<String> args = new ArrayList<>(List.of("track"));
        c.args().forEach(a -> args.add(a.replace("{out}", outDir.toString())));
        args.add("--quiet");
        if (!c.args().contains("--save")) {
            args.addAll(List.of("--out", outDir.resolve("r.csv").toString(), "--save", outDir.resolve("r.mp4").toString()));
        }
        CliRunner.Result r = CliRunner.run(args.toArray(String[]::new));
        assertEquals(c.exit(), r.exitCode(), r.err());
        assertTrue(r.err().contains(c.says()), "stderr should say '" + c.says() + "': " + r.err());
        assertFalse(r.err().contains("\tat ") || r.err().contains("Exception"), "no stack trace: " + r.err());
        if (c.exit() == 2) {
            assertEquals(1, r.err().lines().filter(l -> !l.isBlank()).count(), "one line: " + r.err());
            if (!c.starts()) {
                assertFalse(Files.exists(outDir) && Files.list(outDir).findAny().isPresent(),
                        "no output file when the run did not start");
            }
        } else if (c.countedIn() != null) {
            JsonNode info = new ObjectMapper().readTree(outDir.resolve("r.info.json").toFile());
            assertTrue(info.path(c.countedIn()).asInt() > 0, c.countedIn() + " counted in the run info: " + info);
        }
    }

    private static Path images(Path dir, int count, int size) throws IOException {
        Files.createDirectories(dir);
        for (int i = 1; i <= count; i++) {
            try (Mat m = new Mat(size, size * 4 / 3, opencv_core.CV_8UC3, new Scalar(20 * i % 255, 80, 160, 0))) {
                opencv_imgcodecs.imwrite(dir.resolve(String.format("%04d.png", i)).toString(), m);
            }
        }
        return dir;
    }

    private static Path model(Path models, String name) throws IOException {
        Path dir = Files.createDirectories(models.resolve(name));
        for (String file : new String[] {"backbone.onnx", "head.onnx", "model.json"}) {
            Files.copy(MODEL.resolve(file), dir.resolve(file), StandardCopyOption.REPLACE_EXISTING);
        }
        return dir;
    }

    /** A tenth of a second of silence as 16-bit mono WAV. */
    private static byte[] wav() {
        int samples = 1600;
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(44 + samples * 2).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(36 + samples * 2).put("WAVEfmt ".getBytes(StandardCharsets.US_ASCII))
                .putInt(16).putShort((short) 1).putShort((short) 1).putInt(16000).putInt(32000).putShort((short) 2)
                .putShort((short) 16).put("data".getBytes(StandardCharsets.US_ASCII)).putInt(samples * 2);
        return b.array();
    }
}
