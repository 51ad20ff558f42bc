package dev.vectornn.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code vectornn} command line. */
@Command(name = "vectornn",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Pure-Java deep learning on the Java Vector API.",
        subcommands = {InfoCommand.class, GradcheckCommand.class, CommandLine.HelpCommand.class})
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
        System.exit(commandLine().execute(args));
    }

    /** The configured picocli command line, for tests. */
    static CommandLine commandLine() {
        return new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true);
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Version from the jar manifest (set by Maven), or "development" when run from classes. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"vectornn " + (v == null ? "development build" : v)};
        }
    }
}
