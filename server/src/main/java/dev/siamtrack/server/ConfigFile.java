package dev.siamtrack.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;

/**
 * Reads the sources of a {@code serve} config file, YAML ({@code .yaml}, {@code .yml}) or JSON:
 * <pre>
 * sources:
 *   - name: gate
 *     uri: rtsp://10.0.0.7/stream1
 *   - name: demo
 *     uri: videos/demo.mp4
 * </pre>
 */
public final class ConfigFile {

    private ConfigFile() {
    }

    /** @throws IllegalArgumentException for a missing, unreadable or malformed file, with the reason */
    public static List<SourceConfig> readSources(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        boolean yaml = name.endsWith(".yaml") || name.endsWith(".yml");
        if (!yaml && !name.endsWith(".json")) {
            throw new IllegalArgumentException(file + ": config file must end in .yaml, .yml or .json");
        }
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(file + ": no such config file");
        }
        JsonNode root;
        try {
            ObjectMapper mapper = yaml ? new ObjectMapper(new YAMLFactory()) : new ObjectMapper();
            root = mapper.readTree(file.toFile());
        } catch (JsonProcessingException e) {
            String line = e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")";
            throw new IllegalArgumentException(file + ": cannot parse: " + e.getOriginalMessage() + line);
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot read: " + e.getMessage());
        }
        if (root == null || !root.isObject() || !root.path("sources").isArray()) {
            throw new IllegalArgumentException(file + ": expected a 'sources' list of {name, uri}");
        }
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!key.equals("sources")) {
                throw new IllegalArgumentException(file + ": unknown key '" + key + "' (only 'sources' is read)");
            }
        }
        List<SourceConfig> sources = new ArrayList<>();
        for (JsonNode s : root.get("sources")) {
            if (!s.path("name").isTextual() || !s.path("uri").isTextual()) {
                throw new IllegalArgumentException(file + ": every source needs a 'name' and a 'uri' (strings)");
            }
            sources.add(new SourceConfig(s.get("name").asText(), s.get("uri").asText()));
        }
        return sources;
    }
}
