package dev.vectornn.kernel.gemm;

import static dev.vectornn.kernel.simd.Simd.F;

import dev.vectornn.kernel.simd.Simd;
import jdk.incubator.vector.FloatVector;

/**
 * Register-blocked GEMM micro-kernels: an {@code MR x NR} tile of C ({@code NR = NRV} vectors)
 * held in {@code MR * NRV} vector accumulators while {@code kc} rank-1 updates stream through.
 *
 * <p>Contract of every kernel {@code kMRxNRV}: {@code ap[ai + p*as + r]} is op(A)(r, p) and
 * {@code bp[bi + p*NR + j]} is op(B)(p, j) for {@code p < kc}: {@code as} is {@code MR} for a
 * packed panel (zero-padded at the edges) or {@code lda} for a transposed A read in place (its
 * {@code MR} values for one {@code p} are contiguous). The {@code kMRxNRVrows} twins read
 * op(A)(r, p) at {@code ap[ai + r*rs + p]}, a row-major A in place. B is always a packed panel.
 * Each accumulator starts at zero and takes one {@code fma} per {@code p}, in order, so an
 * element's value depends only on its own row of A, column of B and {@code kc}, never on where
 * the tile sits, which thread runs it or whether A was packed. The raw sums go to
 * {@code t[r*NR + j]}; the caller scales and merges them into C. The 12 x 2 and 5 x 2 kernels
 * take the tile's offset and row stride, so that where C is the raw sums (alpha 1, beta 0, no addend,
 * a full tile) they store straight into C.
 *
 * <p>Why the kernels do not write C themselves: kept this small, C1 can compile them (a kernel
 * that also held the alpha/beta write-back made C1's tier-3 compile fail with "out of virtual
 * registers", leaving the kernel stuck in slow, allocating tier-2 code and never reaching C2).
 * The extra trip through {@code t} costs {@code 2*MR*NRV} L1 accesses per {@code kc*MR*NRV}
 * FMAs. The accumulators are named locals, not an array: only locals stay in registers.
 * The code is regular by construction (one line per tile row); keep it that way when editing.
 * The rows twins are separate methods rather than a second stride on the packed kernels: a
 * multiplied row offset in the packed kernel costs it registers and, measured, about 9%.
 */
final class MicroKernels {
    private MicroKernels() {}

    private static final int L = Simd.LANES;

    /**
     * Depths per inner loop of the rows kernels, which run their depth loop in chunks of this many.
     * Their loop body, with no range check left in it, is one basic block, and C2's scheduler then
     * loads every row's A broadcast at the top of it: 5 x 2 needs 10 accumulators + 2 B + 5
     * broadcasts = 17 of AVX2's 16 registers, and one accumulator lives on the stack (a
     * load-FMA-store chain through memory each depth). Whether that happens depended on the garbage
     * collector: G1, ZGC, Shenandoah and Epsilon make C2 strip-mine counted loops (an outer loop
     * holding the safepoint poll), which changed the schedule to two broadcasts live at a time;
     * Parallel and Serial GC (and G1 with {@code -XX:LoopStripMiningIter=0}) do not, and the spill
     * appeared (JDK 25 disassembly, Zen 3 EPYC, 8 lanes). Chunking by hand gives the strip-mined
     * shape under every collector. Measured there, one thread, L1-resident panels, kc 512: the 5 x 2
     * rows kernel ran 31-32 GFLOP/s under Parallel GC before and 63-79 after (G1: 64-78 before, 54-81
     * after, the host's noise); the 128 x 512 x 784 linear forward (computed transposed, its weight
     * read in place by this kernel) took 3.4-3.6 ms under Parallel GC against 1.3-2.1 under G1
     * before, 1.4-2.7 ms under Parallel after. The chunk length was not tuned: any few hundred depths
     * give the nested shape, and the outer loop costs one bound per chunk (kc is at most {@link
     * VectorGemm#KC}); only 256 was measured. The packed kernels keep a range check per depth (their
     * stride {@code as} is not a constant), which splits the body into blocks, and did not spill
     * under either collector. Each element still takes its products in order, so the bits do not
     * change.
     */
    private static final int ROWS_CHUNK = 256;

    /** The 12 x 2-vector tile: see the class comment for the contract. */
    static void k12x2(int kc, float[] ap, int ai, int as, float[] bp, int bi,
            float[] t, int to, int ldt) {
        FloatVector c0_0 = FloatVector.zero(F), c0_1 = FloatVector.zero(F);
        FloatVector c1_0 = FloatVector.zero(F), c1_1 = FloatVector.zero(F);
        FloatVector c2_0 = FloatVector.zero(F), c2_1 = FloatVector.zero(F);
        FloatVector c3_0 = FloatVector.zero(F), c3_1 = FloatVector.zero(F);
        FloatVector c4_0 = FloatVector.zero(F), c4_1 = FloatVector.zero(F);
        FloatVector c5_0 = FloatVector.zero(F), c5_1 = FloatVector.zero(F);
        FloatVector c6_0 = FloatVector.zero(F), c6_1 = FloatVector.zero(F);
        FloatVector c7_0 = FloatVector.zero(F), c7_1 = FloatVector.zero(F);
        FloatVector c8_0 = FloatVector.zero(F), c8_1 = FloatVector.zero(F);
        FloatVector c9_0 = FloatVector.zero(F), c9_1 = FloatVector.zero(F);
        FloatVector c10_0 = FloatVector.zero(F), c10_1 = FloatVector.zero(F);
        FloatVector c11_0 = FloatVector.zero(F), c11_1 = FloatVector.zero(F);
        for (int p = 0; p < kc; p++) {
            int bq = bi + p * 2 * L;
            int aq = ai + p * as;
            FloatVector b0 = FloatVector.fromArray(F, bp, bq);
            FloatVector b1 = FloatVector.fromArray(F, bp, bq + 1 * L);
            FloatVector a0 = FloatVector.broadcast(F, ap[aq + 0]);
            c0_0 = a0.fma(b0, c0_0); c0_1 = a0.fma(b1, c0_1);
            FloatVector a1 = FloatVector.broadcast(F, ap[aq + 1]);
            c1_0 = a1.fma(b0, c1_0); c1_1 = a1.fma(b1, c1_1);
            FloatVector a2 = FloatVector.broadcast(F, ap[aq + 2]);
            c2_0 = a2.fma(b0, c2_0); c2_1 = a2.fma(b1, c2_1);
            FloatVector a3 = FloatVector.broadcast(F, ap[aq + 3]);
            c3_0 = a3.fma(b0, c3_0); c3_1 = a3.fma(b1, c3_1);
            FloatVector a4 = FloatVector.broadcast(F, ap[aq + 4]);
            c4_0 = a4.fma(b0, c4_0); c4_1 = a4.fma(b1, c4_1);
            FloatVector a5 = FloatVector.broadcast(F, ap[aq + 5]);
            c5_0 = a5.fma(b0, c5_0); c5_1 = a5.fma(b1, c5_1);
            FloatVector a6 = FloatVector.broadcast(F, ap[aq + 6]);
            c6_0 = a6.fma(b0, c6_0); c6_1 = a6.fma(b1, c6_1);
            FloatVector a7 = FloatVector.broadcast(F, ap[aq + 7]);
            c7_0 = a7.fma(b0, c7_0); c7_1 = a7.fma(b1, c7_1);
            FloatVector a8 = FloatVector.broadcast(F, ap[aq + 8]);
            c8_0 = a8.fma(b0, c8_0); c8_1 = a8.fma(b1, c8_1);
            FloatVector a9 = FloatVector.broadcast(F, ap[aq + 9]);
            c9_0 = a9.fma(b0, c9_0); c9_1 = a9.fma(b1, c9_1);
            FloatVector a10 = FloatVector.broadcast(F, ap[aq + 10]);
            c10_0 = a10.fma(b0, c10_0); c10_1 = a10.fma(b1, c10_1);
            FloatVector a11 = FloatVector.broadcast(F, ap[aq + 11]);
            c11_0 = a11.fma(b0, c11_0); c11_1 = a11.fma(b1, c11_1);
        }
        c0_0.intoArray(t, to + 0 * ldt); c0_1.intoArray(t, to + 0 * ldt + L);
        c1_0.intoArray(t, to + 1 * ldt); c1_1.intoArray(t, to + 1 * ldt + L);
        c2_0.intoArray(t, to + 2 * ldt); c2_1.intoArray(t, to + 2 * ldt + L);
        c3_0.intoArray(t, to + 3 * ldt); c3_1.intoArray(t, to + 3 * ldt + L);
        c4_0.intoArray(t, to + 4 * ldt); c4_1.intoArray(t, to + 4 * ldt + L);
        c5_0.intoArray(t, to + 5 * ldt); c5_1.intoArray(t, to + 5 * ldt + L);
        c6_0.intoArray(t, to + 6 * ldt); c6_1.intoArray(t, to + 6 * ldt + L);
        c7_0.intoArray(t, to + 7 * ldt); c7_1.intoArray(t, to + 7 * ldt + L);
        c8_0.intoArray(t, to + 8 * ldt); c8_1.intoArray(t, to + 8 * ldt + L);
        c9_0.intoArray(t, to + 9 * ldt); c9_1.intoArray(t, to + 9 * ldt + L);
        c10_0.intoArray(t, to + 10 * ldt); c10_1.intoArray(t, to + 10 * ldt + L);
        c11_0.intoArray(t, to + 11 * ldt); c11_1.intoArray(t, to + 11 * ldt + L);
    }

