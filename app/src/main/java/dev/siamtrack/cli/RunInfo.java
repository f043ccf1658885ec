package dev.siamtrack.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.siamtrack.pipeline.FrameOutput;
import dev.siamtrack.pipeline.FramePacket;
import dev.siamtrack.pipeline.TrackingPipeline;
import dev.siamtrack.track.TargetResult;
import dev.siamtrack.track.TrackState;
import dev.siamtrack.video.SourceDamage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The run's facts next to its per-frame results ({@code out/run.csv} -> {@code out/run.info.json}): frames,
 * LOST frames (in all and by target) and what was wrong with the source (skipped, decode errors, concealed, missing
 * at the end); a live run adds the frames captured and dropped and the reconnects.
 */
final class RunInfo {

    private static final ObjectMapper JSON = new ObjectMapper();

    private RunInfo() {
    }

    static Path fileFor(Path results) {
        String name = results.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return results.resolveSibling((dot > 0 ? name.substring(0, dot) : name) + ".info.json");
    }

    /** Writes the info file of a file run; a failure is reported as a warning since the results are complete. */
    static void write(Path results, String source, TrackRun.Stats stats) {
        ObjectNode info = facts(results, source, stats.run().frames(), stats.run().lostFrames(), stats.run().lostById(),
                stats.damage(), stats.run().seconds());
        info.put("interrupted", stats.run().stopped());
        save(results, info);
    }

    /** Writes the info file of a live run (camera, stream, or a file played at its rate or viewed). */
    static void write(Path results, String source, TrackingPipeline.Summary summary, LostFrames lost, SourceDamage damage) {
        ObjectNode info = facts(results, source, summary.processed(), lost.frames(), lost.byTarget(), damage,
                summary.seconds());
        info.put("captured_frames", summary.captured());
        info.put("dropped_frames", summary.dropped());
        info.put("reconnects", summary.reconnects());
        save(results, info);
    }

    private static ObjectNode facts(Path results, String source, long frames, long lostFrames,
                                    Map<String, Integer> lostById, SourceDamage damage, double seconds) {
        ObjectNode info = JSON.createObjectNode();
        info.put("source", source);
        info.put("results", results.getFileName().toString());
        info.put("frames", frames);
        info.put("lost_frames", lostFrames);
        ObjectNode byTarget = info.putObject("lost_frames_by_target");
        lostById.forEach(byTarget::put);
        info.put("skipped_frames", damage.skippedFrames());
        info.put("decode_errors", damage.decodeErrors());
        info.put("concealed_frames", damage.concealedFrames());
        info.put("missing_frames", damage.missingFrames());
        info.put("seconds", seconds);
        return info;
    }

    private static void save(Path results, ObjectNode info) {
        Path file = fileFor(results);
        try {
            JSON.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), info);
        } catch (IOException e) {
            System.err.println("siamtrack: warning: cannot write " + file + " (" + e.getMessage() + ")");
        }
    }

    /**
     * Counts LOST frames of a live run as its packets pass, in all and per target (in the order targets
     * appear); allocates only when a target is first seen.
     */
    static final class LostFrames implements FrameOutput {
        private final Map<String, int[]> byTarget = new LinkedHashMap<>();
        private long frames;

        @Override
        public synchronized void accept(FramePacket packet) {
            boolean anyLost = false;
            for (TargetResult r : packet.results()) {
                int[] count = byTarget.computeIfAbsent(r.id(), id -> new int[1]);
                if (r.state() == TrackState.LOST) {
                    count[0]++;
                    anyLost = true;
                }
            }
            if (anyLost) {
                frames++;
            }
        }

        synchronized long frames() {
            return frames;
        }

        synchronized Map<String, Integer> byTarget() {
            Map<String, Integer> copy = new LinkedHashMap<>();
            byTarget.forEach((id, count) -> copy.put(id, count[0]));
            return copy;
        }

        @Override
        public void close() {
        }
    }
}
