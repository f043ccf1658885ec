package dev.siamtrack.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import com.sun.net.httpserver.HttpServer;
import dev.siamtrack.model.ModelCatalog;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import dev.siamtrack.model.ModelCard;
import dev.siamtrack.testing.SharedData;
import dev.siamtrack.testing.ShippedModel;
import java.io.IOException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Help that reads in whole sentences with examples that work as printed, and errors on one line (traces with --verbose). */
class CliHelpAndErrorsTest {

    @TempDir
    Path tmp;

    /** Every command and nested subcommand of the CLI (not picocli's own 'help'), parents first. */
    private static List<CommandLine> commands(CommandLine cli) {
        List<CommandLine> all = new ArrayList<>();
        all.add(cli);
        cli.getSubcommands().values().stream().distinct().filter(c -> !c.getCommandName().equals("help"))
                .forEach(c -> all.addAll(commands(c)));
        return all;
    }

    private static String name(CommandLine command) {
        return command.getCommandSpec().qualifiedName().replaceFirst("^siamtrack ?", "");
    }

    /** The example command lines of a command's help, continuation lines joined. */
    private static List<String> examples(CommandLine command) {
        List<String> lines = new ArrayList<>();
        StringBuilder current = null;
        boolean inExamples = false;
        for (String line : command.getUsageMessage().split("\\R")) {
            if (line.startsWith("Example")) {
                inExamples = true;
            } else if (inExamples && line.strip().startsWith("./siamtrack ") || current != null) {
                String part = line.strip();
                current = current == null ? new StringBuilder() : current.append(' ');
                current.append(part.endsWith("\\") ? part.substring(0, part.length() - 1).strip() : part);
                if (!part.endsWith("\\")) {
                    lines.add(current.toString());
                    current = null;
                }
            }
        }
        return lines;
    }

    /** Public datasets the help's examples name, which the user downloads as the help says: their examples skip. */
    private static final Map<String, String> DOWNLOADED = Map.of("OTB100",
            "needs the OTB-100 sequences, which the user downloads as 'eval --help' says");

    /**
     * One test per example of every command's help, run as printed (outputs go to a temporary folder per command
     * instead of the checkout's out/). The 'models pull' example runs first, against a local server holding the
     * NanoTrack v2 reference files, and installs into the scratch XDG_DATA_HOME Surefire sets; the examples that
     * use the pulled model run after it. An example that reads what an earlier one of its command wrote (the same
     * out/NAME) is skipped with that example's reason when the earlier one did not run.
     */
    @TestFactory
    Stream<DynamicTest> everyHelpExampleRunsAsPrinted() throws IOException {
        List<CommandLine> ordered = new ArrayList<>(commands(SiamTrackCli.commandLine()));
        ordered.sort(Comparator.comparing(c -> !name(c).equals("models pull")));
        Map<String, String> notRun = new LinkedHashMap<>();
        List<DynamicTest> tests = new ArrayList<>();
        for (CommandLine command : ordered) {
            Path out = Files.createDirectories(tmp.resolve(name(command).isEmpty() ? "root" : name(command).replace(' ', '-')));
            for (String example : examples(command)) {
                tests.add(DynamicTest.dynamicTest(name(command) + ": " + example, () -> {
                    Assumptions.assumeFalse(name(command).equals("serve"),
                            "a service runs until it is stopped: ServeCommandTest starts one on the demo clip and SIGTERMs it");
                    DOWNLOADED.forEach((dataset, reason) -> Assumptions.assumeFalse(
                            Arrays.asList(example.split(" ")).contains(dataset), reason));
                    List<String> needs = new ArrayList<>(outputsNamed(example, name(command)));
                    ModelCatalog.names().stream().filter(m -> !example.startsWith("./siamtrack models pull ")
                            && Arrays.asList(example.split("[ ,:]")).contains(m)).forEach(m -> needs.add("pulled " + m));
                    if (name(command).equals("report") && !example.contains("--reference-models")) {
                        // report compares with NanoTrack v2 and v3 as 'models pull' installs them
                        needs.add("pulled nanotrack-v2");
                        needs.add("pulled nanotrack-v3");
                    }
                    for (String need : needs) {
                        Assumptions.assumeTrue(!notRun.containsKey(need), () -> "it needs what an earlier example makes ("
                                + need + "), which did not run: " + notRun.get(need));
                    }
                    List<String> makes = new ArrayList<>(outputsNamed(example, name(command)));
                    if (example.startsWith("./siamtrack models pull ")) {
                        makes.add("pulled " + example.split(" ")[3]);
                    }
                    makes.forEach(m -> notRun.put(m, example));
                    runExample(example, out);
                    makes.forEach(notRun::remove);
                }));
            }
        }
        assertTrue(tests.size() >= 30, tests.size() + " examples found in the help");
        return tests.stream();
    }

