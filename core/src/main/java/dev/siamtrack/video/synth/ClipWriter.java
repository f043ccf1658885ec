package dev.siamtrack.video.synth;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.siamtrack.geom.Box;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.IntConsumer;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameRecorder;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Writes a {@link ClipGenerator}'s clip to disk: {@code NAME.mp4}, the OTB ground truth {@code NAME.txt}
 * (one {@code x,y,w,h} line per frame, {@code NaN,NaN,NaN,NaN} while the target is out of view) and the
 * events sidecar {@code NAME.events.json}; or the frames as an OTB-layout sequence folder.
 */
public final class ClipWriter {

    /** H.264 through Cisco's openh264: the bytedeco FFmpeg build has no libx264. */
    public static final String H264_ENCODER = "libopenh264";
    /** Fallback when openh264 cannot be opened: MPEG-4 part 2, FFmpeg's own encoder. */
    public static final String MPEG4_ENCODER = "mpeg4";

    private ClipWriter() {
    }

    /** The ground-truth path next to a video: same name, {@code .txt}. */
    public static Path groundTruthPath(Path video) {
        return video.resolveSibling(baseName(video) + ".txt");
    }

    public static Path eventsPath(Path video) {
        return video.resolveSibling(baseName(video) + ".events.json");
    }

    /**
     * Renders and encodes every frame, then writes the ground truth and the events; {@code progress}
     * receives the number of frames written so far. Returns the name of the encoder used.
     */
    public static String write(ClipGenerator clip, Path video, IntConsumer progress) throws IOException {
        Path parent = video.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        avutil.av_log_set_level(avutil.AV_LOG_ERROR);
        String encoder;
        try {
            encoder = encode(clip, video, avcodec.AV_CODEC_ID_H264, H264_ENCODER, progress);
        } catch (FrameRecorder.Exception e) {
            encoder = encode(clip, video, avcodec.AV_CODEC_ID_MPEG4, MPEG4_ENCODER, progress);
        }
        writeGroundTruth(clip, groundTruthPath(video));
        writeEvents(clip, eventsPath(video), video.getFileName().toString(),
                groundTruthPath(video).getFileName().toString(), encoder);
        return encoder;
    }

    /**
     * Writes the clip as an OTB-layout sequence: {@code DIR/img/0001.jpg...}, the ground truth
     * {@code DIR/groundtruth_rect.txt} and the events {@code DIR/events.json}; {@code progress} as for
     * {@link #write}.
     */
    public static void writeSequence(ClipGenerator clip, Path dir, IntConsumer progress) throws IOException {
        Path images = Files.createDirectories(dir.resolve("img"));
        ClipConfig config = clip.config();
        byte[] scratch = new byte[config.width() * config.height() * 3];
        try (Mat frame = new Mat()) {
            for (int i = 0; i < config.frames(); i++) {
                clip.renderFrame(i, frame, scratch);
                Path image = images.resolve(String.format(Locale.ROOT, "%04d.jpg", i + 1));
                if (!opencv_imgcodecs.imwrite(image.toString(), frame)) {
                    throw new IOException("cannot write " + image);
                }
                progress.accept(i + 1);
            }
        }
        writeGroundTruth(clip, dir.resolve("groundtruth_rect.txt"));
        writeEvents(clip, dir.resolve("events.json"), "img/%04d.jpg", "groundtruth_rect.txt", "jpeg");
    }

    private static String encode(ClipGenerator clip, Path video, int codecId, String encoderName,
                                 IntConsumer progress) throws IOException {
        ClipConfig config = clip.config();
        int w = config.width();
        int h = config.height();
        try (FFmpegFrameRecorder recorder = new FFmpegFrameRecorder(video.toFile(), w, h, 0)) {
            recorder.setFormat("mp4");
            recorder.setVideoCodec(codecId);
            recorder.setVideoCodecName(encoderName);
            recorder.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
            recorder.setFrameRate(config.fps());
            recorder.setVideoBitrate(config.bitrateKbps() * 1000);
            recorder.setGopSize((int) Math.round(2 * config.fps()));
            // One encoder thread keeps the bitstream identical from run to run.
            recorder.setVideoOption("threads", "1");
            recorder.start();
            byte[] bgr = new byte[w * h * 3];
            Frame frame = new Frame(w, h, Frame.DEPTH_UBYTE, 3);
            ByteBuffer pixels = (ByteBuffer) frame.image[0];
            for (int i = 0; i < config.frames(); i++) {
                clip.renderFrame(i, bgr);
                for (int y = 0; y < h; y++) {
                    pixels.position(y * frame.imageStride).put(bgr, y * w * 3, w * 3);
                }
                pixels.position(0);
                recorder.record(frame, avutil.AV_PIX_FMT_BGR24);
                progress.accept(i + 1);
            }
            recorder.stop();
        }
        return encoderName;
    }

    private static void writeGroundTruth(ClipGenerator clip, Path path) throws IOException {
        try (BufferedWriter out = Files.newBufferedWriter(path, StandardCharsets.UTF_8)) {
            for (Box box : clip.groundTruth()) {
                out.write(box.toCsv());
                out.newLine();
            }
        }
    }

    private static void writeEvents(ClipGenerator clip, Path events, String video, String groundTruth, String encoder)
            throws IOException {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = mapper.createObjectNode();
        root.put("video", video);
        root.put("groundTruth", groundTruth);
        root.put("encoder", encoder);
        root.set("config", mapper.valueToTree(clip.config()));
        root.setAll((ObjectNode) mapper.valueToTree(clip.events()));
        mapper.writeValue(events.toFile(), root);
    }

    private static String baseName(Path video) {
        String name = video.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }
}
