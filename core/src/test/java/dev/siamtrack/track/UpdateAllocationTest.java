package dev.siamtrack.track;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.siamtrack.geom.Box;
import dev.siamtrack.video.FrameSource;
import dev.siamtrack.video.FrameSources;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;

/** A steady set of targets costs no Java heap per frame beyond the result records and ONNX Runtime's own bookkeeping. */
class UpdateAllocationTest {

    private static final int WARM_UP = 20;
    private static final int MEASURED = 30;
    /**
     * Bytes per update allowed: ONNX Runtime's Java binding allocates ~1-2 KB per run call (two calls per
     * frame), the results ~100 bytes per target. A per-target buffer allocated per frame would exceed it.
     */
    private static final long BOUND = 8 * 1024;

    @Test
    void fourTargetsAllocateOnlyTheirResultsPerFrame() throws Exception {
        List<Mat> frames = new ArrayList<>();
        try (FrameSource source = FrameSources.open(MultiTargetTrackerTest.CLIP.toString())) {
            for (int i = 0; i <= WARM_UP + MEASURED; i++) {
                frames.add(source.next().clone());
            }
        }
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        try (MultiTargetTracker tracker = MultiTargetTracker.create(MultiTargetTrackerTest.OUR_MODEL)) {
            tracker.add("disc", frames.get(0), new Box(462, 166, 56, 40));
            tracker.add("distractor", frames.get(0), MultiTargetTrackerTest.DISTRACTOR);
            tracker.add("grass", frames.get(0), MultiTargetTrackerTest.GRASS);
            tracker.add("grass-2", frames.get(0), MultiTargetTrackerTest.GRASS_2);
            for (int i = 1; i <= WARM_UP; i++) {
                tracker.update(frames.get(i));
            }
            int answers = 0;
            long before = threads.getThreadAllocatedBytes(thread);
            for (int i = WARM_UP + 1; i <= WARM_UP + MEASURED; i++) {
                answers += tracker.update(frames.get(i)).size();
            }
            long perUpdate = (threads.getThreadAllocatedBytes(thread) - before) / MEASURED;
            assertEquals(4 * MEASURED, answers);
            assertTrue(perUpdate <= BOUND, perUpdate + " bytes allocated per update of 4 targets");
        } finally {
            frames.forEach(Mat::close);
        }
    }
}
