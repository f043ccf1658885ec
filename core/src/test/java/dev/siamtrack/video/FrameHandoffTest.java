package dev.siamtrack.video;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class FrameHandoffTest {

    @Test
    void latestOnlyKeepsTheNewestAndGivesBackTheOneItDisplaced() throws Exception {
        FrameHandoff<String> handoff = new FrameHandoff<>(4, true);
        assertNull(handoff.put("a"));
        assertEquals("a", handoff.put("b"));
        assertEquals("b", handoff.put("c"));
        assertEquals("c", handoff.take());
        assertNull(handoff.poll());
    }

    @Test
    void fifoModeHandsOverEveryItemInOrder() throws Exception {
        FrameHandoff<String> handoff = new FrameHandoff<>(4, false);
        assertNull(handoff.put("a"));
        assertNull(handoff.put("b"));
        assertEquals("a", handoff.take());
        assertEquals("b", handoff.poll());
    }

    @Test
    void closeWakesAWaitingTakerAfterTheRestIsDrained() throws Exception {
        FrameHandoff<String> handoff = new FrameHandoff<>(4, false);
        handoff.put("last");
        assertEquals("last", handoff.take());
        CompletableFuture<String> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                return String.valueOf(handoff.take());
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(100);
        assertTrue(!waiting.isDone(), "take waits while the handoff is open and empty");
        handoff.close();
        assertEquals("null", waiting.get(10, TimeUnit.SECONDS));
    }

    @Test
    void timedTakeReturnsNullWhenNothingCame() throws Exception {
        FrameHandoff<String> handoff = new FrameHandoff<>(2, true);
        long start = System.nanoTime();
        assertNull(handoff.take(50));
        assertTrue(System.nanoTime() - start >= 40_000_000L, "waited about the timeout");
        handoff.put("x");
        assertEquals("x", handoff.take(50));
    }
}
