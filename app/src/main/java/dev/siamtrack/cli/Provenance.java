package dev.siamtrack.cli;

import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Where a set of figures comes from: the CPU, when, and which commit of the code measured them. A timing means
 * little without its machine, and the same machine gives other figures for other code.
 */
record Provenance(String cpu, int logicalCpus, double loadAverage, String date, String commit) {

    /** The vector extensions that decide how fast ONNX Runtime's CPU kernels run. */
    private static final List<String> VECTOR_FLAGS = List.of("avx2", "avx512f", "avx512_vnni", "avx_vnni", "amx_tile");
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(10);
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT);

    /** This machine now, and the commit of the checkout at {@code home}. */
    static Provenance here(Path home) {
        return new Provenance(cpuModel(), Runtime.getRuntime().availableProcessors(),
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
                ZonedDateTime.now(ZoneOffset.UTC).format(DATE), commit(home));
    }

    /** The header lines of a generated document: each figure table below them carries these. */
    List<String> headerLines() {
        return List.of(
                "- CPU: " + cpu + " (" + logicalCpus + " logical CPUs available)",
                "- Date: " + date,
                "- Commit: " + commit,
                String.format(Locale.ROOT, "- Load average when the run started: %.2f", loadAverage));
    }

    /**
     * The CPU from /proc/cpuinfo (model name, family and model, the widest vector extensions: virtual machines
     * often name only the vendor), else lscpu's model name, else the architecture.
     */
    private static String cpuModel() {
        Map<String, String> fields = new HashMap<>();
        try {
            Path cpuinfo = Path.of("/proc/cpuinfo");
            if (Files.isReadable(cpuinfo)) {
                for (String line : Files.readAllLines(cpuinfo, StandardCharsets.UTF_8)) {
                    int colon = line.indexOf(':');
                    if (colon > 0) {
                        fields.putIfAbsent(line.substring(0, colon).strip(), line.substring(colon + 1).strip());
                    }
                }
            }
        } catch (IOException e) {
            fields.clear();
        }
        String name = fields.get("model name");
        if (name == null) {
            name = output(Path.of("."), "lscpu").lines().filter(l -> l.startsWith("Model name:"))
                    .map(l -> l.substring(l.indexOf(':') + 1).strip()).findFirst().orElse(null);
        }
        if (name == null) {
            return System.getProperty("os.arch") + " (model name unknown)";
        }
        List<String> details = new ArrayList<>();
        if (fields.containsKey("cpu family") && fields.containsKey("model")) {
            details.add("family " + fields.get("cpu family") + ", model " + fields.get("model"));
        }
        List<String> flags = List.of(fields.getOrDefault("flags", "").split("\\s+"));
        List<String> vectors = VECTOR_FLAGS.stream().filter(flags::contains).toList();
        if (!vectors.isEmpty()) {
            details.add(String.join(", ", vectors).toUpperCase(Locale.ROOT).replace('_', '-'));
        }
        return details.isEmpty() ? name : name + " (" + String.join("; ", details) + ")";
    }

    /** The commit hash, marked when the working tree differs from it; "unknown" outside a git checkout. */
    private static String commit(Path home) {
        String hash = output(home, "git", "rev-parse", "HEAD").strip();
        if (!hash.matches("[0-9a-f]{40}")) {
            return "unknown (not a git checkout)";
        }
        boolean changed = !output(home, "git", "status", "--porcelain", "--untracked-files=no").isBlank();
        return hash.substring(0, 12) + (changed ? " with uncommitted changes" : "");
    }

    /**
     * A command's standard output, or "" when it cannot run, fails or takes over 10 s. The output goes to a file
     * so that waiting is bounded: reading a pipe to its end would wait for a hung command forever.
     */
    private static String output(Path dir, String... command) {
        return output(COMMAND_TIMEOUT, dir, command);
    }

    /** As {@link #output(Path, String...)}, with its own time limit. */
    static String output(Duration timeout, Path dir, String... command) {
        Path out = null;
        try {
            out = Files.createTempFile("siamtrack-provenance", ".txt");
            Process p = new ProcessBuilder(command).directory(dir.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(out.toFile())
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                return "";
            }
            return p.exitValue() == 0 ? Files.readString(out, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        } finally {
            if (out != null) {
                out.toFile().delete();
            }
        }
    }
}