    /** The 12 x 2-vector tile reading op(A)(r, p) at {@code ap[ai + r*rs + p]}: a row-major A, unpacked. */
    static void k12x2rows(int kc, float[] ap, int ai, int rs, float[] bp, int bi,
            float[] t, int to, int ldt) {
        FloatVector c0_0 = FloatVector.zero(F), c0_1 = FloatVector.zero(F);
        FloatVector c1_0 = FloatVector.zero(F), c1_1 = FloatVector.zero(F);
        FloatVector c2_0 = FloatVector.zero(F), c2_1 = FloatVector.zero(F);
        FloatVector c3_0 = FloatVector.zero(F), c3_1 = FloatVector.zero(F);
        FloatVector c4_0 = FloatVector.zero(F), c4_1 = FloatVector.zero(F);
        FloatVector c5_0 = FloatVector.zero(F), c5_1 = FloatVector.zero(F);
        FloatVector c6_0 = FloatVector.zero(F), c6_1 = FloatVector.zero(F);
        FloatVector c7_0 = FloatVector.zero(F), c7_1 = FloatVector.zero(F);
        FloatVector c8_0 = FloatVector.zero(F), c8_1 = FloatVector.zero(F);
        FloatVector c9_0 = FloatVector.zero(F), c9_1 = FloatVector.zero(F);
        FloatVector c10_0 = FloatVector.zero(F), c10_1 = FloatVector.zero(F);
        FloatVector c11_0 = FloatVector.zero(F), c11_1 = FloatVector.zero(F);
        int o1 = 1 * rs, o2 = 2 * rs, o3 = 3 * rs, o4 = 4 * rs, o5 = 5 * rs, o6 = 6 * rs;
        int o7 = 7 * rs, o8 = 8 * rs, o9 = 9 * rs, o10 = 10 * rs, o11 = 11 * rs;
        for (int p0 = 0; p0 < kc; p0 += ROWS_CHUNK) {
            int pe = Math.min(kc, p0 + ROWS_CHUNK);
            for (int p = p0; p < pe; p++) {
                int bq = bi + p * 2 * L;
                int aq = ai + p;
                FloatVector b0 = FloatVector.fromArray(F, bp, bq);
                FloatVector b1 = FloatVector.fromArray(F, bp, bq + 1 * L);
                FloatVector a0 = FloatVector.broadcast(F, ap[aq + 0]);
                c0_0 = a0.fma(b0, c0_0); c0_1 = a0.fma(b1, c0_1);
                FloatVector a1 = FloatVector.broadcast(F, ap[aq + o1]);
                c1_0 = a1.fma(b0, c1_0); c1_1 = a1.fma(b1, c1_1);
                FloatVector a2 = FloatVector.broadcast(F, ap[aq + o2]);
                c2_0 = a2.fma(b0, c2_0); c2_1 = a2.fma(b1, c2_1);
                FloatVector a3 = FloatVector.broadcast(F, ap[aq + o3]);
                c3_0 = a3.fma(b0, c3_0); c3_1 = a3.fma(b1, c3_1);
                FloatVector a4 = FloatVector.broadcast(F, ap[aq + o4]);
                c4_0 = a4.fma(b0, c4_0); c4_1 = a4.fma(b1, c4_1);
                FloatVector a5 = FloatVector.broadcast(F, ap[aq + o5]);
                c5_0 = a5.fma(b0, c5_0); c5_1 = a5.fma(b1, c5_1);
                FloatVector a6 = FloatVector.broadcast(F, ap[aq + o6]);
                c6_0 = a6.fma(b0, c6_0); c6_1 = a6.fma(b1, c6_1);
                FloatVector a7 = FloatVector.broadcast(F, ap[aq + o7]);
                c7_0 = a7.fma(b0, c7_0); c7_1 = a7.fma(b1, c7_1);
                FloatVector a8 = FloatVector.broadcast(F, ap[aq + o8]);
                c8_0 = a8.fma(b0, c8_0); c8_1 = a8.fma(b1, c8_1);
                FloatVector a9 = FloatVector.broadcast(F, ap[aq + o9]);
                c9_0 = a9.fma(b0, c9_0); c9_1 = a9.fma(b1, c9_1);
                FloatVector a10 = FloatVector.broadcast(F, ap[aq + o10]);
                c10_0 = a10.fma(b0, c10_0); c10_1 = a10.fma(b1, c10_1);
                FloatVector a11 = FloatVector.broadcast(F, ap[aq + o11]);
                c11_0 = a11.fma(b0, c11_0); c11_1 = a11.fma(b1, c11_1);
            }
        }
        c0_0.intoArray(t, to + 0 * ldt); c0_1.intoArray(t, to + 0 * ldt + L);
        c1_0.intoArray(t, to + 1 * ldt); c1_1.intoArray(t, to + 1 * ldt + L);
        c2_0.intoArray(t, to + 2 * ldt); c2_1.intoArray(t, to + 2 * ldt + L);
        c3_0.intoArray(t, to + 3 * ldt); c3_1.intoArray(t, to + 3 * ldt + L);
        c4_0.intoArray(t, to + 4 * ldt); c4_1.intoArray(t, to + 4 * ldt + L);
        c5_0.intoArray(t, to + 5 * ldt); c5_1.intoArray(t, to + 5 * ldt + L);
        c6_0.intoArray(t, to + 6 * ldt); c6_1.intoArray(t, to + 6 * ldt + L);
        c7_0.intoArray(t, to + 7 * ldt); c7_1.intoArray(t, to + 7 * ldt + L);
        c8_0.intoArray(t, to + 8 * ldt); c8_1.intoArray(t, to + 8 * ldt + L);
        c9_0.intoArray(t, to + 9 * ldt); c9_1.intoArray(t, to + 9 * ldt + L);
        c10_0.intoArray(t, to + 10 * ldt); c10_1.intoArray(t, to + 10 * ldt + L);
        c11_0.intoArray(t, to + 11 * ldt); c11_1.intoArray(t, to + 11 * ldt + L);
    }

