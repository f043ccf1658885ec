package dev.siamtrack.video.synth;

/**
 * The texture of the target and of its look-alike: an ellipse with a dark rim, a light core and
 * six sectors alternating between two colours, every other ring darker. Two discs with nearby
 * palettes look alike to an appearance model, which is what a distractor is for.
 */
final class PatternedDisc {

    private static final int SECTORS = 6;
    private static final double RIM = 0.86;
    private static final double CORE = 0.18;
    private static final int RINGS = 6;
    private static final double DARK_RING = 0.72;
    static final int[] RIM_BGR = {35, 30, 30};
    static final int[] CORE_BGR = {235, 240, 240};

    private final int[] first;
    private final int[] second;

    /** @param first BGR colour of the even sectors, @param second BGR colour of the odd sectors */
    PatternedDisc(int[] first, int[] second) {
        this.first = first.clone();
        this.second = second.clone();
    }

    /**
     * Writes the BGR colour at normalised ellipse coordinates (u, v) (u^2 + v^2 <= 1 inside) into
     * {@code bgr[offset..offset+2]}; {@code rotation} turns the sectors (radians).
     */
    void colour(double u, double v, double rotation, byte[] bgr, int offset) {
        double r = Math.sqrt(u * u + v * v);
        if (r > RIM) {
            put(RIM_BGR, 1, bgr, offset);
            return;
        }
        if (r < CORE) {
            put(CORE_BGR, 1, bgr, offset);
            return;
        }
        double angle = Math.atan2(v, u) + rotation;
        int sector = (int) Math.floor(angle / (2 * Math.PI / SECTORS));
        int[] base = Math.floorMod(sector, 2) == 0 ? first : second;
        double shade = ((int) (r * RINGS)) % 2 == 0 ? 1 : DARK_RING;
        put(base, shade, bgr, offset);
    }

    private static void put(int[] base, double shade, byte[] bgr, int offset) {
        for (int c = 0; c < 3; c++) {
            bgr[offset + c] = (byte) Math.round(base[c] * shade);
        }
    }
}
