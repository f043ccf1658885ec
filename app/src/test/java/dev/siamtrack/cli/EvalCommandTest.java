package dev.siamtrack.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.siamtrack.eval.TrackerFactory;
import dev.siamtrack.geom.Box;
import dev.siamtrack.track.TargetEngine;
import dev.siamtrack.track.TrackResult;
import dev.siamtrack.track.TrackState;
import dev.siamtrack.track.Tracker;
import dev.siamtrack.testing.ShippedModel;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class EvalCommandTest {

    /** Reports the init box on every frame; stands in for the real trackers. */
    private static final TrackerFactory STILL = spec -> TargetEngine.single(new Tracker() {
        private Box box;

        @Override
        public String name() {
            return spec.label();
        }

        @Override
        public void init(Mat frame, Box b) {
            box = b;
        }

        @Override
        public TrackResult update(Mat frame) {
            return new TrackResult(box, 1, TrackState.TRACKING);
        }
    });

    @TempDir
    Path tmp;
    private Path data;
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeEach
    void writeDataset() throws Exception {
        data = tmp.resolve("data");
        Path seq = Files.createDirectories(data.resolve("Walk").resolve("img"));
        try (Mat m = new Mat(24, 32, org.bytedeco.opencv.global.opencv_core.CV_8UC3, new Scalar(50, 90, 200, 0))) {
            for (int i = 1; i <= 3; i++) {
                opencv_imgcodecs.imwrite(seq.resolve(String.format(Locale.ROOT, "%04d.jpg", i)).toString(), m);
            }
        }
        Files.writeString(data.resolve("Walk").resolve("groundtruth_rect.txt"), "4,4,10,8\n5,4,10,8\n6,4,10,8\n");
    }

    private int run(TrackerFactory factory, String... args) {
        CommandLine cli = new CommandLine(new EvalCommand(factory, new PrintStream(err, true, StandardCharsets.UTF_8)));
        cli.setErr(new PrintWriter(new StringWriter()));
        cli.setOut(new PrintWriter(new StringWriter()));
        return cli.execute(args);
    }

    private String messages() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void evaluatesAndWritesTheReport() throws Exception {
        Path report = tmp.resolve("report");
        assertEquals(0, run(STILL, data.toString(), "--trackers", "csrt,kcf", "--report", report.toString()), messages());
        for (String file : List.of("summary.json", "summary.md", "success.png", "precision.png",
                "results/csrt/Walk.txt", "results/kcf/Walk.txt")) {
            assertTrue(Files.isRegularFile(report.resolve(file)), file);
        }
        assertEquals(3, Files.readAllLines(report.resolve("results/csrt/Walk.txt")).size());
        assertFalse(Files.readString(report.resolve("summary.md")).contains("Long-term"), "no absent frame, no long-term figures");
        assertFalse(Files.readString(report.resolve("summary.json")).contains("long_term"));
    }

    @Test
    void groundTruthWithAbsentFramesAddsTheLongTermFigures() throws Exception {
        Files.writeString(data.resolve("Walk").resolve("groundtruth_rect.txt"), "4,4,10,8\nNaN,NaN,NaN,NaN\n4,4,10,8\n");
        Path report = tmp.resolve("report");
        assertEquals(0, run(STILL, data.toString(), "--trackers", "kcf", "--report", report.toString()), messages());
        String md = Files.readString(report.resolve("summary.md"));
        // The still tracker claims the target on the absent frame and is exact on the return: Pr 2/3, Re 1.
        assertTrue(md.contains("| kcf | 0.800 | 0.667 | 1.000 | 0.000 | 1.000 (1/1) | 0 |"), md);
        assertTrue(Files.readString(report.resolve("summary.json")).contains("\"absent_lost_share\" : 0.0"));
    }

    @Test
    void badInputGivesOneMessageAndExitCode2() throws Exception {
        Path report = tmp.resolve("report");
        assertUsage("dataset directory not found", STILL, tmp.resolve("nope").toString(), "--trackers", "kcf",
                "--report", report.toString());
        assertUsage("unknown tracker 'goturn'", STILL, data.toString(), "--trackers", "kcf,goturn",
                "--report", report.toString());
        assertUsage("lacks backbone.onnx", STILL, data.toString(), "--trackers", "opencv-nano:" + tmp,
                "--report", report.toString());
        assertUsage("OpenCV's TrackerNano needs a NanoTrack v1/v2 model", STILL, data.toString(), "--trackers",
                "opencv-nano:" + ShippedModel.dir(), "--report", report.toString());
        Path file = Files.writeString(tmp.resolve("a-file"), "x");
        assertUsage("report directory is not writable", STILL, data.toString(), "--trackers", "kcf",
                "--report", file.resolve("sub").toString());
        assertUsage("unknown sequence(s) Run; found: Walk", STILL, data.toString(), "--trackers", "kcf",
                "--report", report.toString(), "--sequences", "Walk,Run");
        assertUsage("no readable sequence", STILL, Files.createDirectories(tmp.resolve("empty")).toString(),
                "--trackers", "kcf", "--report", report.toString());
        assertUsage("--threads 0: must be from 1 to", STILL, data.toString(), "--trackers", "kcf",
                "--report", report.toString(), "--threads", "0");
        assertEquals(2, run(STILL, data.toString(), "--report", report.toString()), "missing --trackers");
        assertFalse(Files.exists(report.resolve("summary.json")), "nothing evaluated on bad input");
    }

    @Test
    void siamtrackWithoutAnInstalledModelAsksForADirectory() {
        String home = System.getProperty("siamtrack.home");
        System.setProperty("siamtrack.home", tmp.toString());
        try {
            assertUsage("no default model installed", TrackerFactory.standard(), data.toString(),
                    "--trackers", "siamtrack", "--report", tmp.resolve("report").toString());
            assertTrue(messages().contains("siamtrack:DIR"), messages());
        } finally {
            if (home == null) {
                System.clearProperty("siamtrack.home");
            } else {
                System.setProperty("siamtrack.home", home);
            }
        }
    }

    @Test
    void evalIsASubcommandOfTheMainCli() {
        assertTrue(SiamTrackCli.commandLine().getSubcommands().containsKey("eval"));
    }

    @Test
    void helpMentionsTimingCaveat() {
        StringWriter out = new StringWriter();
        CommandLine cli = new CommandLine(new EvalCommand(STILL, System.err));
        cli.setOut(new PrintWriter(out));
        assertEquals(0, cli.execute("--help"));
        assertTrue(out.toString().contains("trustworthy only\nwith --threads 1"), out.toString());
    }

    private void assertUsage(String part, TrackerFactory factory, String... args) {
        err.reset();
        assertEquals(2, run(factory, args), messages());
        String text = messages();
        assertTrue(text.startsWith("siamtrack: ") && text.contains(part), text);
        assertFalse(text.contains("\tat "), "no stack trace: " + text);
    }
}
