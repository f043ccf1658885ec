package dev.siamtrack.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The fenced code blocks of a Markdown file, each with the HTML comment just above it (blank lines between allowed). */
final class MarkdownBlocks {

    /**
     * @param language the word after the opening fence ("" when none)
     * @param line     1-based line of the opening fence
     * @param marker   the text inside the comment above the block, e.g. "docs-test: skip REASON"; null when none
     */
    record Block(Path file, int line, String language, String marker, String code) {
        String name() {
            return file.getFileName() + ":" + line;
        }
    }

    private MarkdownBlocks() {
    }

    /** README.md and every Markdown file under docs/, in a stable order. */
    static List<Path> documents() throws IOException {
        List<Path> files = new ArrayList<>(List.of(Path.of("README.md")));
        try (Stream<Path> docs = Files.walk(Path.of("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(files::add);
        }
        return files;
    }

    static List<Block> read(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        List<Block> blocks = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String open = lines.get(i);
            if (!open.startsWith("```")) {
                continue;
            }
            int close = i + 1;
            while (close < lines.size() && !lines.get(close).startsWith("```")) {
                close++;
            }
            String marker = null;
            int above = i - 1;
            while (above >= 0 && lines.get(above).isBlank()) {
                above--;
            }
            if (above >= 0 && lines.get(above).startsWith("<!--") && lines.get(above).endsWith("-->")) {
                String comment = lines.get(above);
                marker = comment.substring(4, comment.length() - 3).strip();
            }
            blocks.add(new Block(file, i + 1, open.substring(3).strip(), marker,
                    String.join("\n", lines.subList(i + 1, Math.min(close, lines.size()))) + "\n"));
            i = close;
        }
        return blocks;
    }
}