    /** The 6 x 4-vector tile: see the class comment for the contract. */
    static void k6x4(int kc, float[] ap, int ai, int as, float[] bp, int bi,
            float[] t) {
        FloatVector c0_0 = FloatVector.zero(F), c0_1 = FloatVector.zero(F), c0_2 = FloatVector.zero(F), c0_3 = FloatVector.zero(F);
        FloatVector c1_0 = FloatVector.zero(F), c1_1 = FloatVector.zero(F), c1_2 = FloatVector.zero(F), c1_3 = FloatVector.zero(F);
        FloatVector c2_0 = FloatVector.zero(F), c2_1 = FloatVector.zero(F), c2_2 = FloatVector.zero(F), c2_3 = FloatVector.zero(F);
        FloatVector c3_0 = FloatVector.zero(F), c3_1 = FloatVector.zero(F), c3_2 = FloatVector.zero(F), c3_3 = FloatVector.zero(F);
        FloatVector c4_0 = FloatVector.zero(F), c4_1 = FloatVector.zero(F), c4_2 = FloatVector.zero(F), c4_3 = FloatVector.zero(F);
        FloatVector c5_0 = FloatVector.zero(F), c5_1 = FloatVector.zero(F), c5_2 = FloatVector.zero(F), c5_3 = FloatVector.zero(F);
        for (int p = 0; p < kc; p++) {
            int bq = bi + p * 4 * L;
            int aq = ai + p * as;
            FloatVector b0 = FloatVector.fromArray(F, bp, bq);
            FloatVector b1 = FloatVector.fromArray(F, bp, bq + 1 * L);
            FloatVector b2 = FloatVector.fromArray(F, bp, bq + 2 * L);
            FloatVector b3 = FloatVector.fromArray(F, bp, bq + 3 * L);
            FloatVector a0 = FloatVector.broadcast(F, ap[aq + 0]);
            c0_0 = a0.fma(b0, c0_0); c0_1 = a0.fma(b1, c0_1); c0_2 = a0.fma(b2, c0_2); c0_3 = a0.fma(b3, c0_3);
            FloatVector a1 = FloatVector.broadcast(F, ap[aq + 1]);
            c1_0 = a1.fma(b0, c1_0); c1_1 = a1.fma(b1, c1_1); c1_2 = a1.fma(b2, c1_2); c1_3 = a1.fma(b3, c1_3);
            FloatVector a2 = FloatVector.broadcast(F, ap[aq + 2]);
            c2_0 = a2.fma(b0, c2_0); c2_1 = a2.fma(b1, c2_1); c2_2 = a2.fma(b2, c2_2); c2_3 = a2.fma(b3, c2_3);
            FloatVector a3 = FloatVector.broadcast(F, ap[aq + 3]);
            c3_0 = a3.fma(b0, c3_0); c3_1 = a3.fma(b1, c3_1); c3_2 = a3.fma(b2, c3_2); c3_3 = a3.fma(b3, c3_3);
            FloatVector a4 = FloatVector.broadcast(F, ap[aq + 4]);
            c4_0 = a4.fma(b0, c4_0); c4_1 = a4.fma(b1, c4_1); c4_2 = a4.fma(b2, c4_2); c4_3 = a4.fma(b3, c4_3);
            FloatVector a5 = FloatVector.broadcast(F, ap[aq + 5]);
            c5_0 = a5.fma(b0, c5_0); c5_1 = a5.fma(b1, c5_1); c5_2 = a5.fma(b2, c5_2); c5_3 = a5.fma(b3, c5_3);
        }
        c0_0.intoArray(t, 0 * L); c0_1.intoArray(t, 0 * L + 1 * L); c0_2.intoArray(t, 0 * L + 2 * L); c0_3.intoArray(t, 0 * L + 3 * L);
        c1_0.intoArray(t, 4 * L); c1_1.intoArray(t, 4 * L + 1 * L); c1_2.intoArray(t, 4 * L + 2 * L); c1_3.intoArray(t, 4 * L + 3 * L);
        c2_0.intoArray(t, 8 * L); c2_1.intoArray(t, 8 * L + 1 * L); c2_2.intoArray(t, 8 * L + 2 * L); c2_3.intoArray(t, 8 * L + 3 * L);
        c3_0.intoArray(t, 12 * L); c3_1.intoArray(t, 12 * L + 1 * L); c3_2.intoArray(t, 12 * L + 2 * L); c3_3.intoArray(t, 12 * L + 3 * L);
        c4_0.intoArray(t, 16 * L); c4_1.intoArray(t, 16 * L + 1 * L); c4_2.intoArray(t, 16 * L + 2 * L); c4_3.intoArray(t, 16 * L + 3 * L);
        c5_0.intoArray(t, 20 * L); c5_1.intoArray(t, 20 * L + 1 * L); c5_2.intoArray(t, 20 * L + 2 * L); c5_3.intoArray(t, 20 * L + 3 * L);
    }

