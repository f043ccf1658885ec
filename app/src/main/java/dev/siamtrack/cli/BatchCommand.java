package dev.siamtrack.cli;

import dev.siamtrack.batch.BatchReport;
import dev.siamtrack.batch.Manifest;
import dev.siamtrack.batch.ManifestException;
import dev.siamtrack.batch.VideoJob;
import dev.siamtrack.batch.VideoReport;
import dev.siamtrack.batch.VideoTask;
import dev.siamtrack.eval.Progress;
import dev.siamtrack.home.Home;
import dev.siamtrack.io.ResultWriter;
import dev.siamtrack.model.Device;
import dev.siamtrack.model.ModelException;
import dev.siamtrack.model.ModelRegistry;
import dev.siamtrack.model.SiameseModel;
import dev.siamtrack.track.TargetResult;
import dev.siamtrack.track.TrackerParams;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "batch", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Track the targets of a whole video archive, several videos at a time.",
            "MANIFEST.csv has the header video,id,frame,x,y,w,h: one row per target",
            "(several per video allowed), its box on frame FRAME, video paths relative",
            "to the manifest. Each video is decoded once for all of its targets.",
            "OUT/VIDEO.csv (or .jsonl) gets one line per frame per target,",
            "frame,id,x,y,w,h,score,state,reacquired: what track --targets writes for them.",
            "OUT/report.json and OUT/report.md: frames, FPS, LOST share per target and",
            "failures. A video's results are moved into place only when it is complete:",
            "a rerun skips finished videos, a killed run loses only the videos in",
            "flight. An OUT where a result would replace the manifest or a video is",
            "refused. Quoted CSV fields (\"a, b.mp4\") are read as RFC 4180 says;",
            "ids are 1-32 letters, digits, - or _. Bad rows, unreadable videos and",
            "boxes outside the frame are reported and the rest goes on. Exit code",
            "0: all tracked; 1: something failed (see the report); 2: bad usage.",
            "Larger archives: the same job on Apache Spark (siamtrack-spark, README)."},
        footer = {"", "Examples:",
            "  ./siamtrack batch videos/demo-batch.csv --out out/batch",
            "  ./siamtrack batch videos/demo-batch.csv --out out/batch-jsonl \\",
            "      --workers 1 --format jsonl"})
