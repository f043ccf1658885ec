package dev.siamtrack.track;

import static org.bytedeco.opencv.global.opencv_core.BORDER_CONSTANT;
import static org.bytedeco.opencv.global.opencv_core.BORDER_ISOLATED;
import static org.bytedeco.opencv.global.opencv_core.CV_32F;
import static org.bytedeco.opencv.global.opencv_core.CV_32FC3;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_core.copyMakeBorder;
import static org.bytedeco.opencv.global.opencv_core.split;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import java.nio.FloatBuffer;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.MatVector;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * {@link CropPreprocessor} on OpenCV: a frame ROI (plus {@code copyMakeBorder} when the crop sticks out of
 * the frame), {@code resize} with INTER_LINEAR, {@code convertTo} float and {@code split} into three Mats
 * that alias the destination buffer. After the first call for a given destination and size it allocates
 * no native memory (the padding buffer grows only when a larger crop comes).
 */
public final class OpenCvCropPreprocessor implements CropPreprocessor {

    /**
     * Destinations remembered: a multi-target tracker crops into one search slot per target, plus the template.
     * A destination costs only three Mat headers; the resize buffers are shared per output size.
     */
    private static final int MAX_TARGETS = 64;
    /** Output sizes remembered (the exemplar and the search crop). */
    private static final int MAX_SIZES = 4;

    private final PixelSpec spec;
    private final double[] alpha = new double[3];
    private final double[] beta = new double[3];
    private final Mat view = new Mat();
    private final Mat paddedStore = new Mat();
    private final Mat padded = new Mat();
    private final Scalar pad = new Scalar(0, 0, 0, 0);
    private final Scalar fill = new Scalar(0);
    /** Most recently created first; plain arrays so that the lookup allocates no iterator. */
    private final Target[] targets = new Target[MAX_TARGETS];
    private final Resize[] resizes = new Resize[MAX_SIZES];

    /** Per output size: the resized image and its float copy. */
    private static final class Resize implements AutoCloseable {
        final int size;
        final Size dsize;
        final Mat resized = new Mat();
        final Mat floats = new Mat();

        Resize(int size) {
            this.size = size;
            this.dsize = new Size(size, size);
            resized.create(size, size, CV_8UC3);
            floats.create(size, size, CV_32FC3);
        }

        @Override
        public void close() {
            floats.close();
            resized.close();
            dsize.close();
        }
    }

    /** Per destination buffer and output size: the three planes in dst. */
    private static final class Target implements AutoCloseable {
        final FloatBuffer dst;
        final int size;
        final Mat[] planes = new Mat[3];
        final MatVector splitOrder = new MatVector(3);

        Target(FloatBuffer dst, int size, PixelSpec spec) {
            this.dst = dst;
            this.size = size;
            // FloatPointer(FloatBuffer) misplaces the address when the buffer's position is not 0, hence the
            // cleared duplicate; Mat(rows, cols, type, Pointer, step) takes the pointer position in bytes.
            BytePointer base = new BytePointer(new FloatPointer(dst.duplicate().clear()));
            long planeBytes = (long) size * size * Float.BYTES;
            for (int k = 0; k < 3; k++) {
                planes[k] = new Mat(size, size, CV_32F, new BytePointer(base).position(k * planeBytes),
                        (long) size * Float.BYTES);
                splitOrder.put(spec.sourceChannel(k), planes[k]);
            }
        }

        @Override
        public void close() {
            splitOrder.close();
            for (Mat p : planes) {
                p.close();
            }
        }
    }

    public OpenCvCropPreprocessor(PixelSpec spec) {
        this.spec = spec;
        for (int k = 0; k < 3; k++) {
            alpha[k] = spec.alpha(k);
            beta[k] = spec.beta(k);
        }
    }

