package dev.siamtrack.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.siamtrack.geom.Box;
import dev.siamtrack.run.SequenceRunner;
import dev.siamtrack.track.TargetEngine;
import dev.siamtrack.track.TargetResult;
import dev.siamtrack.track.TrackState;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;

class TargetCommandsTest {

    private static final Box BOX = new Box(10, 10, 20, 20);

    /** An engine that only keeps ids: what the commands look at. */
    private static final class IdsEngine implements TargetEngine {
        final List<String> ids = new ArrayList<>();

        @Override
        public TargetResult add(String id, Mat frame, Box box) {
            ids.add(id);
            return new TargetResult(id, box, 1, TrackState.TRACKING, false);
        }

        @Override
        public boolean remove(String id) {
            return ids.remove(id);
        }

        @Override
        public List<TargetResult> update(Mat frame) {
            return List.of();
        }

        @Override
        public List<String> ids() {
            return List.copyOf(ids);
        }

        @Override
        public int size() {
            return ids.size();
        }

        @Override
        public void close() {
        }
    }

    private final IdsEngine engine = new IdsEngine();
    private final SequenceRunner runner = new SequenceRunner(engine, List.of(), 16);
    private final List<String> removed = new ArrayList<>();
    private final TargetCommands commands = new TargetCommands("cam", 2);

    private void apply(boolean haveFrame, String refusal) {
        commands.apply(runner, engine, haveFrame, refusal, removed::add);
    }

    private static ApiException refusal(CompletableFuture<?> f) {
        ExecutionException e = assertThrows(ExecutionException.class, f::get);
        return (ApiException) e.getCause();
    }

    @Test
    void aNewTargetWaitsForAFrameAndStartsUnderTheNextFreeId() {
        CompletableFuture<TargetResult> first = commands.add(null, BOX);
        apply(false, null);
        assertNull(commands.started("t1"), "no frame yet: the target waits in the queue");
        apply(true, null);
        assertSame(first, commands.started("t1"));
        assertNull(commands.started("t1"), "answered once");
    }

    @Test
    void onlyOneNewTargetStartsPerFrame() {
        commands.add("a", BOX);
        commands.add("b", BOX);
        apply(true, null);
        assertTrue(commands.started("a") != null);
        assertNull(commands.started("b"));
        apply(true, null);
        assertTrue(commands.started("b") != null);
    }

    @Test
    void refusesATakenIdAndTargetsBeyondTheMaximum() {
        engine.ids.add("a");
        CompletableFuture<TargetResult> duplicate = commands.add("a", BOX);
        apply(true, null);
        assertEquals(409, refusal(duplicate).status());
        engine.ids.add("b");
        CompletableFuture<TargetResult> third = commands.add("c", BOX);
        apply(true, null);
        ApiException full = refusal(third);
        assertEquals(400, full.status());
        assertEquals("source 'cam' already tracks the maximum of 2 targets", full.getMessage());
    }

    @Test
    void aDownSourceRefusesNewTargetsWithTheReason() {
        CompletableFuture<TargetResult> add = commands.add(null, BOX);
        apply(false, "source 'cam' is down: no frames");
        ApiException e = refusal(add);
        assertEquals(409, e.status());
        assertEquals("source 'cam' is down: no frames", e.getMessage());
    }

    @Test
    void removalsSayWhetherTheTargetExisted() throws Exception {
        engine.ids.add("a");
        CompletableFuture<Boolean> known = commands.remove("a");
        CompletableFuture<Boolean> unknown = commands.remove("zz");
        apply(false, null);
        assertTrue(known.get());
        assertFalse(unknown.get());
        assertEquals(List.of("a"), removed);
        assertEquals(List.of(), engine.ids());
    }

    @Test
    void aStoppedSourceRefusesEverythingStillWaiting() {
        CompletableFuture<TargetResult> started = commands.add(null, BOX);
        apply(true, null);
        CompletableFuture<TargetResult> queued = commands.add(null, BOX);
        CompletableFuture<Boolean> removal = commands.remove("t1");
        commands.failAll("the source has stopped");
        assertEquals(400, refusal(started).status(), "the target refused on its first frame");
        assertEquals(409, refusal(queued).status());
        assertEquals("the source has stopped", refusal(removal).getMessage());
    }
}
