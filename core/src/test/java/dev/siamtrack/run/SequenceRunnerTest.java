package dev.siamtrack.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.siamtrack.geom.Box;
import dev.siamtrack.track.TargetEngine;
import dev.siamtrack.track.TargetResult;
import dev.siamtrack.track.TrackResult;
import dev.siamtrack.track.TrackState;
import dev.siamtrack.track.Tracker;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;

class SequenceRunnerTest {

    static final int SIZE = 64;

    /** {@code count} frames with indices {@code 0, step, 2*step, ...} (a source that skips or drops frames). */
    static final class Numbered implements SequenceRunner.Frames {
        final Mat frame = new Mat(SIZE, SIZE, opencv_core.CV_8UC3);
        final int count;
        final int step;
        int taken;

        Numbered(int count, int step) {
            this.count = count;
            this.step = step;
        }

        @Override
        public Mat next() {
            return taken < count ? frame : null;
        }

        @Override
        public int index() {
            return (taken++) * step;
        }
    }

    /** Moves every target one pixel right per frame; LOST from x = 20 on; records what happened. */
    static final class DriftingEngine implements TargetEngine {
        final Map<String, Box> boxes = new LinkedHashMap<>();
        final List<String> log = new ArrayList<>();

        @Override
        public TargetResult add(String id, Mat frame, Box box) {
            box.checkInside(frame.cols(), frame.rows());
            if (boxes.putIfAbsent(id, box) != null) {
                throw new IllegalArgumentException("duplicate id " + id);
            }
            log.add("add " + id);
            return new TargetResult(id, box, 1, TrackState.TRACKING);
        }

        @Override
        public boolean remove(String id) {
            log.add("remove " + id);
            return boxes.remove(id) != null;
        }

        @Override
        public List<TargetResult> update(Mat frame) {
            log.add("update " + boxes.keySet());
            List<TargetResult> out = new ArrayList<>();
            boxes.replaceAll((id, b) -> new Box(b.x() + 1, b.y(), b.w(), b.h()));
            boxes.forEach((id, b) -> out.add(new TargetResult(id, b, 0.9,
                    b.x() >= 20 ? TrackState.LOST : TrackState.TRACKING)));
            return out;
        }

        @Override
        public List<String> ids() {
            return List.copyOf(boxes.keySet());
        }

        @Override
        public int size() {
            return boxes.size();
        }

        @Override
        public void close() {
        }
    }

    record Seen(int index, List<String> ids, List<Double> xs) {
    }

    static List<Seen> run(SequenceRunner runner, SequenceRunner.Frames frames, int maxFrames) throws Exception {
        List<Seen> seen = new ArrayList<>();
        runner.run(frames, maxFrames, (index, frame, results, nanos) -> seen.add(new Seen(index,
                results.stream().map(TargetResult::id).toList(), results.stream().map(r -> r.box().x()).toList())));
        return seen;
    }

    @Test
    void visitsEveryFrameAndStartsEachTargetOnItsFrame() throws Exception {
        DriftingEngine engine = new DriftingEngine();
        SequenceRunner runner = new SequenceRunner(engine, List.of(
                new PlannedTarget("late", 3, new Box(0, 0, 8, 8)),
                new PlannedTarget("a", 0, new Box(10, 10, 8, 8))), 16);
        List<Seen> seen = run(runner, new Numbered(6, 1), 0);

        assertEquals(List.of(0, 1, 2, 3, 4, 5), seen.stream().map(Seen::index).toList());
        assertEquals(List.of("a"), seen.get(0).ids(), "frame 0: only a, at its start box");
        assertEquals(10.0, seen.get(0).xs().get(0));
        assertEquals(11.0, seen.get(1).xs().get(0));
        assertEquals(List.of("a"), seen.get(2).ids());
        assertEquals(List.of("a", "late"), seen.get(3).ids(), "late starts on frame 3, after a's update");
        assertEquals(List.of(13.0, 0.0), seen.get(3).xs());
        assertEquals(List.of(14.0, 1.0), seen.get(4).xs(), "from frame 4 both are updated");
        assertEquals("add a", engine.log.get(0));
        assertEquals(List.of("update [a]", "add late"), engine.log.subList(3, 5),
                "the starting target is not updated on its own start frame");
    }

    @Test
    void aTargetDueOnADroppedFrameStartsOnTheNextOne() throws Exception {
        SequenceRunner runner = new SequenceRunner(new DriftingEngine(), List.of(
                new PlannedTarget("a", 0, new Box(0, 0, 8, 8)), new PlannedTarget("b", 5, new Box(0, 20, 8, 8))), 16);
        List<Seen> seen = run(runner, new Numbered(5, 3), 0);
        assertEquals(List.of(0, 3, 6, 9, 12), seen.stream().map(Seen::index).toList());
        assertEquals(List.of("a"), seen.get(1).ids());
        assertEquals(List.of("a", "b"), seen.get(2).ids(), "b (frame 5) starts on frame 6");
    }

