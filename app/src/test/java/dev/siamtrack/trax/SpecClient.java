package dev.siamtrack.trax;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A TraX client written from the protocol's documentation (votchallenge/trax docs/protocol.rst) and the
 * reference library's message flow, without any of the server's code: messages are lines starting with
 * {@code @@TRAX:}, the message name, then space-separated arguments, quoted with {@code "} when they hold
 * spaces, with {@code \"}, {@code \\} and {@code \n} as escapes; named arguments are {@code key=value} with a
 * key of letters, digits, dots and underscores. Lines without the prefix are the program's own output.
 */
public final class SpecClient {

    /** A parsed message: its name, positional arguments and named arguments. */
    public record Message(String name, List<String> arguments, Map<String, String> named) {
        public String argument(int i) {
            return arguments.get(i);
        }
    }

    private final BufferedReader in;
    private final OutputStream out;
    /** Every line the server wrote, messages or not. */
    private final List<String> lines = new ArrayList<>();

    public SpecClient(InputStream fromServer, OutputStream toServer) {
        this.in = new BufferedReader(new InputStreamReader(fromServer, StandardCharsets.UTF_8));
        this.out = toServer;
    }

    public List<String> lines() {
        return lines;
    }

    /** The next protocol message, skipping other lines; null when the server's stream ends. */
    public Message receive() throws IOException {
        String line;
        while ((line = in.readLine()) != null) {
            lines.add(line);
            if (line.startsWith("@@TRAX:")) {
                return decode(line.substring("@@TRAX:".length()));
            }
        }
        return null;
    }

    /** Sends a message; each positional argument is quoted, a named one only when its value holds a space. */
    public void send(String name, List<String> arguments, Map<String, String> named) throws IOException {
        StringBuilder line = new StringBuilder("@@TRAX:").append(name);
        for (String a : arguments) {
            line.append(' ').append('"').append(escaped(a)).append('"');
        }
        for (Map.Entry<String, String> e : named.entrySet()) {
            String pair = e.getKey() + "=" + escaped(e.getValue());
            line.append(' ').append(e.getValue().contains(" ") ? "\"" + pair + "\"" : pair);
        }
        sendRaw(line.toString());
    }

    public void send(String name, String... arguments) throws IOException {
        send(name, List.of(arguments), Map.of());
    }

    /** Writes one line as it is (for malformed input). */
    public void sendRaw(String line) throws IOException {
        out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** {@code file://} URI of an absolute path, as the reference library writes path images. */
    public static String fileUri(java.nio.file.Path image) {
        return "file://" + image.toAbsolutePath();
    }

    private static String escaped(String text) {
        return text.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    /** Splits the part after the prefix character by character, honouring quotes and escapes. */
    static Message decode(String body) {
        int space = body.indexOf(' ');
        String name = space < 0 ? body : body.substring(0, space);
        List<String> tokens = new ArrayList<>();
        StringBuilder current = null;
        boolean inQuotes = false;
        for (int i = space < 0 ? body.length() : space + 1; i < body.length(); i++) {
            char c = body.charAt(i);
            if (c == '\\' && i + 1 < body.length()) {
                char next = body.charAt(++i);
                current = current == null ? new StringBuilder() : current;
                current.append(next == 'n' ? '\n' : next);
            } else if (c == '"') {
                inQuotes = !inQuotes;
                current = current == null ? new StringBuilder() : current;
            } else if (c == ' ' && !inQuotes) {
                if (current != null) {
                    tokens.add(current.toString());
                    current = null;
                }
            } else {
                current = current == null ? new StringBuilder() : current;
                current.append(c);
            }
        }
        if (inQuotes) {
            throw new IllegalStateException("unterminated quote in " + body);
        }
        if (current != null) {
            tokens.add(current.toString());
        }
        List<String> arguments = new ArrayList<>();
        Map<String, String> named = new LinkedHashMap<>();
        for (String t : tokens) {
            int eq = t.indexOf('=');
            if (eq > 0 && eq <= 64 && t.substring(0, eq).matches("[A-Za-z0-9._]+")) {
                named.put(t.substring(0, eq), t.substring(eq + 1));
            } else {
                arguments.add(t);
            }
        }
        return new Message(name, arguments, named);
    }
}
