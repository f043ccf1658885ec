package dev.siamtrack.video.synth;

import java.util.List;

/**
 * What happens in a synthetic clip, measured on the rendered pixels; written as the JSON sidecar.
 * Frame ranges are inclusive and 0-based.
 *
 * @param fullOcclusion           frames where the occluder hides every in-frame target pixel
 * @param partialOcclusion        frames where it hides some of them
 * @param outOfView               frames with no target pixel inside the frame (ground truth is NaN)
 * @param partiallyOutOfView      frames where the target is cut by the frame border (ground truth clipped)
 * @param distractorClosestFrame  frame where the look-alike's centre is nearest to the target's
 * @param distractorClosestGapPx  that centre distance in pixels
 * @param minScale                smallest target size relative to its initial size
 * @param maxScale                largest target size relative to its initial size
 */
public record ClipEvents(int width, int height, int frames, double fps, long seed,
                         List<FrameRange> fullOcclusion, List<FrameRange> partialOcclusion,
                         List<FrameRange> outOfView, List<FrameRange> partiallyOutOfView,
                         int distractorClosestFrame, double distractorClosestGapPx,
                         double minScale, double maxScale) {

    /** Frames {@code first..last}, both included. */
    public record FrameRange(int first, int last) {
        public int length() {
            return last - first + 1;
        }
    }
}
