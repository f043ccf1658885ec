package dev.siamtrack.cli;

import dev.siamtrack.bench.PreprocessBench;
import dev.siamtrack.geom.Box;
import dev.siamtrack.run.LatencyStats;
import dev.siamtrack.run.PlannedTarget;
import dev.siamtrack.run.SequenceRunner;
import dev.siamtrack.track.CropPreprocessor;
import dev.siamtrack.track.CropPreprocessors;
import dev.siamtrack.track.NativeCropPreprocessor;
import dev.siamtrack.track.PixelSpec;
import dev.siamtrack.track.SiameseTracker;
import dev.siamtrack.track.StageTimes;
import dev.siamtrack.track.TargetEngine;
import dev.siamtrack.track.TrackState;
import dev.siamtrack.track.Tracker;
import dev.siamtrack.track.opencv.OpenCvTracker;
import dev.siamtrack.video.FrameSource;
import dev.siamtrack.video.FrameSources;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * {@code bench} for one target: our tracker timed stage by stage on a video's frames and, on the same decoded
 * frames (each frame: ours, then theirs), optionally a second model in our engine and OpenCV's TrackerNano;
 * then the crop alone, with each crop implementation.
 */
final class SingleTargetBench {

    static final int CROP_ITERATIONS = 2000;

    /** Per-frame latencies: one entry per frame after the first (which initialises the trackers). */
    static final class Latencies {
        final LatencyStats decode;
        final LatencyStats crop;
        final LatencyStats backbone;
        final LatencyStats head;
        final LatencyStats post;
        final LatencyStats track;
        /** Frames that start with the target LOST (re-detection searches beyond its last position on them). */
        final LatencyStats trackLost;
        final LatencyStats trackFound;
        final LatencyStats endToEnd;
        final LatencyStats nano;
        final LatencyStats compared;

        Latencies(int frames) {
            decode = new LatencyStats(frames);
            crop = new LatencyStats(frames);
            backbone = new LatencyStats(frames);
            head = new LatencyStats(frames);
            post = new LatencyStats(frames);
            track = new LatencyStats(frames);
            trackLost = new LatencyStats(frames);
            trackFound = new LatencyStats(frames);
            endToEnd = new LatencyStats(frames);
            nano = new LatencyStats(frames);
            compared = new LatencyStats(frames);
        }
    }

    /**
     * What a run measured. {@code comparedName} and {@code nanoName} are null when that tracker did not run,
     * {@code nativeCropMs} when the native crop is not built.
     */
    record Result(Latencies ms, String ourName, String comparedName, String nanoName, String cropUsed,
                  int width, int height, double[] opencvCropMs, double[] nativeCropMs) {
        double endToEndFps() {
            return 1000 / ms.endToEnd.meanMs();
        }
    }

    private final Path clip;
    private final Box initBox;
    private final int frames;
    private final ModelOptions modelOptions;
    private final Path compareDir;
    private final Path referenceModel;

    /** {@code compareDir} and {@code referenceModel} may be null: that tracker does not run. */
    SingleTargetBench(Path clip, Box initBox, int frames, ModelOptions modelOptions, Path compareDir, Path referenceModel) {
        this.clip = clip;
        this.initBox = initBox;
        this.frames = frames;
        this.modelOptions = modelOptions;
        this.compareDir = compareDir;
        this.referenceModel = referenceModel;
    }

