package dev.vectornn.kernel;

/**
 * Measures this machine's single-core float FMA throughput the same way every time, as the
 * yardstick GEMM benchmarks are compared against ("% of peak").
 *
 * <p>With the Vector API available ({@link KernelProvider#vectorAvailable()}), the probe runs
 * twelve independent chains of vector {@code fma} on the kernels' species (see {@code
 * -Dvectornn.vectorBits}); that is the peak the vector kernels can reach. Without it, it falls
 * back to twelve scalar multiply-add chains, which measures scalar throughput only (typically
 * 16x lower on an AVX-512 machine); {@link #method()} says which one ran. Only the calling thread
 * is used. Thread-safe (stateless).
 */
public final class PeakProbe {
    private PeakProbe() {}

    private static final boolean VECTOR = KernelProvider.vectorAvailable();
    private static final int CHAINS = 12;

    /** Iterations per timing slice: long enough that reading the clock costs nothing. */
    private static final long SLICE = 1L << 16;
    private static final long WARM_SLICE = 1L << 4;

    /** {@code "vector-<bits>"} or {@code "scalar"}: which probe {@link #run} uses. */
    public static String method() {
        return VECTOR ? "vector-" + dev.vectornn.kernel.simd.Simd.BITS : "scalar";
    }

    /** Floating-point operations per {@link #run} iteration (an FMA counts as two). */
    public static long flopsPerIteration() {
        return VECTOR ? dev.vectornn.kernel.simd.FmaProbe.flopsPerIteration() : 2L * CHAINS;
    }

    /**
     * Runs the probe loop {@code iterations} times and returns a value that depends on every
     * step (sink it, e.g. in a JMH Blackhole, so the loop is not eliminated).
     *
     * @param iterations at least 0
     * @throws IllegalArgumentException if {@code iterations < 0}
     */
    public static float run(long iterations) {
        if (iterations < 0) {
            throw new IllegalArgumentException("PeakProbe.run: iterations must be >= 0, got " + iterations);
        }
        return VECTOR ? dev.vectornn.kernel.simd.FmaProbe.run(iterations) : scalarRun(iterations);
    }

    /**
     * Warms the probe up (at least 300 ms and a quarter of {@code millis}, then until the rate stops
     * rising, at most 3 s, so C2 has compiled it), then runs it for about {@code millis} milliseconds and returns the measured rate.
     *
     * @param millis length of the timed phase, at least 1
     * @return single-thread float throughput in GFLOP/s
     * @throws IllegalArgumentException if {@code millis < 1}
     */
    public static double measureGflops(long millis) {
        if (millis < 1) {
            throw new IllegalArgumentException("PeakProbe.measureGflops: millis must be >= 1, got " + millis);
        }
        float sink = 0f;
        // Warm up in short calls: until C2 compiles run(), each vector op is interpreted (and
        // allocates), so one full slice could outlast the whole warm-up. C1 code is still ~200x
        // slower and its rate is flat too, so "rate stopped rising" alone is fooled: warm at
        // least 300 ms and a quarter of millis, make at least 20000 calls (past C2's invocation
        // thresholds), then go on until ten 10 ms windows in a row do not beat the best rate
        // by 2% (the C2 compile, slow on a loaded machine, has landed); at most 3 s.
        long warmStart = System.nanoTime();
        long minWarm = Math.max(300, millis / 4) * 1_000_000L;
        double last = 0;
        int stableWindows = 0;
        long warmCalls = 0;
        while (true) {
            long w0 = System.nanoTime();
            long calls = 0;
            do {
                sink += run(WARM_SLICE);
                calls++;
            } while (System.nanoTime() - w0 < 10_000_000L);
            double rate = calls / (double) (System.nanoTime() - w0);
            warmCalls += calls;
            long warmed = System.nanoTime() - warmStart;
            stableWindows = rate < last * 1.02 ? stableWindows + 1 : 0;
            last = Math.max(last, rate);
            if ((warmed >= minWarm && warmCalls >= 20_000 && stableWindows >= 10) || warmed > 3_000_000_000L) {
                break;
            }
        }
        long slices = 0;
        long start = System.nanoTime();
        long end = start + millis * 1_000_000L;
        long now;
        do {
            sink += run(SLICE);
            slices++;
            now = System.nanoTime();
        } while (now < end);
        if (sink == Float.MIN_VALUE) {  // practically never; keeps the results alive
            System.getLogger(KernelProvider.LOGGER_NAME).log(System.Logger.Level.TRACE, "probe sink " + sink);
        }
        return (double) slices * SLICE * flopsPerIteration() / (now - start);
    }

    private static float scalarRun(long iterations) {
        float x = 0.999f, y = 1e-3f;
        float a0 = 0.1f, a1 = 0.2f, a2 = 0.3f, a3 = 0.4f, a4 = 0.5f, a5 = 0.6f;
        float a6 = 0.7f, a7 = 0.8f, a8 = 0.9f, a9 = 1.0f, a10 = 1.1f, a11 = 1.2f;
        // through the multiplicand, unlike the vector probe: an unfused x * y + acc would let the
        // JIT hoist the loop-invariant product and leave only adds
        for (long i = 0; i < iterations; i++) {
            a0 = a0 * x + y; a1 = a1 * x + y; a2 = a2 * x + y; a3 = a3 * x + y;
            a4 = a4 * x + y; a5 = a5 * x + y; a6 = a6 * x + y; a7 = a7 * x + y;
            a8 = a8 * x + y; a9 = a9 * x + y; a10 = a10 * x + y; a11 = a11 * x + y;
        }
        return a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11;
    }
}
