package dev.siamtrack.eval;

import dev.siamtrack.geom.Box;
import dev.siamtrack.run.PlannedTarget;
import dev.siamtrack.run.SequenceRunner;
import dev.siamtrack.track.TargetEngine;
import dev.siamtrack.track.TrackState;
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
 * never re-initialised. Each tracker runs through the sequence in its own pass of the {@link SequenceRunner}
 * (the loop {@code track} uses), one target per sequence; only the tracker's own calls are timed. Sequences may
 * run on several threads, which makes the timings share the CPU.
 *
 * <p>Results are written as they come: one {@code results/<label>/<sequence>.txt} line per frame, the files of
 * the {@link SubmissionFormat}s asked for after each sequence (their zips when all sequences are done), and the
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
    private final List<SubmissionFormat> formats;

    private final Object lock = new Object();
    private final Map<String, SequenceOutcome> outcomes = new TreeMap<>();
    private final List<Datasets.Skipped> skipped = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();
    private boolean finished;

    public Evaluator(String dataset, Path datasetDir, List<TrackerSpec> specs, TrackerFactory factory,
                     Path reportDir, int threads, PrintStream log) {
        this(dataset, datasetDir, specs, factory, reportDir, threads, log, List.of());
    }

    /** As above, also writing each tracker's results in the benchmarks' own {@code formats}. */
    public Evaluator(String dataset, Path datasetDir, List<TrackerSpec> specs, TrackerFactory factory,
                     Path reportDir, int threads, PrintStream log, List<SubmissionFormat> formats) {
        this.formats = List.copyOf(formats);
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
        long totalFrames = sequences.stream().mapToLong(s -> s.groundTruth().size()).sum() * specs.size();
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
                List<String> done = data.outcomes().stream().map(SequenceOutcome::sequence).toList();
                for (SubmissionFormat format : formats) {
                    for (TrackerSpec spec : specs) {
                        format.pack(reportDir, spec.label(), done);
                    }
                }
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
        Map<String, Metrics.Score> scores = new LinkedHashMap<>();
        Map<String, double[]> times = new LinkedHashMap<>();
        Map<String, LongTermMetrics.Score> longTerm = new LinkedHashMap<>();
        Map<String, LossErrors.Score> lossErrors = new LinkedHashMap<>();
        int frames = n;
        for (TrackerSpec spec : specs) {
            Pass pass = run(seq, spec, initBox, n, progress);
            if (spec == specs.get(0)) {
                frames = pass.frames;
                warnAboutFrames(seq, pass, n);
            }
            List<Box> boxes = List.of(pass.predicted).subList(0, frames);
            for (SubmissionFormat format : formats) {
                format.write(reportDir, spec.label(), seq.name(), boxes, pass.seconds);
            }
            scores.put(spec.label(), Metrics.score(truth.subList(0, frames), boxes, pass.width, pass.height));
            times.put(spec.label(), Arrays.copyOf(pass.ms, pass.timed));
            longTerm.put(spec.label(), LongTermMetrics.score(truth.subList(0, frames), boxes,
                    Arrays.copyOf(pass.present, frames)));
            lossErrors.put(spec.label(), LossErrors.score(truth.subList(0, frames), boxes,
                    Arrays.copyOf(pass.present, frames), Arrays.copyOf(pass.reacquired, frames)));
        }
        return new SequenceOutcome(seq.name(), frames, scores, times, longTerm, lossErrors);
    }

    /** One tracker's pass over a sequence: its boxes by frame index and its update times. */
    private static final class Pass {
        final Box[] predicted;
        /** Whether the tracker's state was not LOST (false on frames that could not be decoded). */
        final boolean[] present;
        /** Whether the frame's result was flagged re-acquired. */
        final boolean[] reacquired;
        final double[] ms;
        /** The engine's seconds on every frame, the init frame included (0 where none was decoded). */
        final double[] seconds;
        int timed;
        boolean started;
        int frames;
        int width;
        int height;
        int skipped;

        Pass(int n) {
            predicted = new Box[n];
            present = new boolean[n];
            reacquired = new boolean[n];
            ms = new double[n];
            seconds = new double[n];
        }
    }

    /**
     * Runs one tracker through the sequence's first {@code n} frames with the {@link SequenceRunner}, writing its
     * result file as it goes. A frame the source could not decode gets no box (NaN in the file, a miss in the
     * scores), so later frames stay paired with their own ground truth. The times are those of the updates: the
     * first frame starts the target (template embedding, and model loading in some engines) and is left out.
     */
    private Pass run(Sequence seq, TrackerSpec spec, Box initBox, int n, Progress progress) throws Exception {
        Pass pass = new Pass(n);
        Path file = reportDir.resolve("results").resolve(fileName(spec.label())).resolve(fileName(seq.name()) + ".txt");
        Files.createDirectories(file.getParent());
        try (FrameSource source = seq.frames().open();
             TargetEngine engine = factory.create(spec);
             BufferedWriter writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            SequenceRunner runner = new SequenceRunner(engine, List.of(new PlannedTarget(spec.label(), 0, initBox)), n);
            SequenceRunner.Frames firstN = new SequenceRunner.Frames() {
                @Override
                public Mat next() throws Exception {
                    Mat frame = source.next();
                    return frame == null || source.frameIndex() >= n ? null : frame;
                }

                @Override
                public int index() {
                    return source.frameIndex();
                }
            };
            try {
                runner.run(firstN, 0, (index, frame, results, trackNanos) -> {
                    progress.advance(index + 1 - pass.frames);
                    while (pass.frames < index) {
                        pass.predicted[pass.frames++] = writeLine(writer, Box.ABSENT);
                    }
                    if (pass.started) {
                        pass.ms[pass.timed++] = trackNanos / 1e6;
                    }
                    pass.started = true;
                    pass.seconds[index] = trackNanos / 1e9;
                    pass.predicted[index] = writeLine(writer, results.get(0).box());
                    pass.present[index] = results.get(0).state() != TrackState.LOST;
                    pass.reacquired[index] = results.get(0).reacquired();
                    pass.frames = index + 1;
                });
                progress.advance(n - pass.frames);
            } catch (RuntimeException e) {
                throw new IllegalStateException(spec.label() + " failed on frame " + pass.frames + ": " + e.getMessage(), e);
            }
            pass.width = source.width();
            pass.height = source.height();
            pass.skipped = source.skippedFrames();
        }
        return pass;
    }

    private void warnAboutFrames(Sequence seq, Pass pass, int n) {
        if (pass.frames == 0) {
            throw new IllegalArgumentException("no frame could be read");
        }
        synchronized (lock) {
            if (pass.skipped > 0) {
                warnings.add(seq.name() + ": " + pass.skipped
                        + " frame(s) could not be decoded; they count as misses (no box)");
            }
            if (pass.frames < n) {
                warnings.add(seq.name() + ": the frames ended after " + pass.frames + " of " + n
                        + " ground-truth boxes; evaluated " + pass.frames + " frames");
            }
        }
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
