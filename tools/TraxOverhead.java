import dev.siamtrack.geom.Box;
import dev.siamtrack.model.ModelRegistry;
import dev.siamtrack.run.PlannedTarget;
import dev.siamtrack.run.SequenceRunner;
import dev.siamtrack.track.MultiTargetTracker;
import dev.siamtrack.trax.TraxServer;
import dev.siamtrack.video.ImageFolderSource;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.channels.Channels;
import java.nio.channels.Pipe;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * What the TraX protocol costs the tracking thread, measured in one JVM (not part of the CLI): the loop of
 * {@code track} (SequenceRunner over the image folder, no outputs) against a {@link TraxServer} session over an
 * OS pipe, fed by a client thread that sends the same images as {@code file://} paths and reads every state.
 * Both use the same engine settings; rounds alternate which goes first, the first round is warm-up. Per frame it
 * reports wall time and the CPU time of the thread that tracks (with one ONNX Runtime thread that is all the
 * tracking work; the client thread's own work is left out, as the VOT toolkit's would be), which other load on
 * the machine inflates far less than wall time, and the median over rounds of each round's ratio.
 *
 * <pre>
 * java -cp "app/target/siamtrack-0.1.0-SNAPSHOT.jar:$(cat app/target/classpath.txt)" tools/TraxOverhead.java \
 *     FOLDER X,Y,W,H [MODEL_DIR] [ROUNDS]
 * </pre>
 *
 * <p>MODEL_DIR defaults to the model models/DEFAULT names.
 */
public class TraxOverhead {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    record Timing(double wallMs, double cpuMs) {
    }

    public static void main(String[] args) throws Exception {
        Path folder = Path.of(args[0]);
        Box box = Box.parse(args[1]);
        Path model = args.length > 2 ? Path.of(args[2]) : ModelRegistry.defaultModel(Path.of("models")).orElseThrow();
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 5;
        List<Path> images = ImageFolderSource.listImages(folder);
        List<Timing> track = new ArrayList<>();
        List<Timing> trax = new ArrayList<>();
        for (int round = 0; round <= rounds; round++) {
            Timing a = round % 2 == 0 ? track(folder, box, model, images.size()) : null;
            Timing b = trax(images, box, model);
            if (a == null) {
                a = track(folder, box, model, images.size());
            }
            if (round == 0) {
                continue;
            }
            track.add(a);
            trax.add(b);
            System.out.printf(Locale.ROOT, "round %d (%d frames): track %.3f ms wall, %.3f ms CPU; trax %.3f ms wall,"
                    + " %.3f ms CPU per frame%n", round, images.size(), a.wallMs, a.cpuMs, b.wallMs, b.cpuMs);
        }
        double trackWall = median(track.stream().mapToDouble(Timing::wallMs).toArray());
        double traxWall = median(trax.stream().mapToDouble(Timing::wallMs).toArray());
        double trackCpu = median(track.stream().mapToDouble(Timing::cpuMs).toArray());
        double traxCpu = median(trax.stream().mapToDouble(Timing::cpuMs).toArray());
        double[] wallRatios = new double[track.size()];
        double[] cpuRatios = new double[track.size()];
        for (int i = 0; i < track.size(); i++) {
            wallRatios[i] = trax.get(i).wallMs / track.get(i).wallMs;
            cpuRatios[i] = trax.get(i).cpuMs / track.get(i).cpuMs;
        }
        System.out.printf(Locale.ROOT, "median per frame: wall track %.3f / trax %.3f ms (ratio %.3f);"
                + " CPU of the tracking thread track %.3f / trax %.3f ms (ratio %.3f)%n",
                trackWall, traxWall, traxWall / trackWall, trackCpu, traxCpu, traxCpu / trackCpu);
        System.out.printf(Locale.ROOT, "median of the rounds' ratios trax / track: wall %.3f, CPU %.3f%n",
                median(wallRatios), median(cpuRatios));
    }

    /** The loop of {@code track} without outputs, on this thread. */
    static Timing track(Path folder, Box box, Path model, int frames) throws Exception {
        try (MultiTargetTracker engine = MultiTargetTracker.create(model);
             ImageFolderSource source = new ImageFolderSource(folder)) {
            SequenceRunner runner = new SequenceRunner(engine, List.of(new PlannedTarget("1", 0, box)), frames);
            long cpu = THREADS.getCurrentThreadCpuTime();
            long wall = System.nanoTime();
            SequenceRunner.Stats stats = runner.run(SequenceRunner.Frames.of(source), 0, (i, f, r, n) -> { });
            return new Timing((System.nanoTime() - wall) / 1e6 / stats.frames(),
                    (THREADS.getCurrentThreadCpuTime() - cpu) / 1e6 / stats.frames());
        }
    }

    /** A TraX session over a pipe: the server on its own thread, this thread as the client. */
    static Timing trax(List<Path> images, Box box, Path model) throws Exception {
        Pipe requests = Pipe.open();
        Pipe replies = Pipe.open();
        try (MultiTargetTracker engine = MultiTargetTracker.create(model)) {
            long[] cpu = new long[1];
            Exception[] failure = new Exception[1];
            Thread server = new Thread(() -> {
                long start = THREADS.getCurrentThreadCpuTime();
                try (OutputStream out = Channels.newOutputStream(replies.sink())) {
                    new TraxServer(engine, Channels.newInputStream(requests.source()), out,
                            new PrintStream(OutputStream.nullOutputStream()), "overhead").serve();
                } catch (Exception e) {
                    failure[0] = e;
                }
                cpu[0] = THREADS.getCurrentThreadCpuTime() - start;
            }, "trax-server");
            server.start();
            BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(replies.source()),
                    StandardCharsets.UTF_8));
            try (OutputStream out = Channels.newOutputStream(requests.sink())) {
                in.readLine();
                long wall = System.nanoTime();
                send(out, "@@TRAX:initialize \"file://" + images.get(0).toAbsolutePath() + "\" \"" + box.x() + ","
                        + box.y() + "," + box.w() + "," + box.h() + "\"");
                in.readLine();
                for (Path image : images.subList(1, images.size())) {
                    send(out, "@@TRAX:frame \"file://" + image.toAbsolutePath() + "\"");
                    in.readLine();
                }
                double wallMs = (System.nanoTime() - wall) / 1e6 / images.size();
                send(out, "@@TRAX:quit");
                server.join();
                if (failure[0] != null) {
                    throw failure[0];
                }
                return new Timing(wallMs, cpu[0] / 1e6 / images.size());
            }
        }
    }

    static void send(OutputStream out, String line) throws Exception {
        out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }
}