    /** The 6 x 4-vector tile reading op(A)(r, p) at {@code ap[ai + r*rs + p]}: a row-major A, unpacked. */
    static void k6x4rows(int kc, float[] ap, int ai, int rs, float[] bp, int bi,
            float[] t) {
        FloatVector c0_0 = FloatVector.zero(F), c0_1 = FloatVector.zero(F), c0_2 = FloatVector.zero(F), c0_3 = FloatVector.zero(F);
        FloatVector c1_0 = FloatVector.zero(F), c1_1 = FloatVector.zero(F), c1_2 = FloatVector.zero(F), c1_3 = FloatVector.zero(F);
        FloatVector c2_0 = FloatVector.zero(F), c2_1 = FloatVector.zero(F), c2_2 = FloatVector.zero(F), c2_3 = FloatVector.zero(F);
        FloatVector c3_0 = FloatVector.zero(F), c3_1 = FloatVector.zero(F), c3_2 = FloatVector.zero(F), c3_3 = FloatVector.zero(F);
        FloatVector c4_0 = FloatVector.zero(F), c4_1 = FloatVector.zero(F), c4_2 = FloatVector.zero(F), c4_3 = FloatVector.zero(F);
        FloatVector c5_0 = FloatVector.zero(F), c5_1 = FloatVector.zero(F), c5_2 = FloatVector.zero(F), c5_3 = FloatVector.zero(F);
        int o1 = 1 * rs, o2 = 2 * rs, o3 = 3 * rs, o4 = 4 * rs, o5 = 5 * rs;
        for (int p0 = 0; p0 < kc; p0 += ROWS_CHUNK) {
            int pe = Math.min(kc, p0 + ROWS_CHUNK);
            for (int p = p0; p < pe; p++) {
                int bq = bi + p * 4 * L;
                int aq = ai + p;
                FloatVector b0 = FloatVector.fromArray(F, bp, bq);
                FloatVector b1 = FloatVector.fromArray(F, bp, bq + 1 * L);
                FloatVector b2 = FloatVector.fromArray(F, bp, bq + 2 * L);
                FloatVector b3 = FloatVector.fromArray(F, bp, bq + 3 * L);
                FloatVector a0 = FloatVector.broadcast(F, ap[aq + 0]);
                c0_0 = a0.fma(b0, c0_0); c0_1 = a0.fma(b1, c0_1); c0_2 = a0.fma(b2, c0_2); c0_3 = a0.fma(b3, c0_3);
                FloatVector a1 = FloatVector.broadcast(F, ap[aq + o1]);
                c1_0 = a1.fma(b0, c1_0); c1_1 = a1.fma(b1, c1_1); c1_2 = a1.fma(b2, c1_2); c1_3 = a1.fma(b3, c1_3);
                FloatVector a2 = FloatVector.broadcast(F, ap[aq + o2]);
                c2_0 = a2.fma(b0, c2_0); c2_1 = a2.fma(b1, c2_1); c2_2 = a2.fma(b2, c2_2); c2_3 = a2.fma(b3, c2_3);
                FloatVector a3 = FloatVector.broadcast(F, ap[aq + o3]);
                c3_0 = a3.fma(b0, c3_0); c3_1 = a3.fma(b1, c3_1); c3_2 = a3.fma(b2, c3_2); c3_3 = a3.fma(b3, c3_3);
                FloatVector a4 = FloatVector.broadcast(F, ap[aq + o4]);
                c4_0 = a4.fma(b0, c4_0); c4_1 = a4.fma(b1, c4_1); c4_2 = a4.fma(b2, c4_2); c4_3 = a4.fma(b3, c4_3);
                FloatVector a5 = FloatVector.broadcast(F, ap[aq + o5]);
                c5_0 = a5.fma(b0, c5_0); c5_1 = a5.fma(b1, c5_1); c5_2 = a5.fma(b2, c5_2); c5_3 = a5.fma(b3, c5_3);
            }
        }
        c0_0.intoArray(t, 0 * L); c0_1.intoArray(t, 0 * L + 1 * L); c0_2.intoArray(t, 0 * L + 2 * L); c0_3.intoArray(t, 0 * L + 3 * L);
        c1_0.intoArray(t, 4 * L); c1_1.intoArray(t, 4 * L + 1 * L); c1_2.intoArray(t, 4 * L + 2 * L); c1_3.intoArray(t, 4 * L + 3 * L);
        c2_0.intoArray(t, 8 * L); c2_1.intoArray(t, 8 * L + 1 * L); c2_2.intoArray(t, 8 * L + 2 * L); c2_3.intoArray(t, 8 * L + 3 * L);
        c3_0.intoArray(t, 12 * L); c3_1.intoArray(t, 12 * L + 1 * L); c3_2.intoArray(t, 12 * L + 2 * L); c3_3.intoArray(t, 12 * L + 3 * L);
        c4_0.intoArray(t, 16 * L); c4_1.intoArray(t, 16 * L + 1 * L); c4_2.intoArray(t, 16 * L + 2 * L); c4_3.intoArray(t, 16 * L + 3 * L);
        c5_0.intoArray(t, 20 * L); c5_1.intoArray(t, 20 * L + 1 * L); c5_2.intoArray(t, 20 * L + 2 * L); c5_3.intoArray(t, 20 * L + 3 * L);
    }

    /** The 8 x 2-vector tile (the last, partial row panel of a 12 x 2 blocking): see the class comment for the contract. */
    static void k8x2(int kc, float[] ap, int ai, int as, float[] bp, int bi,
            float[] t) {
        FloatVector c0_0 = FloatVector.zero(F), c0_1 = FloatVector.zero(F);
        FloatVector c1_0 = FloatVector.zero(F), c1_1 = FloatVector.zero(F);
        FloatVector c2_0 = FloatVector.zero(F), c2_1 = FloatVector.zero(F);
        FloatVector c3_0 = FloatVector.zero(F), c3_1 = FloatVector.zero(F);
        FloatVector c4_0 = FloatVector.zero(F), c4_1 = FloatVector.zero(F);
        FloatVector c5_0 = FloatVector.zero(F), c5_1 = FloatVector.zero(F);
        FloatVector c6_0 = FloatVector.zero(F), c6_1 = FloatVector.zero(F);
        FloatVector c7_0 = FloatVector.zero(F), c7_1 = FloatVector.zero(F);
        for (int p = 0; p < kc; p++) {
            int bq = bi + p * 2 * L;
            int aq = ai + p * as;
            FloatVector b0 = FloatVector.fromArray(F, bp, bq);
            FloatVector b1 = FloatVector.fromArray(F, bp, bq + 1 * L);
            FloatVector a0 = FloatVector.broadcast(F, ap[aq + 0]);
            c0_0 = a0.fma(b0, c0_0); c0_1 = a0.fma(b1, c0_1);
            FloatVector a1 = FloatVector.broadcast(F, ap[aq + 1]);
            c1_0 = a1.fma(b0, c1_0); c1_1 = a1.fma(b1, c1_1);
            FloatVector a2 = FloatVector.broadcast(F, ap[aq + 2]);
            c2_0 = a2.fma(b0, c2_0); c2_1 = a2.fma(b1, c2_1);
            FloatVector a3 = FloatVector.broadcast(F, ap[aq + 3]);
            c3_0 = a3.fma(b0, c3_0); c3_1 = a3.fma(b1, c3_1);
            FloatVector a4 = FloatVector.broadcast(F, ap[aq + 4]);
            c4_0 = a4.fma(b0, c4_0); c4_1 = a4.fma(b1, c4_1);
            FloatVector a5 = FloatVector.broadcast(F, ap[aq + 5]);
            c5_0 = a5.fma(b0, c5_0); c5_1 = a5.fma(b1, c5_1);
            FloatVector a6 = FloatVector.broadcast(F, ap[aq + 6]);
            c6_0 = a6.fma(b0, c6_0); c6_1 = a6.fma(b1, c6_1);
            FloatVector a7 = FloatVector.broadcast(F, ap[aq + 7]);
            c7_0 = a7.fma(b0, c7_0); c7_1 = a7.fma(b1, c7_1);
        }
        c0_0.intoArray(t, 0 * L); c0_1.intoArray(t, 0 * L + 1 * L);
        c1_0.intoArray(t, 2 * L); c1_1.intoArray(t, 2 * L + 1 * L);
        c2_0.intoArray(t, 4 * L); c2_1.intoArray(t, 4 * L + 1 * L);
        c3_0.intoArray(t, 6 * L); c3_1.intoArray(t, 6 * L + 1 * L);
        c4_0.intoArray(t, 8 * L); c4_1.intoArray(t, 8 * L + 1 * L);
        c5_0.intoArray(t, 10 * L); c5_1.intoArray(t, 10 * L + 1 * L);
        c6_0.intoArray(t, 12 * L); c6_1.intoArray(t, 12 * L + 1 * L);
        c7_0.intoArray(t, 14 * L); c7_1.intoArray(t, 14 * L + 1 * L);
    }

