package dev.siamtrack.testing;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;

/** Text a user might type or a file might hold, for property tests of the parsers: near misses weigh most. */
public final class UserText {

    private UserText() {
    }

    /** Numbers, near-numbers and junk: signs, exponents past double's range, NaN, Infinity, hex, other digits. */
    public static Arbitrary<String> numberLike() {
        return Arbitraries.oneOf(
                Arbitraries.doubles().between(-1e4, 1e4).map(d -> Double.toString(d)),
                Arbitraries.integers().between(-5000, 5000).map(i -> Integer.toString(i)),
                Arbitraries.of("", " ", "-", "+", ".", "1e", "1e400", "-1e400", "4.9e-325", "NaN", "Infinity", "-Infinity",
                        "0x10", "1_000", "1,5", "١٢", "１２", "0", "-0", "00012", ".5", "5.", "1e-3", "+3", "∞", "null"),
                Arbitraries.strings().all().ofMaxLength(6));
    }

    /** Separators the parsers accept and some they do not. */
    public static Arbitrary<String> separator() {
        return Arbitraries.of(",", ", ", " ", "\t", ";", ",,", "", "\n", "\r\n", " , ");
    }

    /** Zero to six number-like fields joined by separators: mostly almost a box. */
    public static Arbitrary<String> boxLike() {
        return Arbitraries.oneOf(
                numberLike().list().ofMinSize(0).ofMaxSize(6).flatMap(fields ->
                        separator().list().ofSize(Math.max(0, fields.size() - 1)).map(seps -> join(fields, seps))),
                Arbitraries.strings().all().ofMaxLength(40));
    }

    /** A line of {@code count} comma-separated fields, each an identifier-like word or a number-like one. */
    public static Arbitrary<String> csvLine(int minFields, int maxFields) {
        Arbitrary<String> field = Arbitraries.oneOf(numberLike(),
                Arbitraries.strings().withChars("abcXYZ019_.-/ é\"=#\u0000").ofMaxLength(8),
                Arbitraries.of("videos/demo.mp4", "demo.mp4", "ball", "1", "0", "-1", "video", "id", "frame"));
        return field.list().ofMinSize(minFields).ofMaxSize(maxFields).map(f -> String.join(",", f));
    }

    private static String join(java.util.List<String> fields, java.util.List<String> seps) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < fields.size(); i++) {
            if (i > 0) {
                b.append(seps.get(i - 1));
            }
            b.append(fields.get(i));
        }
        return b.toString();
    }
}
