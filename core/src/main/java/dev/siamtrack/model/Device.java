package dev.siamtrack.model;

import java.util.Locale;

/** Where inference runs: the CPU, or a CUDA GPU by index. */
public record Device(boolean cuda, int index) {

    public static final Device CPU = new Device(false, 0);

    /** Parses {@code cpu}, {@code cuda} or {@code cuda:N}. */
    public static Device parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.equals("cpu")) {
            return CPU;
        }
        if (t.equals("cuda")) {
            return new Device(true, 0);
        }
        if (t.startsWith("cuda:")) {
            try {
                int index = Integer.parseInt(t.substring(5));
                if (index >= 0) {
                    return new Device(true, index);
                }
            } catch (NumberFormatException ignored) {
                // falls through to the error below
            }
        }
        throw new IllegalArgumentException("unknown device '" + text + "': use cpu, cuda or cuda:N");
    }

    @Override
    public String toString() {
        return cuda ? "cuda:" + index : "cpu";
    }
}
