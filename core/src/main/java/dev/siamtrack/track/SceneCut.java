package dev.siamtrack.track;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import java.util.Arrays;
import org.bytedeco.javacpp.indexer.UByteIndexer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * Tells a cut (the whole picture changes from one frame to the next: another shot, another camera) from motion.
 * After a cut the target's motion says nothing about where it is, and an object at its old place is not it
 * because it is there. A cut changes both the layout of the picture and its colours: the mean brightness change
 * of a 32x24 thumbnail exceeds {@link #LAYOUT_CHANGE} AND the colour histogram (4 levels per channel of a 64x48
 * thumbnail) moves by more than {@link #COLOUR_CHANGE} (one minus the Bhattacharyya coefficient). Fast camera
 * motion changes the layout but hardly the colours; a light change the colours but less the layout.
 *
 * <p>The same measures tell whether a frame shows the view of an earlier one ({@link View}): neither the layout
 * nor the colours changed by more than those limits.
 *
 * <p>Two thumbnails and two histograms are kept; a frame costs one area resize of the frame into a preallocated
 * Mat and allocates nothing.
 */
final class SceneCut implements AutoCloseable {

    /** Mean absolute change of the grey thumbnail, as a share of the full 0-255 range. */
    static final double LAYOUT_CHANGE = 0.10;
    /** One minus the Bhattacharyya coefficient of the two frames' colour histograms. */
    static final double COLOUR_CHANGE = 0.05;

    private static final int WIDTH = 64;
    private static final int HEIGHT = 48;
    private static final int LEVELS = 4;

    /** Allocated at its final size and type, so a resize into it keeps its buffer and the indexer stays valid. */
    private final Mat thumbnail = new Mat(HEIGHT, WIDTH, CV_8UC3);
    private final UByteIndexer pixels = thumbnail.createIndexer();
    private final Size size = new Size(WIDTH, HEIGHT);
    /** Grey 32x24 thumbnails (2x2 means of the colour one) of this frame and the last one. */
    private float[] grey = new float[WIDTH * HEIGHT / 4];
    private float[] lastGrey = new float[WIDTH * HEIGHT / 4];
    private float[] colours = new float[LEVELS * LEVELS * LEVELS];
    private float[] lastColours = new float[LEVELS * LEVELS * LEVELS];
    private boolean seen;

    /** Whether {@code frame} (8-bit BGR) is cut from the previous frame given; false for the first one. */
    boolean isCut(Mat frame) {
        resize(frame, thumbnail, size, 0, 0, INTER_AREA);
        measure();
        boolean cut = seen && layoutChange(grey, lastGrey) > LAYOUT_CHANGE
                && colourChange(colours, lastColours) > COLOUR_CHANGE;
        seen = true;
        float[] g = lastGrey;
        lastGrey = grey;
        grey = g;
        float[] c = lastColours;
        lastColours = colours;
        colours = c;
        return cut;
    }

    private void measure() {
        Arrays.fill(grey, 0);
        Arrays.fill(colours, 0);
        for (int y = 0; y < HEIGHT; y++) {
            for (int x = 0; x < WIDTH; x++) {
                int b = pixels.get(y, x, 0);
                int g = pixels.get(y, x, 1);
                int r = pixels.get(y, x, 2);
                grey[(y / 2) * (WIDTH / 2) + x / 2] += (b + g + r) / 12f;
                colours[(r * LEVELS / 256) * LEVELS * LEVELS + (g * LEVELS / 256) * LEVELS + b * LEVELS / 256]++;
            }
        }
    }

    /** Keeps the view of the frame last given to {@link #isCut} in {@code view}. */
    void keep(View view) {
        System.arraycopy(lastGrey, 0, view.grey, 0, lastGrey.length);
        System.arraycopy(lastColours, 0, view.colours, 0, lastColours.length);
    }

    /**
     * Whether the frame last given to {@link #isCut} shows {@code view}: neither its layout nor its colours changed
     * by more than a cut's limits: the camera holds (or came back to) the same view, whatever moved in it. A pan
     * that moves the layout is another view, though no cut.
     */
    boolean shows(View view) {
        return layoutChange(lastGrey, view.grey) <= LAYOUT_CHANGE
                && colourChange(lastColours, view.colours) <= COLOUR_CHANGE;
    }

    /** Mean absolute change between two grey thumbnails, over 0-255. */
    private static double layoutChange(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += Math.abs(a[i] - b[i]);
        }
        return sum / a.length / 255;
    }

    private static double colourChange(float[] a, float[] b) {
        double bc = 0;
        double n = WIDTH * HEIGHT;
        for (int i = 0; i < a.length; i++) {
            bc += Math.sqrt(a[i] / n * (b[i] / n));
        }
        return 1 - bc;
    }

    /** What one frame looked like (its thumbnail and colour histogram), kept with {@link #keep}. */
    static final class View {
        private final float[] grey = new float[WIDTH * HEIGHT / 4];
        private final float[] colours = new float[LEVELS * LEVELS * LEVELS];
    }

    @Override
    public void close() {
        pixels.close();
        thumbnail.close();
        size.close();
    }
}
