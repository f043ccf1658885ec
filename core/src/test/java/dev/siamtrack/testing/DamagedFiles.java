package dev.siamtrack.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.FrameGrabber;
import org.bytedeco.javacv.FrameRecorder;

/** Damaged copies of a video, made in the test that needs them. */
public final class DamagedFiles {

    private DamagedFiles() {
    }

    /** A copy with {@code count} bytes inverted at each of the given fractions of the file. */
    public static Path flipped(Path video, Path copy, int count, double... at) throws IOException {
        byte[] bytes = Files.readAllBytes(video);
        for (double fraction : at) {
            int start = (int) (bytes.length * fraction);
            for (int i = start; i < Math.min(bytes.length, start + count); i++) {
                bytes[i] ^= (byte) 0xFF;
            }
        }
        return Files.write(copy, bytes);
    }

    /** The first {@code fraction} of the file. */
    public static Path truncated(Path video, Path copy, double fraction) throws IOException {
        byte[] bytes = Files.readAllBytes(video);
        return Files.write(copy, Arrays.copyOf(bytes, (int) (bytes.length * fraction)));
    }

    /** The first {@code frames} frames re-encoded (MPEG-4 part 2) into an MP4 with its index at the start. */
    public static Path indexFirst(Path video, Path copy, int frames) throws IOException {
        try (FFmpegFrameGrabber in = new FFmpegFrameGrabber(video.toFile())) {
            in.start();
            try (FFmpegFrameRecorder out = new FFmpegFrameRecorder(copy.toFile(), in.getImageWidth(),
                    in.getImageHeight(), 0)) {
                out.setFormat("mp4");
                out.setOption("movflags", "faststart");
                out.setVideoCodec(avcodec.AV_CODEC_ID_MPEG4);
                out.setVideoBitrate(2_000_000);
                out.setFrameRate(in.getFrameRate() > 0 ? in.getFrameRate() : 25);
                out.start();
                for (int i = 0; i < frames; i++) {
                    out.record(in.grabImage());
                }
            }
        } catch (FrameGrabber.Exception | FrameRecorder.Exception e) {
            throw new IOException(e);
        }
        return copy;
    }
}
