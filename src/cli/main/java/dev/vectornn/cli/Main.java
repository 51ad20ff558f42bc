package dev.vectornn.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code vectornn} command line. */
@Command(name = "vectornn",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Pure-Java deep learning on the Java Vector API.",
        subcommands = {TrainCommand.class, GenerateCommand.class, EvalCommand.class, InfoCommand.class,
            GradcheckCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /**
     * Runs the command line and exits with its code.
     *
     * @param args command-line arguments
     */
    public static void main(String[] args) {
        // One line per log record (the JDK's default format takes two), set before any logger
        // exists; a user's own -Djava.util.logging.SimpleFormatter.format wins.
        if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
            System.setProperty("java.util.logging.SimpleFormatter.format", "vectornn %4$s: %5$s%6$s%n");
        }
        // The loss plot is drawn off-screen; without this a machine with no display may try (and
        // fail) to reach an X server the first time AWT loads.
        if (System.getProperty("java.awt.headless") == null) System.setProperty("java.awt.headless", "true");
        System.exit(commandLine().execute(args));
    }

    /**
     * The configured picocli command line, for tests: errors are reported as one line
     * ({@code vectornn train: error: ...}) by {@link CliErrors}.
     */
    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true);
        cl.setExecutionExceptionHandler(new CliErrors());
        cl.setParameterExceptionHandler(new CliErrors());
        return cl;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The version of this build from the jar manifest, or {@code "development build"} when run from classes. */
    static String version() {
        String v = Main.class.getPackage().getImplementationVersion();
        return v == null ? "development build" : v;
    }

    /** Version from the jar manifest (set by Maven), or "development" when run from classes. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"vectornn " + version()};
        }
    }
}
