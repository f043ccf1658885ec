package dev.siamtrack.spark;

import dev.siamtrack.batch.BatchReport;
import dev.siamtrack.batch.Manifest;
import dev.siamtrack.batch.ManifestException;
import dev.siamtrack.batch.VideoJob;
import dev.siamtrack.batch.VideoReport;
import dev.siamtrack.batch.VideoTask;
import dev.siamtrack.io.ResultWriter;
import dev.siamtrack.model.Device;
import dev.siamtrack.model.ModelException;
import dev.siamtrack.model.ModelRegistry;
import dev.siamtrack.model.SiameseModel;
import dev.siamtrack.track.TargetResult;
import dev.siamtrack.track.TrackerParams;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.SparkFiles;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

/**
 * {@code siamtrack batch} as a Spark application: one task per video of the manifest, each running core's
 * {@link VideoJob} (the code {@code siamtrack batch} runs) with the model directory shipped to the executors
 * with the job. Writes the same per-video CSV/JSONL files and report as {@code batch}, plus every frame of
 * every target as Parquet ({@code OUT/tracks.parquet}: video, id, frame, x, y, w, h, score, state, reacquired).
 *
 * <pre>spark-submit --class dev.siamtrack.spark.SparkBatch siamtrack-spark.jar MANIFEST.csv OUT [--model DIR] [--format csv|jsonl]</pre>
 *
 * Videos, manifest and OUT are paths every executor sees (a shared file system); exit code 0: all tracked,
 * 1: something failed (see OUT/report.md), 2: bad usage.
 */
public final class SparkBatch {

    static final String USAGE = "usage: spark-submit --class " + SparkBatch.class.getName()
            + " siamtrack-spark.jar MANIFEST.csv OUT [--model DIR] [--format csv|jsonl]";
    static final String PARQUET_DIR = "tracks.parquet";
    static final StructType SCHEMA = new StructType()
            .add("video", DataTypes.StringType, false)
            .add("id", DataTypes.StringType, false)
            .add("frame", DataTypes.IntegerType, false)
            .add("x", DataTypes.DoubleType, false)
            .add("y", DataTypes.DoubleType, false)
            .add("w", DataTypes.DoubleType, false)
            .add("h", DataTypes.DoubleType, false)
            .add("score", DataTypes.DoubleType, false)
            .add("state", DataTypes.StringType, false)
            .add("reacquired", DataTypes.BooleanType, false);

    /** A mistake in the command line or its files: one line, exit code 2. */
    static final class UsageException extends Exception {
        UsageException(String message) {
            super(message);
        }
    }

    /** What to run, checked on the driver before Spark starts. */
    record Job(Manifest manifest, Path out, Path modelDir, ResultWriter.Format format) {
    }

    /** One video's report and its result rows, as a task returns them. */
    record VideoOutcome(VideoReport report, List<Row> rows) implements Serializable {
    }

    private SparkBatch() {
    }

