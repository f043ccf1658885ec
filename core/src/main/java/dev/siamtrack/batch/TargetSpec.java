package dev.siamtrack.batch;

import dev.siamtrack.geom.Box;
import java.io.Serializable;

/**
 * One target of a manifest: its id and its box on the frame where tracking starts. Plain numbers rather
 * than a {@link Box} so a task can be shipped to a Spark executor.
 *
 * @param id    unique within its video
 * @param frame 0-based index of the frame the box belongs to
 */
public record TargetSpec(String id, int frame, double x, double y, double w, double h) implements Serializable {

    public Box box() {
        return new Box(x, y, w, h);
    }
}
