package dev.siamtrack.cli;

import dev.siamtrack.eval.Datasets;
import dev.siamtrack.eval.Report;
import dev.siamtrack.eval.Sequence;
import dev.siamtrack.home.Home;
import dev.siamtrack.model.ModelRegistry;
import dev.siamtrack.video.synth.ClipWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code siamtrack report}: runs the speed and accuracy suite ({@code bench}, {@code eval}, {@code make-longterm})
 * and writes one document with every figure of that run and the machine, date and commit it ran on. The figures
 * come from the commands themselves, run in this process with the arguments the document lists.
 */
@Command(name = "report", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Run the speed and accuracy suite and write its figures to one Markdown file.",
            "Speed: bench of the default model against NanoTrack v2 and of NanoTrack v2 against v3,",
            "each run with OpenCV's TrackerNano (NanoTrack v2 weights) on the same frames, and",
            "what a frame with the target LOST costs against a tracked one (re-detection on).",
            "Accuracy: eval of the default model, NanoTrack v2 and v3 in our engine",
            "and OpenCV's TrackerNano on every --dataset; long-term sets made from each with",
            "make-longterm, evaluated the same way and with re-detection off beside each of",
            "our engine's models; with two or more datasets, also all of them taken together.",
            "The file starts with the CPU, the date, the commit and the exact commands.",
            "Everything is checked before anything is written; intermediate results go to",
            "WORK/<date and time>/."},
        footer = {"", "Exit codes: 0 written, 1 a step failed, 2 bad input (nothing written).", "", "Examples:",
            "  ./siamtrack models pull nanotrack-v2",
            "  ./siamtrack models pull nanotrack-v3",
            "  ./siamtrack make-clip --out out/clips/leaves.mp4 --frames 150 --leave",
            "  ./siamtrack report --quick --no-longterm --dataset out/clips \\",
            "      --work out/report --out out/benchmarks.md"})
final class ReportCommand implements Callable<Integer> {

