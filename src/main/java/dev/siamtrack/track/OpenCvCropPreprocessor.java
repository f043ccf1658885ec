package dev.siamtrack.track;

import static org.bytedeco.opencv.global.opencv_core.CV_32FC1;
import static org.bytedeco.opencv.global.opencv_core.CV_64FC1;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_core.split;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.WARP_INVERSE_MAP;
import static org.bytedeco.opencv.global.opencv_imgproc.warpAffine;
import static org.bytedeco.opencv.global.opencv_core.BORDER_CONSTANT;

import java.nio.FloatBuffer;
import java.util.IdentityHashMap;
import java.util.Map;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.MatVector;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * The crop step with OpenCV: one {@code warpAffine} (scale + shift, constant border = pad colour) does the
 * crop, the padding and the bilinear resize at once without an intermediate padded copy; {@code split} and
 * {@code convertTo} then write normalised planes straight into the destination buffer. Every Mat is created
 * on first use for a (buffer, size) pair and reused afterwards.
 */
public final class OpenCvCropPreprocessor implements CropPreprocessor {

    private final PixelSpec spec;
    private final Map<FloatBuffer, Target> targets = new IdentityHashMap<>();
    private final Mat affine = new Mat(2, 3, CV_64FC1);
    private final DoublePointer affineData = new DoublePointer(affine.data());
    private final Scalar pad = new Scalar(0, 0, 0, 0);

    public OpenCvCropPreprocessor(PixelSpec spec) {
        this.spec = spec;
    }

    /** Per destination buffer: the warped 8-bit crop, its three planes, and float Mats over the buffer. */
    private static final class Target {
        final int size;
        final Size dsize;
        final Mat patch;
        final Mat[] bytePlanes = new Mat[3];
        final MatVector planes;
        final Mat[] floatPlanes = new Mat[3];

        Target(FloatBuffer dst, int size) {
            this.size = size;
            this.dsize = new Size(size, size);
            this.patch = new Mat(size, size, CV_8UC3);
            FloatPointer base = new FloatPointer(dst);
            for (int c = 0; c < 3; c++) {
                bytePlanes[c] = new Mat(size, size, CV_8UC1);
                floatPlanes[c] = new Mat(size, size, CV_32FC1, base.getPointer((long) c * size * size), (long) size * 4);
            }
            this.planes = new MatVector(bytePlanes);
        }
    }

    @Override
    public void crop(Mat bgr, double cx, double cy, double side, int size, double[] padBgr, FloatBuffer dst) {
        if (dst.capacity() < 3 * size * size) {
            throw new IllegalArgumentException("destination holds " + dst.capacity() + " floats, needs " + 3 * size * size);
        }
        Target t = targets.get(dst);
        if (t == null || t.size != size) {
            t = new Target(dst, size);
            targets.put(dst, t);
        }
        long sz = Math.round(side);
        double c = (sz + 1) / 2.0;
        double xmin = Math.floor(cx - c + 0.5);
        double ymin = Math.floor(cy - c + 0.5);
        double a = (double) sz / size;
        affineData.put(0, a).put(1, 0).put(2, xmin + 0.5 * a - 0.5);
        affineData.put(3, 0).put(4, a).put(5, ymin + 0.5 * a - 0.5);
        pad.put(0, padBgr[0]).put(1, padBgr[1]).put(2, padBgr[2]);
        warpAffine(bgr, t.patch, affine, t.dsize, INTER_LINEAR | WARP_INVERSE_MAP, BORDER_CONSTANT, pad);
        split(t.patch, t.planes);
        for (int plane = 0; plane < 3; plane++) {
            int source = spec.channelOrderRgb() ? 2 - plane : plane;
            t.bytePlanes[source].convertTo(t.floatPlanes[plane], CV_32FC1, spec.alpha(plane), spec.beta(plane));
        }
    }

    @Override
    public String name() {
        return "opencv";
    }

    @Override
    public void close() {
        for (Target t : targets.values()) {
            t.patch.close();
            t.planes.close();
            for (Mat m : t.bytePlanes) {
                m.close();
            }
            for (Mat m : t.floatPlanes) {
                m.close();
            }
        }
        targets.clear();
        affine.close();
        pad.close();
    }
}
