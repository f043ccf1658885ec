package dev.siamtrack.eval;

import dev.siamtrack.geom.Box;
import dev.siamtrack.model.ModelRegistry;
import dev.siamtrack.model.SiameseModel;
import dev.siamtrack.run.PlannedTarget;
import dev.siamtrack.run.SequenceRunner;
import dev.siamtrack.track.MultiTargetTracker;
import dev.siamtrack.track.TargetResult;
import dev.siamtrack.track.TrackerParams;
import dev.siamtrack.video.ImageFolderSource;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The shipped default model's answer on every frame of an OTB-layout sequence, its target given on frame 0. */
final class DefaultModelAnswers {

    private DefaultModelAnswers() {
    }

    static List<TargetResult> track(Path sequence, Box first) throws Exception {
        List<TargetResult> answers = new ArrayList<>();
        try (ImageFolderSource frames = new ImageFolderSource(sequence.resolve("img"));
             MultiTargetTracker tracker = MultiTargetTracker.create(ModelRegistry.defaultModel(Path.of("models")).orElseThrow(),
                     SiameseModel.Options.DEFAULT, TrackerParams.DEFAULT)) {
            new SequenceRunner(tracker, List.of(new PlannedTarget("target", 0, first)), 16)
                    .run(SequenceRunner.Frames.of(frames), 0, (index, frame, results, nanos) -> answers.add(results.get(0)));
        }
        return answers;
    }
}
