package dev.siamtrack.pipeline;

import dev.siamtrack.geom.Box;
import dev.siamtrack.track.DebugInfo;
import dev.siamtrack.track.TargetResult;
import dev.siamtrack.video.CapturedFrame;
import java.nio.ByteBuffer;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * One frame travelling capture -> tracking -> output, with the tracker's results and debug view. Packets come from
 * the capture's fixed pool and are refilled in place, so steady-state streaming allocates no frame memory.
 */
public final class FramePacket extends CapturedFrame {

    private ByteBuffer pixels;
    private long pixelsAddress;
    private List<TargetResult> results = List.of();
    private long trackNanos;
    private Box searchRegion;
    private Box scoreRegion;
    private float[] scoreMap = new float[0];
    private int mapWidth;
    private int mapHeight;

    /** Copies {@code source} into this packet's own frame and clears the previous frame's results. */
    @Override
    public void fill(Mat source, int frameIndex, long captureNanoTime, long wallClock) {
        super.fill(source, frameIndex, captureNanoTime, wallClock);
        results = List.of();
        trackNanos = 0;
        searchRegion = null;
        mapWidth = 0;
        mapHeight = 0;
    }

    void setResults(List<TargetResult> targetResults, long trackingNanos) {
        results = targetResults;
        trackNanos = trackingNanos;
    }

    /** Copies the tracker's debug view (its arrays may be reused by the tracker on the next frame). */
    void setDebug(DebugInfo info) {
        searchRegion = info.searchRegion();
        scoreRegion = info.scoreRegion();
        float[] map = info.scoreMap();
        if (map == null || scoreRegion == null) {
            mapWidth = 0;
            mapHeight = 0;
            return;
        }
        if (scoreMap.length < map.length) {
            scoreMap = new float[map.length];
        }
        System.arraycopy(map, 0, scoreMap, 0, map.length);
        mapWidth = info.mapWidth();
        mapHeight = info.mapHeight();
    }

    /** The frame's bytes (BGR, rows packed) as a direct buffer over the Mat's memory, rebuilt only on resize. */
    public ByteBuffer pixels() {
        Mat frame = frame();
        long address = frame.data().address();
        if (pixels == null || address != pixelsAddress) {
            pixels = frame.data().capacity((long) frame.rows() * frame.step()).asByteBuffer();
            pixelsAddress = address;
        }
        pixels.rewind();
        return pixels;
    }

    /** Every target's answer on this frame, in the order they were added; empty while there is none. */
    public List<TargetResult> results() {
        return results;
    }

    public long trackNanos() {
        return trackNanos;
    }

    /** The tracker's search region on this frame, or {@code null} (debug overlay off or not provided). */
    public Box searchRegion() {
        return searchRegion;
    }

    /** Where the score map lies in the frame, or {@code null}. */
    public Box scoreRegion() {
        return scoreRegion;
    }

    /** Score map values (row-major, first {@code mapWidth() * mapHeight()} entries). */
    public float[] scoreMap() {
        return scoreMap;
    }

    public int mapWidth() {
        return mapWidth;
    }

    public int mapHeight() {
        return mapHeight;
    }
}