    @Test
    void removeClearAndAddTakeEffectOnTheNextFrame() throws Exception {
        DriftingEngine engine = new DriftingEngine();
        SequenceRunner runner = new SequenceRunner(engine, List.of(new PlannedTarget("1", 0, new Box(0, 0, 8, 8)),
                new PlannedTarget("x", 0, new Box(0, 30, 8, 8)), new PlannedTarget("later", 9, new Box(0, 0, 4, 4))), 16);
        Numbered frames = new Numbered(6, 1);
        List<String> events = new ArrayList<>();
        SequenceRunner.Frames scripted = new SequenceRunner.Frames() {
            @Override
            public Mat next() {
                switch (frames.taken) {
                    case 2 -> assertTrue(runner.remove("x"));
                    case 3 -> events.add("new id " + runner.add(new Box(40, 40, 8, 8)));
                    case 5 -> runner.clear();
                    default -> { }
                }
                return frames.next();
            }

            @Override
            public int index() {
                return frames.index();
            }
        };
        List<Seen> seen = run(runner, scripted, 0);

        assertEquals(List.of("1", "x"), seen.get(1).ids());
        assertEquals(List.of("1"), seen.get(2).ids(), "x removed before frame 2");
        assertEquals(List.of("new id 2"), events, "a new target takes the smallest free number");
        assertEquals(List.of("1", "2"), seen.get(3).ids());
        assertEquals(List.of(), seen.get(5).ids(), "clear removes every target");
        assertFalse(runner.remove("later"), "clear also dropped the planned target");
        assertTrue(engine.boxes.isEmpty());
    }

    @Test
    void theSameIdOnALaterFrameStartsOver() throws Exception {
        SequenceRunner runner = new SequenceRunner(new DriftingEngine(), List.of(
                new PlannedTarget("a", 0, new Box(0, 0, 8, 8)), new PlannedTarget("a", 2, new Box(30, 30, 8, 8))), 16);
        List<Seen> seen = run(runner, new Numbered(4, 1), 0);
        assertEquals(List.of(1.0), seen.get(1).xs());
        assertEquals(List.of("a"), seen.get(2).ids(), "one answer for a on its restart frame");
        assertEquals(List.of(30.0), seen.get(2).xs());
        assertEquals(List.of(31.0), seen.get(3).xs());
    }

    @Test
    void statsCountLostFramesPerTargetAndMaxFramesStops() throws Exception {
        SequenceRunner runner = new SequenceRunner(new DriftingEngine(), List.of(
                new PlannedTarget("near", 0, new Box(17, 0, 8, 8)), new PlannedTarget("far", 0, new Box(0, 20, 8, 8))), 16);
        SequenceRunner.Stats stats = runner.run(new Numbered(100, 1), 10, (i, f, r, n) -> { });
        assertEquals(10, stats.frames());
        assertEquals(7, stats.lostFrames(), "near is LOST from frame 3 (x = 20) on");
        assertEquals(List.of("near", "far"), List.copyOf(stats.lostById().keySet()));
        assertEquals(7, stats.lostById().get("near"));
        assertEquals(0, stats.lostById().get("far"));
        assertEquals(9, stats.updates().count(), "the start frame is not an update");
        assertFalse(stats.stopped());
    }

    @Test
    void stopEndsTheRunAfterTheCurrentFrame() throws Exception {
        SequenceRunner runner = new SequenceRunner(new DriftingEngine(), List.of(), 16);
        SequenceRunner.Stats stats = runner.run(new Numbered(100, 1), 0, (index, f, r, n) -> {
            if (index == 4) {
                runner.stop();
            }
        });
        assertEquals(5, stats.frames());
        assertTrue(stats.stopped());
    }

    @Test
    void aBoxTheEngineRejectsNamesTheTargetAndTheFrame() {
        SequenceRunner runner = new SequenceRunner(new DriftingEngine(),
                List.of(new PlannedTarget("edge", 2, new Box(60, 60, 10, 10))), 16);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> runner.run(new Numbered(5, 1), 0, (i, f, r, n) -> { }));
        assertTrue(e.getMessage().startsWith("target edge on frame 2: "), e.getMessage());
        assertTrue(e.getMessage().contains("not inside the 64x64 frame"), e.getMessage());
    }

    @Test
    void aSingleObjectTrackerIsAnEngineOfOneTarget() throws Exception {
        List<String> calls = new ArrayList<>();
        Tracker still = new Tracker() {
            Box box;

            @Override
            public String name() {
                return "still";
            }

            @Override
            public void init(Mat frame, Box b) {
                calls.add("init");
                box = b;
            }

            @Override
            public TrackResult update(Mat frame) {
                calls.add("update");
                return new TrackResult(box, 0.5, TrackState.UNCERTAIN);
            }

            @Override
            public void close() {
                calls.add("close");
            }
        };
        try (TargetEngine engine = TargetEngine.single(still)) {
            SequenceRunner runner = new SequenceRunner(engine, List.of(new PlannedTarget("t", 1, new Box(1, 1, 5, 5))), 16);
            List<Seen> seen = run(runner, new Numbered(3, 1), 0);
            assertEquals(List.of(), seen.get(0).ids());
            assertEquals(List.of("t"), seen.get(1).ids());
            assertEquals(List.of("t"), seen.get(2).ids());
            assertThrows(IllegalArgumentException.class, () -> engine.add("u", new Mat(SIZE, SIZE, opencv_core.CV_8UC3),
                    new Box(1, 1, 5, 5)), "one target only");
        }
        assertEquals(List.of("init", "update", "close"), calls);
    }
}
