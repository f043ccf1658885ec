package dev.siamtrack.render;

import dev.siamtrack.track.TargetResult;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** One {@link Trail} per target id, kept while the target is tracked and dropped when it goes away. */
final class Trails {

    private static final int LENGTH = 40;

    private final Map<String, Trail> byId = new HashMap<>();
    private int lastIndex = Integer.MIN_VALUE;

    /** Adds each target's centre for frame {@code index} (once per frame) and forgets targets no longer tracked. */
    void update(int index, List<TargetResult> results) {
        byId.keySet().removeIf(id -> results.stream().noneMatch(r -> r.id().equals(id)));
        if (index == lastIndex) {
            return;
        }
        lastIndex = index;
        for (TargetResult r : results) {
            if (!r.box().isAbsent()) {
                byId.computeIfAbsent(r.id(), id -> new Trail(LENGTH)).add(r.box().cx(), r.box().cy());
            }
        }
    }

    /** The target's trail (empty when it has none yet). */
    Trail of(String id) {
        return byId.computeIfAbsent(id, k -> new Trail(LENGTH));
    }
}
