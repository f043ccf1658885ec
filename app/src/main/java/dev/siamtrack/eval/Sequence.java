package dev.siamtrack.eval;

import dev.siamtrack.geom.Box;
import dev.siamtrack.video.FrameSource;
import dev.siamtrack.video.SourceException;
import java.util.List;

/**
 * One benchmark sequence: its ground truth (one box per frame, {@link Box#ABSENT} where the target is not
 * visible) and a way to open its frames.
 *
 * @param layout   the dataset layout it was read as (OTB, GOT-10k, VOT, LaSOT, video)
 * @param warnings things worth telling the reader, e.g. image and ground-truth counts that differ
 */
public record Sequence(String name, String layout, List<Box> groundTruth, Frames frames, List<String> warnings) {

    /** Opens a fresh pass over the sequence's frames. */
    @FunctionalInterface
    public interface Frames {
        FrameSource open() throws SourceException;
    }
}
