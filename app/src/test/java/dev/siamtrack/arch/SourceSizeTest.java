package dev.siamtrack.arch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.javaparser.ParserConfiguration;
import com.github.javaparser.StaticJavaParser;
import com.github.javaparser.ast.CompilationUnit;
import com.github.javaparser.ast.body.CallableDeclaration;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Keeps core and server readable: no source file over {@value #MAX_FILE_LINES} lines and no method or
 * constructor over {@value #MAX_METHOD_LINES} lines, counted on a parsed syntax tree.
 */
class SourceSizeTest {

    static final int MAX_FILE_LINES = 400;
    static final int MAX_METHOD_LINES = 60;

    /** Module main-source roots, relative to the repository root (surefire's working directory). */
    private static final List<Path> ROOTS = List.of(Path.of("core/src/main/java"), Path.of("server/src/main/java"));

    /**
     * Files allowed to break either limit, keyed by path relative to the repository root. Each entry says
     * why; an entry whose file is back within the limits fails the test, so the list only shrinks.
     */
    private static final Map<String, String> EXEMPT = Map.of();

    private static final List<String> violations = new ArrayList<>();
    private static final TreeSet<String> filesOverLimits = new TreeSet<>();

    @BeforeAll
    static void measure() throws IOException {
        StaticJavaParser.getParserConfiguration().setLanguageLevel(ParserConfiguration.LanguageLevel.JAVA_17);
        for (Path root : ROOTS) {
            assertTrue(Files.isDirectory(root), "no source root " + root.toAbsolutePath().normalize());
            try (Stream<Path> files = Files.walk(root)) {
                files.filter(f -> f.toString().endsWith(".java")).sorted().forEach(SourceSizeTest::measure);
            }
        }
    }

    private static void measure(Path file) {
        String name = file.toString().replace('\\', '/');
        List<String> found;
        try {
            found = oversized(name, Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (!found.isEmpty()) {
            filesOverLimits.add(name);
            if (!EXEMPT.containsKey(name)) {
                violations.addAll(found);
            }
        }
    }

    /** What in the source text {@code source} of file {@code name} is over a limit, one line each. */
    static List<String> oversized(String name, String source) {
        List<String> found = new ArrayList<>();
        long lines = source.lines().count();
        if (lines > MAX_FILE_LINES) {
            found.add(name + ": " + lines + " lines (limit " + MAX_FILE_LINES + ")");
        }
        CompilationUnit unit = StaticJavaParser.parse(source);
        for (CallableDeclaration<?> callable : unit.findAll(CallableDeclaration.class)) {
            int begin = callable.getBegin().orElseThrow().line;
            int length = callable.getEnd().orElseThrow().line - begin + 1;
            if (length > MAX_METHOD_LINES) {
                found.add(name + ":" + begin + " " + callable.getNameAsString() + ": " + length + " lines (limit "
                        + MAX_METHOD_LINES + ")");
            }
        }
        return found;
    }

    @Test
    void overlongFilesMethodsAndConstructorsAreFound() {
        String body58 = "        x++;\n".repeat(58);
        String body59 = body58 + "        x++;\n";
        String source = "class A {\n"
                + "    A() {\n" + body59 + "    }\n"              // lines 2-62: 61
                + "    void fits() {\n" + body58 + "    }\n"      // lines 63-122: 60
                + "    void tooLong() {\n" + body59 + "    }\n"   // lines 123-183: 61
                + "}\n" + "\n".repeat(217);                       // 401 lines in all
        assertEquals(List.of("A.java: 401 lines (limit 400)", "A.java:2 A: 61 lines (limit 60)",
                "A.java:123 tooLong: 61 lines (limit 60)"), oversized("A.java", source));
    }

    @Test
    void classesAndMethodsStayWithinTheLimits() {
        assertEquals(List.of(), violations, "split these (or add an exemption saying why)");
    }

    @Test
    void everyExemptionIsStillNeeded() {
        List<String> stale = EXEMPT.keySet().stream().filter(name -> !filesOverLimits.contains(name)).sorted().toList();
        assertEquals(List.of(), stale, "these files are within the limits now: remove their exemptions");
    }
}
