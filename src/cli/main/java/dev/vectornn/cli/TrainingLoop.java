package dev.vectornn.cli;

import dev.vectornn.lm.Checkpoint;
import dev.vectornn.lm.Trainer;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;

/**
 * The loop of {@code vectornn train}: steps the {@link Trainer}, appends a metrics row per step,
 * evaluates every {@code evalEvery} steps and at the end (then writes {@code latest.safetensors},
 * {@code best.safetensors} when validation improved, and the plot), and stops early, with a
 * checkpoint, when asked: {@code --stop-at}, {@code --time-limit}, or Ctrl-C through
 * {@link StopControl}.
 *
 * <p>A step and the evaluation due after it are one unit: a stop request is honoured only between
 * units. Stopping between the step and its evaluation would save a state the uninterrupted run
 * never had (the plateau schedule lowers the learning rate in the evaluation), and the resumed run
 * would then drift from it. A stop writes no evaluation of its own, for the same reason.
 *
 * <p>Metrics rows are flushed before the checkpoint they lead up to, so a checkpoint never
 * refers to an iteration the log lacks; rows past the checkpoint (a kill after the row, before the
 * next checkpoint) are dropped on resume by {@link MetricsLog#resume}.
 */
final class TrainingLoop {
    /** How a session of training ended. */
    enum End {
        /** All iterations are done. */
        DONE,
        /** {@code --stop-at} was reached. */
        STOP_AT,
        /** {@code --time-limit} ran out. */
        TIME_LIMIT,
        /** Ctrl-C or SIGTERM. */
        INTERRUPTED
    }

    /**
     * The result of {@link #run()}.
     *
     * @param end       why it ended
     * @param iteration the iteration saved in {@code latest.safetensors}
     * @param elapsed   wall time of the whole run so far, earlier sessions included
     */
    record Outcome(End end, int iteration, Duration elapsed) {}

    private final Trainer trainer;
    private final RunFolder run;
    private final MetricsLog metrics;
    private final ProgressDisplay display;
    private final StopControl stop;
    private final Integer stopAt;
    private final Duration timeLimit;
    private final boolean verbose;
    private final PrintWriter err;
    private boolean plotFailed;

    /**
     * @param trainer   a new or resumed trainer
     * @param run       the run folder
     * @param metrics   the metrics log, positioned at the trainer's iteration
     * @param display   the progress bar
     * @param stop      stop requests (the shutdown hook's, and this loop's own)
     * @param stopAt    stop after this iteration, or null
     * @param timeLimit stop after this much time in this session, or null
     * @param verbose   print a line per step
     * @param err       for warnings
     */
    TrainingLoop(Trainer trainer, RunFolder run, MetricsLog metrics, ProgressDisplay display, StopControl stop,
                 Integer stopAt, Duration timeLimit, boolean verbose, PrintWriter err) {
        this.trainer = trainer;
        this.run = run;
        this.metrics = metrics;
        this.display = display;
        this.stop = stop;
        this.stopAt = stopAt;
        this.timeLimit = timeLimit;
        this.verbose = verbose;
        this.err = err;
    }

