package dev.siamtrack.cli;

import dev.siamtrack.eval.LongTermSets;
import dev.siamtrack.eval.VerificationPairs;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code siamtrack make-pairs}: same/different target pairs from OTB sequences, for {@code compare --pairs}. */
@Command(name = "make-pairs", mixinStandardHelpOptions = true,
        description = {
            "Write a pairs CSV for compare --pairs from OTB-layout sequences.",
            "Each row a,ax,ay,aw,ah,b,bx,by,bw,bh,same,kind pairs the target early in a sequence with",
            "the same target in its last third (same), another sequence's target (other-target) or a",
            "crop of the target's size elsewhere in the same scene (background). Deterministic per seed."},
        footer = {"", "Exit codes: 0 done, 1 failure while writing, 2 bad input.",
            "", "Examples (two synthetic sequences, their pairs, then scored):",
            "  ./siamtrack make-clip --seed 1 --frames 150 --out out/seqs/clip1",
            "  ./siamtrack make-clip --seed 2 --frames 150 --out out/seqs/clip2",
            "  ./siamtrack make-pairs out/seqs --out out/pairs.csv",
            "  ./siamtrack compare --pairs out/pairs.csv --report out/compare",
            "On OTB-100 (see 'eval --help' for where to get it):",
            "  ./siamtrack make-pairs OTB100 --out out/otb100-pairs.csv"})
public final class MakePairsCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "SOURCE_DIR", description = "Folder of OTB-layout sequences.")
    private Path source;

    @Option(names = "--out", required = true, paramLabel = "FILE.csv", description = "Pairs file to write.")
    private Path out;

    @Option(names = "--per-sequence", defaultValue = "20", paramLabel = "N",
            description = "Same pairs per sequence, and as many different ones (default: ${DEFAULT-VALUE}).")
    private int perSequence;

    @Option(names = "--seed", defaultValue = "1", description = "Random seed (default: ${DEFAULT-VALUE}).")
    private long seed;

    /** Same pairs per sequence at most: a 150-frame sequence has about 2,500 distinct early/late pairs. */
    static final int MAX_PER_SEQUENCE = 1000;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        List<VerificationPairs.Pair> pairs;
        try {
            if (perSequence < 1) {
                throw new IllegalArgumentException("--per-sequence must be at least 1");
            }
            if (perSequence > MAX_PER_SEQUENCE) {
                throw new IllegalArgumentException("--per-sequence " + perSequence + ": at most " + MAX_PER_SEQUENCE
                        + " (pairs are drawn from one sequence's frames; more mostly repeat the same pairs)");
            }
            if (!out.getFileName().toString().endsWith(".csv") || Files.isDirectory(out)) {
                throw new IllegalArgumentException("--out must name a .csv file, got " + out);
            }
            Arguments.checkWritable("--out", out);
            pairs = VerificationPairs.build(LongTermSets.sources(source), perSequence, seed);
        } catch (IllegalArgumentException | IOException e) {
            err.println("siamtrack: " + e.getMessage());
            return 2;
        }
        try {
            Path parent = out.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            VerificationPairs.write(out, pairs);
        } catch (IOException e) {
            err.println("siamtrack: could not write " + out + ": " + e.getMessage());
            return 1;
        }
        spec.commandLine().getOut().println("wrote " + VerificationPairs.counts(pairs) + " to " + out);
        spec.commandLine().getOut().flush();
        return 0;
    }
}
