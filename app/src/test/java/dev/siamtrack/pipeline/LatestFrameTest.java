package dev.siamtrack.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.siamtrack.geom.Box;
import dev.siamtrack.run.PlannedTarget;
import dev.siamtrack.track.TargetEngine;
import dev.siamtrack.track.TrackResult;
import dev.siamtrack.track.TrackState;
import dev.siamtrack.track.Tracker;
import dev.siamtrack.video.FrameSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.Test;

class LatestFrameTest {

    /** A camera-like source: a new frame every 10 ms, its index written into the pixels. */
    static final class TickingSource implements FrameSource {
        final AtomicInteger produced = new AtomicInteger(-1);
        final int frames;
        final Mat frame = new Mat(48, 64, opencv_core.CV_8UC3);
        long nextDue = System.nanoTime();

        TickingSource(int frames) {
            this.frames = frames;
        }

        @Override
        public Mat next() {
            if (produced.get() + 1 >= frames) {
                return null;
            }
            nextDue += 10_000_000;
            long wait = nextDue - System.nanoTime();
            if (wait > 0) {
                try {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return null;
                }
            }
            int i = produced.get() + 1;
            frame.put(new Scalar(i % 256, i / 256, 0, 0));
            produced.set(i);
            return frame;
        }

        static int indexIn(Mat m) {
            return (m.ptr(0, 0).get(0) & 0xff) + 256 * (m.ptr(0, 0).get(1) & 0xff);
        }

        @Override public int frameIndex() { return produced.get(); }
        @Override public int width() { return 64; }
        @Override public int height() { return 48; }
        @Override public double fps() { return 100; }
        @Override public int frameCount() { return -1; }
        @Override public int skippedFrames() { return 0; }
        @Override public String description() { return "ticking test source"; }
        @Override public void close() { }
    }

    /** Takes 50 ms per frame and records which frame it got and what was newest at that moment. */
    static final class SlowTracker implements Tracker {
        final TickingSource source;
        final List<int[]> seen = new ArrayList<>();

        SlowTracker(TickingSource source) {
            this.source = source;
        }

        @Override public String name() { return "slow"; }
        @Override public void init(Mat frame, Box box) { }

        @Override
        public TrackResult update(Mat frame) {
            seen.add(new int[] {TickingSource.indexIn(frame), source.produced.get()});
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new TrackResult(new Box(1, 1, 10, 10), 0.9, TrackState.TRACKING);
        }
    }

    @Test
    void slowTrackerGetsTheNewestFrameAndDropsAreCounted() throws Exception {
        TickingSource source = new TickingSource(150);
        SlowTracker tracker = new SlowTracker(source);
        TrackingPipeline pipeline = new TrackingPipeline(source, TargetEngine.single(tracker), new TrackingControl(), List.of(),
                new TrackingPipeline.Settings(true, false, 0, List.of(new PlannedTarget("1", 0, new Box(1, 1, 10, 10)))), line -> { });
        TrackingPipeline.Summary summary = pipeline.run();

        assertEquals(150, summary.captured());
        assertTrue(summary.dropped() > 100, "most frames dropped: " + summary.describe());
        assertEquals(summary.captured(), summary.processed() + summary.dropped(), summary.describe());
        assertTrue(tracker.seen.size() > 10, "tracker ran on " + tracker.seen.size() + " frames");
        for (int[] s : tracker.seen) {
            // The frame handed to the tracker is the newest one, or the one before while the next is being copied.
            assertTrue(s[1] - s[0] <= 1, "tracked frame " + s[0] + " while " + s[1] + " was available");
        }
        assertTrue(summary.latencyMedianMs() < 150, "no latency build-up: " + summary.describe());
    }

    @Test
    void fileModeProcessesEveryFrameInOrder() throws Exception {
        TickingSource source = new TickingSource(40);
        SlowTracker tracker = new SlowTracker(source);
        List<Integer> outputOrder = new ArrayList<>();
        FrameOutput recorder = packet -> outputOrder.add(TickingSource.indexIn(packet.frame()));
        TrackingPipeline.Summary summary = new TrackingPipeline(source, TargetEngine.single(tracker), new TrackingControl(),
                List.of(recorder), new TrackingPipeline.Settings(false, false, 0, List.of(new PlannedTarget("1", 0, new Box(1, 1, 10, 10)))),
                line -> { }).run();

        assertEquals(0, summary.dropped());
        assertEquals(40, summary.processed());
        for (int i = 0; i < 40; i++) {
            assertEquals(i, outputOrder.get(i));
        }
    }

    @Test
    void maxFramesEndsTheRun() throws Exception {
        TickingSource source = new TickingSource(1000);
        TrackingPipeline.Summary summary = new TrackingPipeline(source, TargetEngine.single(new SlowTracker(source)), new TrackingControl(),
                List.of(), new TrackingPipeline.Settings(true, false, 5, List.of(new PlannedTarget("1", 0, new Box(1, 1, 10, 10)))), line -> { }).run();
        assertEquals(5, summary.processed());
        assertTrue(source.produced.get() < 200, "capture stopped early");
    }
}
