package dev.vectornn.kernel.simd;

import static dev.vectornn.kernel.simd.Simd.F;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * The vector half of {@code dev.vectornn.kernel.PeakProbe}: float FMA throughput of one core
 * with {@link Simd#F}. Twelve independent accumulator chains, each {@code acc = acc * x + y}
 * through one {@code fma}: with 4-cycle FMA latency and up to two FMAs issued per cycle, eight
 * chains already keep both units busy, twelve leave margin. The chains converge to a finite
 * value ({@code y / (1 - x)}), so no infinities or subnormals slow the hardware down, and the sum
 * of all lanes is returned so the JIT cannot drop the loop.
 *
 * <p>Only load this class when {@code jdk.incubator.vector} is readable. Thread-safe.
 */
public final class FmaProbe {
    private FmaProbe() {}

    private static final int CHAINS = 12;

    /** Floating-point operations per {@link #run} iteration: chains x lanes x 2 (an FMA is two). */
    public static long flopsPerIteration() {
        return 2L * CHAINS * Simd.LANES;
    }

    /** Runs {@code iterations} rounds of {@value #CHAINS} independent vector FMAs; returns their sum. */
    public static float run(long iterations) {
        FloatVector x = FloatVector.broadcast(F, 0.999f);
        FloatVector y = FloatVector.broadcast(F, 1e-3f);
        FloatVector a0 = FloatVector.broadcast(F, 0.1f), a1 = FloatVector.broadcast(F, 0.2f);
        FloatVector a2 = FloatVector.broadcast(F, 0.3f), a3 = FloatVector.broadcast(F, 0.4f);
        FloatVector a4 = FloatVector.broadcast(F, 0.5f), a5 = FloatVector.broadcast(F, 0.6f);
        FloatVector a6 = FloatVector.broadcast(F, 0.7f), a7 = FloatVector.broadcast(F, 0.8f);
        FloatVector a8 = FloatVector.broadcast(F, 0.9f), a9 = FloatVector.broadcast(F, 1.0f);
        FloatVector a10 = FloatVector.broadcast(F, 1.1f), a11 = FloatVector.broadcast(F, 1.2f);
        for (long i = 0; i < iterations; i++) {
            a0 = a0.fma(x, y); a1 = a1.fma(x, y); a2 = a2.fma(x, y); a3 = a3.fma(x, y);
            a4 = a4.fma(x, y); a5 = a5.fma(x, y); a6 = a6.fma(x, y); a7 = a7.fma(x, y);
            a8 = a8.fma(x, y); a9 = a9.fma(x, y); a10 = a10.fma(x, y); a11 = a11.fma(x, y);
        }
        return a0.add(a1).add(a2).add(a3).add(a4).add(a5)
                .add(a6).add(a7).add(a8).add(a9).add(a10).add(a11)
                .reduceLanes(VectorOperators.ADD);
    }
}