final class BatchCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "MANIFEST.csv", description = "Targets to track: video,id,frame,x,y,w,h.")
    Path manifestFile;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder (created; reused by a rerun).")
    Path out;

    @Option(names = "--workers", paramLabel = "N",
            description = "Videos tracked at the same time, one ONNX Runtime thread each (default: the number of cores).")
    Integer workers;

    @Option(names = "--model", paramLabel = "DIR|NAME", converter = ModelArgument.class,
            description = "Model directory (backbone.onnx, head.onnx, optional model.json), or the name of one in models/ or pulled with 'models pull'. Default: the installed default model in models/.")
    Path model;

    @Option(names = "--format", paramLabel = "csv|jsonl", defaultValue = "csv",
            description = "Per-video results as CSV or JSON lines (default: ${DEFAULT-VALUE}).")
    String format;

    @Option(names = "--quiet", description = "No progress bar, only the summary.")
    boolean quiet;

    @Option(names = "--verbose", description = "Show stack traces for errors.")
    boolean verbose;

    @Override
    public Integer call() throws Exception {
        int n = Arguments.threads("--workers", workers == null ? Runtime.getRuntime().availableProcessors() : workers);
        ResultWriter.Format resultFormat = switch (format.toLowerCase(Locale.ROOT)) {
            case "csv" -> ResultWriter.Format.CSV;
            case "jsonl" -> ResultWriter.Format.JSONL;
            default -> throw new UserException("--format must be csv or jsonl, got '" + format + "'");
        };
        Manifest manifest;
        try {
            manifest = Manifest.read(manifestFile);
        } catch (ManifestException e) {
            throw new UserException(e.getMessage());
        }
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new UserException("--out " + out + " is a file, not a folder");
        }
        SiameseModel.Options options = new SiameseModel.Options(Device.CPU, false, 1);
        Path modelDir = ModelRegistry.resolve(model, Home.modelsDir());
        try {
            // loaded once up front so a wrong model is a usage error, not a failure of every video
            SiameseModel.load(modelDir, options).close();
        } catch (ModelException e) {
            throw new UserException("--model " + e.getMessage());
        }
        VideoJob job = new VideoJob(new VideoJob.Settings(modelDir, options, TrackerParams.DEFAULT, resultFormat,
                true), out);
        try {
            String clash = job.overwrittenInput(manifest);
            if (clash != null) {
                throw new UserException("--out " + out + ": " + clash + "; choose another output folder");
            }
            Files.createDirectories(out);
            VideoJob.cleanPartial(out);
        } catch (IOException e) {
            throw new UserException("--out " + out + ": not writable (" + e.getMessage() + ")");
        }
        String runner = "batch, " + n + (n == 1 ? " worker" : " workers");
        Run run = new Run(manifest.videos(), job, n, quiet ? null : new Progress(System.err, "batch", 1));
        long start = System.nanoTime();
        // the report is written and printed inside the stoppable part: Ctrl-C waits for it
        BatchReport report = StopOnSignal.run(run::stop, () -> {
            List<VideoReport> videos = run.all();
            BatchReport r = BatchReport.of(manifest, modelDir, runner, (System.nanoTime() - start) / 1e9, videos);
            VideoJob.cleanPartial(out);
            r.write(out);
            return r;
        }, r -> {
            System.err.println("siamtrack: " + r.headline());
            r.manifestProblems().forEach(p -> System.err.println("siamtrack: " + p.describe()));
            for (VideoReport v : r.videos()) {
                v.failures().forEach(f -> System.err.println("siamtrack: " + v.video() + ": " + f));
            }
            if (run.stopped()) {
                System.err.println("siamtrack: stopped; run the same command again to finish the remaining videos");
            }
            System.err.println("siamtrack: results and " + BatchReport.SUMMARY_FILE + " in " + out);
        });
        return report.succeeded() && !run.stopped() ? SiamTrackCli.EXIT_OK : SiamTrackCli.EXIT_FAILURE;
    }

    /** The videos of one run on a pool of workers, with the progress bar fed from all of them. */
    private static final class Run {
        private final List<VideoTask> tasks;
        private final VideoJob job;
        private final int workers;
        private final Progress progress;
        private volatile boolean stop;
        // for the progress estimate: frames declared by the videos opened so far
        private final AtomicLong declaredFrames = new AtomicLong();
        private final AtomicInteger opened = new AtomicInteger();
        private final AtomicInteger finished = new AtomicInteger();
        private final AtomicInteger failed = new AtomicInteger();
        private final AtomicInteger kept = new AtomicInteger();

        Run(List<VideoTask> tasks, VideoJob job, int workers, Progress progress) {
            this.tasks = tasks;
            this.job = job;
            this.workers = workers;
            this.progress = progress;
        }

        void stop() {
            stop = true;
        }

        boolean stopped() {
            return stop;
        }

        List<VideoReport> all() throws InterruptedException {
            ExecutorService pool = Executors.newFixedThreadPool(workers, r -> {
                Thread t = new Thread(r, "siamtrack-batch");
                t.setDaemon(true);
                return t;
            });
            try {
                List<Future<VideoReport>> futures = new ArrayList<>();
                for (VideoTask task : tasks) {
                    futures.add(pool.submit(() -> one(task)));
                }
                List<VideoReport> reports = new ArrayList<>();
                for (Future<VideoReport> f : futures) {
                    try {
                        reports.add(f.get());
                    } catch (ExecutionException e) {
                        throw new IllegalStateException("a batch worker failed: " + e.getCause(), e.getCause());
                    }
                }
                if (progress != null) {
                    progress.finish();
                }
                return reports;
            } finally {
                pool.shutdownNow();
                pool.awaitTermination(5, TimeUnit.SECONDS);
            }
        }

        private VideoReport one(VideoTask task) {
            VideoReport report = job.run(task, () -> stop, new VideoJob.FrameListener() {
                @Override
                public void opened(int frameCount) {
                    if (frameCount > 0) {
                        declaredFrames.addAndGet(frameCount);
                        opened.incrementAndGet();
                    }
                    updateEstimate();
                }

                @Override
                public void frame(int index, List<TargetResult> results) {
                    if (progress != null) {
                        progress.advance(1);
                    }
                }
            });
            if (report.resumed()) {
                kept.incrementAndGet();
            } else if (report.status() != VideoReport.Status.STOPPED) {
                finished.incrementAndGet();
                if (!report.succeeded()) {
                    failed.incrementAndGet();
                }
            }
            updateEstimate();
            return report;
        }

        /** Frames still expected: declared by the videos opened, the mean of those for the others. */
        private void updateEstimate() {
            if (progress == null) {
                return;
            }
            int known = opened.get();
            int toRun = tasks.size() - kept.get();
            if (known > 0) {
                progress.total(declaredFrames.get() + declaredFrames.get() / known * Math.max(0, toRun - known));
            }
            progress.current(String.format(Locale.ROOT, "videos %d/%d, %d failed", finished.get() + kept.get(),
                    tasks.size(), failed.get()));
        }
    }
}
