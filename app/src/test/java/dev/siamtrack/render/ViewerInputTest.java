package dev.siamtrack.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.jogamp.newt.event.KeyEvent;
import dev.siamtrack.geom.Box;
import dev.siamtrack.pipeline.TrackingControl;
import dev.siamtrack.track.TargetResult;
import dev.siamtrack.track.TrackState;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The viewer's mouse and key handling, without a window: a 640x480 frame shown at twice its size. */
class ViewerInputTest {

    private final TrackingControl control = new TrackingControl();
    private final Letterbox view = new Letterbox();
    private final List<String> log = new ArrayList<>();
    private final int[] snapshots = new int[1];
    private final ViewerInput input = new ViewerInput(control, view, log::add, () -> snapshots[0]++);

    ViewerInputTest() {
        view.frameSize(640, 480);
        view.fit(1280, 960);
    }

    private void drag(int x0, int y0, int x1, int y1) {
        input.press(x0, y0);
        input.drag(x1, y1);
        input.release(x1, y1);
    }

    private void click(int x, int y) {
        input.press(x, y);
        input.release(x, y);
    }

    @Test
    void draggingARectangleAddsItAsATargetInFramePixels() {
        input.press(200, 100);
        assertTrue(input.drag(400, 300), "a drag redraws");
        assertTrue(input.dragging());
        assertEquals(new Box(100, 50, 100, 100), input.selection());
        assertTrue(input.release(400, 300));
        assertFalse(input.dragging());
        assertEquals(List.of("target added: " + new Box(100, 50, 100, 100)), log);
    }

    @Test
    void theRectangleIsClippedToTheFrame() {
        drag(1200, 900, 1400, 1000);
        assertEquals(List.of("target added: " + new Box(600, 450, 40, 30)), log);
    }

    @Test
    void nothingHappensBeforeAFrameIsShown() {
        ViewerInput blind = new ViewerInput(control, new Letterbox(), log::add, () -> { });
        blind.press(200, 100);
        assertFalse(blind.dragging());
        assertFalse(blind.drag(400, 300));
        assertFalse(blind.release(400, 300));
        assertEquals(List.of(), log);
    }

    @Test
    void aClickSelectsTheLastAddedBoxUnderItOrNone() {
        input.show(List.of(
                new TargetResult("1", new Box(0, 0, 100, 100), 0.9, TrackState.TRACKING),
                new TargetResult("2", new Box(50, 50, 100, 100), 0.9, TrackState.TRACKING),
                new TargetResult("3", Box.ABSENT, 0, TrackState.LOST)));
        click(120, 120);
        assertEquals("2", control.selected());
        click(40, 40);
        assertEquals("1", control.selected());
        click(600, 600);
        assertNull(control.selected());
        drag(120, 120, 124, 124);
        assertEquals("2", control.selected(), "a drag under 4 frame pixels is a click");
        assertEquals(List.of(), log);
    }

    @Test
    void deleteRemovesTheSelectedTargetOnly() {
        assertTrue(input.key(KeyEvent.VK_DELETE));
        assertEquals(List.of(), log);
        control.select("7");
        assertTrue(input.key(KeyEvent.VK_BACK_SPACE));
        assertEquals(List.of("target 7 removed"), log);
        assertNull(control.selected());
    }

    @Test
    void rClearsAndPausesAndTheNextNewTargetResumes() {
        control.select("1");
        assertTrue(input.key(KeyEvent.VK_R));
        assertTrue(control.paused());
        assertNull(control.selected());
        drag(200, 100, 400, 300);
        assertFalse(control.paused());
    }

    @Test
    void rWhilePausedByTheUserStaysPausedAfterTheNewTarget() {
        input.key(KeyEvent.VK_SPACE);
        assertTrue(control.paused());
        input.key(KeyEvent.VK_R);
        drag(200, 100, 400, 300);
        assertTrue(control.paused());
    }

    @Test
    void theOtherKeysPauseToggleDebugSnapshotAndQuit() {
        assertTrue(input.key(KeyEvent.VK_SPACE));
        assertTrue(control.paused());
        assertTrue(input.key(KeyEvent.VK_RIGHT));
        assertTrue(input.key(KeyEvent.VK_D));
        assertTrue(control.debug());
        assertTrue(input.key(KeyEvent.VK_S));
        assertEquals(1, snapshots[0]);
        assertFalse(input.key(KeyEvent.VK_A), "other keys do nothing and need no redraw");
        assertFalse(control.quitRequested());
        assertTrue(input.key(KeyEvent.VK_ESCAPE));
        assertTrue(control.quitRequested());
    }
}
