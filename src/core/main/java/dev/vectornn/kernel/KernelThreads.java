package dev.vectornn.kernel;

/**
 * How many threads the GEMM family of {@link Kernels} may use (the calling thread plus
 * {@code threads() - 1} pool workers).
 *
 * <p>The default is {@code -Dvectornn.threads=N} when given, else {@link
 * Runtime#availableProcessors()}. The pool's daemon threads are created lazily, the first time a
 * GEMM large enough to be worth splitting runs, so a program that never multiplies big matrices
 * never starts a thread.
 *
 * <p>Work is split over blocks of rows or columns of C, never over the shared dimension {@code k},
 * so results are bit-identical for every thread count. Thread-safe: the setting is a volatile
 * field read at the start of each call; a change affects calls that start afterwards.
 */
public final class KernelThreads {
    private KernelThreads() {}

    private static volatile int threads = initial();

    private static int initial() {
        String p = System.getProperty("vectornn.threads");
        if (p == null || p.isBlank()) {
            return Math.max(1, Runtime.getRuntime().availableProcessors());
        }
        int n;
        try {
            n = Integer.parseInt(p.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("-Dvectornn.threads=" + p + " is not a number (use an integer >= 1)");
        }
        if (n < 1) {
            throw new IllegalArgumentException("-Dvectornn.threads=" + p + " must be >= 1");
        }
        return n;
    }

    /** The number of threads GEMM calls may use, at least 1. */
    public static int threads() {
        return threads;
    }

    /**
     * Sets the number of threads GEMM calls may use from now on.
     *
     * @param n at least 1; 1 runs everything on the calling thread
     * @throws IllegalArgumentException if {@code n < 1}
     */
    public static void setThreads(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("KernelThreads.setThreads: n must be >= 1, got " + n);
        }
        threads = n;
    }
}
