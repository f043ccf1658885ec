package dev.siamtrack.cli;

import dev.siamtrack.eval.Datasets;
import dev.siamtrack.eval.Evaluator;
import dev.siamtrack.eval.ReportData;
import dev.siamtrack.eval.Sequence;
import dev.siamtrack.eval.SubmissionFormat;
import dev.siamtrack.eval.TrackerFactory;
import dev.siamtrack.eval.TrackerSpec;
import dev.siamtrack.track.opencv.OpenCvTracker;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code siamtrack eval}: benchmark accuracy and speed of SiamTrack and OpenCV's trackers on real sequences. */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = {
            "Evaluate trackers on a dataset (one-pass) and write accuracy, speed and plots to a report folder.",
            "Accuracy: success AUC, precision, AO, SR; tracker-only speed; OTB-format results;",
            "success and precision plots.",
            "Layouts: OTB (img/ + groundtruth_rect.txt), GOT-10k, VOT (polygons), LaSOT,",
            "and video files with a ground truth of the same name (clip.mp4 + clip.txt)."},
        footer = {"", "Timings are tracker-only (decoding excluded) and trustworthy only",
            "with --threads 1; the summary records the thread count.",
            "Exit codes: 0 done, 1 failure while running, 2 bad input.",
            "", "Examples:",
            "  ./siamtrack eval videos --trackers siamtrack,csrt --report out/eval",
            "With NanoTrack v2 in our engine and in OpenCV, after ./siamtrack models pull nanotrack-v2:",
            "  ./siamtrack eval videos --report out/eval-v2 \\",
            "      --trackers siamtrack:nanotrack-v2,opencv-nano:nanotrack-v2",
            "On OTB-100, its sequences downloaded from http://cvlab.hanyang.ac.kr/tracker_benchmark/",
            "(datasets.html) and unzipped into OTB100/:",
            "  ./siamtrack eval OTB100 --trackers siamtrack,siamtrack-st --report out/otb100"})
