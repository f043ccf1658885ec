package dev.siamtrack.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.jogamp.newt.event.InputEvent;
import com.jogamp.newt.event.KeyEvent;
import com.jogamp.newt.event.KeyListener;
import com.jogamp.newt.event.MouseEvent;
import com.jogamp.newt.event.MouseListener;
import com.jogamp.newt.opengl.GLWindow;
import dev.siamtrack.draw.StateColors;
import dev.siamtrack.geom.Box;
import dev.siamtrack.pipeline.FrameOutput;
import dev.siamtrack.pipeline.TrackingControl;
import dev.siamtrack.pipeline.TrackingPipeline;
import dev.siamtrack.run.PlannedTarget;
import dev.siamtrack.track.DebugInfo;
import dev.siamtrack.track.DebugInfoProvider;
import dev.siamtrack.track.TargetEngine;
import dev.siamtrack.track.TargetResult;
import dev.siamtrack.track.TrackResult;
import dev.siamtrack.track.TrackState;
import dev.siamtrack.track.Tracker;
import dev.siamtrack.video.FrameSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrackViewerTest {

    static final int W = 320;
    static final int H = 240;
    static final Box KNOWN_BOX = new Box(100, 60, 80, 50);

    @TempDir
    Path tmp;

    @BeforeEach
    void needsDisplay() {
        String reason = TrackViewer.unavailableReason();
        Assumptions.assumeTrue(reason == null, "viewer test skipped: " + reason);
    }

    /** Four coloured quadrants (BGR): the picture's orientation and channel order are checkable. */
    static final class QuadrantSource implements FrameSource {
        final Mat frame = new Mat(H, W, opencv_core.CV_8UC3);
        final int frames;
        final long periodMillis;
        int index = -1;

        QuadrantSource(int frames, long periodMillis) {
            this.frames = frames;
            this.periodMillis = periodMillis;
            frame.put(new Scalar(200, 40, 40, 0));
            opencv_imgproc.rectangle(frame, new Rect(W / 2, 0, W / 2, H / 2), new Scalar(40, 200, 40, 0), -1, 8, 0);
            opencv_imgproc.rectangle(frame, new Rect(0, H / 2, W / 2, H / 2), new Scalar(40, 40, 200, 0), -1, 8, 0);
            opencv_imgproc.rectangle(frame, new Rect(W / 2, H / 2, W / 2, H / 2), new Scalar(90, 90, 90, 0), -1, 8, 0);
        }

        @Override
        public Mat next() {
            if (index + 1 >= frames) {
                return null;
            }
            try {
                Thread.sleep(periodMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
            index++;
            return frame;
        }

        @Override public int frameIndex() { return index; }
        @Override public int width() { return W; }
        @Override public int height() { return H; }
        @Override public double fps() { return 25; }
        @Override public int frameCount() { return frames; }
        @Override public int skippedFrames() { return 0; }
        @Override public String description() { return "quadrants"; }
        @Override public void close() { }
    }

    /** Reports a fixed box and remembers what it was initialised with. */
    static final class FixedTracker implements Tracker {
        final AtomicReference<Box> initBox = new AtomicReference<>();
        final AtomicInteger updates = new AtomicInteger();
        final Box answer;

        FixedTracker(Box answer) {
            this.answer = answer;
        }

        @Override public String name() { return "fixed"; }
        @Override public void init(Mat frame, Box box) { initBox.set(box); }

        @Override
        public TrackResult update(Mat frame) {
            updates.incrementAndGet();
            return new TrackResult(answer == null ? initBox.get() : answer, 0.8, TrackState.TRACKING);
        }
    }

    static int[] bgrAt(Mat image, int x, int y) {
        var p = image.ptr(y, x);
        return new int[] {p.get(0) & 0xff, p.get(1) & 0xff, p.get(2) & 0xff};
    }

    static boolean near(int[] bgr, int b, int g, int r, int tolerance) {
        return Math.abs(bgr[0] - b) <= tolerance && Math.abs(bgr[1] - g) <= tolerance && Math.abs(bgr[2] - r) <= tolerance;
    }

    /** True when some pixel within 2 px of (x, y) has target 1's colour. */
    static boolean outlineNear(Mat image, int x, int y) {
        int[] c = StateColors.target("1");
        for (int dy = -2; dy <= 2; dy++) {
            for (int dx = -2; dx <= 2; dx++) {
                if (near(bgrAt(image, x + dx, y + dy), c[2], c[1], c[0], 30)) {
                    return true;
                }
            }
        }
        return false;
    }

    @Test
    void rendersTheFrameAndTheBoxWhereTheyBelong() throws Exception {
        Path shot = tmp.resolve("view.png");
        TrackingControl control = new TrackingControl();
        TrackViewer viewer = TrackViewer.open("test", W, H, control, shot, 3, line -> { });
        assertEquals(W, viewer.window().getSurfaceWidth());
        QuadrantSource source = new QuadrantSource(6, 5);
        new TrackingPipeline(source, TargetEngine.single(new FixedTracker(KNOWN_BOX)), control, List.of(viewer),
                new TrackingPipeline.Settings(false, false, 0, List.of(new PlannedTarget("1", 0, KNOWN_BOX))),
                line -> { }).run();

        assertTrue(Files.size(shot) > 0);
        Mat image = opencv_imgcodecs.imread(shot.toString());
        assertEquals(W, image.cols());
        assertEquals(H, image.rows());
        // Frame content, away from the overlay: quadrant colours in place, channels in order.
        assertTrue(near(bgrAt(image, 20, 200), 40, 40, 200, 6), "bottom-left red");
        assertTrue(near(bgrAt(image, 300, 20), 40, 200, 40, 6), "top-right green");
        assertTrue(near(bgrAt(image, 300, 200), 90, 90, 90, 6), "bottom-right grey");
        assertTrue(near(bgrAt(image, 60, 110), 200, 40, 40, 6), "top-left blue");
        // The box outline: all four edges where the box is, its inside untouched.
        assertTrue(outlineNear(image, 100, 85), "left edge");
        assertTrue(outlineNear(image, 180, 85), "right edge");
        assertTrue(outlineNear(image, 120, 110), "bottom edge");
        assertTrue(outlineNear(image, 140, 60), "top edge");
        assertTrue(near(bgrAt(image, 120, 85), 200, 40, 40, 6), "inside the box: frame content");
        assertTrue(near(bgrAt(image, 170, 100), 40, 200, 40, 6) || near(bgrAt(image, 170, 100), 90, 90, 90, 6)
                || near(bgrAt(image, 170, 100), 200, 40, 40, 6) || near(bgrAt(image, 170, 100), 40, 40, 200, 6),
                "inside the box: frame content");
        assertTrue(!outlineNear(image, 140, 85), "no outline in the middle of the box");
    }

    @Test
    void mouseDragStartsTrackingAndQKeyQuits() throws Exception {
        TrackingControl control = new TrackingControl();
        TrackViewer viewer = TrackViewer.open("test", W, H, control, null, 0, line -> { });
        GLWindow window = viewer.window();
        FixedTracker tracker = new FixedTracker(null);
        List<TrackResult> results = new CopyOnWriteArrayList<>();
        FrameOutput watcher = packet -> results.add(packet.results().isEmpty()
                ? new TrackResult(Box.ABSENT, 0, TrackState.LOST) : packet.results().get(0).result());
        QuadrantSource source = new QuadrantSource(400, 20);
        Thread user = new Thread(() -> {
            try {
                while (results.size() < 5) {
                    Thread.sleep(10);
                }
                drag(window, 50, 40, 120, 100, 150, 110);
                while (tracker.updates.get() < 5) {
                    Thread.sleep(10);
                }
                KeyEvent q = KeyEvent.create(KeyEvent.EVENT_KEY_PRESSED, window, System.currentTimeMillis(), 0,
                        KeyEvent.VK_Q, KeyEvent.VK_Q, 'q');
                for (KeyListener l : window.getKeyListeners()) {
                    l.keyPressed(q);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        user.start();
        TrackingPipeline.Summary summary = new TrackingPipeline(source, TargetEngine.single(tracker), control,
                List.of(viewer, watcher), new TrackingPipeline.Settings(false, false, 0, List.of()), line -> { }).run();
        user.join(5000);

        Box init = tracker.initBox.get();
        assertNotNull(init, "the drag initialised the tracker");
        assertEquals(50, init.x(), 1.01);
        assertEquals(40, init.y(), 1.01);
        assertEquals(100, init.w(), 1.01);
        assertEquals(70, init.h(), 1.01);
        assertTrue(control.quitRequested(), "q quits");
        assertTrue(summary.processed() < 400, "the run ended early: " + summary.describe());
        assertTrue(results.stream().anyMatch(r -> r.found() && r.box().equals(init)), "tracking results shown");
    }

    /** A fixed box plus a debug view: a search region and a score map that is hot only in its centre cell. */
    static final class DebugTracker implements Tracker, DebugInfoProvider {
        final float[] map = new float[9];

        @Override public String name() { return "debug"; }
        @Override public void init(Mat frame, Box box) { }

        @Override
        public TrackResult update(Mat frame) {
            return new TrackResult(KNOWN_BOX, 0.8, TrackState.UNCERTAIN);
        }

        @Override
        public DebugInfo debugInfo() {
            map[4] = 1;
            return new DebugInfo(new Box(20, 20, 90, 90), new Box(20, 20, 90, 90), map, 3, 3);
        }
    }

    @Test
    void resizingLetterboxesAndDebugOverlayShowsTheScoreMap() throws Exception {
        TrackingControl control = new TrackingControl();
        control.toggleDebug();
        TrackViewer viewer = TrackViewer.open("test", W, H, control, null, 0, line -> { });
        try {
            FrameOutput show = viewer::accept;
            new TrackingPipeline(new QuadrantSource(3, 5), TargetEngine.single(new DebugTracker()), control, List.of(show),
                    new TrackingPipeline.Settings(false, false, 0, List.of(new PlannedTarget("1", 0, KNOWN_BOX))),
                    line -> { }).run();
            viewer.window().setSize(2 * W, H);
            for (int i = 0; i < 300 && viewer.window().getSurfaceWidth() != 2 * W; i++) {
                Thread.sleep(10);
            }
            Path shot = tmp.resolve("wide.png");
            viewer.saveScreenshot(shot);
            Mat image = opencv_imgcodecs.imread(shot.toString());
            assertEquals(2 * W, image.cols());
            // The 320x240 frame sits in the middle of the 640x240 window, dark bars on both sides.
            assertTrue(near(bgrAt(image, 60, 120), 20, 20, 20, 6), "left bar");
            assertTrue(near(bgrAt(image, 600, 120), 20, 20, 20, 6), "right bar");
            assertTrue(near(bgrAt(image, W / 2 + 20, 200), 40, 40, 200, 6), "frame's bottom-left quadrant");
            assertTrue(near(bgrAt(image, W / 2 + 300, 20), 40, 200, 40, 6), "frame's top-right quadrant");
            // Score map over the search region (frame 20..110): its hot centre cell is red-ish, the rest blue-ish.
            int[] hot = bgrAt(image, W / 2 + 65, 65);
            int[] cold = bgrAt(image, W / 2 + 30, 100);
            assertTrue(hot[2] > hot[0] + 60, "hot cell is red: " + java.util.Arrays.toString(hot));
            assertTrue(cold[0] > cold[2] + 60, "cold cell is blue: " + java.util.Arrays.toString(cold));
            // The box's left edge in the target's colour, the score bar above it (0.8 of its width) in UNCERTAIN's.
            int[] own = StateColors.target("1");
            boolean edge = false;
            for (int dx = -2; dx <= 2; dx++) {
                edge |= near(bgrAt(image, W / 2 + 100 + dx, 90), own[2], own[1], own[0], 30);
            }
            assertTrue(edge, "box in the target's colour");
            int[] amber = StateColors.rgb(TrackState.UNCERTAIN);
            assertTrue(near(bgrAt(image, W / 2 + 130, 55), amber[2], amber[1], amber[0], 30),
                    "score bar coloured by state: " + java.util.Arrays.toString(bgrAt(image, W / 2 + 130, 55)));
        } finally {
            viewer.close();
        }
    }

    /** An engine of any number of targets that stay where they were started. */
    static final class StillEngine implements TargetEngine {
        final Map<String, Box> boxes = new LinkedHashMap<>();

        @Override
        public synchronized TargetResult add(String id, Mat frame, Box box) {
            if (boxes.putIfAbsent(id, box) != null) {
                throw new IllegalArgumentException("duplicate " + id);
            }
            return new TargetResult(id, box, 1, TrackState.TRACKING);
        }

        @Override
        public synchronized boolean remove(String id) {
            return boxes.remove(id) != null;
        }

        @Override
        public synchronized List<TargetResult> update(Mat frame) {
            return boxes.entrySet().stream().map(e -> new TargetResult(e.getKey(), e.getValue(), 0.9, TrackState.TRACKING))
                    .toList();
        }

        @Override
        public synchronized List<String> ids() {
            return List.copyOf(boxes.keySet());
        }

        @Override
        public synchronized int size() {
            return boxes.size();
        }

        @Override
        public void close() {
        }
    }

    @Test
    void dragAddsATargetClickSelectsDeleteRemovesAndRClears() throws Exception {
        TrackingControl control = new TrackingControl();
        TrackViewer viewer = TrackViewer.open("test", W, H, control, null, 0, line -> { });
        GLWindow window = viewer.window();
        StillEngine engine = new StillEngine();
        AtomicReference<List<String>> shown = new AtomicReference<>(List.of());
        List<List<String>> history = new CopyOnWriteArrayList<>();
        AtomicReference<Box> second = new AtomicReference<>();
        FrameOutput watcher = packet -> {
            List<String> ids = packet.results().stream().map(TargetResult::id).toList();
            packet.results().stream().filter(r -> r.id().equals("2")).forEach(r -> second.set(r.box()));
            shown.set(ids);
            history.add(ids);
        };
        AtomicReference<String> selectedAfterClick = new AtomicReference<>();
        AtomicReference<String> failure = new AtomicReference<>();
        Thread user = new Thread(() -> {
            try {
                await(() -> shown.get().equals(List.of("1")), "target 1 shown", failure);
                drag(window, 20, 150, 40, 170, 60, 200);
                await(() -> shown.get().equals(List.of("1", "2")), "the drag added target 2", failure);
                click(window, 140, 85);
                selectedAfterClick.set(control.selected());
                key(window, KeyEvent.VK_DELETE);
                await(() -> shown.get().equals(List.of("2")), "Delete removed target 1", failure);
                key(window, KeyEvent.VK_R);
                await(() -> shown.get().isEmpty(), "r cleared every target", failure);
                key(window, KeyEvent.VK_Q);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        user.start();
        new TrackingPipeline(new QuadrantSource(2000, 10), engine, control, List.of(viewer, watcher),
                new TrackingPipeline.Settings(false, false, 0, List.of(new PlannedTarget("1", 0, KNOWN_BOX))),
                line -> { }).run();
        user.join(5000);

        assertEquals(null, failure.get(), "history: " + history);
        Box added = second.get();
        assertEquals(20, added.x(), 1.01);
        assertEquals(150, added.y(), 1.01);
        assertEquals(40, added.w(), 1.01);
        assertEquals(50, added.h(), 1.01);
        assertEquals("1", selectedAfterClick.get(), "the click inside box 1 selected it");
        assertTrue(engine.boxes.isEmpty(), "r removed every target from the engine");
        assertTrue(control.paused(), "r pauses so new targets can be drawn on a still frame");
        assertTrue(control.quitRequested());
    }

    /** Waits (10 s at most) for {@code condition}; records {@code what} as the failure when it never holds. */
    static void await(java.util.function.BooleanSupplier condition, String what, AtomicReference<String> failure)
            throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                failure.compareAndSet(null, "timed out waiting until " + what);
                return;
            }
            Thread.sleep(10);
        }
    }

    static void key(GLWindow window, short keyCode) {
        KeyEvent e = KeyEvent.create(KeyEvent.EVENT_KEY_PRESSED, window, System.currentTimeMillis(), 0, keyCode,
                keyCode, (char) 0);
        for (KeyListener l : window.getKeyListeners()) {
            l.keyPressed(e);
        }
    }

    static void click(GLWindow window, int x, int y) {
        dispatch(window, MouseEvent.EVENT_MOUSE_PRESSED, x, y);
        dispatch(window, MouseEvent.EVENT_MOUSE_RELEASED, x, y);
    }

    static void drag(GLWindow window, int x0, int y0, int x1, int y1, int x2, int y2) {
        dispatch(window, MouseEvent.EVENT_MOUSE_PRESSED, x0, y0);
        dispatch(window, MouseEvent.EVENT_MOUSE_DRAGGED, x1, y1);
        dispatch(window, MouseEvent.EVENT_MOUSE_RELEASED, x2, y2);
    }

    static void dispatch(GLWindow window, short type, int x, int y) {
        MouseEvent e = new MouseEvent(type, window, System.currentTimeMillis(), InputEvent.BUTTON1_MASK, x, y,
                (short) 1, MouseEvent.BUTTON1, new float[3], 1f);
        for (MouseListener l : window.getMouseListeners()) {
            switch (type) {
                case MouseEvent.EVENT_MOUSE_PRESSED -> l.mousePressed(e);
                case MouseEvent.EVENT_MOUSE_DRAGGED -> l.mouseDragged(e);
                default -> l.mouseReleased(e);
            }
        }
    }
}
