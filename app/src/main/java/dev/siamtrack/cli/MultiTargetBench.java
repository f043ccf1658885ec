package dev.siamtrack.cli;

import dev.siamtrack.run.LatencyStats;
import dev.siamtrack.geom.Box;
import dev.siamtrack.model.ModelException;
import dev.siamtrack.track.MultiTargetTracker;
import dev.siamtrack.track.SiameseTracker;
import dev.siamtrack.video.FrameSource;
import dev.siamtrack.video.FrameSources;
import dev.siamtrack.video.SourceException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * {@code bench --targets}: for each target count N, the batched engine (one {@link MultiTargetTracker}) and N
 * independent single-target trackers run on the same decoded frames, in alternating order from frame to
 * frame so that neither always finds the frame in a warm cache. Target 0 is the init box; the others are
 * boxes of the same size spread over the first frame ({@link #spreadBoxes}), the same for both.
 *
 * <p>Besides wall-clock latency it records the CPU time of the tracking thread, which with one ONNX Runtime
 * thread is all of the tracking work, and which other processes on a shared machine inflate much less.
 */
final class MultiTargetBench {

    /** One target count's figures: per-frame tracker latency of both, over all N targets. */
    record Row(int targets, LatencyStats batched, LatencyStats independent, LatencyStats batchedCpu,
               LatencyStats independentCpu, LatencyStats backbone, LatencyStats head) {
        double ratio() {
            return batched.medianMs() / independent.medianMs();
        }

        double cpuRatio() {
            return batchedCpu.medianMs() / independentCpu.medianMs();
        }
    }

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final Path clip;
    private final Box initBox;
    private final int frames;
    private final ModelOptions modelOptions;

    MultiTargetBench(Path clip, Box initBox, int frames, ModelOptions modelOptions) {
        this.clip = clip;
        this.initBox = initBox;
        this.frames = frames;
        this.modelOptions = modelOptions;
    }

    /** Parses {@code 1,2,4,8}: target counts from 1 to 64, each once. */
    static List<Integer> parseCounts(String text) {
        List<Integer> counts = new ArrayList<>();
        for (String part : text.split(",")) {
            int n;
            try {
                n = Integer.parseInt(part.trim());
            } catch (NumberFormatException e) {
                throw new UserException("--targets " + text + ": '" + part.trim() + "' is not a whole number");
            }
            if (n < 1 || n > 64) {
                throw new UserException("--targets " + text + ": counts go from 1 to 64, got " + n);
            }
            if (counts.contains(n)) {
                throw new UserException("--targets " + text + ": " + n + " is listed twice");
            }
            counts.add(n);
        }
        return counts;
    }

    Row run(int targets) throws ModelException, SourceException {
        LatencyStats batchedMs = new LatencyStats(frames);
        LatencyStats independentMs = new LatencyStats(frames);
        LatencyStats backbone = new LatencyStats(frames);
        LatencyStats head = new LatencyStats(frames);
        LatencyStats batchedCpu = new LatencyStats(frames);
        LatencyStats independentCpu = new LatencyStats(frames);
        List<SiameseTracker> singles = new ArrayList<>();
        try (FrameSource source = FrameSources.open(clip.toString());
             MultiTargetTracker batched = modelOptions.createMultiTargetTracker()) {
            Mat frame = source.next();
            List<Box> boxes = spreadBoxes(initBox, source.width(), source.height(), targets);
            for (int k = 0; k < targets; k++) {
                batched.add("t" + k, frame, boxes.get(k));
                SiameseTracker single = modelOptions.createTracker();
                singles.add(single);
                single.init(frame, boxes.get(k));
            }
            for (int n = 1; n < frames && (frame = source.next()) != null; n++) {
                if (n % 2 == 0) {
                    timeBatched(batched, frame, batchedMs, batchedCpu);
                    timeIndependent(singles, frame, independentMs, independentCpu);
                } else {
                    timeIndependent(singles, frame, independentMs, independentCpu);
                    timeBatched(batched, frame, batchedMs, batchedCpu);
                }
                backbone.add(batched.stageTimes().backbone);
                head.add(batched.stageTimes().head);
            }
        } finally {
            singles.forEach(SiameseTracker::close);
        }
        if (batchedMs.count() < 1) {
            throw new UserException(clip + ": needs at least 2 frames to benchmark");
        }
        return new Row(targets, batchedMs, independentMs, batchedCpu, independentCpu, backbone, head);
    }

    private static void timeBatched(MultiTargetTracker tracker, Mat frame, LatencyStats wall, LatencyStats cpu) {
        long c0 = THREADS.getCurrentThreadCpuTime();
        long t0 = System.nanoTime();
        tracker.update(frame);
        wall.add(System.nanoTime() - t0);
        cpu.add(THREADS.getCurrentThreadCpuTime() - c0);
    }

    private static void timeIndependent(List<SiameseTracker> trackers, Mat frame, LatencyStats wall, LatencyStats cpu) {
        long c0 = THREADS.getCurrentThreadCpuTime();
        long t0 = System.nanoTime();
        for (int k = 0; k < trackers.size(); k++) {
            trackers.get(k).update(frame);
        }
        wall.add(System.nanoTime() - t0);
        cpu.add(THREADS.getCurrentThreadCpuTime() - c0);
    }

    /**
     * {@code init} first, then boxes of its size on a grid over the frame (every cell fully inside it and
     * clear of {@code init}), taken spread out over the grid so that each count samples the whole frame.
     */
    static List<Box> spreadBoxes(Box init, int width, int height, int count) {
        List<Box> cells = new ArrayList<>();
        double stepX = 1.5 * init.w();
        double stepY = 1.5 * init.h();
        for (double y = stepY / 4; y + init.h() <= height; y += stepY) {
            for (double x = stepX / 4; x + init.w() <= width; x += stepX) {
                Box b = new Box(Math.floor(x), Math.floor(y), init.w(), init.h());
                if (b.iou(init) == 0) {
                    cells.add(b);
                }
            }
        }
        if (cells.size() < count - 1) {
            throw new UserException("--targets " + count + ": only " + (cells.size() + 1) + " boxes of the --init size fit"
                    + " the " + width + "x" + height + " frame");
        }
        List<Box> boxes = new ArrayList<>(count);
        boxes.add(init);
        for (int k = 0; k < count - 1; k++) {
            boxes.add(cells.get((int) ((long) k * cells.size() / (count - 1))));
        }
        return boxes;
    }

    static void printHeader() {
        System.out.printf(Locale.ROOT, "%7s %17s %17s %6s %9s %17s %6s %9s %6s%n", "targets", "batched ms",
                "independent ms", "ratio", "batch FPS", "CPU ms b / ind", "ratio", "backbone", "head");
        System.out.printf(Locale.ROOT, "%7s %17s %17s %6s %9s %17s %6s %9s %6s%n", "", "median / p95", "median / p95",
                "", "", "medians", "CPU", "(b) ms", "(b) ms");
    }

    static void print(Row r) {
        System.out.printf(Locale.ROOT, "%7d %8.2f / %6.2f %8.2f / %6.2f %6.3f %9.1f %8.2f / %6.2f %6.3f %9.2f %6.2f%n",
                r.targets(), r.batched().medianMs(), r.batched().p95Ms(), r.independent().medianMs(),
                r.independent().p95Ms(), r.ratio(), 1000 / r.batched().medianMs(), r.batchedCpu().medianMs(),
                r.independentCpu().medianMs(), r.cpuRatio(), r.backbone().medianMs(), r.head().medianMs());
    }
}
