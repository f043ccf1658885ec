package dev.siamtrack.cli;

import dev.siamtrack.model.ModelException;
import dev.siamtrack.video.SourceException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of {@code ./siamtrack}. Exit codes: 0 success, 2 bad usage or bad input, 1 failure while running. */
@Command(name = "siamtrack", mixinStandardHelpOptions = true, version = "siamtrack 0.1.0",
        description = "Real-time Siamese video object tracker for the JVM.",
        subcommands = {TrackCommand.class, DemoCommand.class, ModelsCommand.class, BenchCommand.class,
            EvalCommand.class, BatchCommand.class, CompareCommand.class, MakeClipCommand.class,
            MakeLongTermCommand.class, MakePairsCommand.class, ServeCommand.class, CommandLine.HelpCommand.class})
public final class SiamTrackCli {

    public static final int EXIT_OK = 0;
    public static final int EXIT_FAILURE = 1;
    public static final int EXIT_USAGE = 2;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    public static int run(String... args) {
        CommandLine cli = commandLine();
        return cli.execute(args);
    }

    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new SiamTrackCli());
        cli.setExecutionExceptionHandler((e, cmd, parseResult) -> {
            PrintWriter err = cmd.getErr();
            boolean userMistake = e instanceof UserException || e instanceof SourceException
                    || e instanceof ModelException || e instanceof IllegalArgumentException;
            err.println("siamtrack: " + (userMistake ? "" : "error: ") + e.getMessage());
            if (parseResult.hasMatchedOption("--verbose")) {
                e.printStackTrace(err);
            } else if (!userMistake) {
                err.println("(run again with --verbose for details)");
            }
            err.flush();
            return userMistake ? EXIT_USAGE : EXIT_FAILURE;
        });
        cli.setParameterExceptionHandler((e, args) -> {
            PrintWriter err = e.getCommandLine().getErr();
            err.println("siamtrack: " + e.getMessage());
            err.println("Try '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help' for more information.");
            err.flush();
            return EXIT_USAGE;
        });
        return cli;
    }
}
