package dev.vectornn.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Lets something outside the training loop ask it to stop cleanly, and wait until it has. The loop
 * checks {@link #requested()} between steps; when set, it writes its checkpoint, metrics and plot,
 * then calls {@link #finished()}.
 *
 * <p>Ctrl-C (SIGINT) and {@code kill} (SIGTERM) reach the loop through a JVM shutdown hook
 * ({@link #installShutdownHook}): the hook requests the stop and then blocks, for a bounded time,
 * until the loop has finished, because the JVM halts as soon as its hooks return, and it would
 * otherwise halt in the middle of the step and lose everything since the last evaluation. A
 * checkpoint write is atomic, so even if the wait runs out the previous checkpoint survives.
 *
 * <p>Thread-safe.
 */
final class StopControl {
    private volatile String reason;
    private final CountDownLatch finished = new CountDownLatch(1);
    private Thread hook;

    /** Asks the loop to stop after its current step; the first reason given is kept. */
    synchronized void request(String why) {
        if (reason == null) reason = why;
    }

    /** Whether a stop was requested. */
    boolean requested() {
        return reason != null;
    }

    /** Why the stop was requested, or null. */
    String reason() {
        return reason;
    }

    /** Called by the loop once it has stopped and saved (or ended); releases a waiting hook. */
    void finished() {
        finished.countDown();
    }

    /**
     * Waits until {@link #finished()} or the timeout.
     *
     * @return whether the loop finished in time
     */
    boolean awaitFinished(Duration timeout) {
        try {
            return finished.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * What the shutdown hook does: request the stop, say so on {@code err}, and wait up to
     * {@code timeout} for the loop to save.
     */
    Runnable hookAction(PrintWriter err, Duration timeout) {
        return () -> {
            if (finished.getCount() == 0) return; // training is over; nothing to save
            request("interrupted");
            err.println();
            err.println("vectornn train: stopping after the current step to save a checkpoint...");
            err.flush();
            if (!awaitFinished(timeout)) {
                err.println("vectornn train: gave up waiting after " + timeout.toSeconds()
                        + " s; the last checkpoint written is intact");
                err.flush();
            }
        };
    }

    /** Installs the shutdown hook (see the class comment). */
    synchronized void installShutdownHook(PrintWriter err, Duration timeout) {
        if (hook != null) return;
        hook = new Thread(hookAction(err, timeout), "vectornn-train-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** Removes the hook, unless the JVM is already shutting down (then it is running or done). */
    synchronized void removeShutdownHook() {
        if (hook == null) return;
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running: it waits for finished(), which the caller has signalled
        }
        hook = null;
    }
}