    /** The out/NAME folders or files (first path element under out/) an example names, keyed by its command. */
    private static List<String> outputsNamed(String example, String command) {
        List<String> names = new ArrayList<>();
        Matcher m = Pattern.compile("(?:^| |:)out/([^/ :,]+)").matcher(example);
        while (m.find()) {
            names.add(command + ": out/" + m.group(1));
        }
        return names;
    }

    private static void runExample(String example, Path out) throws Exception {
        assertFalse(example.contains("../shared"), "help examples use what ships or what a user can get: " + example);
        List<String> words = new ArrayList<>(Arrays.asList(example.replaceAll("(^| |:)out/", "$1" + out + "/").split(" +")));
        if (example.startsWith("./siamtrack models pull ")) {
            words.addAll(List.of("--from", servePublisherCopy(words.get(3))));
        }
        CliRunner.Result r = CliRunner.run(words.subList(1, words.size()).toArray(String[]::new));
        assertEquals(0, r.exitCode(), example + "\n" + r.err());
        Matcher lost = Pattern.compile("(\\d+) frames in .*; (\\d+) frames LOST(?! \\(by target)").matcher(r.err());
        if (lost.find()) {
            int frames = Integer.parseInt(lost.group(1));
            assertTrue(Integer.parseInt(lost.group(2)) < frames / 4,
                    "the example's box is on the target, so it is tracked: " + example + "\n" + r.err());
        }
        assertTrackedFromTheStart(words.toArray(String[]::new), example);
    }

