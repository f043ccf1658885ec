package dev.siamtrack.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MakeClipCommandTest {

    private record Run(int exit, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new MakeClipCommand());
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int exit = cli.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void writesVideoGroundTruthAndEvents(@TempDir Path dir) throws Exception {
        Path video = dir.resolve("c.mp4");
        Run run = run("--out", video.toString(), "--frames", "100", "--width", "320", "--height", "240",
                "--leave", "--out-frames", "8");
        assertEquals(0, run.exit(), run.err());
        assertTrue(Files.size(video) > 1000);
        long nanRows = Files.readAllLines(dir.resolve("c.txt")).stream().filter(l -> l.startsWith("NaN")).count();
        assertEquals(8, nanRows);
        assertTrue(Files.exists(dir.resolve("c.events.json")));
        assertTrue(run.out().contains("out of view 75..82"), run.out());
    }

    @Test
    void userMistakesExitWithCode2AndOneLine(@TempDir Path dir) {
        Run notMp4 = run("--out", dir.resolve("c.avi").toString());
        assertEquals(2, notMp4.exit());
        assertTrue(notMp4.err().startsWith("error: --out must name an .mp4 file"), notMp4.err());
        Run tooShort = run("--out", dir.resolve("c.mp4").toString(), "--frames", "40", "--leave");
        assertEquals(2, tooShort.exit());
        assertEquals(1, tooShort.err().strip().lines().count(), tooShort.err());
    }
}