    Result run() throws Exception {
        Latencies ms = new Latencies(frames);
        String ourName;
        String comparedName;
        String nanoName;
        String cropUsed;
        int width;
        int height;
        try (FrameSource source = FrameSources.open(clip.toString());
             SiameseTracker tracker = modelOptions.createTracker();
             SiameseTracker other = compareDir == null ? null : modelOptions.createTracker(compareDir);
             OpenCvTracker reference = referenceModel == null ? null : OpenCvTracker.nano(referenceModel)) {
            width = source.width();
            height = source.height();
            try {
                initBox.checkInside(width, height);
            } catch (IllegalArgumentException e) {
                throw new UserException("--init " + e.getMessage());
            }
            cropUsed = tracker.cropName();
            nanoName = reference == null ? null : reference.name();
            comparedName = other == null ? null : "siamtrack@" + other.model().card().name();
            ourName = "siamtrack@" + tracker.model().card().name();
            System.err.printf(Locale.ROOT, "bench: %s (%dx%d), model %s, %d ORT thread(s), %s crop%s%n", clip, width,
                    height, tracker.model().card().name(), modelOptions.threads, cropUsed,
                    reference == null ? "" : ", vs " + reference.name() + " with " + opencv_core.getNumThreads() + " OpenCV thread(s)");
            if (track(source, tracker, other, reference, ms) < 2) {
                throw new UserException(clip + ": needs at least 2 frames to benchmark");
            }
        }
        double[][] cropMs = timeCrops();
        return new Result(ms, ourName, comparedName, nanoName, cropUsed, width, height, cropMs[0], cropMs[1]);
    }

    /** Tracks up to {@code frames} frames, each frame ours (timed by the runner), then the others'; returns the frame count. */
    private int track(FrameSource source, SiameseTracker tracker, Tracker other, Tracker reference, Latencies ms)
            throws Exception {
        // closing the tracker (the caller's) is closing this engine
        TargetEngine engine = TargetEngine.single(tracker);
        TimedFrames timed = new TimedFrames(source);
        boolean[] started = new boolean[1];
        boolean[] lost = new boolean[1];
        SequenceRunner.Stats stats = new SequenceRunner(engine, List.of(new PlannedTarget("1", 0, initBox)), frames)
                .run(timed, frames, (index, frame, results, trackNanos) -> {
                    boolean first = !started[0];
                    started[0] = true;
                    if (!first) {
                        StageTimes st = tracker.stageTimes();
                        ms.decode.add(timed.lastNanos);
                        ms.crop.add(st.crop);
                        ms.backbone.add(st.backbone);
                        ms.head.add(st.head);
                        ms.post.add(st.post);
                        ms.track.add(trackNanos);
                        (lost[0] ? ms.trackLost : ms.trackFound).add(trackNanos);
                        ms.endToEnd.add(timed.lastNanos + trackNanos);
                    }
                    lost[0] = results.get(0).state() == TrackState.LOST;
                    timeOnSameFrame(other, first, frame, ms.compared);
                    timeOnSameFrame(reference, first, frame, ms.nano);
                });
        return stats.frames();
    }

    /** Another tracker (none: null) on the frame ours just tracked: init on the first, else a timed update. */
    private void timeOnSameFrame(Tracker tracker, boolean first, Mat frame, LatencyStats stats) {
        if (tracker == null) {
            return;
        }
        long t0 = System.nanoTime();
        if (first) {
            tracker.init(frame, initBox);
        } else {
            tracker.update(frame);
            stats.add(System.nanoTime() - t0);
        }
    }

    /** Milliseconds per 255x255 crop of the first frame: OpenCV's, then the native one's (null when not built). */
    private double[][] timeCrops() throws Exception {
        try (FrameSource source = FrameSources.open(clip.toString());
             CropPreprocessor opencv = CropPreprocessors.create(PixelSpec.RAW_BGR, CropPreprocessors.Preference.OPENCV);
             CropPreprocessor nativeCrop = NativeCropPreprocessor.isAvailable() ? new NativeCropPreprocessor(PixelSpec.RAW_BGR) : null) {
            Mat first = source.next();
            return new double[][] {
                PreprocessBench.timeMs(opencv, first, CROP_ITERATIONS),
                nativeCrop == null ? null : PreprocessBench.timeMs(nativeCrop, first, CROP_ITERATIONS)};
        }
    }

    /** The frames of a source, timing each decode. */
    private static final class TimedFrames implements SequenceRunner.Frames {
        private final FrameSource source;
        long lastNanos;

        TimedFrames(FrameSource source) {
            this.source = source;
        }

        @Override
        public Mat next() throws Exception {
            long t0 = System.nanoTime();
            Mat frame = source.next();
            lastNanos = System.nanoTime() - t0;
            return frame;
        }

        @Override
        public int index() {
            return source.frameIndex();
        }
    }
}
