package dev.siamtrack.track;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.siamtrack.geom.Box;
import dev.siamtrack.model.ModelRegistry;
import dev.siamtrack.model.SiameseModel;
import dev.siamtrack.testing.ShippedModel;
import dev.siamtrack.video.synth.ClipConfig;
import dev.siamtrack.video.synth.ClipEvents;
import dev.siamtrack.video.synth.ClipGenerator;
import java.nio.file.Path;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every model shipped in models/ follows the demo clip's target and says LOST while it is out of view. */
class ShippedModelsTest {

    static List<Path> shippedModels() {
        return ModelRegistry.list(ShippedModel.dir().getParent());
    }

    @ParameterizedTest
    @MethodSource("shippedModels")
    void followsTheDemoTargetAndReportsItsExit(Path model) throws Exception {
        ClipGenerator clip = new ClipGenerator(ClipConfig.demo());
        ClipEvents.FrameRange out = clip.events().outOfView().get(0);
        byte[] scratch = new byte[clip.config().width() * clip.config().height() * 3];
        double iouSum = 0;
        int visible = 0;
        int lostWhileOut = 0;
        try (SiameseTracker tracker = SiameseTrackers.create(model, SiameseModel.Options.DEFAULT, TrackerParams.DEFAULT);
             Mat frame = new Mat()) {
            for (int i = 0; i < clip.frameCount(); i++) {
                clip.renderFrame(i, frame, scratch);
                if (i == 0) {
                    tracker.init(frame, clip.groundTruth(0));
                    continue;
                }
                TrackResult r = tracker.update(frame);
                Box truth = clip.groundTruth(i);
                if (!truth.isAbsent()) {
                    iouSum += Math.max(0, r.box().iou(truth));
                    visible++;
                }
                if (i >= out.first() && i <= out.last() && r.state() == TrackState.LOST) {
                    lostWhileOut++;
                }
            }
        }
        double meanIou = iouSum / visible;
        assertTrue(meanIou >= 0.75, model + ": mean IoU over visible frames " + meanIou);
        assertTrue(lostWhileOut >= out.length() - 6, model + ": " + lostWhileOut + " of " + out.length() + " out-of-view frames LOST");
    }
}
