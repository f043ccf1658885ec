package dev.siamtrack.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A table of measured figures says where it was measured: above it in its file stand the CPU, the date and the
 * commit (the header {@code report} writes, or the same three lines by hand for a one-off measurement).
 */
class FigureProvenanceTest {

    private static final Pattern DECIMAL = Pattern.compile("-?\\d+\\.\\d+( ?ms| ?s| ?FPS| ?MB)?");
    private static final Pattern CPU = Pattern.compile("- CPU: \\S.*");
    private static final Pattern DATE = Pattern.compile("- Date: \\d{4}-\\d{2}-\\d{2}.*");
    private static final Pattern COMMIT = Pattern.compile("- Commit: [0-9a-f]{7,40}\\b.*");

    @Test
    void everyFigureTableCarriesItsCpuDateAndCommit() throws IOException {
        List<String> missing = new ArrayList<>();
        int figureTables = 0;
        for (Path doc : MarkdownBlocks.documents()) {
            List<String> lines = Files.readAllLines(doc, StandardCharsets.UTF_8);
            boolean cpu = false;
            boolean date = false;
            boolean commit = false;
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                cpu |= CPU.matcher(line).matches();
                date |= DATE.matcher(line).matches();
                commit |= COMMIT.matcher(line).matches();
                boolean tableStart = line.startsWith("|") && i + 1 < lines.size() && lines.get(i + 1).matches("\\|[-:| ]+\\|")
                        && (i == 0 || !lines.get(i - 1).startsWith("|"));
                if (tableStart && hasFigures(lines, i + 2)) {
                    figureTables++;
                    if (!(cpu && date && commit)) {
                        missing.add(doc + ":" + (i + 1));
                    }
                }
            }
        }
        assertTrue(figureTables > 0, "docs/benchmarks.md at least holds figure tables");
        assertEquals(List.of(), missing, "figure tables without '- CPU:', '- Date:' and '- Commit:' lines above them");
    }

    /** Whether the table body starting at {@code from} holds a measured number (a decimal, maybe with its unit). */
    private static boolean hasFigures(List<String> lines, int from) {
        for (int i = from; i < lines.size() && lines.get(i).startsWith("|"); i++) {
            for (String cell : lines.get(i).split("\\|")) {
                if (DECIMAL.matcher(cell.strip().replace("`", "")).matches()) {
                    return true;
                }
            }
        }
        return false;
    }
}