    /** The 4 x 2-vector tile (the last, partial row panel of a 12 x 2 blocking): see the class comment for the contract. */
    static void k4x2(int kc, float[] ap, int ai, int as, float[] bp, int bi,
            float[] t) {
        FloatVector c0_0 = FloatVector.zero(F), c0_1 = FloatVector.zero(F);
        FloatVector c1_0 = FloatVector.zero(F), c1_1 = FloatVector.zero(F);
        FloatVector c2_0 = FloatVector.zero(F), c2_1 = FloatVector.zero(F);
        FloatVector c3_0 = FloatVector.zero(F), c3_1 = FloatVector.zero(F);
        for (int p = 0; p < kc; p++) {
            int bq = bi + p * 2 * L;
            int aq = ai + p * as;
            FloatVector b0 = FloatVector.fromArray(F, bp, bq);
            FloatVector b1 = FloatVector.fromArray(F, bp, bq + 1 * L);
            FloatVector a0 = FloatVector.broadcast(F, ap[aq + 0]);
            c0_0 = a0.fma(b0, c0_0); c0_1 = a0.fma(b1, c0_1);
            FloatVector a1 = FloatVector.broadcast(F, ap[aq + 1]);
            c1_0 = a1.fma(b0, c1_0); c1_1 = a1.fma(b1, c1_1);
            FloatVector a2 = FloatVector.broadcast(F, ap[aq + 2]);
            c2_0 = a2.fma(b0, c2_0); c2_1 = a2.fma(b1, c2_1);
            FloatVector a3 = FloatVector.broadcast(F, ap[aq + 3]);
            c3_0 = a3.fma(b0, c3_0); c3_1 = a3.fma(b1, c3_1);
        }
        c0_0.intoArray(t, 0 * L); c0_1.intoArray(t, 0 * L + 1 * L);
        c1_0.intoArray(t, 2 * L); c1_1.intoArray(t, 2 * L + 1 * L);
        c2_0.intoArray(t, 4 * L); c2_1.intoArray(t, 4 * L + 1 * L);
        c3_0.intoArray(t, 6 * L); c3_1.intoArray(t, 6 * L + 1 * L);
    }

    /** The 6 x 2-vector tile: see the class comment for the contract. */
    static void k6x2(int kc, float[] ap, int ai, int as, float[] bp, int bi,
            float[] t) {
        FloatVector c0_0 = FloatVector.zero(F), c0_1 = FloatVector.zero(F);
        FloatVector c1_0 = FloatVector.zero(F), c1_1 = FloatVector.zero(F);
        FloatVector c2_0 = FloatVector.zero(F), c2_1 = FloatVector.zero(F);
        FloatVector c3_0 = FloatVector.zero(F), c3_1 = FloatVector.zero(F);
        FloatVector c4_0 = FloatVector.zero(F), c4_1 = FloatVector.zero(F);
        FloatVector c5_0 = FloatVector.zero(F), c5_1 = FloatVector.zero(F);
        for (int p = 0; p < kc; p++) {
            int bq = bi + p * 2 * L;
            int aq = ai + p * as;
            FloatVector b0 = FloatVector.fromArray(F, bp, bq);
            FloatVector b1 = FloatVector.fromArray(F, bp, bq + 1 * L);
            FloatVector a0 = FloatVector.broadcast(F, ap[aq + 0]);
            c0_0 = a0.fma(b0, c0_0); c0_1 = a0.fma(b1, c0_1);
            FloatVector a1 = FloatVector.broadcast(F, ap[aq + 1]);
            c1_0 = a1.fma(b0, c1_0); c1_1 = a1.fma(b1, c1_1);
            FloatVector a2 = FloatVector.broadcast(F, ap[aq + 2]);
            c2_0 = a2.fma(b0, c2_0); c2_1 = a2.fma(b1, c2_1);
            FloatVector a3 = FloatVector.broadcast(F, ap[aq + 3]);
            c3_0 = a3.fma(b0, c3_0); c3_1 = a3.fma(b1, c3_1);
            FloatVector a4 = FloatVector.broadcast(F, ap[aq + 4]);
            c4_0 = a4.fma(b0, c4_0); c4_1 = a4.fma(b1, c4_1);
            FloatVector a5 = FloatVector.broadcast(F, ap[aq + 5]);
            c5_0 = a5.fma(b0, c5_0); c5_1 = a5.fma(b1, c5_1);
        }
        c0_0.intoArray(t, 0 * L); c0_1.intoArray(t, 0 * L + 1 * L);
        c1_0.intoArray(t, 2 * L); c1_1.intoArray(t, 2 * L + 1 * L);
        c2_0.intoArray(t, 4 * L); c2_1.intoArray(t, 4 * L + 1 * L);
        c3_0.intoArray(t, 6 * L); c3_1.intoArray(t, 6 * L + 1 * L);
        c4_0.intoArray(t, 8 * L); c4_1.intoArray(t, 8 * L + 1 * L);
        c5_0.intoArray(t, 10 * L); c5_1.intoArray(t, 10 * L + 1 * L);
    }

