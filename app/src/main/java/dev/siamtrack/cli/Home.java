package dev.siamtrack.cli;

import java.nio.file.Path;

/**
 * The SiamTrack home: the checkout or install folder holding {@code models/} and {@code videos/}. The launcher
 * passes it as the system property {@code siamtrack.home}; without it, the working directory.
 */
public final class Home {

    private Home() {
    }

    public static Path dir() {
        return Path.of(System.getProperty("siamtrack.home", "."));
    }

    /** Where installed models live. */
    public static Path modelsDir() {
        return dir().resolve("models");
    }
}
