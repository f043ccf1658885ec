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
import java.util.ArrayList;
import java.util.Arrays;
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

    /** The example command lines of a command's help, continuation lines joined. */
    private static List<String> examples(CommandLine command) {
        List<String> lines = new ArrayList<>();
        StringBuilder current = null;
        boolean inExamples = false;
        for (String line : command.getUsageMessage().split("\\R")) {
            if (line.strip().equals("Examples:")) {
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

    /**
     * One test per example of every command's help, run as printed (outputs go to a temporary folder instead of
     * the checkout's out/). The examples of one command run in order and share that folder, since a later one may
     * read what an earlier one wrote (compare --pairs reads what make-pairs wrote): when one is skipped or fails,
     * the later ones of that command are skipped with that reason.
     */
    @TestFactory
    Stream<DynamicTest> everyHelpExampleRunsAsPrinted() throws IOException {
        CommandLine cli = SiamTrackCli.commandLine();
        List<DynamicTest> tests = new ArrayList<>();
        for (Map.Entry<String, CommandLine> command : cli.getSubcommands().entrySet()) {
            if (command.getKey().equals("serve")) {
                // a service runs until it is stopped: ServeCommandTest starts one on the demo clip and SIGTERMs it
                continue;
            }
            Path out = Files.createDirectories(tmp.resolve(command.getKey()));
            String[] earlierNotRun = {null};
            for (String example : examples(command.getValue())) {
                tests.add(DynamicTest.dynamicTest(command.getKey() + ": " + example, () -> {
                    Assumptions.assumeTrue(earlierNotRun[0] == null, () -> "it may read the outputs of the earlier "
                            + command.getKey() + " example, which did not run: " + earlierNotRun[0]);
                    earlierNotRun[0] = example;
                    runExample(example, out);
                    earlierNotRun[0] = null;
                }));
            }
        }
        assertTrue(tests.size() >= 10, tests.size() + " examples found in the help");
        return tests.stream();
    }

    private static void runExample(String example, Path out) throws Exception {
        if (example.contains("../shared/")) {
            SharedData.devDataset();
            SharedData.nanoTrack(2);
        }
        String[] words = example.replaceAll("(^| )\\.\\./shared/", "$1" + SharedData.ROOT + "/")
                .replaceAll("(^| )out/", "$1" + out + "/").split(" +");
        CliRunner.Result r = CliRunner.run(Arrays.copyOfRange(words, 1, words.length));
        assertEquals(0, r.exitCode(), example + "\n" + r.err());
        Matcher lost = Pattern.compile("(\\d+) frames in .*; (\\d+) frames LOST(?! \\(by target)").matcher(r.err());
        if (lost.find()) {
            int frames = Integer.parseInt(lost.group(1));
            assertTrue(Integer.parseInt(lost.group(2)) < frames / 4,
                    "the example's box is on the target, so it is tracked: " + example + "\n" + r.err());
        }
        assertTrackedFromTheStart(words, example);
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

    @Test
    void theCommandListShowsWholeSentencesAndExamplesStayIndented() {
        CommandLine cli = SiamTrackCli.commandLine();
        for (Map.Entry<String, CommandLine> command : cli.getSubcommands().entrySet()) {
            String[] description = command.getValue().getCommandSpec().usageMessage().description();
            if (description.length > 0) {
                assertTrue(description[0].endsWith("."), command.getKey() + "'s first line is a sentence: " + description[0]);
            }
            boolean inExamples = false;
            for (String line : command.getValue().getUsageMessage().split("\\R")) {
                inExamples |= line.strip().equals("Examples:");
                if (inExamples && !line.isBlank() && !line.strip().equals("Examples:")) {
                    assertTrue(line.startsWith("  ") && line.length() <= 80, command.getKey() + " example line: " + line);
                }
            }
        }
        String track = cli.getSubcommands().get("track").getCommandSpec().usageMessage().description()[0];
        assertTrue(track.contains("--view") && track.contains("camera"), track);
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