    /** The 6 x 2-vector tile reading op(A)(r, p) at {@code ap[ai + r*rs + p]}: a row-major A, unpacked. */
    static void k6x2rows(int kc, float[] ap, int ai, int rs, float[] bp, int bi,
            float[] t) {
        FloatVector c0_0 = FloatVector.zero(F), c0_1 = FloatVector.zero(F);
        FloatVector c1_0 = FloatVector.zero(F), c1_1 = FloatVector.zero(F);
        FloatVector c2_0 = FloatVector.zero(F), c2_1 = FloatVector.zero(F);
        FloatVector c3_0 = FloatVector.zero(F), c3_1 = FloatVector.zero(F);
        FloatVector c4_0 = FloatVector.zero(F), c4_1 = FloatVector.zero(F);
        FloatVector c5_0 = FloatVector.zero(F), c5_1 = FloatVector.zero(F);
        int o1 = 1 * rs, o2 = 2 * rs, o3 = 3 * rs, o4 = 4 * rs, o5 = 5 * rs;
        for (int p0 = 0; p0 < kc; p0 += ROWS_CHUNK) {
            int pe = Math.min(kc, p0 + ROWS_CHUNK);
            for (int p = p0; p < pe; p++) {
                int bq = bi + p * 2 * L;
                int aq = ai + p;
                FloatVector b0 = FloatVector.fromArray(F, bp, bq);
                FloatVector b1 = FloatVector.fromArray(F, bp, bq + 1 * L);
                FloatVector a0 = FloatVector.broadcast(F, ap[aq + 0]);
                c0_0 = a0.fma(b0, c0_0); c0_1 = a0.fma(b1, c0_1);
                FloatVector a1 = FloatVector.broadcast(F, ap[aq + o1]);
                c1_0 = a1.fma(b0, c1_0); c1_1 = a1.fma(b1, c1_1);
                FloatVector a2 = FloatVector.broadcast(F, ap[aq + o2]);
                c2_0 = a2.fma(b0, c2_0); c2_1 = a2.fma(b1, c2_1);
                FloatVector a3 = FloatVector.broadcast(F, ap[aq + o3]);
                c3_0 = a3.fma(b0, c3_0); c3_1 = a3.fma(b1, c3_1);
                FloatVector a4 = FloatVector.broadcast(F, ap[aq + o4]);
                c4_0 = a4.fma(b0, c4_0); c4_1 = a4.fma(b1, c4_1);
                FloatVector a5 = FloatVector.broadcast(F, ap[aq + o5]);
                c5_0 = a5.fma(b0, c5_0); c5_1 = a5.fma(b1, c5_1);
            }
        }
        c0_0.intoArray(t, 0 * L); c0_1.intoArray(t, 0 * L + 1 * L);
        c1_0.intoArray(t, 2 * L); c1_1.intoArray(t, 2 * L + 1 * L);
        c2_0.intoArray(t, 4 * L); c2_1.intoArray(t, 4 * L + 1 * L);
        c3_0.intoArray(t, 6 * L); c3_1.intoArray(t, 6 * L + 1 * L);
        c4_0.intoArray(t, 8 * L); c4_1.intoArray(t, 8 * L + 1 * L);
        c5_0.intoArray(t, 10 * L); c5_1.intoArray(t, 10 * L + 1 * L);
    }


    /**
     * {@link #k12x2} continuing from the sums in {@code t}: each accumulator starts at its raw sum
     * there instead of zero and takes the next {@code kc} products in order, so a tile's depth
     * range can be split over two operands (a triangle's diagonal block, packed, and the rest
     * of A in place) with the bits of one run over it.
     */
    static void k12x2acc(int kc, float[] ap, int ai, int as, float[] bp, int bi,
            float[] t) {
        FloatVector c0_0 = FloatVector.fromArray(F, t, 0 * L), c0_1 = FloatVector.fromArray(F, t, 0 * L + 1 * L);
        FloatVector c1_0 = FloatVector.fromArray(F, t, 2 * L), c1_1 = FloatVector.fromArray(F, t, 2 * L + 1 * L);
        FloatVector c2_0 = FloatVector.fromArray(F, t, 4 * L), c2_1 = FloatVector.fromArray(F, t, 4 * L + 1 * L);
        FloatVector c3_0 = FloatVector.fromArray(F, t, 6 * L), c3_1 = FloatVector.fromArray(F, t, 6 * L + 1 * L);
        FloatVector c4_0 = FloatVector.fromArray(F, t, 8 * L), c4_1 = FloatVector.fromArray(F, t, 8 * L + 1 * L);
        FloatVector c5_0 = FloatVector.fromArray(F, t, 10 * L), c5_1 = FloatVector.fromArray(F, t, 10 * L + 1 * L);
        FloatVector c6_0 = FloatVector.fromArray(F, t, 12 * L), c6_1 = FloatVector.fromArray(F, t, 12 * L + 1 * L);
        FloatVector c7_0 = FloatVector.fromArray(F, t, 14 * L), c7_1 = FloatVector.fromArray(F, t, 14 * L + 1 * L);
        FloatVector c8_0 = FloatVector.fromArray(F, t, 16 * L), c8_1 = FloatVector.fromArray(F, t, 16 * L + 1 * L);
        FloatVector c9_0 = FloatVector.fromArray(F, t, 18 * L), c9_1 = FloatVector.fromArray(F, t, 18 * L + 1 * L);
        FloatVector c10_0 = FloatVector.fromArray(F, t, 20 * L), c10_1 = FloatVector.fromArray(F, t, 20 * L + 1 * L);
        FloatVector c11_0 = FloatVector.fromArray(F, t, 22 * L), c11_1 = FloatVector.fromArray(F, t, 22 * L + 1 * L);
        for (int p = 0; p < kc; p++) {
            int bq = bi + p * 2 * L;
            int aq = ai + p * as;
            FloatVector b0 = FloatVector.fromArray(F, bp, bq);
            FloatVector b1 = FloatVector.fromArray(F, bp, bq + 1 * L);
            FloatVector a0 = FloatVector.broadcast(F, ap[aq + 0]);
            c0_0 = a0.fma(b0, c0_0); c0_1 = a0.fma(b1, c0_1);
            FloatVector a1 = FloatVector.broadcast(F, ap[aq + 1]);
            c1_0 = a1.fma(b0, c1_0); c1_1 = a1.fma(b1, c1_1);
            FloatVector a2 = FloatVector.broadcast(F, ap[aq + 2]);
            c2_0 = a2.fma(b0, c2_0); c2_1 = a2.fma(b1, c2_1);
            FloatVector a3 = FloatVector.broadcast(F, ap[aq + 3]);
            c3_0 = a3.fma(b0, c3_0); c3_1 = a3.fma(b1, c3_1);
            FloatVector a4 = FloatVector.broadcast(F, ap[aq + 4]);
            c4_0 = a4.fma(b0, c4_0); c4_1 = a4.fma(b1, c4_1);
            FloatVector a5 = FloatVector.broadcast(F, ap[aq + 5]);
            c5_0 = a5.fma(b0, c5_0); c5_1 = a5.fma(b1, c5_1);
            FloatVector a6 = FloatVector.broadcast(F, ap[aq + 6]);
            c6_0 = a6.fma(b0, c6_0); c6_1 = a6.fma(b1, c6_1);
            FloatVector a7 = FloatVector.broadcast(F, ap[aq + 7]);
            c7_0 = a7.fma(b0, c7_0); c7_1 = a7.fma(b1, c7_1);
            FloatVector a8 = FloatVector.broadcast(F, ap[aq + 8]);
            c8_0 = a8.fma(b0, c8_0); c8_1 = a8.fma(b1, c8_1);
            FloatVector a9 = FloatVector.broadcast(F, ap[aq + 9]);
            c9_0 = a9.fma(b0, c9_0); c9_1 = a9.fma(b1, c9_1);
            FloatVector a10 = FloatVector.broadcast(F, ap[aq + 10]);
            c10_0 = a10.fma(b0, c10_0); c10_1 = a10.fma(b1, c10_1);
            FloatVector a11 = FloatVector.broadcast(F, ap[aq + 11]);
            c11_0 = a11.fma(b0, c11_0); c11_1 = a11.fma(b1, c11_1);
        }
        c0_0.intoArray(t, 0 * L); c0_1.intoArray(t, 0 * L + 1 * L);
        c1_0.intoArray(t, 2 * L); c1_1.intoArray(t, 2 * L + 1 * L);
        c2_0.intoArray(t, 4 * L); c2_1.intoArray(t, 4 * L + 1 * L);
        c3_0.intoArray(t, 6 * L); c3_1.intoArray(t, 6 * L + 1 * L);
        c4_0.intoArray(t, 8 * L); c4_1.intoArray(t, 8 * L + 1 * L);
        c5_0.intoArray(t, 10 * L); c5_1.intoArray(t, 10 * L + 1 * L);
        c6_0.intoArray(t, 12 * L); c6_1.intoArray(t, 12 * L + 1 * L);
        c7_0.intoArray(t, 14 * L); c7_1.intoArray(t, 14 * L + 1 * L);
        c8_0.intoArray(t, 16 * L); c8_1.intoArray(t, 16 * L + 1 * L);
        c9_0.intoArray(t, 18 * L); c9_1.intoArray(t, 18 * L + 1 * L);
        c10_0.intoArray(t, 20 * L); c10_1.intoArray(t, 20 * L + 1 * L);
        c11_0.intoArray(t, 22 * L); c11_1.intoArray(t, 22 * L + 1 * L);
    }

