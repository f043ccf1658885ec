package dev.siamtrack.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

/**
 * Text a user might type or a file might hold, and box values, for property tests of the parsers: near misses
 * weigh most. Every generator draws from the caller's seeded {@link Random}, so a seed replays a failure.
 */
public final class UserText {

    private static final String[] NEAR_NUMBERS = {"", " ", "-", "+", ".", "1e", "1e400", "-1e400", "4.9e-325", "NaN",
        "Infinity", "-Infinity", "0x10", "1_000", "1,5", "١٢", "１２", "0", "-0", "00012", ".5", "5.", "1e-3", "+3", "∞",
        "null"};
    private static final String[] SEPARATORS = {",", ", ", " ", "\t", ";", ",,", "", "\n", "\r\n", " , "};
    private static final String CSV_WORD_CHARS = "abcXYZ019_.-/ é\"=#\u0000";
    private static final String[] CSV_WORDS = {"videos/demo.mp4", "demo.mp4", "ball", "1", "0", "-1", "video", "id", "frame"};
    private static final double[] SPECIAL_BOX_VALUES = {0.0, -0.0, Double.NaN, Double.POSITIVE_INFINITY,
        Double.NEGATIVE_INFINITY, 1e308, Double.MIN_VALUE};

    private UserText() {
    }

    /** Numbers, near-numbers and junk: signs, exponents past double's range, NaN, Infinity, hex, other digits. */
    public static String numberLike(Random random) {
        return switch (random.nextInt(4)) {
            case 0 -> Double.toString(Math.round(uniform(random, -1e4, 1e4) * 100) / 100.0);
            case 1 -> Integer.toString(intBetween(random, -5000, 5000));
            case 2 -> pick(random, NEAR_NUMBERS);
            default -> anyText(random, 6);
        };
    }

    /** Separators the parsers accept and some they do not. */
    public static String separator(Random random) {
        return pick(random, SEPARATORS);
    }

    /** Zero to six number-like fields joined by separators: mostly almost a box; or any text. */
    public static String boxLike(Random random) {
        if (random.nextBoolean()) {
            return anyText(random, 40);
        }
        int fields = random.nextInt(7);
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < fields; i++) {
            if (i > 0) {
                text.append(separator(random));
            }
            text.append(numberLike(random));
        }
        return text.toString();
    }

    /** A line of minFields to maxFields comma-separated fields, each an identifier-like word or a number-like one. */
    public static String csvLine(Random random, int minFields, int maxFields) {
        return String.join(",", listOf(random, minFields, maxFields, r -> switch (r.nextInt(3)) {
            case 0 -> numberLike(r);
            case 1 -> textOf(r, CSV_WORD_CHARS, 0, 8);
            default -> pick(r, CSV_WORDS);
        }));
    }

    /** A box coordinate: mostly an ordinary number, otherwise zero, -0, NaN, an infinity, a huge or a tiny value. */
    public static double boxValue(Random random) {
        return random.nextBoolean() ? uniform(random, -2000, 2000) : SPECIAL_BOX_VALUES[random.nextInt(SPECIAL_BOX_VALUES.length)];
    }

    /**
     * Up to maxLength characters of any kind: printable ASCII, control characters and any UTF-16 unit (lone
     * surrogates included), since files and terminals deliver all of them.
     */
    public static String anyText(Random random, int maxLength) {
        int length = random.nextInt(maxLength + 1);
        StringBuilder text = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            text.append((char) switch (random.nextInt(10)) {
                case 0, 1, 2, 3, 4 -> intBetween(random, 0x20, 0x7e);
                case 5, 6 -> random.nextBoolean() ? random.nextInt(0x20) : 0x7f;
                default -> random.nextInt(Character.MAX_VALUE + 1);
            });
        }
        return text.toString();
    }

    /** minLength to maxLength characters, each one of chars. */
    public static String textOf(Random random, String chars, int minLength, int maxLength) {
        int length = intBetween(random, minLength, maxLength);
        StringBuilder text = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            text.append(chars.charAt(random.nextInt(chars.length())));
        }
        return text.toString();
    }

    /** minSize to maxSize elements, each drawn by element. */
    public static <T> List<T> listOf(Random random, int minSize, int maxSize, Function<Random, T> element) {
        int size = intBetween(random, minSize, maxSize);
        List<T> list = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            list.add(element.apply(random));
        }
        return list;
    }

    /** One of values, each as likely. */
    @SafeVarargs
    public static <T> T pick(Random random, T... values) {
        return values[random.nextInt(values.length)];
    }

    /** An int in [min, max], both included. */
    public static int intBetween(Random random, int min, int max) {
        return min + random.nextInt(max - min + 1);
    }

    private static double uniform(Random random, double min, double max) {
        return min + (max - min) * random.nextDouble();
    }
}
