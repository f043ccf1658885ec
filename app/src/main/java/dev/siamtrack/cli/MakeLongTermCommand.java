package dev.siamtrack.cli;

import dev.siamtrack.eval.LongTermSets;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code siamtrack make-longterm}: a long-term benchmark (target absent for stretches) from OTB sequences. */
@Command(name = "make-longterm", mixinStandardHelpOptions = true,
        description = {
            "Make OTB-layout sequences long-term: the target goes away and comes back.",
            "Sequences in OTB layout: NAME/img/ and NAME/groundtruth_rect.txt.",
            "At a few cut points, GAP frames are replaced by frames of ANOTHER sequence resized to",
            "the same size (ground truth NaN: the target is away), and the original resumes GAP",
            "frames later, so the target has moved on.",
            "Writes OUT/NAME/ in OTB layout and OUT/longterm.json (where each cut is and",
            "which sequence filled it). Same sources, options and seed: same set."},
        footer = {"", "Exit codes: 0 done, 1 failure while writing, 2 bad input.",
            "", "Examples (two synthetic sequences, made long-term, then re-detection on and off):",
            "  ./siamtrack make-clip --seed 1 --frames 150 --out out/seqs/clip1",
            "  ./siamtrack make-clip --seed 2 --frames 150 --out out/seqs/clip2",
            "  ./siamtrack make-longterm out/seqs --out out/seqs-lt",
            "  ./siamtrack eval out/seqs-lt --trackers siamtrack-lt,siamtrack-st \\",
            "      --report out/eval-lt",
            "On OTB-100 (see 'eval --help' for where to get it):",
            "  ./siamtrack make-longterm OTB100 --out out/otb100-lt"})
public final class MakeLongTermCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "SOURCE_DIR", description = "Folder of OTB-layout sequences.")
    private Path source;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Folder to create (new or empty).")
    private Path out;

    @Option(names = "--gap", defaultValue = "30", paramLabel = "G",
            description = "Frames the target is away at each cut (default: ${DEFAULT-VALUE}).")
    private int gap;

    @Option(names = "--cuts", defaultValue = "3", paramLabel = "K",
            description = "Cuts per sequence at most; short sequences get fewer (default: ${DEFAULT-VALUE}).")
    private int cuts;

    @Option(names = "--min-run", defaultValue = "20", paramLabel = "R",
            description = "Frames with the target before each cut and after the last (default: ${DEFAULT-VALUE}).")
    private int minRun;

    @Option(names = "--seed", defaultValue = "1", description = "Random seed (default: ${DEFAULT-VALUE}).")
    private long seed;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter stdout = spec.commandLine().getOut();
        LongTermSets.Options options;
        List<LongTermSets.Source> sources;
        try {
            options = new LongTermSets.Options(gap, cuts, minRun, seed);
            sources = LongTermSets.validate(source, out, options);
            Arguments.checkWritableFolder("--out", out);
        } catch (IllegalArgumentException | IOException e) {
            err.println("siamtrack: " + e.getMessage());
            return 2;
        }
        LongTermSets.Result result;
        try {
            result = LongTermSets.build(sources, out, options, name -> {
                err.println("writing " + name);
                err.flush();
            });
        } catch (IOException e) {
            err.println("siamtrack: could not write " + out + ": " + e.getMessage());
            return 1;
        }
        result.skipped().forEach(s -> err.println("skipped " + s.name() + ": " + s.reason()));
        for (LongTermSets.Made m : result.made()) {
            stdout.printf(Locale.ROOT, "%s: %d frames, target away at %s%n", m.name(), m.frames(),
                    m.cuts().stream().map(c -> (c.first() + 1) + ".." + (c.last() + 1) + " (" + c.filler() + ")")
                            .collect(Collectors.joining(", ")));
        }
        stdout.printf(Locale.ROOT, "wrote %d long-term sequence(s) to %s%n", result.made().size(), out);
        stdout.flush();
        return 0;
    }
}