    /**
     * Trains until done or asked to stop, and leaves {@code latest.safetensors} at the last
     * completed iteration.
     *
     * @throws CliErrors.UserException if the loss becomes NaN or infinite (the diverged state is
     *     not saved: the last checkpoint stays the last good one)
     * @throws IOException if a file of the run cannot be written
     */
    Outcome run() throws IOException {
        long sessionStart = System.nanoTime();
        double before = metrics.rows().isEmpty() ? 0 : metrics.rows().getLast().elapsedS();
        int evalEvery = trainer.config().evalEvery();
        int savedAt = -1;
        double tokensPerS = Double.NaN;
        double lastVal = lastValLoss();
        while (!trainer.done() && !stop.requested()) {
            long t0 = System.nanoTime();
            double loss = trainer.step();
            long t1 = System.nanoTime();
            double lr = trainer.lr(); // the rate this step used (the plateau schedule changes it only in validate)
            int it = trainer.iteration();
            double tps = trainer.tokensPerStep() / Math.max(1e-9, (t1 - t0) / 1e9);
            tokensPerS = Double.isNaN(tokensPerS) ? tps : 0.9 * tokensPerS + 0.1 * tps;
            Trainer.Evaluation e = it % evalEvery == 0 || trainer.done() ? trainer.validate() : null;
            double elapsed = before + (System.nanoTime() - sessionStart) / 1e9;
            metrics.append(new MetricsLog.Row(it, loss, e == null ? Double.NaN : e.loss(), lr, tps, elapsed));
            if (!Double.isFinite(loss) || (e != null && !Double.isFinite(e.loss()))) {
                throw new CliErrors.UserException("training diverged: the " + (Double.isFinite(loss) ? "validation" : "training")
                        + " loss at iteration " + it + " is " + (Double.isFinite(loss) ? e.loss() : loss) + "; "
                        + (java.nio.file.Files.exists(run.file(RunFolder.LATEST))
                                ? "the last good checkpoint, " + run.file(RunFolder.LATEST) + ", is kept; " : "")
                        + "try a lower --lr or --clip");
            }
            if (verbose) {
                display.log(String.format(Locale.ROOT, "iter %d/%d: loss %.4f, lr %.3e, grad norm %.3f, %.0f ms", it,
                        trainer.config().iters(), loss, lr, trainer.lastGradNorm(), (t1 - t0) / 1e6));
            }
            if (e != null) {
                lastVal = e.loss();
                save(e.improved());
                savedAt = it;
                display.log(String.format(Locale.ROOT, "iter %d/%d: train loss %.4f, val loss %.4f (ppl %.2f%s), lr %.2e, %s tok/s, %s",
                        it, trainer.config().iters(), loss, e.loss(), e.perplexity(), e.improved() ? ", best" : "", lr,
                        kilo(tokensPerS), Converters.clock(Duration.ofMillis((long) (elapsed * 1000)))));
            }
            display.update(it, String.format(Locale.ROOT, "loss %.3f | val %s | %s tok/s", loss,
                    Double.isNaN(lastVal) ? "-" : String.format(Locale.ROOT, "%.3f", lastVal), kilo(tokensPerS)));
            if (!trainer.done()) {
                if (stopAt != null && it >= stopAt) stop.request("stop-at");
                if (timeLimit != null && System.nanoTime() - sessionStart >= timeLimit.toNanos()) stop.request("time-limit");
            }
        }
        if (savedAt != trainer.iteration()) save(false);
        Duration total = Duration.ofMillis((long) ((before + (System.nanoTime() - sessionStart) / 1e9) * 1000));
        End end = trainer.done() ? End.DONE : switch (stop.reason()) {
            case "stop-at" -> End.STOP_AT;
            case "time-limit" -> End.TIME_LIMIT;
            default -> End.INTERRUPTED;
        };
        return new Outcome(end, trainer.iteration(), total);
    }

    /** The last validation loss in the log (a resumed run shows it from the start), or NaN. */
    private double lastValLoss() {
        for (int i = metrics.rows().size() - 1; i >= 0; i--) if (metrics.rows().get(i).evaluated()) return metrics.rows().get(i).valLoss();
        return Double.NaN;
    }

    /** Writes latest (and best) and redraws the plot. */
    private void save(boolean best) throws IOException {
        Checkpoint c = trainer.checkpoint();
        c.write(run.file(RunFolder.LATEST));
        if (best) c.write(run.file(RunFolder.BEST));
        plot();
    }

    /**
     * Redraws {@code loss.png}. A plot is a convenience: if it cannot be drawn (say, a machine
     * without fonts for AWT), training goes on and the reason is shown once.
     */
    void plot() {
        try {
            LossPlot.write(run.file(RunFolder.PLOT), run.dir().getFileName().toString(), metrics.rows());
        } catch (IOException | RuntimeException | LinkageError | java.awt.AWTError e) {
            if (!plotFailed) {
                plotFailed = true;
                err.println("vectornn train: warning: cannot draw " + run.file(RunFolder.PLOT) + ": " + CliErrors.oneLine(String.valueOf(e)));
                err.flush();
            }
        }
    }

    /** 15234.5 -> "15.2k". */
    static String kilo(double v) {
        if (Double.isNaN(v)) return "-";
        return v >= 1e6 ? String.format(Locale.ROOT, "%.2fM", v / 1e6)
                : v >= 1e3 ? String.format(Locale.ROOT, "%.1fk", v / 1e3) : String.format(Locale.ROOT, "%.0f", v);
    }
}
