package dev.siamtrack.video;

import java.util.ArrayList;
import java.util.List;

/**
 * What was wrong with a source's frames by the end of a run: frames skipped (unreadable), frames the decoder
 * reported errors in, frames it patched over by concealment (frozen or garbled areas), and frames missing at
 * the end against what the container announced (a truncated file).
 */
public record SourceDamage(int skippedFrames, int decodeErrors, int concealedFrames, int missingFrames) {

    public static SourceDamage of(FrameSource source) {
        return new SourceDamage(source.skippedFrames(), source.decodeErrors(), source.concealedFrames(),
                source.missingFrames());
    }

    /** Whether anything beyond skipped frames was found (skipped frames are always reported on their own). */
    public boolean damaged() {
        return decodeErrors > 0 || concealedFrames > 0 || missingFrames > 0;
    }

    /** {@code "; 3 frames with decode errors; 3 frames concealed"}, or "" when the source was clean. */
    public String summary() {
        List<String> parts = new ArrayList<>();
        if (decodeErrors > 0) {
            parts.add(decodeErrors + " frames with decode errors");
        }
        if (concealedFrames > 0) {
            parts.add(concealedFrames + " frames concealed by the decoder");
        }
        if (missingFrames > 0) {
            parts.add(missingFrames + " frames missing at the end (file truncated?)");
        }
        return parts.isEmpty() ? "" : "; " + String.join("; ", parts);
    }
}
