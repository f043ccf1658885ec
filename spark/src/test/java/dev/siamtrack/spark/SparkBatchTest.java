package dev.siamtrack.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.siamtrack.batch.BatchClips;
import dev.siamtrack.batch.BatchReport;
import dev.siamtrack.batch.VideoReport;
import dev.siamtrack.cli.SiamTrackCli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Spark job in local[2] against {@code siamtrack batch} on the same manifest (one Spark run for all tests). */
class SparkBatchTest {

    @TempDir
    static Path archive;

    static SparkSession spark;
    static Path viaBatch;
    static Path viaSpark;
    static BatchReport report;

    @BeforeAll
    static void runBothWays() throws Exception {
        List<String> rows = new ArrayList<>(BatchClips.write(archive, 3));
        BatchClips.truncated(archive.resolve("clips/clip0.mp4"), archive.resolve("broken.mp4"));
        rows.add("broken.mp4,t,0,10,10,20,20");
        rows.add("clips/clip2.mp4,bad,0,1,2,-3,4");
        Path manifest = BatchClips.manifest(archive, rows);
        viaBatch = archive.resolve("batch");
        viaSpark = archive.resolve("spark");
        int exit = SiamTrackCli.run("batch", manifest.toString(), "--out", viaBatch.toString(), "--workers",
                String.valueOf(Math.min(2, Runtime.getRuntime().availableProcessors())), "--model",
                BatchClips.MODEL.toString(), "--quiet");
        assertEquals(1, exit, "batch reports the broken video and the bad row");
        spark = SparkSession.builder().master("local[2]").appName("siamtrack-test")
                .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2")
                .config("spark.sql.warehouse.dir", archive.resolve("warehouse").toUri().toString()).getOrCreate();
        report = SparkBatch.run(spark, SparkBatch.parse(new String[] {manifest.toString(), viaSpark.toString(),
                "--model", BatchClips.MODEL.toString()}));
    }

    @AfterAll
    static void stopSpark() {
        if (spark != null) {
            spark.stop();
        }
    }

    @Test
    void perVideoFilesAreIdenticalToBatch() throws Exception {
        for (int i = 0; i < 3; i++) {
            String name = "clips/clip" + i + ".csv";
            assertEquals(Files.readString(viaBatch.resolve(name)), Files.readString(viaSpark.resolve(name)), name);
        }
        assertFalse(Files.exists(viaSpark.resolve(".partial")));
    }

    @Test
    void parquetHoldsEveryFrameOfEveryTargetWithTheSameBoxes() throws Exception {
        List<Row> rows = spark.read().parquet(viaSpark.resolve(SparkBatch.PARQUET_DIR).toString())
                .orderBy("video", "frame").collectAsList();
        for (int i = 0; i < 3; i++) {
            String video = "clips/clip" + i + ".mp4";
            List<String> fromParquet = rows.stream().filter(r -> r.getString(0).equals(video))
                    .map(r -> String.format(Locale.ROOT, "%d,%s,%.2f,%.2f,%.2f,%.2f,%.4f,%s,%b", r.getInt(2), r.getString(1),
                            r.getDouble(3), r.getDouble(4), r.getDouble(5), r.getDouble(6), r.getDouble(7), r.getString(8),
                            r.getBoolean(9)))
                    .sorted().toList();
            List<String> fromCsv = Files.readAllLines(viaBatch.resolve("clips/clip" + i + ".csv"));
            assertEquals(fromCsv.subList(1, fromCsv.size()).stream().sorted().toList(), fromParquet, video);
        }
        assertEquals(3 * (2 * BatchClips.FRAMES - BatchClips.SECOND_START), rows.size());
    }

    @Test
    void theBrokenVideoAndTheBadRowAreInTheReport() throws Exception {
        assertFalse(report.succeeded());
        assertEquals(1, report.manifestProblems().size());
        assertTrue(report.manifestProblems().get(0).reason().contains("positive"), report.manifestProblems().toString());
        assertEquals(4, report.videos().size());
        VideoReport broken = report.videos().get(3);
        assertEquals(VideoReport.Status.FAILED, broken.status());
        assertTrue(broken.failures().get(0).contains("broken.mp4: an MP4 without its index"), broken.failures().toString());
        assertEquals(3, report.count(VideoReport.Status.DONE));
        assertTrue(report.runner().startsWith("spark local[2]"), report.runner());
        assertTrue(Files.readString(viaSpark.resolve("report.md")).contains("| broken.mp4 | FAILED |"));
    }

    @Test
    void usageMistakesAreRejectedBeforeSparkStarts() {
        assertTrue(assertThrows(SparkBatch.UsageException.class, () -> SparkBatch.parse(new String[] {"m.csv"}))
                .getMessage().contains("expected MANIFEST.csv and OUT"));
        assertTrue(assertThrows(SparkBatch.UsageException.class,
                () -> SparkBatch.parse(new String[] {archive.resolve("none.csv").toString(), "out"}))
                .getMessage().contains("no such manifest"));
        assertTrue(assertThrows(SparkBatch.UsageException.class,
                () -> SparkBatch.parse(new String[] {"m.csv", "out", "--format", "xml"}))
                .getMessage().contains("--format must be csv or jsonl"));
    }
}