    /**
     * {@link #k6x2} continuing from the sums in {@code t}: each accumulator starts at its raw sum
     * there instead of zero and takes the next {@code kc} products in order, so a tile's depth
     * range can be split over two operands (a triangle's diagonal block, packed, and the rest
     * of A in place) with the bits of one run over it.
     */
    static void k6x2acc(int kc, float[] ap, int ai, int as, float[] bp, int bi,
            float[] t) {
        FloatVector c0_0 = FloatVector.fromArray(F, t, 0 * L), c0_1 = FloatVector.fromArray(F, t, 0 * L + 1 * L);
        FloatVector c1_0 = FloatVector.fromArray(F, t, 2 * L), c1_1 = FloatVector.fromArray(F, t, 2 * L + 1 * L);
        FloatVector c2_0 = FloatVector.fromArray(F, t, 4 * L), c2_1 = FloatVector.fromArray(F, t, 4 * L + 1 * L);
        FloatVector c3_0 = FloatVector.fromArray(F, t, 6 * L), c3_1 = FloatVector.fromArray(F, t, 6 * L + 1 * L);
        FloatVector c4_0 = FloatVector.fromArray(F, t, 8 * L), c4_1 = FloatVector.fromArray(F, t, 8 * L + 1 * L);
        FloatVector c5_0 = FloatVector.fromArray(F, t, 10 * L), c5_1 = FloatVector.fromArray(F, t, 10 * L + 1 * L);
        for (int p = 0; p < kc; p++) {
            int bq = bi + p * 2 * L;
            int aq = ai + p * as;
            FloatVector b0 = FloatVector.fromArray(F, bp, bq);
            FloatVector b1 = FloatVector.fromArray(F, bp, bq + 1 * L);
            FloatVector a0 = FloatVector.broadcast(F, ap[aq + 0]);
            c0_0 = a0.fma(b0, c0_0); c0_1 = a0.fma(b1, c0_1);
            FloatVector a1 = FloatVector.broadcast(F, ap[aq + 1]);
            c1_0 = a1.fma(b0, c1_0); c1_1 = a1.fma(b1, c1_1);
            FloatVector a2 = FloatVector.broadcast(F, ap[aq + 2]);
            c2_0 = a2.fma(b0, c2_0); c2_1 = a2.fma(b1, c2_1);
            FloatVector a3 = FloatVector.broadcast(F, ap[aq + 3]);
            c3_0 = a3.fma(b0, c3_0); c3_1 = a3.fma(b1, c3_1);
            FloatVector a4 = FloatVector.broadcast(F, ap[aq + 4]);
            c4_0 = a4.fma(b0, c4_0); c4_1 = a4.fma(b1, c4_1);
            FloatVector a5 = FloatVector.broadcast(F, ap[aq + 5]);
            c5_0 = a5.fma(b0, c5_0); c5_1 = a5.fma(b1, c5_1);
        }
        c0_0.intoArray(t, 0 * L); c0_1.intoArray(t, 0 * L + 1 * L);
        c1_0.intoArray(t, 2 * L); c1_1.intoArray(t, 2 * L + 1 * L);
        c2_0.intoArray(t, 4 * L); c2_1.intoArray(t, 4 * L + 1 * L);
        c3_0.intoArray(t, 6 * L); c3_1.intoArray(t, 6 * L + 1 * L);
        c4_0.intoArray(t, 8 * L); c4_1.intoArray(t, 8 * L + 1 * L);
        c5_0.intoArray(t, 10 * L); c5_1.intoArray(t, 10 * L + 1 * L);
    }

    /**
     * The 5 x 2-vector tile, the default on x86 below 512 bits (see {@link VectorGemm#TILE}):
     * see the class comment for the contract. Like the 12 x 2 kernels it stores at {@code
     * t[to + r*ldt + j]}, so a full tile can go straight into C. Keep the A stride a parameter:
     * a copy with the packed stride 5 as a constant ran 32 GFLOP/s against 60-90 for this one
     * (Zen 3, 8 lanes, L1-resident panels). With a constant stride C2 drops the range checks and
     * the body becomes one block, likely the spill of the rows kernels before {@link #ROWS_CHUNK}
     * (that copy's disassembly was not read); chunked like them it ran 65-69 GFLOP/s against
     * 62-77 for this one (kc 512, Parallel and G1), no gain, so this one stays as it is.
     */
    static void k5x2(int kc, float[] ap, int ai, int as, float[] bp, int bi,
            float[] t, int to, int ldt) {
        FloatVector c0_0 = FloatVector.zero(F), c0_1 = FloatVector.zero(F);
        FloatVector c1_0 = FloatVector.zero(F), c1_1 = FloatVector.zero(F);
        FloatVector c2_0 = FloatVector.zero(F), c2_1 = FloatVector.zero(F);
        FloatVector c3_0 = FloatVector.zero(F), c3_1 = FloatVector.zero(F);
        FloatVector c4_0 = FloatVector.zero(F), c4_1 = FloatVector.zero(F);
        for (int p = 0; p < kc; p++) {
            int bq = bi + p * 2 * L;
            int aq = ai + p * as;
            FloatVector b0 = FloatVector.fromArray(F, bp, bq);
            FloatVector b1 = FloatVector.fromArray(F, bp, bq + 1 * L);
            FloatVector a0 = FloatVector.broadcast(F, ap[aq + 0]);
            c0_0 = a0.fma(b0, c0_0); c0_1 = a0.fma(b1, c0_1);
            FloatVector a1 = FloatVector.broadcast(F, ap[aq + 1]);
            c1_0 = a1.fma(b0, c1_0); c1_1 = a1.fma(b1, c1_1);
            FloatVector a2 = FloatVector.broadcast(F, ap[aq + 2]);
            c2_0 = a2.fma(b0, c2_0); c2_1 = a2.fma(b1, c2_1);
            FloatVector a3 = FloatVector.broadcast(F, ap[aq + 3]);
            c3_0 = a3.fma(b0, c3_0); c3_1 = a3.fma(b1, c3_1);
            FloatVector a4 = FloatVector.broadcast(F, ap[aq + 4]);
            c4_0 = a4.fma(b0, c4_0); c4_1 = a4.fma(b1, c4_1);
        }
        c0_0.intoArray(t, to + 0 * ldt); c0_1.intoArray(t, to + 0 * ldt + L);
        c1_0.intoArray(t, to + 1 * ldt); c1_1.intoArray(t, to + 1 * ldt + L);
        c2_0.intoArray(t, to + 2 * ldt); c2_1.intoArray(t, to + 2 * ldt + L);
        c3_0.intoArray(t, to + 3 * ldt); c3_1.intoArray(t, to + 3 * ldt + L);
        c4_0.intoArray(t, to + 4 * ldt); c4_1.intoArray(t, to + 4 * ldt + L);
    }

