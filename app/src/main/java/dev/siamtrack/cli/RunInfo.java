package dev.siamtrack.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The run's facts next to its per-frame results ({@code out/run.csv} -> {@code out/run.info.json}): frames,
 * LOST frames (in all and by target) and what was wrong with the source (skipped, decode errors, concealed, missing at the end).
 */
final class RunInfo {

    private RunInfo() {
    }

    static Path fileFor(Path results) {
        String name = results.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return results.resolveSibling((dot > 0 ? name.substring(0, dot) : name) + ".info.json");
    }

    /** Writes the info file; a failure is reported as a warning since the results themselves are complete. */
    static void write(Path results, String source, TrackRun.Stats stats) {
        ObjectMapper json = new ObjectMapper();
        ObjectNode info = json.createObjectNode();
        info.put("source", source);
        info.put("results", results.getFileName().toString());
        info.put("frames", stats.run().frames());
        info.put("lost_frames", stats.run().lostFrames());
        ObjectNode lostById = info.putObject("lost_frames_by_target");
        stats.run().lostById().forEach(lostById::put);
        info.put("skipped_frames", stats.damage().skippedFrames());
        info.put("decode_errors", stats.damage().decodeErrors());
        info.put("concealed_frames", stats.damage().concealedFrames());
        info.put("missing_frames", stats.damage().missingFrames());
        info.put("interrupted", stats.run().stopped());
        info.put("seconds", stats.run().seconds());
        Path file = fileFor(results);
        try {
            json.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), info);
        } catch (IOException e) {
            System.err.println("siamtrack: warning: cannot write " + file + " (" + e.getMessage() + ")");
        }
    }
}
