package dev.siamtrack.cli;

import dev.siamtrack.home.Home;
import dev.siamtrack.model.ModelCatalog;
import dev.siamtrack.model.ModelDownloader;
import dev.siamtrack.model.ModelException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "pull", mixinStandardHelpOptions = true,
        description = {"Download a third-party model, pinned to its publisher's commit and checked against its SHA-256.",
            "It lands in the user's models folder, $XDG_DATA_HOME/siamtrack/models (without XDG_DATA_HOME:",
            "~/.local/share/siamtrack/models), which 'models' lists and where '--model NAME' finds it.",
            "Nothing is left behind when a download fails. Exit code 1 when the download fails (no network,",
            "an HTTP error, a checksum mismatch), 2 for a wrong name or option, as for every command.",
            "",
            "Models: nanotrack-v1 (fastest), nanotrack-v2 (best speed and accuracy of the three for its cost),",
            "nanotrack-v3 (96 channels, slower)."},
        footer = {"", "Examples:",
            "  ./siamtrack models pull nanotrack-v2",
            "  ./siamtrack track videos/demo.mp4 --init 462,166,56,40 \\",
            "      --model nanotrack-v2 --out out/v2.csv"})
final class ModelsPullCommand implements Callable<Integer> {

    @Parameters(paramLabel = "NAME", description = "nanotrack-v1, nanotrack-v2 or nanotrack-v3.")
    String name;

    @Option(names = "--force", description = "Download again and replace a model of that name.")
    boolean force;

    @Option(names = "--from", paramLabel = "URL",
            description = "A mirror with the publisher's folder layout (default: the publisher's repository at the pinned commit).")
    URI from;

    @Option(names = "--dir", paramLabel = "DIR", description = "Install into DIR instead of the user's models folder.")
    Path dir;

    @Option(names = "--timeout", paramLabel = "S", defaultValue = "30",
            description = "Seconds to wait for a connection or for more data (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Override
    public Integer call() throws ModelException {
        ModelCatalog.Entry entry = ModelCatalog.find(name).orElseThrow(() -> new UserException(
                "unknown model '" + name + "'; choose one of " + String.join(", ", ModelCatalog.names())));
        if (timeoutSeconds < 1) {
            throw new UserException("--timeout must be at least 1 second");
        }
        if (from != null && (from.getScheme() == null || !from.getScheme().matches("https?"))) {
            throw new UserException("--from must be an http:// or https:// URL, got '" + from + "'");
        }
        Path target = dir != null ? dir : Home.userModelsDir();
        // the user's mistakes (exit 2) before any download; what fails while downloading is exit 1
        if (Files.exists(target.resolve(entry.name())) && !force) {
            throw new UserException(target.resolve(entry.name()) + " already exists; pass --force to download it again");
        }
        if (dir != null) {
            Arguments.checkWritableFolder("--dir", dir);
        }
        URI base = from != null ? from : ModelCatalog.NANOTRACK_ORIGIN;
        System.err.println("siamtrack: downloading " + entry.name() + " from " + base);
        int[] lastTenth = {-1};
        Path installed;
        try {
            installed = new ModelDownloader(Duration.ofSeconds(timeoutSeconds)).download(entry, base, target, force,
                    (file, bytes, total) -> {
                        int tenth = (int) (10 * bytes / Math.max(1, total));
                        if (tenth != lastTenth[0]) {
                            lastTenth[0] = tenth;
                            System.err.printf(Locale.ROOT, "  %s %3d%% of %.1f MB%n", file, 10 * tenth, total / 1e6);
                        }
                    });
        } catch (ModelException e) {
            System.err.println("siamtrack: error: " + SiamTrackCli.oneLine(e));
            return SiamTrackCli.EXIT_FAILURE;
        }
        System.out.println("installed " + entry.name() + " in " + installed + " (" + entry.source() + ")");
        System.out.println("use it with --model " + entry.name());
        return SiamTrackCli.EXIT_OK;
    }
}
