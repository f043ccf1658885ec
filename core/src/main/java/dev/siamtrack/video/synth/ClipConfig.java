package dev.siamtrack.video.synth;

/**
 * Parameters of a synthetic tracking clip. Event times are frame indices (0-based).
 *
 * @param width            frame width in pixels
 * @param height           frame height in pixels
 * @param frames           number of frames
 * @param fps              frame rate written into the video
 * @param seed             seed of every random choice (textures, path phases): same seed, same clip
 * @param distractorFrame  frame at which the look-alike distractor passes closest to the target
 * @param occlusionFrame   first frame of the full occlusion
 * @param occlusionFrames  number of frames the occluder fully covers the target
 * @param leaveFrame       frame at which the target starts to leave the frame, or -1 for a clip where it stays
 * @param outFrames        frames the target stays fully outside the frame before it comes back
 * @param bitrateKbps      target video bitrate
 */
public record ClipConfig(int width, int height, int frames, double fps, long seed,
                         int distractorFrame, int occlusionFrame, int occlusionFrames,
                         int leaveFrame, int outFrames, int bitrateKbps) {

    /** Frames the target needs to move from its path to fully outside the frame (and back). */
    public static final int LEAVE_RAMP_FRAMES = 15;

    public static final int DEFAULT_WIDTH = 640;
    public static final int DEFAULT_HEIGHT = 480;
    public static final int DEFAULT_FRAMES = 300;
    public static final double DEFAULT_FPS = 25;
    public static final long DEFAULT_SEED = 7;
    public static final int DEFAULT_OCCLUSION_FRAMES = 10;
    public static final int DEFAULT_OUT_FRAMES = 30;
    public static final int DEFAULT_BITRATE_KBPS = 600;

    public ClipConfig {
        if (width < 160 || height < 120) {
            throw new IllegalArgumentException("frame size must be at least 160x120, got " + width + "x" + height);
        }
        if (width % 2 != 0 || height % 2 != 0) {
            throw new IllegalArgumentException("frame width and height must be even (H.264 4:2:0), got "
                    + width + "x" + height);
        }
        if (frames < 2) {
            throw new IllegalArgumentException("a clip needs at least 2 frames, got " + frames);
        }
        if (!(fps > 0)) {
            throw new IllegalArgumentException("fps must be positive, got " + fps);
        }
        if (bitrateKbps < 50) {
            throw new IllegalArgumentException("bitrate must be at least 50 kbit/s, got " + bitrateKbps);
        }
        if (occlusionFrames < 1 || occlusionFrame < 0 || occlusionFrame + occlusionFrames > frames) {
            throw new IllegalArgumentException("the occlusion (frames " + occlusionFrame + ".."
                    + (occlusionFrame + occlusionFrames - 1) + ") must lie inside the clip of " + frames + " frames");
        }
        if (distractorFrame < 0 || distractorFrame >= frames) {
            throw new IllegalArgumentException("the distractor frame " + distractorFrame
                    + " must lie inside the clip of " + frames + " frames");
        }
        if (leaveFrame >= 0) {
            if (outFrames < 1) {
                throw new IllegalArgumentException("the target must stay out for at least 1 frame, got " + outFrames);
            }
            int back = leaveFrame + 2 * LEAVE_RAMP_FRAMES + outFrames;
            if (back > frames) {
                throw new IllegalArgumentException("leaving at frame " + leaveFrame + " and staying out for "
                        + outFrames + " frames needs " + back + " frames, the clip has " + frames);
            }
        }
    }

    /**
     * A clip of the given size and length with the events placed at fixed fractions of its length:
     * distractor pass at 22%, occlusion starting at 38%, and (when {@code leave}) the exit at 60%.
     */
    public static ClipConfig of(int width, int height, int frames, long seed, boolean leave, int outFrames) {
        int occlusionFrames = Math.max(1, Math.min(DEFAULT_OCCLUSION_FRAMES, frames / 8));
        return new ClipConfig(width, height, frames, DEFAULT_FPS, seed,
                (int) (frames * 0.22), (int) (frames * 0.38), occlusionFrames,
                leave ? (int) (frames * 0.60) : -1, outFrames, DEFAULT_BITRATE_KBPS);
    }

    /** The default demo clip: 640x480, 300 frames at 25 fps, seed 7, with the target leaving the frame. */
    public static ClipConfig demo() {
        return of(DEFAULT_WIDTH, DEFAULT_HEIGHT, DEFAULT_FRAMES, DEFAULT_SEED, true, DEFAULT_OUT_FRAMES);
    }

    public boolean leaves() {
        return leaveFrame >= 0;
    }

    public ClipConfig withFps(double newFps) {
        return new ClipConfig(width, height, frames, newFps, seed, distractorFrame, occlusionFrame,
                occlusionFrames, leaveFrame, outFrames, bitrateKbps);
    }

    public ClipConfig withOcclusionFrames(int newOcclusionFrames) {
        return new ClipConfig(width, height, frames, fps, seed, distractorFrame, occlusionFrame,
                newOcclusionFrames, leaveFrame, outFrames, bitrateKbps);
    }

    public ClipConfig withBitrateKbps(int newBitrateKbps) {
        return new ClipConfig(width, height, frames, fps, seed, distractorFrame, occlusionFrame,
                occlusionFrames, leaveFrame, outFrames, newBitrateKbps);
    }
}
