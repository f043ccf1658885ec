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
        boolean cut = seen && layoutChange() > LAYOUT_CHANGE && colourChange() > COLOUR_CHANGE;
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

    /** Mean absolute change of the grey thumbnail over 0-255. */
    private double layoutChange() {
        double sum = 0;
        for (int i = 0; i < grey.length; i++) {
            sum += Math.abs(grey[i] - lastGrey[i]);
        }
        return sum / grey.length / 255;
    }

    private double colourChange() {
        double bc = 0;
        double n = WIDTH * HEIGHT;
        for (int i = 0; i < colours.length; i++) {
            bc += Math.sqrt(colours[i] / n * (lastColours[i] / n));
        }
        return 1 - bc;
    }

    @Override
    public void close() {
        pixels.close();
        thumbnail.close();
        size.close();
    }
}
