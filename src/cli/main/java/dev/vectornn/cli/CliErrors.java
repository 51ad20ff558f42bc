package dev.vectornn.cli;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * Reports every failure as one line on standard error, {@code vectornn <command>: error: <message>},
 * and picks the exit code: 2 for a usage error (an unknown option, a bad option value, an invalid
 * size), 1 for anything that went wrong while running (a missing corpus, a corrupt checkpoint). The
 * stack trace follows only when the command was given {@code --verbose}: a user needs the message,
 * a developer the trace.
 */
final class CliErrors implements IExecutionExceptionHandler, IParameterExceptionHandler {
    /** Exit code of a failure while running. */
    static final int RUNTIME = 1;
    /** Exit code of a usage error (picocli's convention). */
    static final int USAGE = 2;

    @Override
    public int handleParseException(ParameterException ex, String[] args) {
        CommandLine cl = ex.getCommandLine();
        PrintWriter err = cl.getErr();
        String help = cl.getCommandSpec().qualifiedName();
        err.println(prefix(cl) + oneLine(ex.getMessage()) + " (see '" + help + " --help')");
        if (verbose(cl)) ex.printStackTrace(err);
        err.flush();
        return USAGE;
    }

    @Override
    public int handleExecutionException(Exception ex, CommandLine cl, ParseResult parseResult) {
        PrintWriter err = cl.getErr();
        if (ex instanceof ParameterException pe) return handleParseException(pe, parseResult.originalArgs().toArray(String[]::new));
        boolean verbose = verbose(cl);
        err.println(prefix(cl) + message(ex, verbose));
        if (verbose) ex.printStackTrace(err);
        err.flush();
        return RUNTIME;
    }

    private static String prefix(CommandLine cl) {
        return cl.getCommandSpec().qualifiedName() + ": error: ";
    }

    private static boolean verbose(CommandLine cl) {
        ParseResult r = cl.getParseResult();
        return r != null && cl.getCommandSpec().findOption("--verbose") != null && r.hasMatchedOption("--verbose");
    }

    /**
     * The one-line message of a failure. The project's own exceptions (corpus, vocabulary,
     * checkpoint, safetensors, invalid settings) already name the file and what is wrong; the JDK's
     * file exceptions carry only a path, so they get a word saying what happened to it.
     */
    static String message(Throwable ex, boolean verbose) {
        if (ex instanceof UncheckedIOException u && u.getCause() != null) ex = u.getCause();
        String m = ex.getMessage();
        String text;
        if (ex instanceof NoSuchFileException e) text = e.getFile() + ": no such file or folder";
        else if (ex instanceof AccessDeniedException e) text = e.getFile() + ": permission denied";
        else if (ex instanceof FileAlreadyExistsException e) text = e.getFile() + ": already exists";
        else if (ex instanceof NotDirectoryException e) text = e.getFile() + ": not a folder";
        else if (ex instanceof DirectoryNotEmptyException e) text = e.getFile() + ": folder not empty";
        else if (ex instanceof FileSystemException e && e.getReason() != null) text = e.getFile() + ": " + e.getReason();
        else if (ex instanceof UserException || ex instanceof java.io.IOException || ex instanceof IllegalArgumentException
                || ex instanceof IllegalStateException) {
            text = m == null ? ex.getClass().getSimpleName() : m;
        } else {
            // Not one of ours: a bug. Say so, and where to look.
            text = "internal error: " + ex + (verbose ? "" : " (run with --verbose for the stack trace)");
        }
        return oneLine(text);
    }

    /** Joins the lines of a message, so that every failure prints exactly one line. */
    static String oneLine(String s) {
        return s == null ? "" : s.strip().replaceAll("\\s*\\R\\s*", "; ");
    }

    /** A failure whose message is meant for the user as it stands (exit code 1). */
    static final class UserException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        /**
         * @param message one line saying what is wrong and, where there is one, what to do
         */
        UserException(String message) {
            super(message);
        }

        /**
         * @param message one line saying what is wrong
         * @param cause   the underlying exception (shown with {@code --verbose})
         */
        UserException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
