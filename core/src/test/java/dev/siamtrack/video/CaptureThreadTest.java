package dev.siamtrack.video;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.Test;

class CaptureThreadTest {

    /** Frames whose first pixel is their index; fails with {@code failAt} set once that frame is due. */
    private static final class CountingSource implements FrameSource {
        private final int count;
        private final int failAt;
        private final Mat frame = new Mat(4, 4, opencv_core.CV_8UC3);
        private int index = -1;
        private boolean closed;

        CountingSource(int count, int failAt) {
            this.count = count;
            this.failAt = failAt;
        }

        @Override
        public Mat next() throws SourceException {
            if (index + 1 == failAt) {
                throw new SourceException("decoder broke at frame " + failAt);
            }
            if (index + 1 >= count) {
                return null;
            }
            index++;
            frame.put(new Scalar(index, 0, 0, 0));
            return frame;
        }

        @Override
        public int frameIndex() {
            return index;
        }

        @Override
        public int width() {
            return 4;
        }

        @Override
        public int height() {
            return 4;
        }

        @Override
        public double fps() {
            return 0;
        }

        @Override
        public int frameCount() {
            return count;
        }

        @Override
        public int skippedFrames() {
            return 0;
        }

        @Override
        public String description() {
            return "counting";
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    private static int pixel(CapturedFrame f) {
        return f.frame().ptr(0, 0).get() & 0xff;
    }

    private static CaptureThread<CapturedFrame> started(FrameSource source, boolean latestOnly, int pool) {
        CaptureThread<CapturedFrame> capture = CaptureThread.of("test-capture", source, CapturedFrame::new,
                new CaptureThread.Settings(latestOnly, false, pool));
        capture.start();
        return capture;
    }

    /** Takes every frame until capture ends; their indices, each checked against its pixels. */
    private static List<Integer> drain(CaptureThread<CapturedFrame> capture) throws InterruptedException {
        List<Integer> seen = new ArrayList<>();
        CapturedFrame f;
        while ((f = capture.take()) != null) {
            assertEquals(f.index(), pixel(f), "the frame's pixels are a copy of that frame");
            seen.add(f.index());
            Thread.sleep(1);
            capture.release(f);
        }
        return seen;
    }

    @Test
    void everyFrameModeDeliversEachFrameInOrderWithItsIndex() throws Exception {
        CountingSource source = new CountingSource(50, -1);
        CaptureThread<CapturedFrame> capture = started(source, false, 3);
        List<Integer> seen = drain(capture);
        assertEquals(50, seen.size());
        for (int i = 0; i < 50; i++) {
            assertEquals(i, seen.get(i));
        }
        assertEquals(50, capture.captured());
        assertEquals(0, capture.dropped());
        assertTrue(!source.closed, "a borrowed source is closed by its owner");
        assertNull(capture.failure());
        capture.close();
    }

    @Test
    void latestOnlyModeGivesASlowConsumerTheNewestFrameAndCountsTheRestDropped() throws Exception {
        CaptureThread<CapturedFrame> capture = started(new CountingSource(200, -1), true, 3);
        assertTrue(capture.join(10_000), "capture never waits for the consumer");
        CapturedFrame last = capture.take();
        assertEquals(199, last.index(), "the frame waiting is the newest one");
        assertEquals(199, pixel(last));
        assertNull(capture.take());
        assertEquals(200, capture.captured());
        assertEquals(199, capture.dropped());
        capture.close();
    }

    @Test
    void aBorrowedSourceThatFailsEndsCaptureWithItsError() throws Exception {
        CaptureThread<CapturedFrame> capture = started(new CountingSource(100, 5), false, 8);
        int frames = drain(capture).size();
        assertEquals(5, frames);
        assertTrue(capture.failure().getMessage().contains("frame 5"), String.valueOf(capture.failure()));
        capture.close();
    }

    @Test
    void anOwnedSourceIsReopenedAfterTheBackoffAndClosedEachTime() throws Exception {
        AtomicInteger opens = new AtomicInteger();
        List<CountingSource> opened = new ArrayList<>();
        CaptureThread<CapturedFrame> capture = CaptureThread.reopening("test-capture", () -> {
            int n = opens.incrementAndGet();
            if (n == 1 || n > 3) {
                throw new SourceException(n == 1 ? "camera not there yet" : "camera gone");
            }
            CountingSource s = new CountingSource(3, 2);
            opened.add(s);
            return s;
        }, new BackoffOptions(Duration.ofMillis(20), Duration.ofMillis(40)), CapturedFrame::new,
                new CaptureThread.Settings(false, false, 3));
        capture.start();
        List<Integer> indices = new ArrayList<>();
        while (indices.size() < 4) {
            CapturedFrame f = capture.take(10_000);
            assertTrue(f != null, "frames keep coming from the reopened source");
            indices.add(f.index());
            capture.release(f);
        }
        assertEquals(List.of(0, 1, 0, 1), indices, "two frames from each of the two sources that opened");
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (opens.get() < 5 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals("camera gone", capture.lastError());
        capture.stop();
        assertTrue(capture.join(10_000));
        assertEquals(2, opened.size());
        assertTrue(opened.stream().allMatch(s -> s.closed), "each source it opened was closed");
        assertNull(capture.failure(), "a reopening capture does not end on a failure");
        capture.close();
    }

    @Test
    void aSourceThatOpensButGivesNoFrameIsTriedAgainEverLessOften() throws Exception {
        AtomicInteger opens = new AtomicInteger();
        // opens fine, fails on its first frame: with a back-off of 50 ms doubling to 800 ms, about 6 attempts in
        // 1.2 s (0, 50, 150, 350, 750 ms...), where a back-off reset on every open would make about 24
        CaptureThread<CapturedFrame> capture = CaptureThread.reopening("test-capture", () -> {
            opens.incrementAndGet();
            return new CountingSource(3, 0);
        }, new BackoffOptions(Duration.ofMillis(50), Duration.ofMillis(800)), CapturedFrame::new,
                new CaptureThread.Settings(false, false, 3));
        capture.start();
        Thread.sleep(1200);
        capture.stop();
        assertTrue(capture.join(10_000));
        assertTrue(opens.get() >= 2 && opens.get() <= 8, opens.get() + " attempts in 1.2 s");
        assertEquals("decoder broke at frame 0", capture.lastError());
        capture.close();
    }

    @Test
    void stopWakesAConsumerWaitingForAFrame() throws Exception {
        CaptureThread<CapturedFrame> capture = CaptureThread.reopening("test-capture",
                () -> {
                    throw new SourceException("never opens");
                }, new BackoffOptions(Duration.ofSeconds(30), Duration.ofSeconds(30)), CapturedFrame::new,
                new CaptureThread.Settings(true, false, 3));
        capture.start();
        Thread stopper = new Thread(() -> {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            capture.stop();
        });
        long start = System.nanoTime();
        stopper.start();
        assertNull(capture.take());
        assertTrue(capture.join(5_000), "stop also ends the wait between two attempts");
        assertTrue(System.nanoTime() - start < 10_000_000_000L);
        assertSame("never opens", capture.lastError());
        capture.close();
    }
}
