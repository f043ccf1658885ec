package dev.siamtrack.render;

import com.jogamp.nativewindow.NativeWindowException;
import com.jogamp.nativewindow.WindowClosingProtocol;
import com.jogamp.newt.event.KeyAdapter;
import com.jogamp.newt.event.KeyEvent;
import com.jogamp.newt.event.MouseAdapter;
import com.jogamp.newt.event.MouseEvent;
import com.jogamp.newt.event.WindowAdapter;
import com.jogamp.newt.event.WindowEvent;
import com.jogamp.newt.opengl.GLWindow;
import com.jogamp.opengl.GL2;
import com.jogamp.opengl.GL;
import com.jogamp.opengl.GLAutoDrawable;
import com.jogamp.opengl.GLCapabilities;
import com.jogamp.opengl.GLEventListener;
import com.jogamp.opengl.GLException;
import com.jogamp.opengl.GLProfile;
import com.jogamp.opengl.util.awt.TextRenderer;
import dev.siamtrack.draw.StateColors;
import dev.siamtrack.geom.Box;
import dev.siamtrack.pipeline.FrameOutput;
import dev.siamtrack.pipeline.FramePacket;
import dev.siamtrack.pipeline.TrackingControl;
import dev.siamtrack.track.TargetResult;
import dev.siamtrack.track.TrackState;
import java.awt.Font;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * The live view ({@code track --view}): a NEWT OpenGL window showing each tracked frame with its overlay.
 * Frames are streamed into one texture through two pixel buffer objects used in turn; the overlay (each target's
 * box and trajectory tail in its own colour, its id, state and score, a score bar in the state's colour, FPS and
 * latency, optional search region and score heat map of the selected target) is drawn in GL. What the mouse and
 * keys do is {@link ViewerInput}'s (dragging a rectangle adds a target, clicking a box selects it; Delete or
 * Backspace removes the selected target, r removes all and pauses to draw new ones, space pause/resume, right
 * arrow one step while paused, d debug overlay, s snapshot PNG, q or Esc quit); where the frame sits in the
 * window is {@link Letterbox}'s.
 */
public final class TrackViewer implements FrameOutput, GLEventListener {

    private static final int MAX_WIDTH = 1280;
    private static final int MAX_HEIGHT = 800;

    private final GLWindow window;
    private final TrackingControl control;
    private final Consumer<String> log;
    private final Trails trails = new Trails();
    private final Letterbox view = new Letterbox();
    private final ViewerInput input;
    private final Path screenshotFile;
    private final int screenshotFrame;
    private boolean screenshotTaken;

    /** The thread that calls {@link #accept}: only its display() calls may read {@link #incoming}. */
    private Thread outputThread;
    private FramePacket incoming;

    private int texture;
    private int heatTexture;
    private final int[] pbo = new int[2];
    private int nextPbo;
    private long pboBytes;
    private TextRenderer text;

    private int frameIndex = -1;
    private Box searchRegion;
    private Box scoreRegion;
    private boolean heatValid;
    private byte[] heatBytes = new byte[0];
    private ByteBuffer heatBuffer = ByteBuffer.allocateDirect(0);
    private double fps;
    private double latencyMs;
    private double trackMs;
    private long lastFrameNanos;

    private Path pendingShot;
    private Exception shotError;

    private TrackViewer(GLWindow window, TrackingControl control, Path screenshotFile, int screenshotFrame,
                        Consumer<String> log) {
        this.window = window;
        this.control = control;
        this.screenshotFile = screenshotFile;
        this.screenshotFrame = screenshotFrame;
        this.log = log;
        this.input = new ViewerInput(control, view, log,
                () -> pendingShot = Path.of(String.format(Locale.ROOT, "siamtrack-%06d.png", Math.max(0, frameIndex))));
    }

    /** Why no viewer can open here ({@code null} when one can): no X display, or no OpenGL 2 profile. */
    public static String unavailableReason() {
        String display = System.getenv("DISPLAY");
        if (display == null || display.isBlank()) {
            return "no X display (DISPLAY is not set): --view needs one; run under xvfb-run or leave out --view";
        }
        try {
            if (!GLProfile.isAvailable(GLProfile.GL2)) {
                return "OpenGL 2 is not available on display " + display;
            }
        } catch (GLException | NativeWindowException e) {
            return "OpenGL is not available on display " + display + ": " + e.getMessage();
        }
        return null;
    }

