package dev.siamtrack.testing;

import java.util.Random;
import java.util.function.Function;

/**
 * A property checked over inputs drawn from a {@link Random} with a fixed seed: the same seed draws the same inputs,
 * so a failure replays, and its message names the try, the seed and the input (control characters escaped).
 */
public final class SeededProperty {

    /** The check of one input; it fails by throwing. */
    @FunctionalInterface
    public interface Check<T> {
        void accept(T input) throws Exception;
    }

    private SeededProperty() {
    }

    /** Draws tries inputs with generate from a Random seeded with seed and checks each one. */
    public static <T> void forAll(long seed, int tries, Function<Random, T> generate, Check<T> check) {
        Random random = new Random(seed);
        for (int i = 1; i <= tries; i++) {
            T input = generate.apply(random);
            try {
                check.accept(input);
            } catch (Exception | AssertionError e) {
                throw new AssertionError("try " + i + " of " + tries + " (seed " + seed + ") fails for input "
                        + escaped(String.valueOf(input)) + ": " + e, e);
            }
        }
    }

    private static String escaped(String text) {
        StringBuilder shown = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            if (Character.isISOControl(c) || Character.isSurrogate(c) || c == '"' || c == '\\') {
                shown.append(String.format("\\u%04x", (int) c));
            } else {
                shown.append(c);
            }
        }
        return shown.append('"').toString();
    }
}
