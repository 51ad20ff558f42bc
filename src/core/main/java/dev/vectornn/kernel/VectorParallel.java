package dev.vectornn.kernel;

import dev.vectornn.kernel.parallel.Parallel;

/**
 * How the Vector kernels outside GEMM split their work over the kernel thread pool
 * ({@link Parallel}, {@link KernelThreads#threads()} threads).
 *
 * <p><b>Bit-identical for every thread count.</b> Work is split only where no element's
 * arithmetic depends on the split: over independent rows (softmax family, layer norm, LSTM
 * rows, broadcast rows), over element ranges of element-wise kernels whose boundaries are
 * multiples of {@link #GRAIN} (so every element but those of the last range's tail runs in the
 * same full-vector loop as in the serial call, and the last range ends where the serial call
 * ends, with the same tail), and over column ranges of a per-column accumulation whose order
 * over rows stays the serial one. A sum is split only where the serial kernel already cuts it:
 * {@code dot} and {@code sum} add float sums of fixed {@value VectorKernels#CHUNK}-element
 * chunks into a double in chunk order, so threads compute ranges of chunk sums and the caller
 * adds them in that same order.
 *
 * <p><b>Thresholds.</b> Handing a part to a pool worker costs about a microsecond when the
 * worker is still spinning from the previous section (back-to-back kernels of a training step)
 * and tens of microseconds when it has parked; a call only splits when its work would take
 * several times that on one thread. Memory-bound arithmetic (binary ops, axpy, scale, fill,
 * optimizer updates) runs at a few elements per nanosecond, hence {@link #MIN_ARITHMETIC}
 * elements; kernels with exponentials, tanh, GELU or several passes per element (unary
 * transcendentals, softmax rows, layer norm, the LSTM cell) cost several times as much per
 * element, hence the lower {@link #MIN_HEAVY}. Both can be overridden for benchmarking
 * ({@code -Dvectornn.parallel.minArithmetic}, {@code -Dvectornn.parallel.minHeavy}).
 *
 * <p><b>Allocation.</b> None: each kernel has one reusable task object holding its arguments,
 * guarded by the pool's lock (set after {@link Parallel#tryAcquire}, cleared before
 * {@link Parallel#release}). A kernel that finds the pool busy, or that is itself called from
 * inside a task, runs on the calling thread.
 */
final class VectorParallel {
    private VectorParallel() {}

    /**
     * Element ranges start at multiples of this: a multiple of every vector length (up to 2048
     * bits) and of {@link VectorUnary#CHUNK_U}, and long enough that a range is never shorter
     * than a few hand-off costs.
     */
    static final int GRAIN = 1024;

    /** Fewest elements for which cheap, memory-bound element-wise kernels split (see the class comment). */
    static final long MIN_ARITHMETIC = positive("vectornn.parallel.minArithmetic", 1 << 15);

    /** Fewest elements for which transcendental and multi-pass kernels split (see the class comment). */
    static final long MIN_HEAVY = positive("vectornn.parallel.minHeavy", 1 << 13);

    private static long positive(String name, long dflt) {
        long v = Long.getLong(name, dflt);
        if (v < 1) {
            throw new IllegalArgumentException("-D" + name + "=" + v + " must be >= 1");
        }
        return v;
    }

    /**
     * Threads for a call of {@code work} elements splittable into {@code units} independent
     * pieces: 1 (run inline) below {@code min} or with fewer than two units, else up to
     * {@link KernelThreads#threads()}.
     */
    static int parts(long work, long min, long units) {
        int t = KernelThreads.threads();
        if (t < 2 || work < min || units < 2) {
            return 1;
        }
        return (int) Math.min(t, units);
    }

    /** Threads for an element-wise call over {@code n} elements split at multiples of {@link #GRAIN}. */
    static int elementParts(int n, long min) {
        return parts(n, min, grains(n));
    }

    /** Number of {@link #GRAIN}-sized ranges covering {@code n} elements. */
    static int grains(int n) {
        return (int) (((long) n + GRAIN - 1) / GRAIN);
    }

    /** First unit of part {@code part} of {@code parts} over {@code units} units (balanced to one unit). */
    static int split(int part, int parts, int units) {
        return (int) ((long) part * units / parts);
    }

    /**
     * Takes the pool for a call split into {@code parts}: {@code false} (run inline) when
     * {@code parts < 2} or the pool is busy. A {@code true} must be followed by {@link #end} in a
     * {@code finally}.
     */
    static boolean begin(int parts) {
        return parts > 1 && Parallel.tryAcquire();
    }

    /** Drops the task's array references (so that they can be collected) and gives the pool back. */
    static void end(RangeTask t) {
        try {
            t.clear();
        } finally {
            Parallel.release();
        }
    }

    /**
     * A reusable task over {@code [0, n)} split at multiples of a unit size: part {@code p} gets
     * the units {@code split(p)} to {@code split(p + 1)} and runs {@link #range} over them (the
     * last part's range ends at {@code n}). The subclass holds the kernel's arguments.
     */
    abstract static class RangeTask implements Parallel.Task {
        private int n, unit;

        /**
         * Runs {@link #range} over {@code [0, n)} in {@code parts} pieces of whole units. The
         * caller holds the pool and has set the arguments.
         */
        final void runSplit(int n, int unit, int parts) {
            this.n = n;
            this.unit = unit;
            Parallel.run(this, parts);
        }

        @Override
        public final void run(int part, int parts) {
            int units = (int) (((long) n + unit - 1) / unit);
            long from = (long) split(part, parts, units) * unit;
            long to = Math.min(n, (long) split(part + 1, parts, units) * unit);
            if (from < to) {
                range((int) from, (int) to);
            }
        }

        /** The kernel over elements (or rows, or columns) {@code [from, to)}. */
        abstract void range(int from, int to);

        /** Nulls the array arguments once the call is over. */
        abstract void clear();
    }
}