    /**
     * Opens the window, sized to the frame (scaled down to fit 1280x800).
     *
     * @param screenshotFile  where to save the rendered window once frame {@code screenshotFrame} (or the first
     *                        later one) is shown; {@code null} for none
     * @throws ViewerUnavailableException when there is no display or no suitable OpenGL
     */
    public static TrackViewer open(String title, int frameWidth, int frameHeight, TrackingControl control,
                                   Path screenshotFile, int screenshotFrame, Consumer<String> log)
            throws ViewerUnavailableException {
        String reason = unavailableReason();
        if (reason != null) {
            throw new ViewerUnavailableException(reason);
        }
        try {
            GLCapabilities caps = new GLCapabilities(GLProfile.get(GLProfile.GL2));
            caps.setDoubleBuffered(true);
            GLWindow window = GLWindow.create(caps);
            TrackViewer viewer = new TrackViewer(window, control, screenshotFile, screenshotFrame, log);
            double scale = Math.min(1, Math.min((double) MAX_WIDTH / Math.max(1, frameWidth),
                    (double) MAX_HEIGHT / Math.max(1, frameHeight)));
            window.setTitle(title);
            window.setSize(Math.max(64, (int) Math.round(frameWidth * scale)),
                    Math.max(48, (int) Math.round(frameHeight * scale)));
            window.setDefaultCloseOperation(WindowClosingProtocol.WindowClosingMode.DISPOSE_ON_CLOSE);
            window.addGLEventListener(viewer);
            window.addMouseListener(viewer.new Mouse());
            window.addKeyListener(viewer.new Keys());
            window.addWindowListener(new WindowAdapter() {
                @Override
                public void windowDestroyNotify(WindowEvent e) {
                    control.quit();
                }
            });
            window.setVisible(true);
            return viewer;
        } catch (GLException | NativeWindowException e) {
            throw new ViewerUnavailableException("cannot open an OpenGL window: " + e.getMessage());
        }
    }

    /** The NEWT window (tests dispatch synthesised input events to its listeners). */
    public GLWindow window() {
        return window;
    }

    @Override
    public boolean presents() {
        return true;
    }

    /** Shows the packet; returns once the frame is on screen. */
    @Override
    public void accept(FramePacket packet) throws Exception {
        outputThread = Thread.currentThread();
        if (screenshotFile != null && !screenshotTaken && packet.index() >= screenshotFrame) {
            pendingShot = screenshotFile;
            screenshotTaken = true;
        }
        incoming = packet;
        try {
            window.display();
        } finally {
            incoming = null;
        }
        throwShotError();
    }

    /** Renders the current view again and saves it as a PNG (also the {@code s} key). */
    public void saveScreenshot(Path file) throws Exception {
        pendingShot = file;
        window.display();
        throwShotError();
    }

    private void throwShotError() throws Exception {
        Exception e = shotError;
        if (e != null) {
            shotError = null;
            throw e;
        }
    }

    @Override
    public void init(GLAutoDrawable drawable) {
        GL2 gl = drawable.getGL().getGL2();
        int[] ids = new int[2];
        gl.glGenTextures(2, ids, 0);
        texture = ids[0];
        heatTexture = ids[1];
        for (int id : ids) {
            gl.glBindTexture(GL.GL_TEXTURE_2D, id);
            gl.glTexParameteri(GL.GL_TEXTURE_2D, GL.GL_TEXTURE_MIN_FILTER, GL.GL_LINEAR);
            gl.glTexParameteri(GL.GL_TEXTURE_2D, GL.GL_TEXTURE_MAG_FILTER, GL.GL_LINEAR);
            gl.glTexParameteri(GL.GL_TEXTURE_2D, GL.GL_TEXTURE_WRAP_S, GL.GL_CLAMP_TO_EDGE);
            gl.glTexParameteri(GL.GL_TEXTURE_2D, GL.GL_TEXTURE_WRAP_T, GL.GL_CLAMP_TO_EDGE);
        }
        gl.glGenBuffers(2, pbo, 0);
        text = new TextRenderer(new Font(Font.SANS_SERIF, Font.BOLD, 13), true, false);
        gl.setSwapInterval(0);
    }

    @Override
    public void reshape(GLAutoDrawable drawable, int x, int y, int width, int height) {
        view.fit(width, height);
    }

