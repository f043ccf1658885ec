package dev.siamtrack.cli;

import dev.siamtrack.model.ModelException;
import dev.siamtrack.video.SourceException;
import java.io.PrintWriter;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParseResult;

/** Entry point of {@code ./siamtrack}. Exit codes: 0 success, 2 bad usage or bad input, 1 failure while running. */
@Command(name = "siamtrack", mixinStandardHelpOptions = true, version = "siamtrack 0.1.0",
        description = "Real-time Siamese video object tracker for the JVM.",
        subcommands = {TrackCommand.class, DemoCommand.class, ModelsCommand.class, BenchCommand.class,
            EvalCommand.class, BatchCommand.class, CompareCommand.class, MakeClipCommand.class,
            MakeLongTermCommand.class, MakePairsCommand.class, ServeCommand.class, TraxCommand.class, ReportCommand.class,
            CommandLine.HelpCommand.class})
public final class SiamTrackCli {

    public static final int EXIT_OK = 0;
    public static final int EXIT_FAILURE = 1;
    public static final int EXIT_USAGE = 2;

    /** OpenCV's exception text: {@code OpenCV(4.x) /build/path/file.cpp:123: error: (-215:Assertion failed) what in function 'f'}. */
    private static final Pattern OPENCV_ERROR = Pattern.compile(
            "OpenCV\\([^)]*\\) \\S+: error: \\((-?\\d+):([^)]*)\\) (.*?) in function '([^']*)'", Pattern.DOTALL);

    public static void main(String[] args) {
        System.exit(run(args));
    }

    public static int run(String... args) {
        CommandLine cli = commandLine();
        return cli.execute(args);
    }

    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new SiamTrackCli());
        Arguments.register(cli);
        cli.setUsageHelpWidth(100);
        abbreviateSynopses(cli);
        cli.setExecutionExceptionHandler((e, cmd, parseResult) -> {
            PrintWriter err = cmd.getErr();
            boolean userMistake = e instanceof UserException || e instanceof SourceException
                    || e instanceof ModelException || e instanceof IllegalArgumentException;
            err.println("siamtrack: " + (userMistake ? "" : "error: ") + oneLine(e));
            if (verbose(parseResult)) {
                e.printStackTrace(err);
            } else if (!userMistake && cmd.getCommandSpec().findOption("--verbose") != null) {
                // only where the command has the option: the hint must not send the user to an unknown option
                err.println("(run again with --verbose for details)");
            }
            err.flush();
            return userMistake ? EXIT_USAGE : EXIT_FAILURE;
        });
        cli.setParameterExceptionHandler((e, args) -> {
            PrintWriter err = e.getCommandLine().getErr();
            err.println("siamtrack: " + oneLine(e) + " (see '" + e.getCommandLine().getCommandSpec().qualifiedName()
                    + " --help')");
            err.flush();
            return EXIT_USAGE;
        });
        return cli;
    }

    /**
     * "Usage: siamtrack track [OPTIONS] SOURCE": the option list below the synopsis says the rest, and a synopsis
     * of every option wraps inside option labels such as X,Y,W,H (picocli breaks lines after commas and dots).
     */
    private static void abbreviateSynopses(CommandLine command) {
        command.getCommandSpec().usageMessage().abbreviateSynopsis(true);
        command.getSubcommands().values().forEach(SiamTrackCli::abbreviateSynopses);
    }

    /** Whether {@code --verbose} was given to the command that ran (a subcommand's option, not the top level's). */
    private static boolean verbose(ParseResult parseResult) {
        for (ParseResult p = parseResult; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption("--verbose")) {
                return true;
            }
        }
        return false;
    }

    /** The message on one line: OpenCV's multi-line text with its build path becomes what failed and where. */
    static String oneLine(Throwable e) {
        String message = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
        Matcher m = OPENCV_ERROR.matcher(message);
        if (m.find()) {
            return "OpenCV " + m.group(2).strip() + ": " + m.group(3).strip().replaceAll("\\s+", " ")
                    + " (in " + m.group(4) + ")";
        }
        return message.strip().replaceAll("\\s*\\R\\s*", "; ");
    }
}
