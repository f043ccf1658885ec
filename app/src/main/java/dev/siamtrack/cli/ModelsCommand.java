package dev.siamtrack.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.siamtrack.home.Home;
import dev.siamtrack.model.ModelException;
import dev.siamtrack.model.ModelRegistry;
import dev.siamtrack.model.SiameseModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "models", mixinStandardHelpOptions = true, subcommands = ModelsPullCommand.class,
        description = {"List the models found in models/, in the pulled models' folder (see 'models pull') and in"
                + " the given folders, with their cards.",
            "A folder may be a model directory itself or a folder of model directories."},
        footer = {"", "Examples:",
            "  ./siamtrack models",
            "  ./siamtrack models --full models/siamtrack-v3s"})
final class ModelsCommand implements Callable<Integer> {

    @Parameters(paramLabel = "DIR", arity = "0..*", description = "Extra folders to look in.")
    List<Path> dirs = new ArrayList<>();

    @Option(names = "--full", description = "Print each card's whole provenance (training data, losses, metrics), indented.")
    boolean full;

    private static final int PROVENANCE_CHARS = 160;

    @Override
    public Integer call() {
        // every named folder before the listing: a mistake gives one line and no listing
        for (Path d : dirs) {
            if (!Files.exists(d)) {
                throw new UserException(d + ": no such folder (models takes folders to look in, or the subcommand pull)");
            }
            if (!Files.isDirectory(d)) {
                throw new UserException(d + ": not a folder (a model is a folder with backbone.onnx and head.onnx)");
            }
        }
        List<Path> candidates = new ArrayList<>(ModelRegistry.list(Home.modelsDir()));
        candidates.addAll(ModelRegistry.list(Home.userModelsDir()));
        for (Path d : dirs) {
            List<Path> inside = ModelRegistry.list(d);
            candidates.addAll(inside.isEmpty() ? List.of(d) : inside);
        }
        Optional<Path> def = ModelRegistry.defaultModel(Home.modelsDir());
        if (candidates.isEmpty()) {
            System.out.println("no models found in " + Home.modelsDir().toAbsolutePath().normalize()
                    + " (bring one with --model DIR, see README)");
            return SiamTrackCli.EXIT_OK;
        }
        int bad = 0;
        for (Path dir : candidates) {
            boolean isDefault = def.isPresent() && def.get().equals(dir);
            try (SiameseModel m = SiameseModel.load(dir, SiameseModel.Options.DEFAULT)) {
                System.out.println((isDefault ? "* " : "  ") + dir);
                System.out.println("    " + m.card().summary());
                System.out.println("    features " + m.featureChannels() + " channels");
                String provenance = m.card().provenance();
                if (!provenance.isEmpty() && full) {
                    System.out.println("    provenance " + readable(provenance).replace("\n", "\n    "));
                } else if (!provenance.isEmpty()) {
                    boolean cut = provenance.length() > PROVENANCE_CHARS;
                    System.out.println("    provenance " + (cut ? provenance.substring(0, PROVENANCE_CHARS) + "... (--full)" : provenance));
                }
            } catch (ModelException e) {
                bad++;
                System.out.println("  " + dir + "\n    cannot load: " + e.getMessage());
            }
        }
        if (bad > 0) {
            System.err.println("siamtrack: " + bad + " of " + candidates.size() + " model" + (candidates.size() == 1 ? "" : "s")
                    + " cannot be loaded (see 'cannot load' above)");
        }
        return bad == 0 ? SiamTrackCli.EXIT_OK : SiamTrackCli.EXIT_USAGE;
    }

    /** The card's provenance JSON, indented over several lines. */
    private static String readable(String json) {
        try {
            ObjectMapper mapper = new ObjectMapper();
            return mapper.writerWithDefaultPrettyPrinter().writeValueAsString(mapper.readTree(json));
        } catch (JsonProcessingException e) {
            return json;
        }
    }
}