    @Override
    public void crop(Mat bgr, double cx, double cy, double side, int size, double[] padBgr, FloatBuffer dst) {
        CropGeometry.check(bgr, cx, cy, side, size, padBgr, dst);
        int sz = CropGeometry.side(side);
        int x0 = CropGeometry.origin(cx, sz);
        int y0 = CropGeometry.origin(cy, sz);
        int w = bgr.cols();
        int h = bgr.rows();
        int ix0 = Math.max(0, x0);
        int iy0 = Math.max(0, y0);
        int ix1 = Math.min(w, x0 + sz);
        int iy1 = Math.min(h, y0 + sz);
        Target target = target(dst, size);
        if (ix0 >= ix1 || iy0 >= iy1) {
            fillWithPadding(target, padBgr);
            return;
        }
        view.put(bgr);
        view.adjustROI(-iy0, -(h - iy1), -ix0, -(w - ix1));
        Mat source = view;
        if (ix0 != x0 || iy0 != y0 || ix1 != x0 + sz || iy1 != y0 + sz) {
            for (int c = 0; c < 3; c++) {
                pad.put(c, padBgr[c]);
            }
            if (paddedStore.rows() < sz) {
                paddedStore.create(sz, sz, CV_8UC3);
            }
            int spare = paddedStore.rows() - sz;
            padded.put(paddedStore);
            padded.adjustROI(0, -spare, 0, -spare);
            // ISOLATED: the view is a ROI, and without it OpenCV borrows the border from the pixels around it.
            copyMakeBorder(view, padded, iy0 - y0, y0 + sz - iy1, ix0 - x0, x0 + sz - ix1,
                    BORDER_CONSTANT | BORDER_ISOLATED, pad);
            source = padded;
        }
        Resize r = resizeFor(size);
        resize(source, r.resized, r.dsize, 0, 0, INTER_LINEAR);
        r.resized.convertTo(r.floats, CV_32F);
        split(r.floats, target.splitOrder);
        if (!spec.isIdentity()) {
            for (int k = 0; k < 3; k++) {
                target.planes[k].convertTo(target.planes[k], -1, alpha[k], beta[k]);
            }
        }
    }

    /** The crop lies entirely outside the frame: every output value is the normalised (8-bit) padding. */
    private void fillWithPadding(Target target, double[] padBgr) {
        for (int k = 0; k < 3; k++) {
            double raw = Math.max(0, Math.min(255, Math.rint(padBgr[spec.sourceChannel(k)])));
            fill.put(0, (float) (raw * alpha[k] + beta[k]));
            target.planes[k].put(fill);
        }
    }

    private Target target(FloatBuffer dst, int size) {
        for (Target t : targets) {
            if (t != null && t.dst == dst && t.size == size) {
                return t;
            }
        }
        if (targets[MAX_TARGETS - 1] != null) {
            targets[MAX_TARGETS - 1].close();
        }
        System.arraycopy(targets, 0, targets, 1, MAX_TARGETS - 1);
        targets[0] = new Target(dst, size, spec);
        return targets[0];
    }

    private Resize resizeFor(int size) {
        for (Resize r : resizes) {
            if (r != null && r.size == size) {
                return r;
            }
        }
        if (resizes[MAX_SIZES - 1] != null) {
            resizes[MAX_SIZES - 1].close();
        }
        System.arraycopy(resizes, 0, resizes, 1, MAX_SIZES - 1);
        resizes[0] = new Resize(size);
        return resizes[0];
    }

    @Override
    public String name() {
        return "opencv";
    }

    @Override
    public void close() {
        for (int i = 0; i < MAX_TARGETS; i++) {
            if (targets[i] != null) {
                targets[i].close();
                targets[i] = null;
            }
        }
        for (int i = 0; i < MAX_SIZES; i++) {
            if (resizes[i] != null) {
                resizes[i].close();
                resizes[i] = null;
            }
        }
        view.close();
        padded.close();
        paddedStore.close();
        pad.close();
        fill.close();
    }
}
