package dev.siamtrack.home;

import dev.siamtrack.model.ModelCatalog;
import java.nio.file.Files;
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

    /** Where the shipped models live. */
    public static Path modelsDir() {
        return dir().resolve("models");
    }

    /** Where {@code models pull} puts models: $XDG_DATA_HOME/siamtrack/models, else ~/.local/share/siamtrack/models. */
    public static Path userModelsDir() {
        String xdg = System.getenv("XDG_DATA_HOME");
        Path data = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".local", "share");
        return data.resolve("siamtrack").resolve("models");
    }

    /**
     * What {@code --model} names: an existing directory as it is, else a model of that name in the shipped or
     * the user's models folder, else the path as given (loading it then says what is missing). The name of a model
     * that {@code models pull} offers but that is not installed is refused with the command that installs it.
     */
    public static Path findModel(Path requested) {
        if (Files.isDirectory(requested) || requested.getNameCount() != 1) {
            return requested;
        }
        for (Path folder : new Path[] {modelsDir(), userModelsDir()}) {
            Path candidate = folder.resolve(requested);
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        if (ModelCatalog.find(requested.toString()).isPresent()) {
            throw new IllegalArgumentException("model " + requested + " is not installed; download it with"
                    + " ./siamtrack models pull " + requested);
        }
        return requested;
    }
}
