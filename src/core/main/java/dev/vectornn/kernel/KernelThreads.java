package dev.vectornn.kernel;

/**
 * How many threads the Vector API {@link Kernels} may use (the calling thread plus
 * {@code threads() - 1} pool workers). Multi-threaded, when a call is large enough to be worth
 * the hand-off: GEMM, batched GEMM, the element-wise kernels ({@code axpy}, {@code scale},
 * {@code fill}, {@code binary} and its row and column broadcasts, {@code unary} and
 * {@code unaryBackward}), {@code addRows}, {@code dot} and {@code sum}, the softmax family and
 * its VJPs, layer norm and its VJP, the attention softmax (single and batched) and its VJP, the
 * LSTM cell and its VJP, and the SGD and Adam updates. {@code max}, {@code argmax} and GEMV run on the calling thread; so does
 * everything in the scalar kernels.
 *
 * <p>The default is {@code -Dvectornn.threads=N} when given, else {@link
 * Runtime#availableProcessors()}. The pool's daemon threads are created lazily, the first time a
 * call large enough to be worth splitting runs, so a program that only makes small calls never
 * starts a thread.
 *
 * <p>Results are bit-identical for every thread count: GEMM splits blocks of rows or columns of
 * C, never the shared dimension {@code k}; the other kernels split independent rows, element
 * ranges at multiples of a fixed grain (so each element takes the same code path as in a
 * one-thread call), or, for the layer-norm parameter gradients, column ranges that keep the
 * serial order of the row sums. {@code dot} and {@code sum} already add fixed 4096-element chunk
 * sums in chunk order; threads compute ranges of those chunks, and the caller adds them in the
 * same order. Thread-safe: the setting is a volatile field
 * read at the start of each call; a change affects calls that start afterwards. One parallel
 * section runs at a time; a call that finds the pool busy (another thread's call holds it, or
 * the call is made from inside a pool task) runs on its own thread, with the same result.
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

    /** The number of threads a kernel call may use, at least 1. */
    public static int threads() {
        return threads;
    }

    /**
     * Sets the number of threads kernel calls may use from now on.
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