    /**
     * Plays the model's publisher on a local HTTP server, from the reference copy in the shared data folder (the
     * checksums are the publisher's), for the rest of the test run; returns its base URL. The model is installed
     * into the user's models folder, which must be the scratch one Surefire sets, and is removed first.
     */
    private static String servePublisherCopy(String model) throws IOException {
        String xdg = System.getenv("XDG_DATA_HOME");
        Assumptions.assumeTrue(xdg != null && xdg.contains("target"),
                "'models pull' installs into XDG_DATA_HOME, which only Surefire's run points at a scratch folder");
        Path reference = SharedData.nanoTrack(Integer.parseInt(model.replace("nanotrack-v", "")));
        ModelCatalog.Entry entry = ModelCatalog.find(model).orElseThrow();
        Path installed = Path.of(xdg, "siamtrack", "models", model);
        if (Files.isDirectory(installed)) {
            try (Stream<Path> files = Files.walk(installed)) {
                for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(f);
                }
            }
        }
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        for (ModelCatalog.File file : entry.files()) {
            byte[] body = Files.readAllBytes(reference.resolve(file.name()));
            server.createContext("/" + file.path(), exchange -> {
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream o = exchange.getResponseBody()) {
                    o.write(body);
                }
            });
        }
        server.start();
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/";
    }

    /**
     * Every target in the example's {@code --out} file is tracked (not LOST) on its first 30 frames, so its box
     * is on a target; with several targets the summary's LOST count also holds a target that legitimately left
     * the frame later on.
     */
    private static void assertTrackedFromTheStart(String[] words, String example) throws Exception {
        int at = Arrays.asList(words).indexOf("--out");
        if (at < 0 || !words[0].equals("./siamtrack") || !words[1].equals("track")) {
            return;
        }
        Path out = Path.of(words[at + 1]);
        ObjectMapper json = new ObjectMapper();
        Map<String, List<String>> states = new LinkedHashMap<>();
        for (String line : Files.readAllLines(out)) {
            String id;
            String state;
            if (out.toString().endsWith(".jsonl")) {
                JsonNode row = json.readTree(line);
                id = row.get("id").asText();
                state = row.get("state").asText();
            } else if (line.startsWith("frame,")) {
                continue;
            } else {
                String[] f = line.split(",");
                id = f[1];
                state = f[f.length - 1];
            }
            states.computeIfAbsent(id, k -> new ArrayList<>()).add(state);
        }
        assertFalse(states.isEmpty(), example);
        states.forEach((id, s) -> assertFalse(s.subList(0, Math.min(30, s.size())).contains("LOST"),
                "target " + id + "'s box is on a target, so it is tracked from the start: " + example));
    }

    /**
     * picocli wraps help lines with the JDK's line BreakIterator, which also breaks after '.', ',' and '-' inside a
     * word ("FILE." / "mp4", "X,Y," / "W,H"). At the CLI's width every help must hold the same words as at a width
     * where nothing wraps, and no line of a description, a footer or the command list may hold a lone word left
     * over from a hand-written line that was too long.
     */
    @Test
    void helpNeverBreaksAWordAcrossLines() {
        List<CommandLine> atWidth = commands(SiamTrackCli.commandLine());
        CommandLine unwrapped = SiamTrackCli.commandLine();
        unwrapped.setUsageHelpWidth(10_000);
        List<CommandLine> wide = commands(unwrapped);
        for (int i = 0; i < atWidth.size(); i++) {
            String help = atWidth.get(i).getUsageMessage();
            List<String> words = Arrays.asList(help.strip().split("\\s+"));
            List<String> whole = Arrays.asList(wide.get(i).getUsageMessage().strip().split("\\s+"));
            for (int w = 0; w < Math.min(words.size(), whole.size()); w++) {
                assertEquals(whole.get(w), words.get(w), "'" + name(atWidth.get(i)) + " --help' breaks a word across lines: '"
                        + words.get(w) + "' + '" + (w + 1 < words.size() ? words.get(w + 1) : "") + "'\n" + help);
            }
            assertEquals(whole.size(), words.size(), help);
            boolean commandList = false;
            for (String line : help.split("\\R")) {
                commandList = line.equals("Commands:") || commandList && !line.isBlank();
                assertFalse((line.equals(line.strip()) || commandList) && line.strip().matches("[a-z]+[.,;:]?"),
                        "'" + name(atWidth.get(i))
                        + " --help' has a word alone on a line (a hand-wrapped line too long for the width): " + line);
            }
        }
    }

    @Test
    void everyCommandHasAnExampleAndNoHelpNamesTheSharedDataFolder() {
        for (CommandLine command : commands(SiamTrackCli.commandLine())) {
            String help = command.getUsageMessage();
            assertFalse(help.contains("../shared") || help.contains("/work/"), name(command) + " --help:\n" + help);
            if (name(command).isEmpty()) {
                continue;
            }
            if (name(command).equals("trax")) {
                // the VOT toolkit starts it: its example is the toolkit's trackers.ini entry
                assertTrue(help.contains("command = /path/to/siamtrack trax --model "), help);
            } else {
                assertFalse(examples(command).isEmpty(), name(command) + " has no example:\n" + help);
            }
        }
    }

    @Test
    void theCommandListShowsWholeSentencesAndExamplesStayIndented() {
        CommandLine cli = SiamTrackCli.commandLine();
        for (CommandLine command : commands(cli)) {
            String[] description = command.getCommandSpec().usageMessage().description();
            if (description.length > 0) {
                assertTrue(description[0].endsWith("."), name(command) + "'s first line is a sentence: " + description[0]);
            }
            boolean inExamples = false;
            for (String line : command.getUsageMessage().split("\\R")) {
                inExamples |= line.startsWith("Example");
                if (inExamples && line.startsWith(" ")) {
                    assertTrue(line.startsWith("  ") && line.length() <= 80, name(command) + " example line: " + line);
                }
            }
        }
        String track = cli.getSubcommands().get("track").getCommandSpec().usageMessage().description()[0];
        assertTrue(track.contains("--view") && track.contains("camera"), track);
    }

    /** Every option that takes a model takes an installed model's name, and a known one not installed says how to get it. */
    @Test
    void modelNamesAreAcceptedEverywhereAndAMissingKnownOneHintsAtModelsPull() {
        String hint = "nanotrack-v1 is not installed; download it with ./siamtrack models pull nanotrack-v1";
        List<String[]> missing = List.of(
                new String[] {"track", "videos/demo.mp4", "--init", "462,166,56,40", "--model", "nanotrack-v1"},
                new String[] {"bench", "--frames", "2", "--compare-model", "nanotrack-v1"},
                new String[] {"bench", "--frames", "2", "--reference-model", "nanotrack-v1"},
                new String[] {"compare", "--model", "nanotrack-v1", "a.jpg", "b.jpg"},
                new String[] {"batch", "videos/demo-batch.csv", "--out", tmp.resolve("b").toString(), "--model", "nanotrack-v1"},
                new String[] {"eval", "videos", "--trackers", "siamtrack:nanotrack-v1", "--report", tmp.resolve("e").toString()});
        for (String[] args : missing) {
            CliRunner.Result r = CliRunner.run(args);
            assertEquals(2, r.exitCode(), String.join(" ", args) + "\n" + r.err());
            assertTrue(r.err().startsWith("siamtrack: ") && r.err().contains(hint), String.join(" ", args) + "\n" + r.err());
            assertEquals(1, r.err().strip().lines().count(), r.err());
        }
        assertFalse(Files.exists(tmp.resolve("b")) || Files.exists(tmp.resolve("e")), "nothing written before the error");
    }

    @Test
    void verboseShowsTheTraceOfTheSubcommandsError() {
        String[] args = {"track", "videos/demo.mp4", "--init", "462,166,56,40", "--threads", "999"};
        CliRunner.Result plain = CliRunner.run(args);
        assertEquals(2, plain.exitCode());
        assertFalse(plain.err().contains("\tat "), plain.err());
        String[] verbose = Arrays.copyOf(args, args.length + 1);
        verbose[args.length] = "--verbose";
        CliRunner.Result traced = CliRunner.run(verbose);
        assertEquals(2, traced.exitCode());
        assertTrue(traced.err().contains("\tat dev.siamtrack.cli.Arguments.threads"), traced.err());
    }

    @Command(name = "fail")
    static final class Failing implements Callable<Integer> {
        @Option(names = "--verbose")
        boolean verbose;

        @Override
        public Integer call() {
            throw new IllegalStateException("the disk went away\nsecond line");
        }
    }

    private static String[] runFailing(String... args) {
        CommandLine cli = SiamTrackCli.commandLine();
        cli.addSubcommand("fail", new Failing());
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        cli.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
        int code = cli.execute(args);
        return new String[] {Integer.toString(code), err.toString(StandardCharsets.UTF_8)};
    }

    @Test
    void aFailureHintsAtVerboseOnlyWithoutIt() {
        String[] plain = runFailing("fail");
        assertEquals("1", plain[0]);
        assertEquals("siamtrack: error: the disk went away; second line\n(run again with --verbose for details)\n",
                plain[1].replace("\r", ""));
        String[] verbose = runFailing("fail", "--verbose");
        assertTrue(verbose[1].contains("\tat ") && !verbose[1].contains("run again with --verbose"), verbose[1]);
    }

    @Test
    void openCvErrorsLoseTheirBuildPath() {
        String raw = "OpenCV(4.13.0) /home/runner/work/javacpp-presets/opencv/cppbuild/linux-x86_64/opencv-4.13.0/"
                + "modules/core/src/matrix.cpp:123: error: (-215:Assertion failed) size == mat.size() in function 'copyTo'\n";
        assertEquals("OpenCV Assertion failed: size == mat.size() (in copyTo)",
                SiamTrackCli.oneLine(new RuntimeException(raw)));
    }

    @Test
    void modelsListsABrokenCardAndGoesOn() throws Exception {
        Path models = Files.createDirectories(tmp.resolve("models"));
        for (String name : List.of("a-broken", "b-good")) {
            Path dir = Files.createDirectories(models.resolve(name));
            for (String file : List.of("backbone.onnx", "head.onnx", "model.json")) {
                Files.copy(ShippedModel.dir().resolve(file), dir.resolve(file), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Path card = models.resolve("a-broken/model.json");
        Files.writeString(card, Files.readString(card).replace("\"stride\": 16", "\"stride\": 0"));
        CliRunner.Result r = CliRunner.run("models", models.toString());
        assertEquals(2, r.exitCode(), r.out());
        assertTrue(r.out().contains("cannot load: " + card + ": stride must be an integer from 1 to 64, found 0"), r.out());
        assertTrue(r.err().strip().matches("siamtrack: 1 of \\d+ models cannot be loaded \\(see 'cannot load' above\\)"), r.err());
        ModelCard shipped = ModelCard.read(ShippedModel.dir().resolve(ModelCard.FILE_NAME));
        assertTrue(r.out().contains(models.resolve("b-good") + "\n    " + shipped.name() + " (" + shipped.family() + "): exemplar 127"),
                r.out());
    }

    @Test
    void aScreenshotFramePastTheEndIsRefusedBeforeTheRun() {
        Path shot = tmp.resolve("shot.png");
        CliRunner.Result r = CliRunner.run("track", "videos/demo.mp4", "--init", "462,166,56,40", "--view",
                "--screenshot", shot.toString(), "--screenshot-frame", "500");
        Assumptions.assumeFalse(r.err().contains("display") || r.err().contains("OpenGL"), "needs a display: " + r.err());
        assertEquals(2, r.exitCode(), r.err());
        assertTrue(r.err().contains("--screenshot-frame 500: videos/demo.mp4 has only 300 frames (0 to 299)"), r.err());
        assertFalse(Files.exists(shot));
    }
}
