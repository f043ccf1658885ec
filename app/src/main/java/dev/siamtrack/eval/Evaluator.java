package dev.siamtrack.eval;

import dev.siamtrack.geom.Box;
import dev.siamtrack.track.Tracker;
import dev.siamtrack.video.FrameSource;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * One-pass evaluation (OPE): every tracker is initialised on the first frame with its ground-truth box and
 * never re-initialised. Each frame is decoded once and handed to all trackers in turn; only the trackers'
 * own calls are timed. Sequences may run on several threads, which makes the timings share the CPU.
 *
 * <p>Results are written as they come: one {@code results/<label>/<sequence>.txt} line per frame, and the
 * summary after every finished sequence. A shutdown hook writes the report of what is done on Ctrl-C.
 */
public final class Evaluator {

    private final String dataset;
    private final Path datasetDir;
    private final List<TrackerSpec> specs;
    private final TrackerFactory factory;
    private final Path reportDir;
    private final int threads;
    private final PrintStream log;

    private final Object lock = new Object();
    private final Map<String, SequenceOutcome> outcomes = new TreeMap<>();
    private final List<Datasets.Skipped> skipped = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();
    private boolean finished;

    public Evaluator(String dataset, Path datasetDir, List<TrackerSpec> specs, TrackerFactory factory,
                     Path reportDir, int threads, PrintStream log) {
        this.dataset = dataset;
        this.datasetDir = datasetDir;
        this.specs = List.copyOf(specs);
        this.factory = factory;
        this.reportDir = reportDir;
        this.threads = threads;
        this.log = log;
    }

