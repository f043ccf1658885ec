package dev.siamtrack.track;

import dev.siamtrack.model.SiameseModel;
import dev.siamtrack.testing.ShippedModel;
import dev.siamtrack.video.FrameSource;
import dev.siamtrack.video.FrameSources;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Measures what issue 22 asks of re-detection: the frame rate of a source (decode and track, as {@code serve}
 * runs a file at full speed) with 16 LOST targets against 16 tracked ones, same boxes, same frames, one ONNX
 * Runtime thread. Background patches of the demo clip do not all stay confidently tracked, so the tracked run
 * sets the LOST threshold to 0 (no target is ever LOST there); the LOST run starts the targets on the mirrored
 * negative of the first frame with the default tuning, so they go LOST and re-detect. Runs alternate (tracked, LOST, tracked, LOST, ...) so that other load on the machine
 * affects both alike. Not a test: run by hand, loopback-free, bounded by its arguments.
 *
 * <pre>java -cp ... dev.siamtrack.track.LostTargetsCost [MODEL_DIR] [FRAMES] [ROUNDS]</pre>
 *
 * <p>MODEL_DIR defaults to the model models/DEFAULT names.
 */
public final class LostTargetsCost {

    private LostTargetsCost() {
    }

    public static void main(String[] args) throws Exception {
        Path model = args.length > 0 ? Path.of(args[0]) : ShippedModel.dir();
        int frames = args.length > 1 ? Integer.parseInt(args[1]) : 250;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        double[] fps = new double[2];
        for (int round = 0; round < rounds; round++) {
            for (int lost = 0; lost < 2; lost++) {
                double f = run(model, frames, lost == 1);
                fps[lost] += f / rounds;
            }
        }
        System.out.printf(Locale.ROOT, "mean over %d rounds: tracked %.1f FPS, LOST %.1f FPS, LOST/tracked %.2f%n",
                rounds, fps[0], fps[1], fps[1] / fps[0]);
    }

    private static double run(Path model, int frames, boolean lost) throws Exception {
        try (FrameSource source = FrameSources.open(MultiTargetTrackerTest.CLIP.toString());
             MultiTargetTracker tracker = MultiTargetTracker.create(model, SiameseModel.Options.DEFAULT, lost
                     ? TrackerParams.DEFAULT : TrackerParams.builder().lostThreshold(0).uncertainThreshold(0).build())) {
            Mat first = source.next();
            LostTargets.add(tracker, first, lost);
            long lostAnswers = 0;
            long answers = 0;
            long t0 = System.nanoTime();
            for (int i = 0; i < frames; i++) {
                Mat frame = source.next();
                if (frame == null) {
                    break;
                }
                List<TargetResult> results = tracker.update(frame);
                for (TargetResult r : results) {
                    lostAnswers += r.state() == TrackState.LOST ? 1 : 0;
                }
                answers += results.size();
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            double fps = answers / (double) LostTargets.COUNT / seconds;
            System.out.printf(Locale.ROOT, "%-7s %d frames in %.2f s: %.1f FPS; %.0f%% of the answers LOST%n",
                    lost ? "LOST" : "tracked", answers / LostTargets.COUNT, seconds, fps, 100.0 * lostAnswers / answers);
            return fps;
        }
    }
}
