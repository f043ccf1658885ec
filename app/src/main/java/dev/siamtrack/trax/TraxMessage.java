package dev.siamtrack.trax;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One TraX message: a line {@code @@TRAX:name arg ... key=value ...} (votchallenge/trax, docs/protocol.rst).
 * Arguments are separated by spaces and may be enclosed in double quotes; inside either form a back-slash
 * escapes the next character and {@code \n} stands for a newline. An argument whose text before the first
 * {@code =} is a key (letters, digits, {@code .} and {@code _}, at most 64 characters) is a named argument;
 * the reference library writes those as {@code "key=value"}, which is how {@link #encode} writes them too.
 *
 * @param type       the message name
 * @param arguments  the positional arguments, in order
 * @param properties the named arguments, in order
 */
public record TraxMessage(Type type, List<String> arguments, Map<String, String> properties) {

    public static final String PREFIX = "@@TRAX:";
    private static final int MAX_KEY_LENGTH = 64;

    /** The protocol's messages; {@code status} is the reference library's older name of {@code state}. */
    public enum Type {
        HELLO, INITIALIZE, FRAME, STATE, QUIT;

        String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }

        static Type of(String name) throws TraxException {
            String n = name.toLowerCase(Locale.ROOT);
            if (n.equals("status")) {
                return STATE;
            }
            for (Type t : values()) {
                if (t.wireName().equals(n)) {
                    return t;
                }
            }
            throw new TraxException("unknown message '" + name + "'");
        }
    }

    public TraxMessage {
        arguments = List.copyOf(arguments);
        properties = Collections.unmodifiableMap(new LinkedHashMap<>(properties));
    }

    /** Whether {@code line} is a protocol message at all; other lines in the stream are a program's own output. */
    public static boolean isMessage(String line) {
        return line.startsWith(PREFIX);
    }

    /**
     * Parses a line that {@link #isMessage is a message} (without its line end; a trailing {@code \r} is ignored).
     *
     * @throws TraxException naming what is wrong: an unknown message, an unterminated quote, a dangling escape
     */
    public static TraxMessage parse(String line) throws TraxException {
        String text = line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
        int i = PREFIX.length();
        int nameEnd = i;
        while (nameEnd < text.length() && Character.isLetterOrDigit(text.charAt(nameEnd))) {
            nameEnd++;
        }
        if (nameEnd == i) {
            throw new TraxException("a message name must follow " + PREFIX);
        }
        if (nameEnd < text.length() && text.charAt(nameEnd) != ' ') {
            throw new TraxException("a space must follow the message name in '" + abbreviate(text) + "'");
        }
        Type type = Type.of(text.substring(i, nameEnd));
        List<String> arguments = new ArrayList<>();
        Map<String, String> properties = new LinkedHashMap<>();
        StringBuilder token = new StringBuilder();
        i = nameEnd;
        while (i < text.length()) {
            if (text.charAt(i) == ' ') {
                i++;
                continue;
            }
            token.setLength(0);
            boolean quoted = text.charAt(i) == '"';
            int keyEnd = -1;
            if (quoted) {
                i++;
            }
            while (true) {
                if (i >= text.length()) {
                    if (quoted) {
                        throw new TraxException("unterminated quote in '" + abbreviate(text) + "'");
                    }
                    break;
                }
                char c = text.charAt(i);
                if (quoted && c == '"') {
                    i++;
                    if (i < text.length() && text.charAt(i) != ' ') {
                        throw new TraxException("a space must follow a closing quote in '" + abbreviate(text) + "'");
                    }
                    break;
                }
                if (!quoted && c == ' ') {
                    break;
                }
                if (c == '\\') {
                    if (i + 1 >= text.length()) {
                        throw new TraxException("a back-slash ends the line in '" + abbreviate(text) + "'");
                    }
                    char escaped = text.charAt(i + 1);
                    token.append(escaped == 'n' ? '\n' : escaped);
                    i += 2;
                    continue;
                }
                if (c == '=' && keyEnd < 0) {
                    keyEnd = token.length();
                }
                token.append(c);
                i++;
            }
            if (keyEnd > 0 && isKey(token, keyEnd)) {
                properties.put(token.substring(0, keyEnd), token.substring(keyEnd + 1));
            } else {
                arguments.add(token.toString());
            }
        }
        return new TraxMessage(type, arguments, properties);
    }

    private static boolean isKey(CharSequence text, int length) {
        if (length > MAX_KEY_LENGTH) {
            return false;
        }
        for (int k = 0; k < length; k++) {
            char c = text.charAt(k);
            if (!(c < 128 && Character.isLetterOrDigit(c)) && c != '.' && c != '_') {
                return false;
            }
        }
        return true;
    }

    /** The message as one line (without the line end): every argument quoted, {@code "}, {@code \} and newlines escaped. */
    public String encode() {
        StringBuilder line = new StringBuilder(PREFIX).append(type.wireName());
        for (String argument : arguments) {
            line.append(" \"");
            escape(argument, line);
            line.append('"');
        }
        for (Map.Entry<String, String> p : properties.entrySet()) {
            line.append(" \"").append(p.getKey()).append('=');
            escape(p.getValue(), line);
            line.append('"');
        }
        return line.toString();
    }

    private static void escape(String text, StringBuilder out) {
        for (int k = 0; k < text.length(); k++) {
            char c = text.charAt(k);
            if (c == '\n') {
                out.append("\\n");
            } else {
                if (c == '"' || c == '\\') {
                    out.append('\\');
                }
                out.append(c);
            }
        }
    }

    private static String abbreviate(String text) {
        return text.length() <= 80 ? text : text.substring(0, 77) + "...";
    }
}
