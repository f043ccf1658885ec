package dev.siamtrack.draw;

import dev.siamtrack.track.TrackState;

/**
 * Colours (RGB, 0..255) shared by the GL viewer, {@link FrameAnnotator} and other overlays: one per tracker
 * state, one per target id, and the score heat map.
 */
public final class StateColors {

    private static final int[] TRACKING = {60, 220, 60};
    private static final int[] UNCERTAIN = {255, 200, 0};
    private static final int[] LOST = {230, 60, 60};

    /** Target colours, told apart easily and none of them a state colour. */
    private static final int[][] TARGETS = {
        {0, 170, 255}, {255, 80, 200}, {255, 130, 0}, {150, 100, 255}, {0, 230, 200},
        {120, 190, 255}, {200, 130, 90}, {255, 255, 255}, {255, 170, 210}, {90, 90, 255}};

    private StateColors() {
    }

    /** The state's colour; the array is shared, do not modify it. */
    public static int[] rgb(TrackState state) {
        return switch (state) {
            case TRACKING -> TRACKING;
            case UNCERTAIN -> UNCERTAIN;
            case LOST -> LOST;
        };
    }

    /**
     * The target's own colour: ids 1, 2, 3, ... take the palette in order, other ids a colour picked by their
     * hash. The array is shared, do not modify it.
     */
    public static int[] target(String id) {
        int slot;
        try {
            slot = Integer.parseInt(id) - 1;
        } catch (NumberFormatException e) {
            slot = id.hashCode();
        }
        return TARGETS[Math.floorMod(slot, TARGETS.length)];
    }

    /** The heat-map colour for a score in [0, 1]: blue -> cyan -> green -> yellow -> red. */
    public static void heat(float score, byte[] rgba, int offset) {
        float s = Math.max(0, Math.min(1, score));
        float r = Math.max(0, Math.min(1, 4 * s - 2));
        float g = s < 0.25f ? 4 * s : s > 0.75f ? 4 - 4 * s : 1;
        float b = Math.max(0, Math.min(1, 2 - 4 * s));
        rgba[offset] = (byte) (255 * r);
        rgba[offset + 1] = (byte) (255 * g);
        rgba[offset + 2] = (byte) (255 * b);
        rgba[offset + 3] = (byte) (90 + 120 * s);
    }
}