    @Override
    public void display(GLAutoDrawable drawable) {
        GL2 gl = drawable.getGL().getGL2();
        FramePacket packet = Thread.currentThread() == outputThread ? incoming : null;
        if (packet != null) {
            upload(gl, packet);
            takeOverlay(gl, packet);
        }
        int width = drawable.getSurfaceWidth();
        int height = drawable.getSurfaceHeight();
        view.fit(width, height);
        gl.glViewport(0, 0, width, height);
        gl.glClearColor(0.08f, 0.08f, 0.08f, 1);
        gl.glClear(GL.GL_COLOR_BUFFER_BIT);
        if (view.hasFrame()) {
            gl.glViewport(view.viewX(), view.viewY(), view.viewW(), view.viewH());
            gl.glMatrixMode(GL2.GL_PROJECTION);
            gl.glLoadIdentity();
            gl.glOrtho(0, view.frameWidth(), view.frameHeight(), 0, -1, 1);
            gl.glMatrixMode(GL2.GL_MODELVIEW);
            gl.glLoadIdentity();
            drawFrame(gl);
            drawOverlay(gl);
            gl.glViewport(0, 0, width, height);
        }
        drawText(width, height);
        if (pendingShot != null) {
            Path file = pendingShot;
            pendingShot = null;
            writeScreenshot(gl, width, height, file);
        }
        gl.glFinish();
        if (packet != null) {
            latencyMs = (System.nanoTime() - packet.captureNanos()) / 1e6;
        }
    }

    @Override
    public void dispose(GLAutoDrawable drawable) {
        GL2 gl = drawable.getGL().getGL2();
        gl.glDeleteTextures(2, new int[] {texture, heatTexture}, 0);
        gl.glDeleteBuffers(2, pbo, 0);
        if (text != null) {
            text.dispose();
        }
    }

    /** Streams the frame into the texture through the next pixel buffer object. */
    private void upload(GL2 gl, FramePacket packet) {
        int w = packet.width();
        int h = packet.height();
        long step = packet.frame().step();
        long bytes = step * h;
        if (w != view.frameWidth() || h != view.frameHeight() || bytes != pboBytes) {
            gl.glBindTexture(GL.GL_TEXTURE_2D, texture);
            gl.glTexImage2D(GL.GL_TEXTURE_2D, 0, GL.GL_RGB8, w, h, 0, GL2.GL_BGR, GL.GL_UNSIGNED_BYTE, null);
            view.frameSize(w, h);
            pboBytes = bytes;
        }
        gl.glBindBuffer(GL2.GL_PIXEL_UNPACK_BUFFER, pbo[nextPbo]);
        // Re-specifying the store orphans the previous one, so the copy never waits for the last transfer.
        gl.glBufferData(GL2.GL_PIXEL_UNPACK_BUFFER, bytes, null, GL2.GL_STREAM_DRAW);
        gl.glBufferSubData(GL2.GL_PIXEL_UNPACK_BUFFER, 0, bytes, packet.pixels());
        gl.glPixelStorei(GL.GL_UNPACK_ALIGNMENT, 1);
        gl.glPixelStorei(GL2.GL_UNPACK_ROW_LENGTH, (int) (step / 3));
        gl.glBindTexture(GL.GL_TEXTURE_2D, texture);
        gl.glTexSubImage2D(GL.GL_TEXTURE_2D, 0, 0, 0, w, h, GL2.GL_BGR, GL.GL_UNSIGNED_BYTE, 0L);
        gl.glPixelStorei(GL2.GL_UNPACK_ROW_LENGTH, 0);
        gl.glBindBuffer(GL2.GL_PIXEL_UNPACK_BUFFER, 0);
        nextPbo ^= 1;
    }

    /** Copies what the overlay needs out of the packet, which goes back to its pool after this frame. */
    private void takeOverlay(GL2 gl, FramePacket packet) {
        long now = System.nanoTime();
        if (lastFrameNanos != 0) {
            double instant = 1e9 / Math.max(1, now - lastFrameNanos);
            fps = fps == 0 ? instant : 0.9 * fps + 0.1 * instant;
        }
        lastFrameNanos = now;
        input.show(packet.results());
        trails.update(packet.index(), input.targets());
        frameIndex = packet.index();
        trackMs = packet.trackNanos() / 1e6;
        searchRegion = packet.searchRegion();
        scoreRegion = packet.scoreRegion();
        heatValid = scoreRegion != null && packet.mapWidth() > 0;
        if (heatValid) {
            uploadHeat(gl, packet.scoreMap(), packet.mapWidth(), packet.mapHeight());
        }
    }

