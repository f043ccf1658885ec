package dev.siamtrack.video;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.siamtrack.testing.DamagedFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Damaged and wrong inputs, generated from videos/demo.mp4: counted when recoverable, one clear message when not. */
class DamagedVideoTest {

    private static final Path DEMO = Path.of("videos/demo.mp4");

    @TempDir
    Path tmp;

    /** Frames read, then the source's counters. */
    private record Read(int frames, int lastIndex, SourceDamage damage) {
    }

    private static Read readAll(Path file) throws SourceException {
        try (FFmpegFrameSource source = new FFmpegFrameSource(file)) {
            int n = 0;
            while (source.next() != null) {
                n++;
            }
            return new Read(n, source.frameIndex(), SourceDamage.of(source));
        }
    }

    @Test
    void theIntactDemoHasNoDamage() throws Exception {
        Read r = readAll(DEMO);
        assertEquals(300, r.frames());
        assertEquals(new SourceDamage(0, 0, 0, 0), r.damage());
        assertEquals("", r.damage().summary());
    }

    @Test
    void wholeFilesInOtherContainersHaveNothingMissing() throws Exception {
        for (String format : new String[] {"matroska", "avi", "mpegts"}) {
            Path file = tmp.resolve("whole." + format);
            try (Mat frame = new Mat(120, 160, opencv_core.CV_8UC3);
                 OpenCVFrameConverter.ToMat converter = new OpenCVFrameConverter.ToMat();
                 FFmpegFrameRecorder out = new FFmpegFrameRecorder(file.toFile(), 160, 120, 0)) {
                out.setFormat(format);
                out.setVideoCodec(avcodec.AV_CODEC_ID_MPEG4);
                out.setFrameRate(25);
                out.start();
                for (int i = 0; i < 50; i++) {
                    frame.put(new Scalar(i * 5, 100, 200 - i * 3, 0));
                    out.record(converter.convert(frame));
                }
            }
            Read r = readAll(file);
            assertEquals(50, r.frames(), format);
            assertEquals(new SourceDamage(0, 0, 0, 0), r.damage(), format);
        }
    }

    @Test
    void flippedBytesAreCountedAsDecodeErrorsAndConcealedFrames() throws Exception {
        Read r = readAll(DamagedFiles.flipped(DEMO, tmp.resolve("flipped.mp4"), 300, 0.3, 0.5, 0.7));
        assertTrue(r.damage().decodeErrors() >= 2, "decode errors reported: " + r.damage());
        assertTrue(r.damage().concealedFrames() >= 2, "concealed frames reported: " + r.damage());
        assertTrue(r.damage().damaged());
        assertTrue(r.damage().summary().contains("frames concealed by the decoder"), r.damage().summary());
    }

    @Test
    void aTruncatedFileWithItsIndexFirstCountsTheFramesMissingAtTheEnd() throws Exception {
        Path faststart = DamagedFiles.indexFirst(DEMO, tmp.resolve("faststart.mp4"), 100);
        Read r = readAll(DamagedFiles.truncated(faststart, tmp.resolve("cut.mp4"), 0.5));
        assertTrue(r.frames() > 10 && r.frames() < 90, r.frames() + " frames read");
        assertTrue(r.damage().missingFrames() > 0, "missing frames reported: " + r.damage());
        assertEquals(100, r.lastIndex() + 1 + r.damage().missingFrames(), "read + missing = announced");
    }

    @Test
    void anMp4CutBeforeItsIndexIsCalledTruncated() throws Exception {
        Path cut = DamagedFiles.truncated(DEMO, tmp.resolve("cut.mp4"), 0.6);
        SourceException e = assertThrows(SourceException.class, () -> new FFmpegFrameSource(cut));
        assertTrue(e.getMessage().contains("without its index (moov atom)"), e.getMessage());
    }

    @Test
    void emptyFilesAndFilesWithoutVideoAreNamedSo() throws Exception {
        Path empty = Files.write(tmp.resolve("empty.mp4"), new byte[0]);
        assertTrue(assertThrows(SourceException.class, () -> new FFmpegFrameSource(empty)).getMessage()
                .endsWith("is empty (0 bytes)"));
        Path text = Files.writeString(tmp.resolve("text.mp4"), "not a video ".repeat(200));
        String m = assertThrows(SourceException.class, () -> new FFmpegFrameSource(text)).getMessage();
        assertTrue(m.contains("not a video FFmpeg understands") && !m.contains("setFormat"), m);
    }

    @Test
    void hugeFramesAreRefusedBeforeAnyAllocation() throws Exception {
        Path y4m = Files.write(tmp.resolve("huge.y4m"), ("YUV4MPEG2 W9000 H9000 F25:1 Ip A1:1 C420jpeg\nFRAME\n"
                + "x".repeat(1000)).getBytes(StandardCharsets.US_ASCII));
        String m = assertThrows(SourceException.class, () -> new FFmpegFrameSource(y4m)).getMessage();
        assertTrue(m.contains("frames of 9000x9000 are too large"), m);
    }

    @Test
    void ffmpegErrorCodesAreTranslatedAndDeveloperHintsDropped() {
        assertEquals("connection refused (nothing is listening at that address and port)", FFmpegErrors.describe(
                new Exception("avformat_open_input() error -111: Could not open input \"tcp://127.0.0.1:9\". "
                        + "(Has setFormat() been called?) (For more details, make sure FFmpegLogCallback.set() has been called.)")));
        assertEquals("avformat_open_input() error -16: Could not open input \"x\".", FFmpegErrors.describe(
                new Exception("avformat_open_input() error -16: Could not open input \"x\". (Has setFormat() been called?)")));
    }

    @Test
    void aRecordingCutOffWhileStillOpenIsPlayable() throws Exception {
        Path file = tmp.resolve("recording.mp4");
        Path copy = tmp.resolve("killed.mp4");
        try (Mat frame = new Mat(120, 160, opencv_core.CV_8UC3);
             Mp4Writer writer = new Mp4Writer(file, 160, 120, 25)) {
            for (int i = 0; i < 80; i++) {
                frame.put(new Scalar(i * 3, 255 - i * 3, 128, 0));
                writer.write(frame);
            }
            // what a SIGKILL leaves: the bytes on disk before close() could finish the file
            Files.copy(file, copy);
        }
        Read r = readAll(copy);
        assertTrue(r.frames() >= 25, "fragments written before the kill are playable: " + r.frames() + " frames");
        assertEquals(80, readAll(file).frames());
    }

    @Test
    void anImageOfAnotherSizeInAFolderIsNamed() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("seq"));
        try (Mat a = new Mat(60, 80, opencv_core.CV_8UC3, new Scalar(10, 20, 30, 0));
             Mat b = new Mat(61, 80, opencv_core.CV_8UC3, new Scalar(10, 20, 30, 0))) {
            opencv_imgcodecs.imwrite(dir.resolve("0001.png").toString(), a);
            opencv_imgcodecs.imwrite(dir.resolve("0002.png").toString(), a);
            opencv_imgcodecs.imwrite(dir.resolve("0003.png").toString(), b);
        }
        try (ImageFolderSource source = new ImageFolderSource(dir)) {
            source.next();
            source.next();
            String m = assertThrows(SourceException.class, source::next).getMessage();
            assertTrue(m.endsWith("0003.png is 80x61 but 0001.png is 80x60: all images of a folder must have the same size"), m);
        }
    }

}
