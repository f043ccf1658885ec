package dev.siamtrack.track.opencv;

import dev.siamtrack.geom.Box;
import dev.siamtrack.model.ModelCard;
import dev.siamtrack.model.ModelException;
import dev.siamtrack.model.SiameseModel;
import dev.siamtrack.track.TrackResult;
import dev.siamtrack.track.TrackState;
import dev.siamtrack.track.Tracker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_tracking.TrackerCSRT;
import org.bytedeco.opencv.opencv_tracking.TrackerKCF;
import org.bytedeco.opencv.opencv_video.TrackerMIL;
import org.bytedeco.opencv.opencv_video.TrackerNano;
import org.bytedeco.opencv.opencv_video.TrackerVit;

/**
 * One of OpenCV's single-object trackers behind SiamTrack's {@link Tracker} interface.
 *
 * <p>OpenCV's trackers report no calibrated confidence: TrackerNano and TrackerVit expose
 * {@code getTrackingScore()} (for Nano a window-inflated score that never drops much), the others only
 * the boolean of {@code update}, mapped to score 1 (found) or 0 (lost, previous box kept).
 */
public final class OpenCvTracker implements Tracker {

    /** The OpenCV tracker implementations this adapter can drive. */
    public enum Kind {
        CSRT("csrt"), KCF("kcf"), MIL("mil"), NANO("opencv-nano"), VIT("opencv-vit");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    private final Kind kind;
    private final String name;
    private final org.bytedeco.opencv.opencv_video.Tracker tracker;
    private final Rect rect = new Rect();
    private final Mat bgr = new Mat();
    private Box lastBox = Box.ABSENT;

    private OpenCvTracker(Kind kind, String name, org.bytedeco.opencv.opencv_video.Tracker tracker) {
        this.kind = kind;
        this.name = name;
        this.tracker = tracker;
    }

    public static OpenCvTracker csrt() {
        return new OpenCvTracker(Kind.CSRT, Kind.CSRT.label(), TrackerCSRT.create());
    }

    public static OpenCvTracker kcf() {
        return new OpenCvTracker(Kind.KCF, Kind.KCF.label(), TrackerKCF.create());
    }

    public static OpenCvTracker mil() {
        return new OpenCvTracker(Kind.MIL, Kind.MIL.label(), TrackerMIL.create());
    }

    /**
     * OpenCV's TrackerNano with a NanoTrack v1/v2 model directory ({@code backbone.onnx}, {@code head.onnx};
     * v3 does not fit OpenCV's fixed 16x16 head reshape). Labelled {@code opencv-nano@<dir name>}.
     */
    public static OpenCvTracker nano(Path modelDir) {
        Path backbone = requireFile(modelDir.resolve("backbone.onnx"));
        Path head = requireFile(modelDir.resolve("head.onnx"));
        try (TrackerNano.Params params = new TrackerNano.Params()) {
            params.backbone(new BytePointer(backbone.toString()));
            params.neckhead(new BytePointer(head.toString()));
            return new OpenCvTracker(Kind.NANO, Kind.NANO.label() + "@" + dirName(modelDir), TrackerNano.create(params));
        }
    }

    /**
     * Refuses, with one line, a model directory OpenCV's TrackerNano cannot run: TrackerNano hard-codes NanoTrack
     * v1/v2's sizes (exemplar 127, search 255, a 16x16 score map), and any other model fails inside OpenCV on the
     * first frame with a reshape error and several lines of OpenCV's log. The sizes are learnt by loading the
     * model in our engine (its card, or the shapes its graphs produce); call this before any work starts.
     *
     * @throws IllegalArgumentException naming what the model is, when TrackerNano cannot run it or it does not load
     */
    public static void checkNanoModel(Path modelDir) {
        ModelCard card;
        try (SiameseModel model = SiameseModel.load(modelDir, SiameseModel.Options.DEFAULT)) {
            card = model.card();
        } catch (ModelException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        String problem = nanoIncompatibility(card);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
    }

    /** Why TrackerNano cannot run a model with this card (one line), or null when it can. */
    public static String nanoIncompatibility(ModelCard card) {
        if (card.exemplarSize() == 127 && card.instanceSize() == 255 && card.scoreSize() == 16) {
            return null;
        }
        return String.format(Locale.ROOT,
                "OpenCV's TrackerNano needs a NanoTrack v1/v2 model (exemplar 127, search 255, score map 16x16);"
                        + " %s (family %s) has exemplar %d, search %d, score map %dx%d",
                card.name(), card.family(), card.exemplarSize(), card.instanceSize(), card.scoreSize(), card.scoreSize());
    }

    /** OpenCV's TrackerVit with its single ONNX file. Labelled {@code opencv-vit@<file name without .onnx>}. */
    public static OpenCvTracker vit(Path onnxFile) {
        requireFile(onnxFile);
        try (TrackerVit.Params params = new TrackerVit.Params()) {
            params.net(new BytePointer(onnxFile.toString()));
            String stem = onnxFile.getFileName().toString().replaceFirst("\\.onnx$", "");
            return new OpenCvTracker(Kind.VIT, Kind.VIT.label() + "@" + stem, TrackerVit.create(params));
        }
    }

    public Kind kind() {
        return kind;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void init(Mat frame, Box box) {
        // OpenCV's trackers take an integer Rect; rounding the corners keeps the box's extent.
        int x = (int) Math.round(box.x());
        int y = (int) Math.round(box.y());
        rect.x(x).y(y)
                .width(Math.max(1, (int) Math.round(box.x() + box.w()) - x))
                .height(Math.max(1, (int) Math.round(box.y() + box.h()) - y));
        tracker.init(asBgr(frame), rect);
        lastBox = new Box(rect.x(), rect.y(), rect.width(), rect.height());
    }

    @Override
    public TrackResult update(Mat frame) {
        boolean found = tracker.update(asBgr(frame), rect);
        if (found) {
            lastBox = new Box(rect.x(), rect.y(), rect.width(), rect.height());
        }
        double score = switch (kind) {
            case NANO -> ((TrackerNano) tracker).getTrackingScore();
            case VIT -> ((TrackerVit) tracker).getTrackingScore();
            default -> found ? 1 : 0;
        };
        return new TrackResult(lastBox, score, found ? TrackState.TRACKING : TrackState.LOST);
    }

    @Override
    public void close() {
        tracker.close();
        rect.close();
        bgr.close();
    }

    /** The trackers expect 3-channel BGR; grey frames are expanded into a reused Mat. */
    private Mat asBgr(Mat frame) {
        if (frame.channels() == 3) {
            return frame;
        }
        int code = frame.channels() == 4 ? opencv_imgproc.COLOR_BGRA2BGR : opencv_imgproc.COLOR_GRAY2BGR;
        opencv_imgproc.cvtColor(frame, bgr, code);
        return bgr;
    }

    private static Path requireFile(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("model file not found: " + file);
        }
        return file;
    }

    private static String dirName(Path dir) {
        Path name = dir.toAbsolutePath().normalize().getFileName();
        return name == null ? dir.toString() : name.toString();
    }
}