    /** The 5 x 2-vector tile reading op(A)(r, p) at {@code ap[ai + r*rs + p]}: a row-major A, unpacked. */
    static void k5x2rows(int kc, float[] ap, int ai, int rs, float[] bp, int bi,
            float[] t, int to, int ldt) {
        FloatVector c0_0 = FloatVector.zero(F), c0_1 = FloatVector.zero(F);
        FloatVector c1_0 = FloatVector.zero(F), c1_1 = FloatVector.zero(F);
        FloatVector c2_0 = FloatVector.zero(F), c2_1 = FloatVector.zero(F);
        FloatVector c3_0 = FloatVector.zero(F), c3_1 = FloatVector.zero(F);
        FloatVector c4_0 = FloatVector.zero(F), c4_1 = FloatVector.zero(F);
        int o1 = 1 * rs, o2 = 2 * rs, o3 = 3 * rs, o4 = 4 * rs;
        for (int p0 = 0; p0 < kc; p0 += ROWS_CHUNK) {
            int pe = Math.min(kc, p0 + ROWS_CHUNK);
            for (int p = p0; p < pe; p++) {
                int bq = bi + p * 2 * L;
                int aq = ai + p;
                FloatVector b0 = FloatVector.fromArray(F, bp, bq);
                FloatVector b1 = FloatVector.fromArray(F, bp, bq + 1 * L);
                FloatVector a0 = FloatVector.broadcast(F, ap[aq + 0]);
                c0_0 = a0.fma(b0, c0_0); c0_1 = a0.fma(b1, c0_1);
                FloatVector a1 = FloatVector.broadcast(F, ap[aq + o1]);
                c1_0 = a1.fma(b0, c1_0); c1_1 = a1.fma(b1, c1_1);
                FloatVector a2 = FloatVector.broadcast(F, ap[aq + o2]);
                c2_0 = a2.fma(b0, c2_0); c2_1 = a2.fma(b1, c2_1);
                FloatVector a3 = FloatVector.broadcast(F, ap[aq + o3]);
                c3_0 = a3.fma(b0, c3_0); c3_1 = a3.fma(b1, c3_1);
                FloatVector a4 = FloatVector.broadcast(F, ap[aq + o4]);
                c4_0 = a4.fma(b0, c4_0); c4_1 = a4.fma(b1, c4_1);
            }
        }
        c0_0.intoArray(t, to + 0 * ldt); c0_1.intoArray(t, to + 0 * ldt + L);
        c1_0.intoArray(t, to + 1 * ldt); c1_1.intoArray(t, to + 1 * ldt + L);
        c2_0.intoArray(t, to + 2 * ldt); c2_1.intoArray(t, to + 2 * ldt + L);
        c3_0.intoArray(t, to + 3 * ldt); c3_1.intoArray(t, to + 3 * ldt + L);
        c4_0.intoArray(t, to + 4 * ldt); c4_1.intoArray(t, to + 4 * ldt + L);
    }

    /** {@link #k5x2} continuing from the sums in {@code t} (at {@code t[r*NR + j]}), as {@link #k6x2acc}. */
    static void k5x2acc(int kc, float[] ap, int ai, int as, float[] bp, int bi,
            float[] t) {
        FloatVector c0_0 = FloatVector.fromArray(F, t, 0 * L), c0_1 = FloatVector.fromArray(F, t, 0 * L + 1 * L);
        FloatVector c1_0 = FloatVector.fromArray(F, t, 2 * L), c1_1 = FloatVector.fromArray(F, t, 2 * L + 1 * L);
        FloatVector c2_0 = FloatVector.fromArray(F, t, 4 * L), c2_1 = FloatVector.fromArray(F, t, 4 * L + 1 * L);
        FloatVector c3_0 = FloatVector.fromArray(F, t, 6 * L), c3_1 = FloatVector.fromArray(F, t, 6 * L + 1 * L);
        FloatVector c4_0 = FloatVector.fromArray(F, t, 8 * L), c4_1 = FloatVector.fromArray(F, t, 8 * L + 1 * L);
        for (int p = 0; p < kc; p++) {
            int bq = bi + p * 2 * L;
            int aq = ai + p * as;
            FloatVector b0 = FloatVector.fromArray(F, bp, bq);
            FloatVector b1 = FloatVector.fromArray(F, bp, bq + 1 * L);
            FloatVector a0 = FloatVector.broadcast(F, ap[aq + 0]);
            c0_0 = a0.fma(b0, c0_0); c0_1 = a0.fma(b1, c0_1);
            FloatVector a1 = FloatVector.broadcast(F, ap[aq + 1]);
            c1_0 = a1.fma(b0, c1_0); c1_1 = a1.fma(b1, c1_1);
            FloatVector a2 = FloatVector.broadcast(F, ap[aq + 2]);
            c2_0 = a2.fma(b0, c2_0); c2_1 = a2.fma(b1, c2_1);
            FloatVector a3 = FloatVector.broadcast(F, ap[aq + 3]);
            c3_0 = a3.fma(b0, c3_0); c3_1 = a3.fma(b1, c3_1);
            FloatVector a4 = FloatVector.broadcast(F, ap[aq + 4]);
            c4_0 = a4.fma(b0, c4_0); c4_1 = a4.fma(b1, c4_1);
        }
        c0_0.intoArray(t, 0 * L); c0_1.intoArray(t, 0 * L + 1 * L);
        c1_0.intoArray(t, 2 * L); c1_1.intoArray(t, 2 * L + 1 * L);
        c2_0.intoArray(t, 4 * L); c2_1.intoArray(t, 4 * L + 1 * L);
        c3_0.intoArray(t, 6 * L); c3_1.intoArray(t, 6 * L + 1 * L);
        c4_0.intoArray(t, 8 * L); c4_1.intoArray(t, 8 * L + 1 * L);
    }
}
