package dev.vectornn.kernel.simd;

import static dev.vectornn.kernel.simd.Simd.F;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * The vector half of {@code dev.vectornn.kernel.PeakProbe}: float FMA throughput of one core
 * with {@link Simd#F}. Twelve independent accumulator chains, each {@code acc = x * y + acc}
 * through one {@code fma}: with 4-cycle FMA latency and up to two FMAs issued per cycle, eight
 * chains already keep both units busy, twelve leave margin. The chain runs through the addend,
 * as a GEMM accumulator's does: through the multiplicand ({@code acc = acc * x + y}, this
 * probe's form until session 18) a Zen 3 EPYC (AVX2, 8 lanes) ran 62 GFLOP/s where this form,
 * and the 5 x 2 GEMM kernel on L1-resident panels, ran 92 and 70, so GEMMs showed above 90 % of
 * a "peak" they were far from. Each chain grows by {@code x * y} per step: a call of 2^16 steps
 * ends near 67, far below 2^15, where the step would drop under half an ulp; the fma rounds
 * once, so the JIT may not hoist {@code x * y} out of the loop. The sum of all lanes is
 * returned so the JIT cannot drop the loop.
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
            a0 = x.fma(y, a0); a1 = x.fma(y, a1); a2 = x.fma(y, a2); a3 = x.fma(y, a3);
            a4 = x.fma(y, a4); a5 = x.fma(y, a5); a6 = x.fma(y, a6); a7 = x.fma(y, a7);
            a8 = x.fma(y, a8); a9 = x.fma(y, a9); a10 = x.fma(y, a10); a11 = x.fma(y, a11);
        }
        return a0.add(a1).add(a2).add(a3).add(a4).add(a5)
                .add(a6).add(a7).add(a8).add(a9).add(a10).add(a11)
                .reduceLanes(VectorOperators.ADD);
    }
}
