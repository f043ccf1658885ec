package dev.siamtrack.video;

/**
 * Holds a reader back to a frame rate: frame {@code n} (counted from the first call) is released no earlier
 * than {@code n / fps} seconds after the first. A reader that falls behind is not made to catch up in a burst
 * beyond what is already due.
 */
public final class FramePacer {

    private final double fps;
    private long start = Long.MIN_VALUE;
    private long paced;

    /** @param fps frames per second; 0 or less paces nothing */
    public FramePacer(double fps) {
        this.fps = fps;
    }

    /** Sleeps until the next frame is due. */
    public void awaitNext() throws InterruptedException {
        if (fps <= 0) {
            return;
        }
        long now = System.nanoTime();
        if (start == Long.MIN_VALUE) {
            start = now;
        }
        long due = start + (long) (paced * 1e9 / fps);
        paced++;
        long wait = due - now;
        if (wait > 0) {
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
    }
}
