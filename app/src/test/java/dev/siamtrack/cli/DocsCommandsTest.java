package dev.siamtrack.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Every shell block of README.md and docs/ runs as printed, in document order, in a scratch copy of the
 * repository whose {@code ./siamtrack} runs the classes under test (the launcher would start a Maven build of
 * its own). A block marked {@code <!-- docs-test: skip REASON -->} or {@code <!-- docs-test: needs TOOL -->}
 * (with TOOL missing) is reported as skipped with its reason, never dropped.
 */
class DocsCommandsTest {

    private static final long BLOCK_TIMEOUT_SECONDS = 600;
    private static final Pattern OPTION = Pattern.compile("--(?:\\[no-])?([a-z][a-z0-9-]*)");
    /** What the top-level commands and the repository hold that a scratch copy must not share: builds, outputs. */
    /** Build output, not a temporary folder: the copies link to the repository's files, which a cleanup must not follow. */
    private static final Path SCRATCH = Path.of("app", "target", "docs-commands");
    private static final Set<String> NOT_COPIED = Set.of("siamtrack", "out", "target", "events", ".git");

    @TestFactory
    Stream<DynamicNode> everyShellBlockRunsAsPrinted() throws IOException {
        Path tmp = SCRATCH.toAbsolutePath();
        deleteWithoutFollowingLinks(tmp);
        List<DynamicNode> files = new ArrayList<>();
        for (Path doc : MarkdownBlocks.documents()) {
            Path scratch = tmp.resolve(doc.getFileName().toString());
            List<DynamicTest> tests = new ArrayList<>();
            for (MarkdownBlocks.Block b : MarkdownBlocks.read(doc)) {
                if (b.language().equals("sh") || b.language().equals("bash")) {
                    tests.add(DynamicTest.dynamicTest(b.name(), () -> run(b, scratch)));
                }
            }
            if (!tests.isEmpty()) {
                files.add(DynamicContainer.dynamicContainer(doc.toString(), tests));
            }
        }
        assertFalse(files.isEmpty(), "README.md and docs/ hold shell blocks");
        return files.stream();
    }

    @Test
    void everySynopsisNamesTheOptionsOfItsCommand() throws IOException {
        CommandLine cli = SiamTrackCli.commandLine();
        int checked = 0;
        for (Path doc : MarkdownBlocks.documents()) {
            for (MarkdownBlocks.Block b : MarkdownBlocks.read(doc)) {
                if (b.marker() == null || !b.marker().startsWith("synopsis:")) {
                    continue;
                }
                String command = b.marker().substring("synopsis:".length()).strip();
                CommandLine sub = cli.getSubcommands().get(command);
                assertTrue(sub != null, b.name() + ": no command '" + command + "'");
                Set<String> documented = new TreeSet<>();
                Matcher m = OPTION.matcher(b.code());
                while (m.find()) {
                    documented.add("--" + m.group(1));
                }
                Set<String> actual = new TreeSet<>();
                for (OptionSpec o : sub.getCommandSpec().options()) {
                    String name = o.longestName();
                    if (!name.equals("--help") && !name.equals("--version")) {
                        actual.add(name.replace("[no-]", ""));
                    }
                }
                assertEquals(actual, documented, b.name() + ": the synopsis of '" + command + "' against its --help");
                checked++;
            }
        }
        assertTrue(checked >= 4, "synopses of track, batch, eval and bench are checked, found " + checked);
    }

    @Test
    void theDocumentedTestCommandIsWhatCiRuns() throws IOException {
        String ci = Files.readString(Path.of(".ci/run"), StandardCharsets.UTF_8);
        String documented = MarkdownBlocks.read(Path.of("docs/development.md")).stream()
                .map(MarkdownBlocks.Block::code).filter(c -> c.startsWith("xvfb-run")).findFirst().orElseThrow().strip();
        String ciCommand = ci.lines().filter(l -> l.startsWith("xvfb-run")).findFirst().orElseThrow();
        assertEquals(ciCommand.replace("\"$shared\"", "../shared"), documented,
                "docs/development.md shows .ci/run's test command with the data folder at ../shared");
        assertTrue(Files.readString(Path.of("README.md")).contains("```sh\nxvfb-run -a mvn -B verify\n```"),
                "README's test command is the same build without the data folder");
    }

    private static void run(MarkdownBlocks.Block block, Path scratch) throws Exception {
        String marker = block.marker() == null ? "" : block.marker();
        if (marker.startsWith("docs-test: skip")) {
            assumeTrue(false, block.name() + " not run: " + marker.substring("docs-test: skip".length()).strip());
        }
        if (marker.startsWith("docs-test: needs")) {
            for (String tool : marker.substring("docs-test: needs".length()).strip().split("\\s+")) {
                assumeTrue(onPath(tool), block.name() + " not run: needs " + tool + ", not installed");
            }
        }
        prepare(scratch);
        Path log = scratch.resolve(".block-" + block.line() + ".log");
        // setsid: the block's processes form one group, so whatever it left running is stopped with it
        ProcessBuilder pb = new ProcessBuilder("setsid", "bash", "-e", "-o", "pipefail", "-c", block.code())
                .directory(scratch.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("XDG_DATA_HOME", scratch.resolve(".xdg").toString());
        pb.environment().remove("SIAMTRACK_JAVA_OPTS");
        Process p = pb.start();
        boolean finished = p.waitFor(BLOCK_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        new ProcessBuilder("kill", "-TERM", "--", "-" + p.pid()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(10, TimeUnit.SECONDS);
        if (!finished) {
            p.destroyForcibly().waitFor();
            fail(block.name() + " ran over " + BLOCK_TIMEOUT_SECONDS + " s:\n" + tail(log));
        }
        assertEquals(0, p.exitValue(), block.name() + " exits 0 as printed:\n" + block.code() + "output:\n" + tail(log));
    }

    /** A copy of the repository as a clone has it: links to its files, and a ./siamtrack that runs this build's classes. */
    private static void prepare(Path scratch) throws IOException {
        if (Files.isDirectory(scratch)) {
            return;
        }
        Files.createDirectories(scratch.resolve(".xdg"));
        Path repo = Path.of("").toAbsolutePath();
        try (Stream<Path> entries = Files.list(repo)) {
            for (Path e : entries.toList()) {
                if (!NOT_COPIED.contains(e.getFileName().toString())) {
                    Files.createSymbolicLink(scratch.resolve(e.getFileName()), e);
                }
            }
        }
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Path args = scratch.resolve(".java.args");
        Files.writeString(args, "-cp \"" + classpath.replace("\\", "\\\\") + "\"\n");
        String java = ProcessHandle.current().info().command().orElse("java");
        Path launcher = scratch.resolve("siamtrack");
        Files.writeString(launcher, "#!/usr/bin/env bash\nexec '" + java + "' -Xmx1g -Dsiamtrack.home='" + scratch
                + "' @'" + args + "' dev.siamtrack.cli.SiamTrackCli \"$@\"\n");
        Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private static void deleteWithoutFollowingLinks(Path dir) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    private static String tail(Path log) throws IOException {
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }
}
