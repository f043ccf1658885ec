package dev.siamtrack.render;

/**
 * Where the frame sits in the viewer's window: scaled to fit with its aspect ratio kept and centred, and the
 * mapping between window pixels (y down, as mouse events give them) and frame pixels. Until the first frame
 * the view is the whole window.
 */
final class Letterbox {

    private int frameWidth;
    private int frameHeight;
    private int viewX;
    private int viewY;
    private int viewW;
    private int viewH;
    private int surfaceH;

    /** The size of the frames shown from now on; takes effect at the next {@link #fit}. */
    void frameSize(int width, int height) {
        frameWidth = width;
        frameHeight = height;
    }

    /** Places the frame in a window of {@code width x height}. */
    void fit(int width, int height) {
        surfaceH = height;
        if (frameWidth == 0) {
            viewX = 0;
            viewY = 0;
            viewW = width;
            viewH = height;
            return;
        }
        double scale = Math.min((double) width / frameWidth, (double) height / frameHeight);
        viewW = (int) Math.round(frameWidth * scale);
        viewH = (int) Math.round(frameHeight * scale);
        viewX = (width - viewW) / 2;
        viewY = (height - viewH) / 2;
    }

    boolean hasFrame() {
        return frameWidth > 0;
    }

    int frameWidth() {
        return frameWidth;
    }

    int frameHeight() {
        return frameHeight;
    }

    /** Left edge of the frame in the window. */
    int viewX() {
        return viewX;
    }

    /** Bottom edge of the frame in the window, counted from the window's bottom (OpenGL's y up). */
    int viewY() {
        return viewY;
    }

    int viewW() {
        return viewW;
    }

    int viewH() {
        return viewH;
    }

    /** Window x -> frame x. */
    double toFrameX(int x) {
        return (x - viewX) * (double) frameWidth / Math.max(1, viewW);
    }

    /** Window y (down from the top) -> frame y. */
    double toFrameY(int y) {
        int top = surfaceH - viewY - viewH;
        return (y - top) * (double) frameHeight / Math.max(1, viewH);
    }

    /** Frame x -> window x. */
    int toWindowX(double x) {
        return viewX + (int) Math.round(x * viewW / frameWidth);
    }

    /** Frame y -> window y counted up from the window's bottom (OpenGL's y up). */
    int toWindowYUp(double y) {
        return viewY + viewH - (int) Math.round(y * viewH / frameHeight);
    }

    /** Frame pixels per window pixel. */
    double frameUnitsPerPixel() {
        return (double) frameWidth / Math.max(1, viewW);
    }
}
