package dev.siamtrack.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.siamtrack.video.FFmpegFrameSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run stopped by SIGTERM prints its summary; one killed by SIGKILL leaves a playable MP4. Shipped model only. */
class SignalTest {

    @TempDir
    Path tmp;

    /** Starts {@code track} on the demo clip played 5 times (1,500 frames), waits until 50 frames are written. */
    private Process startTracking(Path csv, Path mp4, Path log) throws Exception {
        Files.copy(Path.of("videos/demo.mp4"), tmp.resolve("demo.mp4"));
        Path loop = Files.writeString(tmp.resolve("loop.ffconcat"), "ffconcat version 1.0\n" + "file demo.mp4\n".repeat(5));
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), SiamTrackCli.class.getName(), "track", loop.toString(),
                "--init", "462,166,56,40", "--out", csv.toString(), "--save", mp4.toString(), "--quiet")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline && p.isAlive() && (!Files.exists(csv) || Files.readAllLines(csv).size() < 80)) {
            Thread.sleep(50);
        }
        assertTrue(p.isAlive() && Files.readAllLines(csv).size() >= 80, "the run is under way: " + Files.readString(log));
        return p;
    }

    private static int framesIn(Path mp4) throws Exception {
        try (FFmpegFrameSource saved = new FFmpegFrameSource(mp4)) {
            int n = 0;
            while (saved.next() != null) {
                n++;
            }
            return n;
        }
    }

    @Test
    void sigtermPrintsTheSummary() throws Exception {
        Path log = tmp.resolve("log.txt");
        Process p = startTracking(tmp.resolve("r.csv"), tmp.resolve("r.mp4"), log);
        p.destroy();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "process ends after SIGTERM");
        String out = Files.readString(log);
        assertTrue(out.matches("(?s).*siamtrack: \\d+ frames in .* frames LOST; 0 frames skipped \\(interrupted: outputs hold the frames above\\).*"), out);
        assertTrue(out.contains("run info in"), out);
    }

    @Test
    void sigkillLeavesAPlayableVideo() throws Exception {
        Path csv = tmp.resolve("k.csv");
        Path mp4 = tmp.resolve("k.mp4");
        Process p = startTracking(csv, mp4, tmp.resolve("log.txt"));
        p.destroyForcibly();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        int tracked = Files.readAllLines(csv).size() - 1;
        int played = framesIn(mp4);
        assertTrue(played >= tracked - 60 && played <= tracked, "all but the last fragments play: " + played
                + " of " + tracked + " frames");
    }
}