    public static void main(String[] args) throws IOException {
        Job job;
        try {
            job = parse(args);
        } catch (UsageException e) {
            System.err.println("siamtrack-spark: " + e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
            return;
        }
        SparkSession spark = SparkSession.builder().appName("siamtrack batch").getOrCreate();
        BatchReport report;
        try {
            report = run(spark, job);
        } finally {
            spark.stop();
        }
        System.err.println("siamtrack-spark: " + report.headline());
        report.manifestProblems().forEach(p -> System.err.println("siamtrack-spark: " + p.describe()));
        for (VideoReport v : report.videos()) {
            v.failures().forEach(f -> System.err.println("siamtrack-spark: " + v.video() + ": " + f));
        }
        System.err.println("siamtrack-spark: results, " + PARQUET_DIR + " and " + BatchReport.SUMMARY_FILE + " in " + job.out());
        System.exit(report.succeeded() ? 0 : 1);
    }

    static Job parse(String[] args) throws UsageException {
        List<String> positional = new ArrayList<>();
        Path model = null;
        String format = "csv";
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--model", "--format" -> {
                    if (i + 1 == args.length) {
                        throw new UsageException(args[i] + " needs a value");
                    }
                    if (args[i].equals("--model")) {
                        model = Path.of(args[++i]);
                    } else {
                        format = args[++i];
                    }
                }
                default -> {
                    if (args[i].startsWith("--")) {
                        throw new UsageException("unknown option " + args[i]);
                    }
                    positional.add(args[i]);
                }
            }
        }
        if (positional.size() != 2) {
            throw new UsageException("expected MANIFEST.csv and OUT, got " + positional.size() + " arguments");
        }
        ResultWriter.Format resultFormat = switch (format.toLowerCase(Locale.ROOT)) {
            case "csv" -> ResultWriter.Format.CSV;
            case "jsonl" -> ResultWriter.Format.JSONL;
            default -> throw new UsageException("--format must be csv or jsonl, got '" + format + "'");
        };
        Manifest manifest;
        try {
            manifest = Manifest.read(Path.of(positional.get(0)));
        } catch (ManifestException e) {
            throw new UsageException(e.getMessage());
        }
        Path out = Path.of(positional.get(1)).toAbsolutePath();
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new UsageException(out + " is a file, not a folder");
        }
        Path modelDir;
        try {
            modelDir = ModelRegistry.resolve(model, Path.of("models")).toAbsolutePath();
            // loaded once on the driver so a wrong model is a usage error, not a failure of every task
            SiameseModel.load(modelDir, modelOptions()).close();
        } catch (ModelException e) {
            throw new UsageException("--model " + e.getMessage());
        }
        try {
            String clash = new VideoJob(new VideoJob.Settings(modelDir, modelOptions(), TrackerParams.DEFAULT,
                    resultFormat, false), out).overwrittenInput(manifest);
            if (clash != null) {
                throw new UsageException(out + ": " + clash + "; choose another output folder");
            }
        } catch (IOException e) {
            throw new UsageException(out + ": not readable (" + e.getMessage() + ")");
        }
        return new Job(manifest, out, modelDir, resultFormat);
    }

    /** Runs every video of the job as one Spark task and writes Parquet, the per-video files and the report. */
    static BatchReport run(SparkSession spark, Job job) throws IOException {
        long start = System.nanoTime();
        Files.createDirectories(job.out());
        VideoJob.cleanPartial(job.out());
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        // the model travels with the job; each executor reads its own copy under SparkFiles
        sc.sc().addFile(job.modelDir().toUri().toString(), true);
        List<VideoTask> tasks = job.manifest().videos();
        String modelName = job.modelDir().getFileName().toString();
        String out = job.out().toString();
        ResultWriter.Format format = job.format();
        JavaRDD<VideoOutcome> outcomes = sc.parallelize(tasks, Math.max(1, tasks.size()))
                .map(task -> track(task, modelName, out, format))
                .persist(StorageLevel.MEMORY_AND_DISK());
        try {
            JavaRDD<Row> rows = outcomes.flatMap(o -> o.rows().iterator());
            spark.createDataFrame(rows, SCHEMA).write().mode(SaveMode.Overwrite)
                    .parquet(job.out().resolve(PARQUET_DIR).toUri().toString());
            List<VideoReport> reports = outcomes.map(VideoOutcome::report).collect();
            VideoJob.cleanPartial(job.out());
            BatchReport report = BatchReport.of(job.manifest(), job.modelDir(), "spark " + sc.master(),
                    (System.nanoTime() - start) / 1e9, reports);
            report.write(job.out());
            return report;
        } finally {
            outcomes.unpersist(false);
        }
    }

    /** The task: one video, on an executor. */
    private static VideoOutcome track(VideoTask task, String modelName, String out, ResultWriter.Format format) {
        Path model = Path.of(SparkFiles.get(modelName));
        VideoJob job = new VideoJob(new VideoJob.Settings(model, modelOptions(), TrackerParams.DEFAULT, format,
                false), Path.of(out));
        TaskContext context = TaskContext.get();
        List<Row> rows = new ArrayList<>();
        VideoReport report = job.run(task, () -> context != null && context.isInterrupted(), (index, results) -> {
            for (TargetResult r : results) {
                rows.add(RowFactory.create(task.video(), r.id(), index, r.box().x(), r.box().y(), r.box().w(),
                        r.box().h(), r.score(), r.state().name(), r.reacquired()));
            }
        });
        return new VideoOutcome(report, report.status() == VideoReport.Status.DONE ? rows : List.of());
    }

    /** One ONNX Runtime thread per task: Spark runs as many tasks as an executor has cores. */
    private static SiameseModel.Options modelOptions() {
        return new SiameseModel.Options(Device.CPU, false, 1);
    }
}