public final class EvalCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "DATASET_DIR", description = "A folder of sequences, or one sequence folder.")
    Path datasetDir;

    @Option(names = "--trackers", required = true, split = ",", paramLabel = "SPEC",
            description = "Trackers to compare: " + TrackerSpec.SYNTAX + ".")
    List<String> trackers;

    @Option(names = "--report", required = true, paramLabel = "DIR",
            description = "Folder for summary.json, summary.md, results/ and the plots.")
    Path reportDir;

    @Option(names = "--sequences", split = ",", paramLabel = "NAME",
            description = "Evaluate only these sequences (default: all found).")
    List<String> sequences;

    @Option(names = "--format", split = ",", paramLabel = "FORMAT",
            description = "Also write each tracker's results as the benchmarks' scorers read them, in REPORT/FORMAT/TRACKER/:"
                    + " got10k (SEQ/SEQ_001.txt and SEQ/SEQ_time.txt, zipped for the server), trackingnet (SEQ.txt,"
                    + " zipped for the server), lasot (one SEQ.txt per sequence).")
    List<String> formats;

    @Option(names = "--threads", defaultValue = "1", paramLabel = "N",
            description = "Sequences evaluated in parallel (default: ${DEFAULT-VALUE}); more than 1 distorts timings.")
    int threads;

    private final TrackerFactory factory;
    private final PrintStream err;

    public EvalCommand() {
        this(TrackerFactory.standard(), System.err);
    }

    /** With another tracker factory and message stream (tests). */
    public EvalCommand(TrackerFactory factory, PrintStream err) {
        this.factory = factory;
        this.err = err;
    }

    @Override
    public Integer call() {
        List<TrackerSpec> specs;
        List<SubmissionFormat> submissions = new ArrayList<>();
        List<Sequence> selected;
        Datasets.Scan scan;
        try {
            Arguments.threads("--threads", threads);
        } catch (UserException e) {
            return usage(e.getMessage());
        }
        try {
            if (Files.exists(datasetDir) && !Files.isDirectory(datasetDir)) {
                return usage("dataset " + datasetDir + " is a file, not a folder (give the folder of sequences, or"
                        + " one sequence's folder; a video goes in a folder with its ground truth clip.txt)");
            }
            if (!Files.isDirectory(datasetDir)) {
                return usage("dataset directory not found: " + datasetDir);
            }
            specs = TrackerSpec.parseAll(trackers);
            if (formats != null) {
                for (String f : formats) {
                    SubmissionFormat format = SubmissionFormat.parse(f);
                    if (!submissions.contains(format)) {
                        submissions.add(format);
                    }
                }
            }
            for (TrackerSpec spec : specs) {
                if (spec.kind() == TrackerSpec.Kind.OPENCV_NANO) {
                    // OpenCV would only fail on the first frame, with lines of its own log
                    try {
                        OpenCvTracker.checkNanoModel(spec.path());
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException("tracker '" + spec.label() + "': " + e.getMessage(), e);
                    }
                }
                // Creating each tracker once surfaces broken models or a missing engine before any work starts.
                factory.create(spec).close();
            }
            scan = Datasets.scan(datasetDir);
            selected = select(scan.sequences());
            if (selected.isEmpty()) {
                return usage("no readable sequence in " + datasetDir
                        + " (layouts: OTB, GOT-10k, VOT, LaSOT, video + .txt)" + skippedText(scan));
            }
            // Last of the checks: it creates the report folder, which a rejected input must not leave behind.
            checkWritable(reportDir);
        } catch (IllegalArgumentException | IllegalStateException | IOException e) {
            return usage(e.getMessage());
        } catch (RuntimeException e) {
            return usage("cannot create tracker: " + e.getMessage());
        }
        scan.skipped().forEach(s -> err.println("skipping " + s.name() + ": " + s.reason()));
        String dataset = datasetDir.toAbsolutePath().normalize().getFileName().toString();
        err.printf("evaluating %d tracker(s) on %d sequence(s) of %s with %d thread(s)%n",
                specs.size(), selected.size(), dataset, threads);
        try {
            ReportData data = new Evaluator(dataset, datasetDir, specs, factory, reportDir, threads, err, submissions)
                    .run(selected, scan.skipped());
            err.println("report written to " + reportDir.resolve("summary.md"));
            if (data.outcomes().isEmpty()) {
                err.println("siamtrack: no sequence could be evaluated");
                return 1;
            }
            return 0;
        } catch (IOException e) {
            err.println("siamtrack: " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("siamtrack: interrupted");
            return 1;
        }
    }

    private List<Sequence> select(List<Sequence> found) {
        if (sequences == null || sequences.isEmpty()) {
            return found;
        }
        Set<String> wanted = new LinkedHashSet<>(sequences);
        List<Sequence> chosen = new ArrayList<>();
        for (Sequence s : found) {
            if (wanted.remove(s.name())) {
                chosen.add(s);
            }
        }
        if (!wanted.isEmpty()) {
            throw new IllegalArgumentException("unknown sequence(s) " + String.join(", ", wanted) + "; found: "
                    + String.join(", ", found.stream().map(Sequence::name).toList()));
        }
        return chosen;
    }

    private static void checkWritable(Path dir) throws IOException {
        try {
            Files.createDirectories(dir);
            Path probe = Files.createTempFile(dir, ".write-test", ".tmp");
            Files.delete(probe);
        } catch (IOException e) {
            throw new IOException("report directory is not writable: " + dir, e);
        }
    }

    private static String skippedText(Datasets.Scan scan) {
        StringBuilder text = new StringBuilder();
        scan.skipped().forEach(s -> text.append("\n  ").append(s.name()).append(": ").append(s.reason()));
        return text.toString();
    }

    private int usage(String message) {
        err.println("siamtrack: " + message);
        return 2;
    }
}
