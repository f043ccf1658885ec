package dev.siamtrack.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LetterboxTest {

    @Test
    void beforeTheFirstFrameTheViewIsTheWholeWindow() {
        Letterbox view = new Letterbox();
        view.fit(800, 600);
        assertFalse(view.hasFrame());
        assertEquals(0, view.viewX());
        assertEquals(0, view.viewY());
        assertEquals(800, view.viewW());
        assertEquals(600, view.viewH());
    }

    @Test
    void aWideWindowGetsBarsLeftAndRight() {
        Letterbox view = new Letterbox();
        view.frameSize(640, 480);
        view.fit(1000, 600);
        assertTrue(view.hasFrame());
        assertEquals(100, view.viewX());
        assertEquals(0, view.viewY());
        assertEquals(800, view.viewW());
        assertEquals(600, view.viewH());
        assertEquals(0, view.toFrameX(100), 1e-9);
        assertEquals(640, view.toFrameX(900), 1e-9);
        assertEquals(480, view.toFrameY(600), 1e-9);
        assertEquals(500, view.toWindowX(320));
        assertEquals(600, view.toWindowYUp(0));
        assertEquals(0, view.toWindowYUp(480));
        assertEquals(0.8, view.frameUnitsPerPixel(), 1e-9);
    }

    @Test
    void aTallWindowGetsBarsAboveAndBelowAndMouseYCountsFromTheTop() {
        Letterbox view = new Letterbox();
        view.frameSize(640, 480);
        view.fit(640, 960);
        assertEquals(0, view.viewX());
        assertEquals(240, view.viewY());
        assertEquals(480, view.viewH());
        assertEquals(0, view.toFrameY(240), 1e-9);
        assertEquals(480, view.toFrameY(720), 1e-9);
        assertEquals(-240, view.toFrameY(0), 1e-9);
        assertEquals(720, view.toWindowYUp(0));
    }

    @Test
    void aNewFrameSizeTakesEffectAtTheNextFit() {
        Letterbox view = new Letterbox();
        view.frameSize(640, 480);
        view.fit(640, 480);
        view.frameSize(320, 240);
        assertEquals(640, view.viewW());
        view.fit(640, 480);
        assertEquals(640, view.viewW());
        assertEquals(0.5, view.frameUnitsPerPixel(), 1e-9);
        assertEquals(160, view.toFrameX(320), 1e-9);
    }
}