    private void uploadHeat(GL2 gl, float[] map, int mapW, int mapH) {
        int n = mapW * mapH;
        if (heatBytes.length < 4 * n) {
            heatBytes = new byte[4 * n];
            heatBuffer = ByteBuffer.allocateDirect(4 * n).order(ByteOrder.nativeOrder());
        }
        for (int i = 0; i < n; i++) {
            StateColors.heat(map[i], heatBytes, 4 * i);
        }
        heatBuffer.clear();
        heatBuffer.put(heatBytes, 0, 4 * n).flip();
        gl.glBindTexture(GL.GL_TEXTURE_2D, heatTexture);
        gl.glPixelStorei(GL.GL_UNPACK_ALIGNMENT, 1);
        gl.glTexImage2D(GL.GL_TEXTURE_2D, 0, GL.GL_RGBA8, mapW, mapH, 0, GL.GL_RGBA, GL.GL_UNSIGNED_BYTE, heatBuffer);
    }

    private void drawFrame(GL2 gl) {
        gl.glEnable(GL.GL_TEXTURE_2D);
        gl.glBindTexture(GL.GL_TEXTURE_2D, texture);
        gl.glTexEnvi(GL2.GL_TEXTURE_ENV, GL2.GL_TEXTURE_ENV_MODE, GL2.GL_REPLACE);
        texturedQuad(gl, 0, 0, view.frameWidth(), view.frameHeight());
        gl.glDisable(GL.GL_TEXTURE_2D);
    }

    private static void texturedQuad(GL2 gl, double x, double y, double w, double h) {
        gl.glBegin(GL2.GL_QUADS);
        gl.glTexCoord2f(0, 0);
        gl.glVertex2d(x, y);
        gl.glTexCoord2f(1, 0);
        gl.glVertex2d(x + w, y);
        gl.glTexCoord2f(1, 1);
        gl.glVertex2d(x + w, y + h);
        gl.glTexCoord2f(0, 1);
        gl.glVertex2d(x, y + h);
        gl.glEnd();
    }

    private void drawOverlay(GL2 gl) {
        gl.glEnable(GL.GL_BLEND);
        gl.glBlendFunc(GL.GL_SRC_ALPHA, GL.GL_ONE_MINUS_SRC_ALPHA);
        double px = view.frameUnitsPerPixel();
        if (searchRegion != null) {
            if (heatValid) {
                gl.glEnable(GL.GL_TEXTURE_2D);
                gl.glBindTexture(GL.GL_TEXTURE_2D, heatTexture);
                texturedQuad(gl, scoreRegion.x(), scoreRegion.y(), scoreRegion.w(), scoreRegion.h());
                gl.glDisable(GL.GL_TEXTURE_2D);
            }
            gl.glLineWidth(1);
            gl.glColor4f(0, 1, 1, 0.9f);
            outline(gl, searchRegion);
        }
        String selected = control.selected();
        for (TargetResult r : input.targets()) {
            if (!r.box().isAbsent()) {
                drawTarget(gl, r, r.id().equals(selected), px);
            }
        }
        if (input.dragging()) {
            gl.glLineWidth(1);
            gl.glColor4f(1, 1, 1, 1);
            outline(gl, input.selection());
        }
        gl.glDisable(GL.GL_BLEND);
    }

    /** The tail and box in the target's colour (thicker when selected), the score bar in the state's. */
    private void drawTarget(GL2 gl, TargetResult r, boolean selected, double px) {
        int[] rgb = StateColors.target(r.id());
        Trail trail = trails.of(r.id());
        gl.glColor4f(rgb[0] / 255f, rgb[1] / 255f, rgb[2] / 255f, 0.8f);
        gl.glLineWidth(2);
        gl.glBegin(GL.GL_LINE_STRIP);
        for (int i = 0; i < trail.size(); i++) {
            gl.glVertex2d(trail.x(i), trail.y(i));
        }
        gl.glEnd();
        Box b = r.box();
        gl.glColor4f(rgb[0] / 255f, rgb[1] / 255f, rgb[2] / 255f, 1);
        gl.glLineWidth(selected ? 4 : r.state() == TrackState.LOST ? 1 : 2);
        outline(gl, b);
        int[] state = StateColors.rgb(r.state());
        double barH = 5 * px;
        double barY = b.y() - barH - 3 * px;
        gl.glColor4f(0.1f, 0.1f, 0.1f, 0.7f);
        quad(gl, b.x(), barY, b.w(), barH);
        gl.glColor4f(state[0] / 255f, state[1] / 255f, state[2] / 255f, 1);
        quad(gl, b.x(), barY, b.w() * Math.max(0, Math.min(1, r.score())), barH);
    }

