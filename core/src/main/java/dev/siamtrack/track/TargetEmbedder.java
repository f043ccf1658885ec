package dev.siamtrack.track;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_core.mean;

import dev.siamtrack.geom.Box;
import dev.siamtrack.model.ModelCard;
import dev.siamtrack.model.ModelException;
import dev.siamtrack.model.SiameseModel;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;

/**
 * The Siamese embedding of a target, for verification: the box is cropped at the template geometry the
 * tracker uses (context 0.5 (w + h), exemplar size, padded with the frame's mean colour), embedded with the
 * backbone, and the central half of the feature map (the target without its context, as our model's triplet
 * loss pools it) is averaged over space and L2-normalised. Two targets are compared by cosine similarity;
 * {@link #threshold()} is the model's calibrated same/different threshold (model card {@code verify_threshold}).
 */
public final class TargetEmbedder implements AutoCloseable {

    private static final double CONTEXT_AMOUNT = 0.5;

    private final SiameseModel model;
    private final CropPreprocessor preprocessor;
    private final ModelCard card;
    private final int channels;
    private final int side;
    private final double[] padBgr = new double[3];

    public TargetEmbedder(SiameseModel model, CropPreprocessor preprocessor) {
        this.model = model;
        this.preprocessor = preprocessor;
        this.card = model.card();
        this.channels = model.featureChannels();
        this.side = (int) Math.round(Math.sqrt(model.exemplarFeatures().capacity() / (double) channels));
    }

    /** An embedder for the model in {@code modelDir} (it owns the model it loads). */
    public static TargetEmbedder create(Path modelDir, SiameseModel.Options options) throws ModelException {
        SiameseModel model = SiameseModel.load(modelDir, options);
        return new TargetEmbedder(model, CropPreprocessors.create(SiameseTrackers.pixelSpec(model.card()),
                CropPreprocessors.Preference.AUTO));
    }

    public ModelCard card() {
        return card;
    }

    /** Cosine similarity at or above which two embeddings are taken to show the same target. */
    public double threshold() {
        return card.verifyThreshold();
    }

    /** Length of an embedding (the backbone's feature channels). */
    public int dimension() {
        return channels;
    }

    /**
     * The unit-length embedding of the target inside {@code box} on {@code frame}.
     *
     * @throws IllegalArgumentException when the frame is not 8-bit BGR or the box is empty or outside the frame
     */
    public float[] embed(Mat frame, Box box) {
        float[] out = new float[channels];
        embed(frame, box, out);
        return out;
    }

    /** As {@link #embed(Mat, Box)}, into {@code out} (length {@link #dimension()}). */
    public void embed(Mat frame, Box box, float[] out) {
        if (frame == null || frame.empty() || frame.type() != CV_8UC3) {
            throw new IllegalArgumentException("frames must be non-empty 8-bit BGR images");
        }
        if (box.isAbsent() || !(box.w() > 0) || !(box.h() > 0) || box.x() + box.w() <= 0 || box.y() + box.h() <= 0
                || box.x() >= frame.cols() || box.y() >= frame.rows()) {
            throw new IllegalArgumentException("box " + box + " is empty or outside the " + frame.cols() + "x"
                    + frame.rows() + " image");
        }
        try (Scalar m = mean(frame)) {
            padBgr[0] = m.get(0);
            padBgr[1] = m.get(1);
            padBgr[2] = m.get(2);
        }
        double exemplarSide = Math.round(Scoring.exemplarSide(box.w(), box.h(), CONTEXT_AMOUNT));
        preprocessor.crop(frame, box.cx(), box.cy(), exemplarSide, card.exemplarSize(), padBgr, model.templateInput());
        try {
            model.embedTemplate(0);
        } catch (ModelException e) {
            throw new TrackingException(e.getMessage(), e);
        }
        pool(model.exemplarFeatures(), channels, side, out);
    }

    /**
     * Averages the central half (rows and columns side/4 .. side - side/4) of a channels x side x side map per
     * channel and scales the result to unit length.
     */
    static void pool(FloatBuffer features, int channels, int side, float[] out) {
        int lo = side / 4;
        pool(features, channels, side, lo, lo, side - 2 * lo, out);
    }

    /**
     * Averages the {@code width} x {@code width} cells from column {@code x0}, row {@code y0} of a channels x side x
     * side map per channel and scales the result to unit length.
     */
    static void pool(FloatBuffer features, int channels, int side, int x0, int y0, int width, float[] out) {
        double norm = 0;
        for (int c = 0; c < channels; c++) {
            double sum = 0;
            int base = c * side * side;
            for (int y = y0; y < y0 + width; y++) {
                for (int x = x0; x < x0 + width; x++) {
                    sum += features.get(base + y * side + x);
                }
            }
            out[c] = (float) (sum / (width * width));
            norm += (double) out[c] * out[c];
        }
        double scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
        for (int c = 0; c < channels; c++) {
            out[c] = (float) (out[c] * scale);
        }
    }

    /** Cosine similarity of two unit-length embeddings: their dot product, in [-1, 1]. */
    public static double similarity(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("embeddings of different models: " + a.length + " vs " + b.length);
        }
        double dot = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
        }
        return Math.max(-1, Math.min(1, dot));
    }

    @Override
    public void close() {
        preprocessor.close();
        model.close();
    }
}