    /** Runs every tracker on every sequence and writes the report; returns what the report was built from. */
    public ReportData run(List<Sequence> sequences, List<Datasets.Skipped> alreadySkipped)
            throws IOException, InterruptedException {
        Files.createDirectories(reportDir.resolve("results"));
        synchronized (lock) {
            skipped.addAll(alreadySkipped);
            sequences.forEach(s -> warnings.addAll(s.warnings()));
        }
        long totalFrames = sequences.stream().mapToLong(s -> s.groundTruth().size()).sum();
        Progress progress = new Progress(log, "eval", totalFrames);
        Thread hook = new Thread(this::writeInterruptedReport, "eval-report-on-exit");
        Runtime.getRuntime().addShutdownHook(hook);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            for (Sequence seq : sequences) {
                pool.submit(() -> evaluateAndRecord(seq, progress));
            }
            pool.shutdown();
            pool.awaitTermination(Long.MAX_VALUE, TimeUnit.DAYS);
            progress.finish();
            synchronized (lock) {
                ReportData data = snapshot(ReportData.Status.COMPLETE);
                Report.write(reportDir, data);
                Plots.write(reportDir, data);
                finished = true;
                return data;
            }
        } finally {
            pool.shutdownNow();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // The JVM is already shutting down; the hook writes the report.
            }
        }
    }

    private void evaluateAndRecord(Sequence seq, Progress progress) {
        progress.current(seq.name());
        try {
            SequenceOutcome outcome = evaluate(seq, progress);
            synchronized (lock) {
                outcomes.put(outcome.sequence(), outcome);
                writeSummaryQuietly();
            }
        } catch (Exception | LinkageError e) {
            String reason = e.getMessage() == null ? e.toString() : e.getMessage();
            synchronized (lock) {
                skipped.add(new Datasets.Skipped(seq.name(), reason));
            }
            log.println();
            log.println("skipped " + seq.name() + ": " + reason);
        }
    }

    private SequenceOutcome evaluate(Sequence seq, Progress progress) throws Exception {
        List<Box> truth = seq.groundTruth();
        Box initBox = truth.get(0);
        if (!Metrics.isValid(initBox)) {
            throw new IllegalArgumentException("no valid ground-truth box on the first frame to initialise from");
        }
        int n = truth.size();
        int k = specs.size();
        Box[][] predicted = new Box[k][n];
        double[][] ms = new double[k][n];
        List<Tracker> trackers = new ArrayList<>();
        List<BufferedWriter> writers = new ArrayList<>();
        int frames = 0;
        int width;
        int height;
        try (FrameSource source = seq.frames().open()) {
            for (TrackerSpec spec : specs) {
                trackers.add(factory.create(spec));
                Path file = reportDir.resolve("results").resolve(fileName(spec.label())).resolve(fileName(seq.name()) + ".txt");
                Files.createDirectories(file.getParent());
                writers.add(Files.newBufferedWriter(file, StandardCharsets.UTF_8));
            }
            Mat frame;
            while (frames < n && (frame = source.next()) != null) {
                for (int t = 0; t < k; t++) {
                    Tracker tracker = trackers.get(t);
                    long start = System.nanoTime();
                    Box box;
                    try {
                        if (frames == 0) {
                            tracker.init(frame, initBox);
                            box = initBox;
                        } else {
                            box = tracker.update(frame).box();
                        }
                    } catch (RuntimeException e) {
                        throw new IllegalStateException(specs.get(t).label() + " failed on frame " + frames + ": "
                                + e.getMessage(), e);
                    }
                    ms[t][frames] = (System.nanoTime() - start) / 1e6;
                    predicted[t][frames] = writeLine(writers.get(t), box);
                }
                frames++;
                progress.advance(1);
            }
            width = source.width();
            height = source.height();
            if (source.skippedFrames() > 0) {
                synchronized (lock) {
                    warnings.add(seq.name() + ": " + source.skippedFrames()
                            + " frame(s) could not be decoded; later frames may be paired with the wrong ground truth");
                }
            }
        } finally {
            trackers.forEach(Tracker::close);
            for (BufferedWriter w : writers) {
                w.close();
            }
        }
        if (frames == 0) {
            throw new IllegalArgumentException("no frame could be read");
        }
        if (frames < n) {
            synchronized (lock) {
                warnings.add(seq.name() + ": the frames ended after " + frames + " of " + n
                        + " ground-truth boxes; evaluated " + frames + " frames");
            }
            progress.advance(n - frames);
        }
        Map<String, Metrics.Score> scores = new LinkedHashMap<>();
        Map<String, double[]> times = new LinkedHashMap<>();
        for (int t = 0; t < k; t++) {
            List<Box> boxes = List.of(predicted[t]).subList(0, frames);
            scores.put(specs.get(t).label(), Metrics.score(truth.subList(0, frames), boxes, width, height));
            times.put(specs.get(t).label(), Arrays.copyOf(ms[t], frames));
        }
        return new SequenceOutcome(seq.name(), frames, scores, times);
    }

    /** Writes the OTB result line and returns the box exactly as written, so files and figures agree. */
    private static Box writeLine(BufferedWriter writer, Box box) {
        String line = box.isAbsent() ? "NaN,NaN,NaN,NaN" : box.toCsv();
        try {
            writer.write(line);
            writer.newLine();
            writer.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return box.isAbsent() ? Box.ABSENT : Box.parse(line);
    }

    /** Keeps the summary current after each sequence; a failure here is not the sequence's fault. */
    private void writeSummaryQuietly() {
        try {
            Report.write(reportDir, snapshot(ReportData.Status.RUNNING));
        } catch (IOException e) {
            log.println();
            log.println("could not update the summary in " + reportDir + ": " + e.getMessage());
        }
    }

    private void writeInterruptedReport() {
        synchronized (lock) {
            if (finished) {
                return;
            }
            try {
                ReportData data = snapshot(ReportData.Status.INTERRUPTED);
                Report.write(reportDir, data);
                Plots.write(reportDir, data);
                log.println();
                log.println("interrupted: report of the " + data.outcomes().size() + " finished sequence(s) written to "
                        + reportDir);
            } catch (IOException | RuntimeException e) {
                log.println("interrupted: could not write the report: " + e.getMessage());
            }
        }
    }

    private ReportData snapshot(ReportData.Status status) {
        return new ReportData(dataset, datasetDir.toString(), threads, status,
                specs.stream().map(TrackerSpec::label).toList(), List.copyOf(outcomes.values()),
                List.copyOf(skipped), List.copyOf(warnings));
    }

    /** A label or sequence name made safe as a file name. */
    static String fileName(String name) {
        return name.replaceAll("[^A-Za-z0-9._@+-]", "_");
    }
}
