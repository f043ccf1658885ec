package dev.siamtrack.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code models DIR...}: a folder that is not there is one line on standard error, exit 2, and no listing. */
class ModelsCommandTest {

    @TempDir
    Path tmp;

    @Test
    void aMissingFolderOrAnUnknownWordIsOneErrorLineAndNoListing() throws Exception {
        Path file = Files.writeString(tmp.resolve("file.txt"), "not a folder");
        String[][] cases = {
            {"/nonexistent", "siamtrack: /nonexistent: no such folder (models takes folders to look in, or the subcommand pull)"},
            {"bogus-sub", "siamtrack: bogus-sub: no such folder (models takes folders to look in, or the subcommand pull)"},
            {file.toString(), "siamtrack: " + file + ": not a folder (a model is a folder with backbone.onnx and head.onnx)"},
        };
        for (String[] c : cases) {
            CliRunner.Result r = CliRunner.run("models", c[0]);
            assertEquals(2, r.exitCode(), r.err());
            assertEquals("", r.out(), "no listing when an argument is wrong");
            assertEquals(c[1], r.err().strip());
        }
    }
}
