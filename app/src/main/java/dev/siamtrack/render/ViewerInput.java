package dev.siamtrack.render;

import com.jogamp.newt.event.KeyEvent;
import dev.siamtrack.geom.Box;
import dev.siamtrack.pipeline.TrackingControl;
import dev.siamtrack.track.TargetResult;
import java.util.List;
import java.util.function.Consumer;

/**
 * What the viewer's mouse and keys do, without any drawing: dragging a rectangle adds a target, clicking a box
 * selects it, and the keys pause, step, remove, clear, toggle the debug overlay, ask for a snapshot or quit,
 * all through {@link TrackingControl}. Positions arrive in window pixels and are mapped to the frame through
 * the {@link Letterbox}. Each method says whether the view changed and should be drawn again. Called on the
 * window's event thread; the targets on screen are replaced from the output thread.
 */
final class ViewerInput {

    /** Smaller drags (in frame pixels) are clicks. */
    private static final int MIN_SELECTION = 4;

    private final TrackingControl control;
    private final Letterbox view;
    private final Consumer<String> log;
    private final Runnable snapshot;

    /** The targets on screen; replaced (never modified) per frame. */
    private volatile List<TargetResult> targets = List.of();
    private volatile boolean dragging;
    /** Set when {@code r} paused the run so new targets can be drawn: adding one resumes it. */
    private volatile boolean selectionPaused;
    private volatile double dragX0;
    private volatile double dragY0;
    private volatile double dragX1;
    private volatile double dragY1;

    /** {@code snapshot} runs on the {@code s} key. */
    ViewerInput(TrackingControl control, Letterbox view, Consumer<String> log, Runnable snapshot) {
        this.control = control;
        this.view = view;
        this.log = log;
        this.snapshot = snapshot;
    }

    /** The targets now on screen, which clicks select from. */
    void show(List<TargetResult> onScreen) {
        targets = List.copyOf(onScreen);
    }

    List<TargetResult> targets() {
        return targets;
    }

    boolean dragging() {
        return dragging;
    }

    /** Left button pressed: starts a rectangle (only once a frame is shown). */
    void press(int x, int y) {
        if (!view.hasFrame()) {
            return;
        }
        dragX0 = view.toFrameX(x);
        dragY0 = view.toFrameY(y);
        dragX1 = dragX0;
        dragY1 = dragY0;
        dragging = true;
    }

    boolean drag(int x, int y) {
        if (!dragging) {
            return false;
        }
        dragTo(x, y);
        return true;
    }

    /** Ends the rectangle: a big enough one is a new target, a smaller one a click that selects the box under it. */
    boolean release(int x, int y) {
        if (!dragging) {
            return false;
        }
        dragTo(x, y);
        dragging = false;
        Box box = selection();
        if (box.w() >= MIN_SELECTION && box.h() >= MIN_SELECTION) {
            log.accept("target added: " + box);
            control.addTarget(box);
            if (selectionPaused && control.paused()) {
                control.togglePause();
            }
            selectionPaused = false;
        } else {
            control.select(targetAt(dragX1, dragY1));
        }
        return true;
    }

    /** A key press (NEWT key symbol); false for keys that do nothing. */
    boolean key(short symbol) {
        switch (symbol) {
            case KeyEvent.VK_SPACE -> control.togglePause();
            case KeyEvent.VK_RIGHT -> control.step();
            case KeyEvent.VK_R -> clearAndSelectAgain();
            case KeyEvent.VK_DELETE, KeyEvent.VK_BACK_SPACE -> removeSelected();
            case KeyEvent.VK_D -> control.toggleDebug();
            case KeyEvent.VK_S -> snapshot.run();
            case KeyEvent.VK_Q, KeyEvent.VK_ESCAPE -> control.quit();
            default -> {
                return false;
            }
        }
        return true;
    }

    /** The rectangle being dragged, in frame pixels, clipped to the frame. */
    Box selection() {
        double x0 = Math.max(0, Math.min(dragX0, dragX1));
        double y0 = Math.max(0, Math.min(dragY0, dragY1));
        double x1 = Math.min(view.frameWidth(), Math.max(dragX0, dragX1));
        double y1 = Math.min(view.frameHeight(), Math.max(dragY0, dragY1));
        return new Box(x0, y0, Math.max(0, x1 - x0), Math.max(0, y1 - y0));
    }

    private void dragTo(int x, int y) {
        dragX1 = view.toFrameX(x);
        dragY1 = view.toFrameY(y);
    }

    /** {@code r}: remove every target and pause so new ones can be drawn on a still frame; the next one resumes play. */
    private void clearAndSelectAgain() {
        control.clearTargets();
        if (!control.paused()) {
            control.togglePause();
            selectionPaused = true;
        }
    }

    private void removeSelected() {
        String id = control.selected();
        if (id != null) {
            log.accept("target " + id + " removed");
            control.removeTarget(id);
        }
    }

    /** The id of the target whose box holds the frame point (the last added when boxes overlap), or {@code null}. */
    private String targetAt(double x, double y) {
        String hit = null;
        for (TargetResult r : targets) {
            Box b = r.box();
            if (!b.isAbsent() && x >= b.x() && x <= b.x() + b.w() && y >= b.y() && y <= b.y() + b.h()) {
                hit = r.id();
            }
        }
        return hit;
    }
}
