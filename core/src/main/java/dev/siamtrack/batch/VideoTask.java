package dev.siamtrack.batch;

import java.io.Serializable;
import java.util.List;

/**
 * One video of a manifest with all of its targets.
 *
 * @param video   the video as written in the manifest (names it in reports and in the Parquet rows)
 * @param path    where the video is, resolved against the manifest's folder
 * @param name    the output name, relative to the output folder and without extension (no two videos share one)
 * @param line    manifest line of the video's first row
 * @param targets in manifest order
 */
public record VideoTask(String video, String path, String name, int line, List<TargetSpec> targets)
        implements Serializable {

    public VideoTask {
        targets = List.copyOf(targets);
    }
}
