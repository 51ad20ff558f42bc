package dev.vectornn.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.time.Duration;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarConsumer;
import me.tongfei.progressbar.ProgressBarStyle;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;

/**
 * The training progress bar (me.tongfei:progressbar): iteration, percentage, elapsed time and ETA,
 * with the train loss, last validation loss and tokens/s as its message. Two modes:
 * <ul>
 *   <li><b>terminal</b>: the bar redraws in place on standard output twice a second; other lines
 *       ({@link #log}) are printed above it;</li>
 *   <li><b>lines</b> (standard output is a pipe, a file, CI or a test): the same bar text, but as
 *       a whole line only at each tenth of the run and at the end, so a log gets about ten progress
 *       lines and never a carriage return.</li>
 * </ul>
 *
 * <p>The terminal mode does not use the library's console consumer: that one opens a JLine
 * terminal with JLine's default signal handling, which resets SIGINT to the operating system's
 * default action, so Ctrl-C would kill the JVM on the spot, skipping the shutdown hook that saves
 * the checkpoint. {@link TerminalLine} opens its terminal with native signals off.
 */
final class ProgressDisplay implements AutoCloseable {
    private static final String CLEAR_LINE = "\r\u001b[2K";

    private final ProgressBar bar;
    private final PrintWriter out;
    private final boolean terminal;
    private final PrintStream stream;

    private ProgressDisplay(ProgressBar bar, PrintWriter out, boolean terminal, PrintStream stream) {
        this.bar = bar;
        this.out = out;
        this.terminal = terminal;
        this.stream = stream;
    }

    /** Whether standard output is an interactive terminal (not a pipe, file, or the test harness). */
    static boolean stdoutIsTerminal() {
        java.io.Console c = System.console();
        return c != null && c.isTerminal();
    }

    /**
     * A bar in terminal mode, drawn on {@code System.out}.
     *
     * @param start         the iteration it starts from (a resumed run's checkpoint)
     * @param max           the last iteration
     * @param elapsedBefore time spent in earlier sessions of the run
     */
    static ProgressDisplay terminal(PrintWriter out, long start, long max, Duration elapsedBefore) {
        ProgressBar bar = builder(start, max, elapsedBefore).setStyle(ProgressBarStyle.UNICODE_BLOCK)
                .setUpdateIntervalMillis(500).setConsumer(new TerminalLine(System.out)).build();
        return new ProgressDisplay(bar, out, true, System.out);
    }

    /**
     * A bar in lines mode, printing to {@code out}.
     *
     * @see #terminal
     */
    static ProgressDisplay lines(PrintWriter out, long start, long max, Duration elapsedBefore) {
        SparseLines consumer = new SparseLines(out, start, max);
        ProgressBar bar = builder(start, max, elapsedBefore).setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(250)
                .setConsumer(consumer).build();
        consumer.bar = bar;
        return new ProgressDisplay(bar, out, false, null);
    }

    private static ProgressBarBuilder builder(long start, long max, Duration elapsedBefore) {
        return new ProgressBarBuilder().setTaskName("train").setInitialMax(max).startsFrom(start, elapsedBefore);
    }

    /** Moves the bar to {@code iteration} and sets its message (loss, val loss, tokens/s). */
    void update(long iteration, String message) {
        bar.setExtraMessage(message);
        bar.stepTo(iteration);
    }

    /** Prints a whole line (an evaluation, a warning) without tearing the bar. */
    void log(String line) {
        if (terminal) {
            // one print call: the bar's own redraw (another thread, same stream) cannot interleave
            stream.print(CLEAR_LINE + line + System.lineSeparator());
            stream.flush();
            bar.refresh();
        } else {
            out.println(line);
            out.flush();
        }
    }

    /** Draws the final state and ends the bar's line. */
    @Override
    public void close() {
        bar.close();
        out.flush();
    }

    /** Prints a rendered bar as a line each time the run passes another tenth, and the last one on close. */
    private static final class SparseLines implements ProgressBarConsumer {
        private static final int WIDTH = 110;
        private final PrintWriter out;
        private final long max;
        private final long step;
        private long next;
        private long printed = -1;
        private String last;
        private long lastAt = -1;
        volatile ProgressBar bar;

        SparseLines(PrintWriter out, long start, long max) {
            this.out = out;
            this.max = max;
            this.step = Math.max(1, max / 10);
            this.next = (start / step + 1) * step;
        }

        @Override
        public int getMaxRenderedLength() {
            return WIDTH;
        }

        @Override
        public synchronized void accept(String rendered) {
            ProgressBar b = bar;
            long current = b == null ? -1 : b.getCurrent();
            last = rendered.stripTrailing();
            lastAt = current;
            if (current >= next && current < max) {
                print(current);
                next = (current / step + 1) * step;
            }
        }

        private void print(long current) {
            out.println(last);
            out.flush();
            printed = current;
        }

        @Override
        public synchronized void close() {
            if (last != null && lastAt != printed) print(lastAt);
        }
    }

    /** Redraws the bar in place (carriage return) at the terminal's width. */
    static final class TerminalLine implements ProgressBarConsumer {
        private static final int FALLBACK_WIDTH = 100;
        private final PrintStream out;
        private final Terminal terminal;

        TerminalLine(PrintStream out) {
            this.out = out;
            this.terminal = openTerminal();
        }

        /**
         * A JLine terminal for its width only. nativeSignals(false) keeps the JVM's own SIGINT and
         * SIGTERM handlers, and with them the shutdown hook (see the class comment).
         */
        private static Terminal openTerminal() {
            try {
                return TerminalBuilder.builder().system(true).nativeSignals(false).dumb(true).build();
            } catch (java.io.IOException | RuntimeException e) {
                return null; // the width falls back to FALLBACK_WIDTH
            }
        }

        @Override
        public int getMaxRenderedLength() {
            int w = terminal == null ? 0 : terminal.getWidth();
            // one column short of the edge: a line that fills it wraps on some terminals
            return (w >= 20 ? w : FALLBACK_WIDTH) - 1;
        }

        @Override
        public void accept(String rendered) {
            out.print("\r" + rendered);
            out.flush();
        }

        @Override
        public void close() {
            out.println();
            out.flush();
            if (terminal != null) {
                try {
                    terminal.close();
                } catch (java.io.IOException ignored) {
                    // nothing was changed on the terminal; closing only releases the handle
                }
            }
        }
    }
}
