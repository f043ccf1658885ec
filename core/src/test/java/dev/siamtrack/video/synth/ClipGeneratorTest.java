package dev.siamtrack.video.synth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.siamtrack.geom.Box;
import dev.siamtrack.video.synth.ClipEvents.FrameRange;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClipGeneratorTest {

    private static final int W = 320;
    private static final int H = 240;

    private static ClipConfig small(long seed, boolean leave) {
        return ClipConfig.of(W, H, 100, seed, leave, 10);
    }

    @Test
    void sameSeedGivesSameFramesAndGroundTruth() {
        ClipGenerator a = new ClipGenerator(small(3, true));
        ClipGenerator b = new ClipGenerator(small(3, true));
        ClipGenerator other = new ClipGenerator(small(4, true));
        byte[] fa = new byte[W * H * 3];
        byte[] fb = new byte[W * H * 3];
        byte[] fo = new byte[W * H * 3];
        for (int i : new int[] {0, 41, 99}) {
            a.renderFrame(i, fa);
            b.renderFrame(i, fb);
            other.renderFrame(i, fo);
            assertArrayEquals(fa, fb, "frame " + i);
            assertFalse(java.util.Arrays.equals(fa, fo), "another seed should give another frame " + i);
        }
        assertEquals(a.groundTruth(), b.groundTruth());
        assertEquals(a.events(), b.events());
    }

    /** Target pixels are recognised by the exact (unshaded) colour of the target's first sector. */
    private static boolean isTargetColour(byte[] bgr, int offset) {
        int[] c = ClipGenerator.TARGET_FIRST;
        return (bgr[offset] & 0xff) == c[0] && (bgr[offset + 1] & 0xff) == c[1] && (bgr[offset + 2] & 0xff) == c[2];
    }

    @Test
    void targetPixelsLieInsideTheGroundTruthBoxAndNowhereWhenItIsAbsent() {
        ClipGenerator clip = new ClipGenerator(small(5, true));
        ClipEvents events = clip.events();
        byte[] frame = new byte[W * H * 3];
        int checked = 0;
        for (int t = 0; t < clip.frameCount(); t++) {
            clip.renderFrame(t, frame);
            Box gt = clip.groundTruth(t);
            int inside = 0;
            int outside = 0;
            for (int y = 0; y < H; y++) {
                for (int x = 0; x < W; x++) {
                    if (!isTargetColour(frame, (y * W + x) * 3)) {
                        continue;
                    }
                    boolean in = !gt.isAbsent() && x + 0.5 >= gt.x() && x + 0.5 <= gt.x() + gt.w()
                            && y + 0.5 >= gt.y() && y + 0.5 <= gt.y() + gt.h();
                    if (in) {
                        inside++;
                    } else {
                        outside++;
                    }
                }
            }
            assertEquals(0, outside, "target-coloured pixels outside the ground truth in frame " + t);
            boolean hidden = gt.isAbsent() || contains(events.fullOcclusion(), t);
            if (hidden) {
                assertEquals(0, inside, "no target pixel may show in frame " + t);
            } else if (!contains(events.partialOcclusion(), t) && !contains(events.partiallyOutOfView(), t)) {
                // A fully visible target shows its orange sectors over a good part of its box.
                assertTrue(inside > 0.1 * gt.area(), "frame " + t + ": " + inside + " target pixels in " + gt);
                checked++;
            }
        }
        assertTrue(checked > 50, "fully visible frames checked: " + checked);
    }

    @Test
    void lookAlikePixelsLieInsideItsBox() {
        ClipGenerator clip = new ClipGenerator(small(5, true));
        int[] c = ClipGenerator.DISTRACTOR_FIRST;
        byte[] frame = new byte[W * H * 3];
        int seen = 0;
        for (int t = 0; t < clip.frameCount(); t++) {
            clip.renderFrame(t, frame);
            Box box = clip.distractorBox(t);
            int inside = 0;
            for (int y = 0; y < H; y++) {
                for (int x = 0; x < W; x++) {
                    int o = (y * W + x) * 3;
                    if ((frame[o] & 0xff) != c[0] || (frame[o + 1] & 0xff) != c[1] || (frame[o + 2] & 0xff) != c[2]) {
                        continue;
                    }
                    assertTrue(!box.isAbsent() && x + 0.5 >= box.x() && x + 0.5 <= box.x() + box.w()
                            && y + 0.5 >= box.y() && y + 0.5 <= box.y() + box.h(),
                            "look-alike pixel " + x + "," + y + " outside " + box + " in frame " + t);
                    inside++;
                }
            }
            seen += inside > 0 ? 1 : 0;
        }
        assertTrue(seen > 20, "frames showing the look-alike: " + seen);
    }

    @Test
    void leavingTheFrameGivesNanRowsForTheOutFrames() {
        ClipGenerator clip = new ClipGenerator(small(5, true));
        List<FrameRange> out = clip.events().outOfView();
        assertEquals(1, out.size(), out.toString());
        assertEquals(10, out.get(0).length(), "frames out of view: " + out);
        for (int t = 0; t < clip.frameCount(); t++) {
            assertEquals(contains(out, t), clip.groundTruth(t).isAbsent(), "frame " + t);
        }
        ClipGenerator staying = new ClipGenerator(small(5, false));
        assertTrue(staying.events().outOfView().isEmpty());
        assertTrue(staying.groundTruth().stream().noneMatch(Box::isAbsent));
    }

    @Test
    void occlusionAndScaleChangeHappenAsConfigured() {
        ClipGenerator clip = new ClipGenerator(ClipConfig.demo());
        ClipEvents events = clip.events();
        assertEquals(List.of(new FrameRange(114, 123)), events.fullOcclusion());
        assertEquals(1.8, events.maxScale(), 1e-3);
        assertEquals(1.0, events.minScale(), 1e-3);
        assertEquals(66, events.distractorClosestFrame());
        Box first = clip.groundTruth(0);
        Box middle = clip.groundTruth(150);
        assertEquals(1.8, middle.w() / first.w(), 0.01);
    }

    @Test
    void mp4DecodesWithTheFrameCountAndShowsTheTargetInTheGroundTruthBox(@TempDir Path dir) throws Exception {
        ClipGenerator clip = new ClipGenerator(small(9, true));
        Path video = dir.resolve("clip.mp4");
        String encoder = ClipWriter.write(clip, video, done -> { });
        assertEquals(ClipWriter.H264_ENCODER, encoder);

        List<String> gtLines = Files.readAllLines(dir.resolve("clip.txt"));
        assertEquals(clip.frameCount(), gtLines.size());
        for (int t = 0; t < gtLines.size(); t++) {
            Box parsed = Box.parse(gtLines.get(t));
            Box expected = clip.groundTruth(t);
            assertEquals(expected.isAbsent(), parsed.isAbsent(), "line " + (t + 1));
            if (!expected.isAbsent()) {
                assertEquals(expected.x(), parsed.x(), 0.01);
                assertEquals(expected.w(), parsed.w(), 0.01);
            }
        }
        JsonNode events = new ObjectMapper().readTree(dir.resolve("clip.events.json").toFile());
        assertEquals(encoder, events.get("encoder").asText());
        assertEquals(clip.events().outOfView().get(0).first(), events.get("outOfView").get(0).get("first").asInt());

        byte[] rendered = new byte[W * H * 3];
        avutil.av_log_set_level(avutil.AV_LOG_ERROR);
        int decoded = 0;
        int compared = 0;
        try (FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(video.toFile())) {
            grabber.start();
            assertEquals(W, grabber.getImageWidth());
            assertEquals(H, grabber.getImageHeight());
            Frame frame;
            while ((frame = grabber.grabImage()) != null) {
                int t = decoded++;
                Box gt = clip.groundTruth(t);
                if (t % 7 != 0 || gt.isAbsent() || contains(clip.events().fullOcclusion(), t)
                        || contains(clip.events().partialOcclusion(), t)) {
                    continue;
                }
                clip.renderFrame(t, rendered);
                ByteBuffer pixels = (ByteBuffer) frame.image[0];
                double[] decodedMean = new double[3];
                double[] textureMean = new double[3];
                ClipGenerator.Ellipse e = clip.target(t);
                byte[] texel = new byte[3];
                int n = 0;
                // The central half of the box lies inside the ellipse: compare the decoded pixels there
                // with the target's texture evaluated at the same pixels.
                for (int y = (int) (gt.y() + gt.h() / 4); y < gt.y() + 3 * gt.h() / 4; y++) {
                    for (int x = (int) (gt.x() + gt.w() / 4); x < gt.x() + 3 * gt.w() / 4; x++) {
                        if (x < 0 || x >= W || y < 0 || y >= H) {
                            continue;
                        }
                        clip.targetDisc().colour((x + 0.5 - e.cx()) / e.a(), (y + 0.5 - e.cy()) / e.b(), e.rotation(), texel, 0);
                        for (int c = 0; c < 3; c++) {
                            decodedMean[c] += pixels.get(y * frame.imageStride + x * 3 + c) & 0xff;
                            textureMean[c] += texel[c] & 0xff;
                        }
                        n++;
                    }
                }
                for (int c = 0; c < 3; c++) {
                    assertEquals(textureMean[c] / n, decodedMean[c] / n, 12, "frame " + t + " channel " + c);
                }
                compared++;
            }
        }
        assertEquals(clip.frameCount(), decoded);
        assertTrue(compared >= 8, "frames compared: " + compared);
    }

    @Test
    void rejectsALeaveThatDoesNotFitInTheClip() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ClipConfig.of(W, H, 60, 1, true, 30));
        assertTrue(e.getMessage().contains("needs"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ClipConfig.of(321, H, 60, 1, false, 30));
    }

    private static boolean contains(List<FrameRange> ranges, int t) {
        return ranges.stream().anyMatch(r -> t >= r.first() && t <= r.last());
    }
}