    static final String DEFAULT_OUT = "docs/benchmarks.md";
    private static final int QUICK_FRAMES = 30;
    private static final String NAME = "[A-Za-z0-9_-]{1,32}";
    private static final int QUICK_SEQUENCES = 2;
    private static final DateTimeFormatter RUN_FOLDER = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT);

    @Spec
    private CommandSpec spec;

    @Option(names = "--out", paramLabel = "FILE.md", defaultValue = DEFAULT_OUT,
            description = "The document to write (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--work", paramLabel = "DIR", defaultValue = "out/report",
            description = "Where each run keeps its bench JSON and eval reports, in a new subfolder (default: ${DEFAULT-VALUE}).")
    Path work;

    @Option(names = "--reference-models", paramLabel = "DIR",
            description = "Folder holding nanotrack-v2/ and nanotrack-v3/ (default: the models installed with 'models pull').")
    Path referenceModels;

    @Option(names = "--dataset", paramLabel = "[NAME=]DIR",
            description = "A dataset to evaluate on, named in the tables by NAME or else its folder's name (repeatable;"
                    + " none: speed only).")
    List<String> datasets = new ArrayList<>();

    @Option(names = "--sequences", paramLabel = "NAME=FILE",
            description = "Evaluate dataset NAME on the sequences FILE lists only (one per line, # comments).")
    Map<String, Path> sequenceLists = new LinkedHashMap<>();

    @Option(names = "--longterm", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Also make long-term sets from each dataset (OTB-layout sequences) and evaluate them (default: on).")
    boolean longterm;

    @Option(names = "--video", paramLabel = "FILE", description = "Video for the speed runs (default: videos/demo.mp4).")
    Path video;

    @Option(names = "--frames", paramLabel = "N", description = "Frames per speed run (default: 300; 30 with --quick).")
    Integer frames;

    @Option(names = "--quick", description = "A short run: 30 frames per speed run and the first 2 sequences of each dataset.")
    boolean quick;

    /** A dataset as it will be evaluated: its sequences (null: all) and where make-longterm reads them. */
    private record Plan(String name, Path dir, List<String> sequences, List<String> otbSequences) {
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        Path defaultModel = ModelRegistry.defaultModel(Home.modelsDir())
                .orElseThrow(() -> new UserException("no default model in " + Home.modelsDir() + " (models/DEFAULT)"));
        Path v2 = referenceModel("nanotrack-v2");
        Path v3 = referenceModel("nanotrack-v3");
        Path clip = video != null ? video : DemoCommand.defaultClip();
        if (!Files.isRegularFile(clip)) {
            throw new UserException("--video " + clip + ": no such file");
        }
        if (!Files.isRegularFile(ClipWriter.groundTruthPath(clip))) {
            throw new UserException("--video " + clip + ": bench starts the target from its ground truth, "
                    + ClipWriter.groundTruthPath(clip) + ", which is missing");
        }
        int benchFrames = frames != null ? frames : quick ? QUICK_FRAMES : 300;
        if (benchFrames < 2) {
            throw new UserException("--frames must be at least 2");
        }
        List<Plan> plans = plans();
        checkOut();
        checkWork();

        Provenance provenance = Provenance.here(Home.dir());
        Path run = work.resolve(ZonedDateTime.now(ZoneOffset.UTC).format(RUN_FOLDER));
        if (Files.exists(run)) {
            throw new UserException("--work " + work + ": " + run + " exists already; run again in a second");
        }
        Files.createDirectories(run);
        List<Path> ourModels = List.of(defaultModel, v2, v3);
        List<String> trackers = new ArrayList<>();
        ourModels.forEach(m -> trackers.add("siamtrack:" + shown(m)));
        trackers.add("opencv-nano:" + shown(v2));
        List<Step> steps = new ArrayList<>();
        Path benchShipped = run.resolve("bench-shipped.json");
        Path benchReference = run.resolve("bench-nanotrack.json");
        steps.add(new Step("speed of the default model", List.of("bench", "--video", shown(clip), "--model",
                shown(defaultModel), "--compare-model", shown(v2), "--reference-model", shown(v2), "--frames",
                Integer.toString(benchFrames), "--json", shown(benchShipped))));
        steps.add(new Step("speed of NanoTrack v2 and v3", List.of("bench", "--video", shown(clip), "--model",
                shown(v2), "--compare-model", shown(v3), "--reference-model", shown(v2), "--frames",
                Integer.toString(benchFrames), "--json", shown(benchReference))));
        List<BenchmarksDoc.Evaluation> evaluations = new ArrayList<>();
        for (Plan p : plans) {
            Path report = run.resolve("eval-" + p.name());
            List<String> args = new ArrayList<>(List.of("eval", shown(p.dir())));
            if (p.sequences() != null) {
                args.addAll(List.of("--sequences", String.join(",", p.sequences())));
            }
            args.addAll(List.of("--trackers", String.join(",", trackers), "--report", shown(report), "--threads", "1"));
            steps.add(new Step("accuracy on " + p.name(), args));
            evaluations.add(new BenchmarksDoc.Evaluation(p.name(), false, report.resolve("summary.json")));
        }
        // each of our engine's models with re-detection off beside it: what re-detection gains on the same set
        List<String> longTermTrackers = new ArrayList<>();
        ourModels.forEach(m -> longTermTrackers.addAll(List.of("siamtrack:" + shown(m), "siamtrack-st:" + shown(m))));
        longTermTrackers.add("opencv-nano:" + shown(v2));
        for (Plan p : longterm ? plans : List.<Plan>of()) {
            Path source = p.dir();
            if (p.sequences() != null) {
                source = run.resolve(p.name() + "-sequences");
                linkSequences(p, source);
            }
            Path set = run.resolve(p.name() + "-longterm");
            Path report = run.resolve("eval-" + p.name() + "-longterm");
            steps.add(new Step("long-term set from " + p.name(), List.of("make-longterm", shown(source), "--out", shown(set))));
            steps.add(new Step("accuracy on " + p.name() + "-longterm", List.of("eval", shown(set), "--trackers",
                    String.join(",", longTermTrackers), "--report", shown(report), "--threads", "1")));
            evaluations.add(new BenchmarksDoc.Evaluation(p.name() + "-longterm", true, report.resolve("summary.json")));
        }

        long start = System.nanoTime();
        for (int i = 0; i < steps.size(); i++) {
            Step s = steps.get(i);
            err.printf(Locale.ROOT, "report: [%d/%d] %s (%.0f s so far): ./siamtrack %s%n", i + 1, steps.size(),
                    s.what(), (System.nanoTime() - start) / 1e9, s.commandLine());
            err.flush();
            int code = SiamTrackCli.commandLine().execute(s.args().toArray(String[]::new));
            if (code != SiamTrackCli.EXIT_OK) {
                err.println("siamtrack: report: step " + (i + 1) + " (" + s.what() + ") failed with exit code " + code
                        + "; " + out + " is left as it was");
                return SiamTrackCli.EXIT_FAILURE;
            }
        }
        String document = new BenchmarksDoc(provenance, reportCommandLine(), steps.stream().map(Step::commandLine).toList())
                .render(benchShipped, benchReference, evaluations);
        Files.createDirectories(out.toAbsolutePath().getParent());
        Report.writeAtomically(out, document);
        err.printf(Locale.ROOT, "report: wrote %s in %.0f s (intermediate results in %s)%n", out,
                (System.nanoTime() - start) / 1e9, run);
        return SiamTrackCli.EXIT_OK;
    }

    /** One command of the suite, as {@code ./siamtrack} would take it. */
    record Step(String what, List<String> args) {
        String commandLine() {
            return args.stream().map(ReportCommand::quoted).collect(Collectors.joining(" "));
        }
    }

    private Path referenceModel(String name) {
        if (referenceModels != null) {
            if (!Files.isDirectory(referenceModels)) {
                throw new UserException("--reference-models " + referenceModels + ": no such folder");
            }
            return model(name, referenceModels.resolve(name));
        }
        try {
            return model(name, Home.findModel(Path.of(name)));
        } catch (IllegalArgumentException e) {
            throw new UserException(e.getMessage() + ", or name a folder holding it with --reference-models DIR");
        }
    }

    private static Path model(String name, Path dir) {
        for (String file : List.of("backbone.onnx", "head.onnx")) {
            if (!Files.isRegularFile(dir.resolve(file))) {
                throw new UserException("model " + name + ": " + dir.resolve(file) + " not found");
            }
        }
        return dir;
    }

    /** Checks every dataset and sequence list, and what make-longterm will need; reads only. */
    private List<Plan> plans() throws IOException {
        Map<String, Path> named = namedDatasets();
        for (String name : sequenceLists.keySet()) {
            if (!named.containsKey(name)) {
                throw new UserException("--sequences " + name + "=...: no dataset named " + name + " (--dataset "
                        + name + "=DIR)");
            }
        }
        List<Plan> plans = new ArrayList<>();
        for (Map.Entry<String, Path> d : named.entrySet()) {
            String name = d.getKey();
            Path dir = d.getValue();
            if (!Files.isDirectory(dir)) {
                throw new UserException("--dataset " + name + "=" + dir + ": no such folder");
            }
            List<Sequence> found = Datasets.scan(dir).sequences();
            List<String> names = found.stream().map(Sequence::name).toList();
            List<String> wanted = null;
            Path list = sequenceLists.get(name);
            if (list != null) {
                wanted = readSequenceList(list);
                List<String> unknown = wanted.stream().filter(s -> !names.contains(s)).toList();
                if (!unknown.isEmpty()) {
                    throw new UserException("--sequences " + name + "=" + list + ": not in " + dir + ": "
                            + String.join(", ", unknown));
                }
            }
            if (names.isEmpty()) {
                throw new UserException("--dataset " + name + "=" + dir
                        + ": no readable sequence (layouts: OTB, GOT-10k, VOT, LaSOT, video + .txt)");
            }
            if (quick) {
                List<String> from = wanted != null ? wanted : names;
                wanted = from.subList(0, Math.min(QUICK_SEQUENCES, from.size()));
            }
            List<String> chosen = wanted != null ? wanted : names;
            List<String> otb = found.stream().filter(s -> chosen.contains(s.name()) && s.layout().equals("OTB")
                    && Files.isDirectory(dir.resolve(s.name()).resolve("img"))).map(Sequence::name).toList();
            if (longterm && otb.size() < 2) {
                throw new UserException("--dataset " + name + "=" + dir + ": long-term sets are made from OTB-layout"
                        + " sequences (NAME/img/ + NAME/groundtruth_rect.txt), and it has " + otb.size()
                        + " of the 2 needed; add --no-longterm");
            }
            plans.add(new Plan(name, dir, wanted, otb));
        }
        return plans;
    }

    /** Each --dataset by its name: NAME= when given, else the folder's name. */
    private Map<String, Path> namedDatasets() {
        Map<String, Path> named = new LinkedHashMap<>();
        for (String spec : datasets) {
            int eq = spec.indexOf('=');
            boolean hasName = eq > 0 && spec.substring(0, eq).matches(NAME);
            Path dir = Path.of(hasName ? spec.substring(eq + 1) : spec);
            Path last = dir.toAbsolutePath().normalize().getFileName();
            String name = hasName ? spec.substring(0, eq) : last == null ? "" : last.toString();
            if (!name.matches(NAME)) {
                throw new UserException("--dataset " + spec + ": a dataset's name is 1 to 32 letters, digits, '-' or"
                        + " '_'; give one as NAME=DIR");
            }
            if (named.put(name, dir) != null) {
                throw new UserException("--dataset " + spec + ": a second dataset named " + name + "; give another"
                        + " as NAME=DIR");
            }
        }
        return named;
    }

    private static List<String> readSequenceList(Path list) throws IOException {
        if (!Files.isRegularFile(list)) {
            throw new UserException("--sequences " + list + ": no such file");
        }
        List<String> names = Files.readAllLines(list, StandardCharsets.UTF_8).stream().map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        if (names.isEmpty()) {
            throw new UserException("--sequences " + list + ": lists no sequence");
        }
        return names;
    }

    private void checkOut() {
        if (Files.isDirectory(out)) {
            throw new UserException("--out " + out + ": is a folder; name the .md file to write");
        }
        Path parent = Arguments.nearestExisting(out.toAbsolutePath().getParent());
        if (parent == null || !Files.isDirectory(parent) || !Files.isWritable(parent)) {
            throw new UserException("--out " + out + ": cannot be written (" + parent + " is not a writable folder)");
        }
        if (Files.exists(out) && !Files.isWritable(out)) {
            throw new UserException("--out " + out + ": cannot be written");
        }
    }

    /** The run folder is made under {@code --work}: it must be, or go into, a writable folder. */
    private void checkWork() {
        Path existing = Arguments.nearestExisting(work.toAbsolutePath());
        if (existing == null || !Files.isDirectory(existing) || !Files.isWritable(existing)) {
            throw new UserException("--work " + work + ": cannot be written (" + existing + " is not a writable folder)");
        }
    }

    /** make-longterm reads a folder of sequences: the chosen ones, linked into one. */
    private static void linkSequences(Plan p, Path folder) throws IOException {
        Files.createDirectories(folder);
        for (String s : p.otbSequences()) {
            Files.createSymbolicLink(folder.resolve(s), p.dir().resolve(s).toAbsolutePath());
        }
    }

    private String reportCommandLine() {
        List<String> args = new ArrayList<>(List.of("report"));
        if (quick) {
            args.add("--quick");
        }
        if (!longterm) {
            args.add("--no-longterm");
        }
        if (frames != null) {
            args.addAll(List.of("--frames", frames.toString()));
        }
        if (video != null) {
            args.addAll(List.of("--video", shown(video)));
        }
        if (referenceModels != null) {
            args.addAll(List.of("--reference-models", shown(referenceModels)));
        }
        datasets.forEach(d -> args.addAll(List.of("--dataset", d)));
        sequenceLists.forEach((name, file) -> args.addAll(List.of("--sequences", name + "=" + shown(file))));
        if (!work.equals(Path.of("out/report"))) {
            args.addAll(List.of("--work", shown(work)));
        }
        if (!out.equals(Path.of(DEFAULT_OUT))) {
            args.addAll(List.of("--out", shown(out)));
        }
        return args.stream().map(ReportCommand::quoted).collect(Collectors.joining(" "));
    }

    /** A path as the commands get it: relative to the working folder when it lies inside it, so runs elsewhere read the same. */
    private static String shown(Path path) {
        Path here = Path.of("").toAbsolutePath();
        Path absolute = path.toAbsolutePath().normalize();
        return absolute.startsWith(here) && !absolute.equals(here) ? here.relativize(absolute).toString() : path.toString();
    }

    private static String quoted(String arg) {
        return arg.matches("[A-Za-z0-9_./:=,@+-]+") ? arg : "'" + arg.replace("'", "'\\''") + "'";
    }
}
