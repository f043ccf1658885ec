package dev.siamtrack.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.siamtrack.render.TrackViewer;
import dev.siamtrack.draw.StateColors;
import dev.siamtrack.geom.Box;
import dev.siamtrack.testing.SharedData;
import dev.siamtrack.testing.ShippedModel;
import dev.siamtrack.video.RtspServer;
import dev.siamtrack.video.SyntheticStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class LiveTrackingCommandTest {

    private record Run(int exit, String err) {
    }

    private static Run run(String... args) {
        StringWriter err = new StringWriter();
        CommandLine cli = SiamTrackCli.commandLine();
        cli.setErr(new PrintWriter(err));
        int exit = cli.execute(args);
        return new Run(exit, err.toString());
    }

    @Test
    void missingCameraIsOneClearLine() {
        Run r = run("track", "/dev/video97", "--init", "10,10,20,20");
        assertEquals(2, r.exit(), r.err());
        assertTrue(r.err().contains("no camera found: tried /dev/video97 (format video4linux2)"), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
    }

    @Test
    void initIsRequiredWithoutTheViewer() {
        Run r = run("track", "videos/demo.mp4");
        assertEquals(2, r.exit(), r.err());
        assertTrue(r.err().contains("--init or --targets is required (or use --view"), r.err());
    }

    @Test
    void screenshotNeedsTheViewer() {
        Run r = run("track", "videos/demo.mp4", "--init", "1,1,20,20", "--screenshot", "x.png");
        assertEquals(2, r.exit(), r.err());
        assertTrue(r.err().contains("--screenshot needs --view"), r.err());
    }

    @Test
    void viewWithoutDisplaySaysSo() {
        Assumptions.assumeTrue(System.getenv("DISPLAY") == null, "a display is present");
        Run r = run("track", "videos/demo.mp4", "--view");
        assertEquals(2, r.exit(), r.err());
        assertTrue(r.err().contains("no X display"), r.err());
    }

    @Test
    void aLiveStreamRunWritesItsInfoFileNextToTheResults(@TempDir Path dir) throws Exception {
        int port = 26000 + (int) (ProcessHandle.current().pid() % 1000);
        try (SyntheticStream stream = new SyntheticStream(port)) {
            stream.start();
            stream.awaitSending();
            Path csv = dir.resolve("live.csv");
            Run r = run("track", "udp://127.0.0.1:" + port, "--init", SyntheticStream.squareAt(0).toCsv(),
                    "--max-frames", "30", "--out", csv.toString(), "--quiet");
            assertEquals(0, r.exit(), r.err());
            assertEquals(31, Files.readAllLines(csv).size(), "header + 30 frames");
            JsonNode info = new ObjectMapper().readTree(dir.resolve("live.info.json").toFile());
            assertEquals("live.csv", info.path("results").asText());
            assertEquals(30, info.path("frames").asInt(), info.toString());
            assertTrue(info.path("captured_frames").asInt() >= 30, info.toString());
            assertTrue(info.has("dropped_frames") && info.has("reconnects") && info.has("lost_frames"), info.toString());
            assertTrue(info.path("lost_frames_by_target").has("1"), info.toString());
        }
    }

    @Test
    void trackReadsARealRtspStreamOverTcpAndUdp(@TempDir Path dir) throws Exception {
        try (RtspServer camera = RtspServer.start(Path.of("videos/demo.mp4").toAbsolutePath())) {
            for (String transport : List.of("tcp", "udp")) {
                Path csv = dir.resolve(transport + ".csv");
                Run r = run("track", camera.url(), "--rtsp-transport", transport, "--init", "100,100,60,60",
                        "--max-frames", "30", "--out", csv.toString(), "--quiet");
                assertEquals(0, r.exit(), transport + ": " + r.err());
                List<String> lines = Files.readAllLines(csv);
                assertEquals(31, lines.size(), transport + ": header + 30 frames");
                assertTrue(Files.exists(dir.resolve(transport + ".info.json")));
            }
            Run bad = run("track", camera.url(), "--rtsp-transport", "sctp", "--init", "100,100,60,60",
                    "--out", dir.resolve("bad.csv").toString());
            assertEquals(2, bad.exit());
            assertTrue(bad.err().contains("--rtsp-transport must be tcp or udp"), bad.err());
            assertTrue(!Files.exists(dir.resolve("bad.csv")), "nothing written for bad usage");
        }
    }

    @Test
    void viewRecordsWritesAndTakesAScreenshot(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(TrackViewer.unavailableReason() == null, "skipped: " + TrackViewer.unavailableReason());
        Path model = ShippedModel.dir();
        String init = Files.readAllLines(Path.of("videos/demo.txt")).get(0);
        Path csv = dir.resolve("run.csv");
        Path mp4 = dir.resolve("run.mp4");
        Path png = dir.resolve("view.png");
        Run r = run("track", "videos/demo.mp4", "--init", init, "--view", "--debug-overlay", "--max-frames", "40",
                "--out", csv.toString(), "--save", mp4.toString(), "--screenshot", png.toString(),
                "--screenshot-frame", "20", "--model", model.toString(), "--quiet");
        assertEquals(0, r.exit(), r.err());
        List<String> lines = Files.readAllLines(csv);
        assertEquals(41, lines.size(), "header + 40 frames");
        assertTrue(lines.get(1).startsWith("0,"), lines.get(1));
        assertTrue(Files.size(mp4) > 10_000);
        Mat shot = opencv_imgcodecs.imread(png.toString());
        assertEquals(640, shot.cols());
        assertEquals(480, shot.rows());
        // the screenshot shows frame 20 with target 1's outline where run.csv puts its box on that frame
        Box box = TrackCommandTest.rowBox(lines.get(21));
        double cx = box.x() + box.w() / 2;
        double cy = box.y() + box.h() / 2;
        assertTrue(outlineNear(shot, box.x(), cy), "left edge of " + box);
        assertTrue(outlineNear(shot, box.x() + box.w(), cy), "right edge of " + box);
        assertTrue(outlineNear(shot, cx, box.y()), "top edge of " + box);
        assertTrue(outlineNear(shot, cx, box.y() + box.h()), "bottom edge of " + box);
        assertFalse(outlineNear(shot, cx, cy), "no outline in the middle of " + box);
    }

    /** True when some pixel within 4 px of (x, y) has target 1's colour. */
    private static boolean outlineNear(Mat image, double x, double y) {
        int[] rgb = StateColors.target("1");
        for (int dy = -4; dy <= 4; dy++) {
            for (int dx = -4; dx <= 4; dx++) {
                int px = (int) Math.round(x) + dx;
                int py = (int) Math.round(y) + dy;
                if (px < 0 || py < 0 || px >= image.cols() || py >= image.rows()) {
                    continue;
                }
                var p = image.ptr(py, px);
                if (Math.abs((p.get(0) & 0xff) - rgb[2]) <= 30 && Math.abs((p.get(1) & 0xff) - rgb[1]) <= 30
                        && Math.abs((p.get(2) & 0xff) - rgb[0]) <= 30) {
                    return true;
                }
            }
        }
        return false;
    }
}
