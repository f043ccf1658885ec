package dev.siamtrack.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;

/**
 * Reads a {@code serve} config file, YAML ({@code .yaml}, {@code .yml}) or JSON: the sources and, optionally,
 * the MQTT broker the events go to:
 * <pre>
 * sources:
 *   - name: gate
 *     uri: rtsp://10.0.0.7/stream1
 *   - name: demo
 *     uri: videos/demo.mp4
 * mqtt: tcp://127.0.0.1:1883
 * </pre>
 */
public final class ConfigFile {

    /** What a config file says; {@code mqtt} is null when it names no broker. */
    public record Contents(List<SourceConfig> sources, URI mqtt) {
    }

    private ConfigFile() {
    }

    /** @throws IllegalArgumentException for a missing, unreadable or malformed file, with the reason */
    public static Contents read(Path file) {
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
            if (!key.equals("sources") && !key.equals("mqtt")) {
                throw new IllegalArgumentException(file + ": unknown key '" + key + "' (expected 'sources' and 'mqtt')");
            }
        }
        List<SourceConfig> sources = new ArrayList<>();
        for (JsonNode s : root.get("sources")) {
            if (!s.path("name").isTextual() || !s.path("uri").isTextual()) {
                throw new IllegalArgumentException(file + ": every source needs a 'name' and a 'uri' (strings)");
            }
            sources.add(new SourceConfig(s.get("name").asText(), s.get("uri").asText()));
        }
        URI mqtt = null;
        if (root.has("mqtt")) {
            if (!root.get("mqtt").isTextual()) {
                throw new IllegalArgumentException(file + ": 'mqtt' must be a broker address like tcp://127.0.0.1:1883");
            }
            try {
                mqtt = new URI(root.get("mqtt").asText());
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException(file + ": 'mqtt' is not an address: " + root.get("mqtt").asText());
            }
        }
        return new Contents(sources, mqtt);
    }
}
