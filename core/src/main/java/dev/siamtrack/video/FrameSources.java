package dev.siamtrack.video;

import java.nio.file.Files;
import java.nio.file.Path;

/** Opens a frame source from what a user types: a video file or an image folder. */
public final class FrameSources {

    private FrameSources() {
    }

    public static FrameSource open(String spec) throws SourceException {
        Path path = Path.of(spec);
        if (Files.isDirectory(path)) {
            return new ImageFolderSource(path);
        }
        if (Files.exists(path)) {
            return new FFmpegFrameSource(path);
        }
        throw new SourceException(spec + ": no such file or folder");
    }
}