    private static void outline(GL2 gl, Box b) {
        gl.glBegin(GL.GL_LINE_LOOP);
        gl.glVertex2d(b.x(), b.y());
        gl.glVertex2d(b.x() + b.w(), b.y());
        gl.glVertex2d(b.x() + b.w(), b.y() + b.h());
        gl.glVertex2d(b.x(), b.y() + b.h());
        gl.glEnd();
    }

    private static void quad(GL2 gl, double x, double y, double w, double h) {
        gl.glBegin(GL2.GL_QUADS);
        gl.glVertex2d(x, y);
        gl.glVertex2d(x + w, y);
        gl.glVertex2d(x + w, y + h);
        gl.glVertex2d(x, y + h);
        gl.glEnd();
    }

    private void drawText(int width, int height) {
        text.beginRendering(width, height);
        text.setColor(1, 1, 1, 1);
        text.draw(String.format(Locale.ROOT, "%.1f FPS  latency %.0f ms  tracker %.1f ms  frame %d", fps, latencyMs,
                trackMs, frameIndex), 8, height - 18);
        if (control.paused()) {
            text.setColor(1, 0.8f, 0.2f, 1);
            text.draw("PAUSED  (space resume, right arrow step)", 8, height - 36);
        }
        List<TargetResult> results = input.targets();
        if (results.isEmpty() && !input.dragging()) {
            text.setColor(1, 1, 1, 1);
            text.draw("drag a box around a target", 8, 10);
        }
        for (TargetResult r : results) {
            if (r.box().isAbsent()) {
                continue;
            }
            int[] rgb = StateColors.rgb(r.state());
            text.setColor(rgb[0] / 255f, rgb[1] / 255f, rgb[2] / 255f, 1);
            Box b = r.box();
            int x = view.toWindowX(b.x());
            int top = view.toWindowYUp(b.y());
            text.draw(String.format(Locale.ROOT, "%s %s %.2f", r.id(), r.state(), r.score()), x,
                    Math.min(height - 14, top + 12));
        }
        text.endRendering();
    }

    private void writeScreenshot(GL2 gl, int width, int height, Path file) {
        ByteBuffer buffer = ByteBuffer.allocateDirect(width * height * 3);
        gl.glPixelStorei(GL.GL_PACK_ALIGNMENT, 1);
        gl.glReadPixels(0, 0, width, height, GL2.GL_BGR, GL.GL_UNSIGNED_BYTE, buffer);
        try (Mat upsideDown = new Mat(height, width, opencv_core.CV_8UC3, new BytePointer(buffer));
             Mat image = new Mat()) {
            opencv_core.flip(upsideDown, image, 0);
            if (!opencv_imgcodecs.imwrite(file.toString(), image)) {
                throw new IOException("cannot write " + file);
            }
            log.accept("screenshot saved to " + file);
        } catch (IOException e) {
            shotError = e;
        }
    }

    /** Mouse events to {@link ViewerInput}, on NEWT's event thread. */
    private final class Mouse extends MouseAdapter {
        @Override
        public void mousePressed(MouseEvent e) {
            if (e.getButton() == MouseEvent.BUTTON1) {
                input.press(e.getX(), e.getY());
            }
        }

        @Override
        public void mouseDragged(MouseEvent e) {
            if (input.drag(e.getX(), e.getY())) {
                window.display();
            }
        }

        @Override
        public void mouseReleased(MouseEvent e) {
            if (input.release(e.getX(), e.getY())) {
                window.display();
            }
        }
    }

    private final class Keys extends KeyAdapter {
        @Override
        public void keyPressed(KeyEvent e) {
            if (input.key(e.getKeySymbol())) {
                window.display();
            }
        }
    }

    /** Closes the window (on the output thread, after the last frame). */
    @Override
    public void close() {
        if (screenshotFile != null && !screenshotTaken) {
            log.accept("warning: no screenshot written: the run ended before frame " + screenshotFrame
                    + " (--screenshot-frame)");
        }
        window.destroy();
    }
}
