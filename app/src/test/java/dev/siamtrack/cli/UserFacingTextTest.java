package dev.siamtrack.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * What users read (README, docs/, the model folders' cards and notices) names nothing only the project's own
 * machines have, and no wording that dates. The development documents may name the development data folder, and
 * the generated figures name the commands that made them.
 */
class UserFacingTextTest {

    private static final List<String> DEVELOPER_ONLY = List.of("../shared", "/work/", "last time", "today",
            "project notes", "our notes", "this session", "held-out");
    private static final List<Path> DEVELOPMENT_DOCS = List.of(Path.of("docs/development.md"), Path.of("docs/benchmarks.md"));

    @Test
    void userTextNamesNoDeveloperOnlyPathOrDatedWording() throws IOException {
        List<Path> files = new ArrayList<>(MarkdownBlocks.documents());
        files.removeAll(DEVELOPMENT_DOCS);
        try (Stream<Path> models = Files.walk(Path.of("models"))) {
            models.filter(p -> Files.isRegularFile(p) && !p.toString().endsWith(".onnx")).sorted().forEach(files::add);
        }
        List<String> found = new ArrayList<>();
        for (Path f : files) {
            List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i).toLowerCase(Locale.ROOT);
                for (String word : DEVELOPER_ONLY) {
                    if (line.contains(word)) {
                        found.add(f + ":" + (i + 1) + ": " + word);
                    }
                }
            }
        }
        assertEquals(List.of(), found, "developer-only paths or dated wording where users read");
    }
}
