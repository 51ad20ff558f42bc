package dev.vectornn.kernel.gemm;

import static dev.vectornn.kernel.simd.Simd.F;

import dev.vectornn.kernel.simd.Simd;
import jdk.incubator.vector.FloatVector;

/**
 * Register-blocked GEMM micro-kernels: an {@code MR x NR} tile of C ({@code NR = NRV} vectors)
 * held in {@code MR * NRV} vector accumulators while {@code kc} rank-1 updates stream through.
 *
 * <p>Contract of every kernel {@code kMRxNRV}: {@code ap[ai + p*MR + r]} is op(A)(r, p) and
 * {@code bp[bi + p*NR + j]} is op(B)(p, j) for {@code p < kc} (packed panels, zero-padded at the
 * edges). Each accumulator starts at zero and takes one {@code fma} per {@code p}, in order, so an
 * element's value depends only on its own row of A, column of B and {@code kc}, never on where
 * the tile sits or which thread runs it. Then
 * {@code c[ci + r*ldc + j] = alpha*acc + beta*c[...]} (two roundings, no fusion, so a scalar
 * write-back of an edge tile gives the same bits); {@code beta == 0} never reads C.
 *
 * <p>The accumulators are named locals, not an array: only locals stay in registers.
 */
final class MicroKernels {
    private MicroKernels() {}

    private static final int L = Simd.LANES;

    private static void put(FloatVector acc, float[] c, int i, float alpha) {
        acc.mul(alpha).intoArray(c, i);
    }

    private static void update(FloatVector acc, float[] c, int i, float alpha, float beta) {
        acc.mul(alpha).add(FloatVector.fromArray(F, c, i).mul(beta)).intoArray(c, i);
    }

    /** The 12 x 2-vector tile: see the class comment for the contract. */
    static void k12x2(int kc, float[] ap, int ai, float[] bp, int bi,
            float[] c, int ci, int ldc, float alpha, float beta) {
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
            int aq = ai + p * 12;
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
        if (beta == 0f) {
            put(c0_0, c, ci + 0 * ldc, alpha); put(c0_1, c, ci + 0 * ldc + 1 * L, alpha);
            put(c1_0, c, ci + 1 * ldc, alpha); put(c1_1, c, ci + 1 * ldc + 1 * L, alpha);
            put(c2_0, c, ci + 2 * ldc, alpha); put(c2_1, c, ci + 2 * ldc + 1 * L, alpha);
            put(c3_0, c, ci + 3 * ldc, alpha); put(c3_1, c, ci + 3 * ldc + 1 * L, alpha);
            put(c4_0, c, ci + 4 * ldc, alpha); put(c4_1, c, ci + 4 * ldc + 1 * L, alpha);
            put(c5_0, c, ci + 5 * ldc, alpha); put(c5_1, c, ci + 5 * ldc + 1 * L, alpha);
            put(c6_0, c, ci + 6 * ldc, alpha); put(c6_1, c, ci + 6 * ldc + 1 * L, alpha);
            put(c7_0, c, ci + 7 * ldc, alpha); put(c7_1, c, ci + 7 * ldc + 1 * L, alpha);
            put(c8_0, c, ci + 8 * ldc, alpha); put(c8_1, c, ci + 8 * ldc + 1 * L, alpha);
            put(c9_0, c, ci + 9 * ldc, alpha); put(c9_1, c, ci + 9 * ldc + 1 * L, alpha);
            put(c10_0, c, ci + 10 * ldc, alpha); put(c10_1, c, ci + 10 * ldc + 1 * L, alpha);
            put(c11_0, c, ci + 11 * ldc, alpha); put(c11_1, c, ci + 11 * ldc + 1 * L, alpha);
        } else {
            update(c0_0, c, ci + 0 * ldc, alpha, beta); update(c0_1, c, ci + 0 * ldc + 1 * L, alpha, beta);
            update(c1_0, c, ci + 1 * ldc, alpha, beta); update(c1_1, c, ci + 1 * ldc + 1 * L, alpha, beta);
            update(c2_0, c, ci + 2 * ldc, alpha, beta); update(c2_1, c, ci + 2 * ldc + 1 * L, alpha, beta);
            update(c3_0, c, ci + 3 * ldc, alpha, beta); update(c3_1, c, ci + 3 * ldc + 1 * L, alpha, beta);
            update(c4_0, c, ci + 4 * ldc, alpha, beta); update(c4_1, c, ci + 4 * ldc + 1 * L, alpha, beta);
            update(c5_0, c, ci + 5 * ldc, alpha, beta); update(c5_1, c, ci + 5 * ldc + 1 * L, alpha, beta);
            update(c6_0, c, ci + 6 * ldc, alpha, beta); update(c6_1, c, ci + 6 * ldc + 1 * L, alpha, beta);
            update(c7_0, c, ci + 7 * ldc, alpha, beta); update(c7_1, c, ci + 7 * ldc + 1 * L, alpha, beta);
            update(c8_0, c, ci + 8 * ldc, alpha, beta); update(c8_1, c, ci + 8 * ldc + 1 * L, alpha, beta);
            update(c9_0, c, ci + 9 * ldc, alpha, beta); update(c9_1, c, ci + 9 * ldc + 1 * L, alpha, beta);
            update(c10_0, c, ci + 10 * ldc, alpha, beta); update(c10_1, c, ci + 10 * ldc + 1 * L, alpha, beta);
            update(c11_0, c, ci + 11 * ldc, alpha, beta); update(c11_1, c, ci + 11 * ldc + 1 * L, alpha, beta);
        }
    }

    /** The 14 x 2-vector tile: see the class comment for the contract. */
    static void k14x2(int kc, float[] ap, int ai, float[] bp, int bi,
            float[] c, int ci, int ldc, float alpha, float beta) {
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
        FloatVector c12_0 = FloatVector.zero(F), c12_1 = FloatVector.zero(F);
        FloatVector c13_0 = FloatVector.zero(F), c13_1 = FloatVector.zero(F);
        for (int p = 0; p < kc; p++) {
            int bq = bi + p * 2 * L;
            int aq = ai + p * 14;
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
            FloatVector a12 = FloatVector.broadcast(F, ap[aq + 12]);
            c12_0 = a12.fma(b0, c12_0); c12_1 = a12.fma(b1, c12_1);
            FloatVector a13 = FloatVector.broadcast(F, ap[aq + 13]);
            c13_0 = a13.fma(b0, c13_0); c13_1 = a13.fma(b1, c13_1);
        }
        if (beta == 0f) {
            put(c0_0, c, ci + 0 * ldc, alpha); put(c0_1, c, ci + 0 * ldc + 1 * L, alpha);
            put(c1_0, c, ci + 1 * ldc, alpha); put(c1_1, c, ci + 1 * ldc + 1 * L, alpha);
            put(c2_0, c, ci + 2 * ldc, alpha); put(c2_1, c, ci + 2 * ldc + 1 * L, alpha);
            put(c3_0, c, ci + 3 * ldc, alpha); put(c3_1, c, ci + 3 * ldc + 1 * L, alpha);
            put(c4_0, c, ci + 4 * ldc, alpha); put(c4_1, c, ci + 4 * ldc + 1 * L, alpha);
            put(c5_0, c, ci + 5 * ldc, alpha); put(c5_1, c, ci + 5 * ldc + 1 * L, alpha);
            put(c6_0, c, ci + 6 * ldc, alpha); put(c6_1, c, ci + 6 * ldc + 1 * L, alpha);
            put(c7_0, c, ci + 7 * ldc, alpha); put(c7_1, c, ci + 7 * ldc + 1 * L, alpha);
            put(c8_0, c, ci + 8 * ldc, alpha); put(c8_1, c, ci + 8 * ldc + 1 * L, alpha);
            put(c9_0, c, ci + 9 * ldc, alpha); put(c9_1, c, ci + 9 * ldc + 1 * L, alpha);
            put(c10_0, c, ci + 10 * ldc, alpha); put(c10_1, c, ci + 10 * ldc + 1 * L, alpha);
            put(c11_0, c, ci + 11 * ldc, alpha); put(c11_1, c, ci + 11 * ldc + 1 * L, alpha);
            put(c12_0, c, ci + 12 * ldc, alpha); put(c12_1, c, ci + 12 * ldc + 1 * L, alpha);
            put(c13_0, c, ci + 13 * ldc, alpha); put(c13_1, c, ci + 13 * ldc + 1 * L, alpha);
        } else {
            update(c0_0, c, ci + 0 * ldc, alpha, beta); update(c0_1, c, ci + 0 * ldc + 1 * L, alpha, beta);
            update(c1_0, c, ci + 1 * ldc, alpha, beta); update(c1_1, c, ci + 1 * ldc + 1 * L, alpha, beta);
            update(c2_0, c, ci + 2 * ldc, alpha, beta); update(c2_1, c, ci + 2 * ldc + 1 * L, alpha, beta);
            update(c3_0, c, ci + 3 * ldc, alpha, beta); update(c3_1, c, ci + 3 * ldc + 1 * L, alpha, beta);
            update(c4_0, c, ci + 4 * ldc, alpha, beta); update(c4_1, c, ci + 4 * ldc + 1 * L, alpha, beta);
            update(c5_0, c, ci + 5 * ldc, alpha, beta); update(c5_1, c, ci + 5 * ldc + 1 * L, alpha, beta);
            update(c6_0, c, ci + 6 * ldc, alpha, beta); update(c6_1, c, ci + 6 * ldc + 1 * L, alpha, beta);
            update(c7_0, c, ci + 7 * ldc, alpha, beta); update(c7_1, c, ci + 7 * ldc + 1 * L, alpha, beta);
            update(c8_0, c, ci + 8 * ldc, alpha, beta); update(c8_1, c, ci + 8 * ldc + 1 * L, alpha, beta);
            update(c9_0, c, ci + 9 * ldc, alpha, beta); update(c9_1, c, ci + 9 * ldc + 1 * L, alpha, beta);
            update(c10_0, c, ci + 10 * ldc, alpha, beta); update(c10_1, c, ci + 10 * ldc + 1 * L, alpha, beta);
            update(c11_0, c, ci + 11 * ldc, alpha, beta); update(c11_1, c, ci + 11 * ldc + 1 * L, alpha, beta);
            update(c12_0, c, ci + 12 * ldc, alpha, beta); update(c12_1, c, ci + 12 * ldc + 1 * L, alpha, beta);
            update(c13_0, c, ci + 13 * ldc, alpha, beta); update(c13_1, c, ci + 13 * ldc + 1 * L, alpha, beta);
        }
    }

    /** The 8 x 3-vector tile: see the class comment for the contract. */
    static void k8x3(int kc, float[] ap, int ai, float[] bp, int bi,
            float[] c, int ci, int ldc, float alpha, float beta) {
        FloatVector c0_0 = FloatVector.zero(F), c0_1 = FloatVector.zero(F), c0_2 = FloatVector.zero(F);
        FloatVector c1_0 = FloatVector.zero(F), c1_1 = FloatVector.zero(F), c1_2 = FloatVector.zero(F);
        FloatVector c2_0 = FloatVector.zero(F), c2_1 = FloatVector.zero(F), c2_2 = FloatVector.zero(F);
        FloatVector c3_0 = FloatVector.zero(F), c3_1 = FloatVector.zero(F), c3_2 = FloatVector.zero(F);
        FloatVector c4_0 = FloatVector.zero(F), c4_1 = FloatVector.zero(F), c4_2 = FloatVector.zero(F);
        FloatVector c5_0 = FloatVector.zero(F), c5_1 = FloatVector.zero(F), c5_2 = FloatVector.zero(F);
        FloatVector c6_0 = FloatVector.zero(F), c6_1 = FloatVector.zero(F), c6_2 = FloatVector.zero(F);
        FloatVector c7_0 = FloatVector.zero(F), c7_1 = FloatVector.zero(F), c7_2 = FloatVector.zero(F);
        for (int p = 0; p < kc; p++) {
            int bq = bi + p * 3 * L;
            int aq = ai + p * 8;
            FloatVector b0 = FloatVector.fromArray(F, bp, bq);
            FloatVector b1 = FloatVector.fromArray(F, bp, bq + 1 * L);
            FloatVector b2 = FloatVector.fromArray(F, bp, bq + 2 * L);
            FloatVector a0 = FloatVector.broadcast(F, ap[aq + 0]);
            c0_0 = a0.fma(b0, c0_0); c0_1 = a0.fma(b1, c0_1); c0_2 = a0.fma(b2, c0_2);
            FloatVector a1 = FloatVector.broadcast(F, ap[aq + 1]);
            c1_0 = a1.fma(b0, c1_0); c1_1 = a1.fma(b1, c1_1); c1_2 = a1.fma(b2, c1_2);
            FloatVector a2 = FloatVector.broadcast(F, ap[aq + 2]);
            c2_0 = a2.fma(b0, c2_0); c2_1 = a2.fma(b1, c2_1); c2_2 = a2.fma(b2, c2_2);
            FloatVector a3 = FloatVector.broadcast(F, ap[aq + 3]);
            c3_0 = a3.fma(b0, c3_0); c3_1 = a3.fma(b1, c3_1); c3_2 = a3.fma(b2, c3_2);
            FloatVector a4 = FloatVector.broadcast(F, ap[aq + 4]);
            c4_0 = a4.fma(b0, c4_0); c4_1 = a4.fma(b1, c4_1); c4_2 = a4.fma(b2, c4_2);
            FloatVector a5 = FloatVector.broadcast(F, ap[aq + 5]);
            c5_0 = a5.fma(b0, c5_0); c5_1 = a5.fma(b1, c5_1); c5_2 = a5.fma(b2, c5_2);
            FloatVector a6 = FloatVector.broadcast(F, ap[aq + 6]);
            c6_0 = a6.fma(b0, c6_0); c6_1 = a6.fma(b1, c6_1); c6_2 = a6.fma(b2, c6_2);
            FloatVector a7 = FloatVector.broadcast(F, ap[aq + 7]);
            c7_0 = a7.fma(b0, c7_0); c7_1 = a7.fma(b1, c7_1); c7_2 = a7.fma(b2, c7_2);
        }
        if (beta == 0f) {
            put(c0_0, c, ci + 0 * ldc, alpha); put(c0_1, c, ci + 0 * ldc + 1 * L, alpha); put(c0_2, c, ci + 0 * ldc + 2 * L, alpha);
            put(c1_0, c, ci + 1 * ldc, alpha); put(c1_1, c, ci + 1 * ldc + 1 * L, alpha); put(c1_2, c, ci + 1 * ldc + 2 * L, alpha);
            put(c2_0, c, ci + 2 * ldc, alpha); put(c2_1, c, ci + 2 * ldc + 1 * L, alpha); put(c2_2, c, ci + 2 * ldc + 2 * L, alpha);
            put(c3_0, c, ci + 3 * ldc, alpha); put(c3_1, c, ci + 3 * ldc + 1 * L, alpha); put(c3_2, c, ci + 3 * ldc + 2 * L, alpha);
            put(c4_0, c, ci + 4 * ldc, alpha); put(c4_1, c, ci + 4 * ldc + 1 * L, alpha); put(c4_2, c, ci + 4 * ldc + 2 * L, alpha);
            put(c5_0, c, ci + 5 * ldc, alpha); put(c5_1, c, ci + 5 * ldc + 1 * L, alpha); put(c5_2, c, ci + 5 * ldc + 2 * L, alpha);
            put(c6_0, c, ci + 6 * ldc, alpha); put(c6_1, c, ci + 6 * ldc + 1 * L, alpha); put(c6_2, c, ci + 6 * ldc + 2 * L, alpha);
            put(c7_0, c, ci + 7 * ldc, alpha); put(c7_1, c, ci + 7 * ldc + 1 * L, alpha); put(c7_2, c, ci + 7 * ldc + 2 * L, alpha);
        } else {
            update(c0_0, c, ci + 0 * ldc, alpha, beta); update(c0_1, c, ci + 0 * ldc + 1 * L, alpha, beta); update(c0_2, c, ci + 0 * ldc + 2 * L, alpha, beta);
            update(c1_0, c, ci + 1 * ldc, alpha, beta); update(c1_1, c, ci + 1 * ldc + 1 * L, alpha, beta); update(c1_2, c, ci + 1 * ldc + 2 * L, alpha, beta);
            update(c2_0, c, ci + 2 * ldc, alpha, beta); update(c2_1, c, ci + 2 * ldc + 1 * L, alpha, beta); update(c2_2, c, ci + 2 * ldc + 2 * L, alpha, beta);
            update(c3_0, c, ci + 3 * ldc, alpha, beta); update(c3_1, c, ci + 3 * ldc + 1 * L, alpha, beta); update(c3_2, c, ci + 3 * ldc + 2 * L, alpha, beta);
            update(c4_0, c, ci + 4 * ldc, alpha, beta); update(c4_1, c, ci + 4 * ldc + 1 * L, alpha, beta); update(c4_2, c, ci + 4 * ldc + 2 * L, alpha, beta);
            update(c5_0, c, ci + 5 * ldc, alpha, beta); update(c5_1, c, ci + 5 * ldc + 1 * L, alpha, beta); update(c5_2, c, ci + 5 * ldc + 2 * L, alpha, beta);
            update(c6_0, c, ci + 6 * ldc, alpha, beta); update(c6_1, c, ci + 6 * ldc + 1 * L, alpha, beta); update(c6_2, c, ci + 6 * ldc + 2 * L, alpha, beta);
            update(c7_0, c, ci + 7 * ldc, alpha, beta); update(c7_1, c, ci + 7 * ldc + 1 * L, alpha, beta); update(c7_2, c, ci + 7 * ldc + 2 * L, alpha, beta);
        }
    }

    /** The 6 x 4-vector tile: see the class comment for the contract. */
    static void k6x4(int kc, float[] ap, int ai, float[] bp, int bi,
            float[] c, int ci, int ldc, float alpha, float beta) {
        FloatVector c0_0 = FloatVector.zero(F), c0_1 = FloatVector.zero(F), c0_2 = FloatVector.zero(F), c0_3 = FloatVector.zero(F);
        FloatVector c1_0 = FloatVector.zero(F), c1_1 = FloatVector.zero(F), c1_2 = FloatVector.zero(F), c1_3 = FloatVector.zero(F);
        FloatVector c2_0 = FloatVector.zero(F), c2_1 = FloatVector.zero(F), c2_2 = FloatVector.zero(F), c2_3 = FloatVector.zero(F);
        FloatVector c3_0 = FloatVector.zero(F), c3_1 = FloatVector.zero(F), c3_2 = FloatVector.zero(F), c3_3 = FloatVector.zero(F);
        FloatVector c4_0 = FloatVector.zero(F), c4_1 = FloatVector.zero(F), c4_2 = FloatVector.zero(F), c4_3 = FloatVector.zero(F);
        FloatVector c5_0 = FloatVector.zero(F), c5_1 = FloatVector.zero(F), c5_2 = FloatVector.zero(F), c5_3 = FloatVector.zero(F);
        for (int p = 0; p < kc; p++) {
            int bq = bi + p * 4 * L;
            int aq = ai + p * 6;
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
        if (beta == 0f) {
            put(c0_0, c, ci + 0 * ldc, alpha); put(c0_1, c, ci + 0 * ldc + 1 * L, alpha); put(c0_2, c, ci + 0 * ldc + 2 * L, alpha); put(c0_3, c, ci + 0 * ldc + 3 * L, alpha);
            put(c1_0, c, ci + 1 * ldc, alpha); put(c1_1, c, ci + 1 * ldc + 1 * L, alpha); put(c1_2, c, ci + 1 * ldc + 2 * L, alpha); put(c1_3, c, ci + 1 * ldc + 3 * L, alpha);
            put(c2_0, c, ci + 2 * ldc, alpha); put(c2_1, c, ci + 2 * ldc + 1 * L, alpha); put(c2_2, c, ci + 2 * ldc + 2 * L, alpha); put(c2_3, c, ci + 2 * ldc + 3 * L, alpha);
            put(c3_0, c, ci + 3 * ldc, alpha); put(c3_1, c, ci + 3 * ldc + 1 * L, alpha); put(c3_2, c, ci + 3 * ldc + 2 * L, alpha); put(c3_3, c, ci + 3 * ldc + 3 * L, alpha);
            put(c4_0, c, ci + 4 * ldc, alpha); put(c4_1, c, ci + 4 * ldc + 1 * L, alpha); put(c4_2, c, ci + 4 * ldc + 2 * L, alpha); put(c4_3, c, ci + 4 * ldc + 3 * L, alpha);
            put(c5_0, c, ci + 5 * ldc, alpha); put(c5_1, c, ci + 5 * ldc + 1 * L, alpha); put(c5_2, c, ci + 5 * ldc + 2 * L, alpha); put(c5_3, c, ci + 5 * ldc + 3 * L, alpha);
        } else {
            update(c0_0, c, ci + 0 * ldc, alpha, beta); update(c0_1, c, ci + 0 * ldc + 1 * L, alpha, beta); update(c0_2, c, ci + 0 * ldc + 2 * L, alpha, beta); update(c0_3, c, ci + 0 * ldc + 3 * L, alpha, beta);
            update(c1_0, c, ci + 1 * ldc, alpha, beta); update(c1_1, c, ci + 1 * ldc + 1 * L, alpha, beta); update(c1_2, c, ci + 1 * ldc + 2 * L, alpha, beta); update(c1_3, c, ci + 1 * ldc + 3 * L, alpha, beta);
            update(c2_0, c, ci + 2 * ldc, alpha, beta); update(c2_1, c, ci + 2 * ldc + 1 * L, alpha, beta); update(c2_2, c, ci + 2 * ldc + 2 * L, alpha, beta); update(c2_3, c, ci + 2 * ldc + 3 * L, alpha, beta);
            update(c3_0, c, ci + 3 * ldc, alpha, beta); update(c3_1, c, ci + 3 * ldc + 1 * L, alpha, beta); update(c3_2, c, ci + 3 * ldc + 2 * L, alpha, beta); update(c3_3, c, ci + 3 * ldc + 3 * L, alpha, beta);
            update(c4_0, c, ci + 4 * ldc, alpha, beta); update(c4_1, c, ci + 4 * ldc + 1 * L, alpha, beta); update(c4_2, c, ci + 4 * ldc + 2 * L, alpha, beta); update(c4_3, c, ci + 4 * ldc + 3 * L, alpha, beta);
            update(c5_0, c, ci + 5 * ldc, alpha, beta); update(c5_1, c, ci + 5 * ldc + 1 * L, alpha, beta); update(c5_2, c, ci + 5 * ldc + 2 * L, alpha, beta); update(c5_3, c, ci + 5 * ldc + 3 * L, alpha, beta);
        }
    }

    /** The 6 x 2-vector tile: see the class comment for the contract. */
    static void k6x2(int kc, float[] ap, int ai, float[] bp, int bi,
            float[] c, int ci, int ldc, float alpha, float beta) {
        FloatVector c0_0 = FloatVector.zero(F), c0_1 = FloatVector.zero(F);
        FloatVector c1_0 = FloatVector.zero(F), c1_1 = FloatVector.zero(F);
        FloatVector c2_0 = FloatVector.zero(F), c2_1 = FloatVector.zero(F);
        FloatVector c3_0 = FloatVector.zero(F), c3_1 = FloatVector.zero(F);
        FloatVector c4_0 = FloatVector.zero(F), c4_1 = FloatVector.zero(F);
        FloatVector c5_0 = FloatVector.zero(F), c5_1 = FloatVector.zero(F);
        for (int p = 0; p < kc; p++) {
            int bq = bi + p * 2 * L;
            int aq = ai + p * 6;
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
        if (beta == 0f) {
            put(c0_0, c, ci + 0 * ldc, alpha); put(c0_1, c, ci + 0 * ldc + 1 * L, alpha);
            put(c1_0, c, ci + 1 * ldc, alpha); put(c1_1, c, ci + 1 * ldc + 1 * L, alpha);
            put(c2_0, c, ci + 2 * ldc, alpha); put(c2_1, c, ci + 2 * ldc + 1 * L, alpha);
            put(c3_0, c, ci + 3 * ldc, alpha); put(c3_1, c, ci + 3 * ldc + 1 * L, alpha);
            put(c4_0, c, ci + 4 * ldc, alpha); put(c4_1, c, ci + 4 * ldc + 1 * L, alpha);
            put(c5_0, c, ci + 5 * ldc, alpha); put(c5_1, c, ci + 5 * ldc + 1 * L, alpha);
        } else {
            update(c0_0, c, ci + 0 * ldc, alpha, beta); update(c0_1, c, ci + 0 * ldc + 1 * L, alpha, beta);
            update(c1_0, c, ci + 1 * ldc, alpha, beta); update(c1_1, c, ci + 1 * ldc + 1 * L, alpha, beta);
            update(c2_0, c, ci + 2 * ldc, alpha, beta); update(c2_1, c, ci + 2 * ldc + 1 * L, alpha, beta);
            update(c3_0, c, ci + 3 * ldc, alpha, beta); update(c3_1, c, ci + 3 * ldc + 1 * L, alpha, beta);
            update(c4_0, c, ci + 4 * ldc, alpha, beta); update(c4_1, c, ci + 4 * ldc + 1 * L, alpha, beta);
            update(c5_0, c, ci + 5 * ldc, alpha, beta); update(c5_1, c, ci + 5 * ldc + 1 * L, alpha, beta);
        }
    }

    /** The 4 x 3-vector tile: see the class comment for the contract. */
    static void k4x3(int kc, float[] ap, int ai, float[] bp, int bi,
            float[] c, int ci, int ldc, float alpha, float beta) {
        FloatVector c0_0 = FloatVector.zero(F), c0_1 = FloatVector.zero(F), c0_2 = FloatVector.zero(F);
        FloatVector c1_0 = FloatVector.zero(F), c1_1 = FloatVector.zero(F), c1_2 = FloatVector.zero(F);
        FloatVector c2_0 = FloatVector.zero(F), c2_1 = FloatVector.zero(F), c2_2 = FloatVector.zero(F);
        FloatVector c3_0 = FloatVector.zero(F), c3_1 = FloatVector.zero(F), c3_2 = FloatVector.zero(F);
        for (int p = 0; p < kc; p++) {
            int bq = bi + p * 3 * L;
            int aq = ai + p * 4;
            FloatVector b0 = FloatVector.fromArray(F, bp, bq);
            FloatVector b1 = FloatVector.fromArray(F, bp, bq + 1 * L);
            FloatVector b2 = FloatVector.fromArray(F, bp, bq + 2 * L);
            FloatVector a0 = FloatVector.broadcast(F, ap[aq + 0]);
            c0_0 = a0.fma(b0, c0_0); c0_1 = a0.fma(b1, c0_1); c0_2 = a0.fma(b2, c0_2);
            FloatVector a1 = FloatVector.broadcast(F, ap[aq + 1]);
            c1_0 = a1.fma(b0, c1_0); c1_1 = a1.fma(b1, c1_1); c1_2 = a1.fma(b2, c1_2);
            FloatVector a2 = FloatVector.broadcast(F, ap[aq + 2]);
            c2_0 = a2.fma(b0, c2_0); c2_1 = a2.fma(b1, c2_1); c2_2 = a2.fma(b2, c2_2);
            FloatVector a3 = FloatVector.broadcast(F, ap[aq + 3]);
            c3_0 = a3.fma(b0, c3_0); c3_1 = a3.fma(b1, c3_1); c3_2 = a3.fma(b2, c3_2);
        }
        if (beta == 0f) {
            put(c0_0, c, ci + 0 * ldc, alpha); put(c0_1, c, ci + 0 * ldc + 1 * L, alpha); put(c0_2, c, ci + 0 * ldc + 2 * L, alpha);
            put(c1_0, c, ci + 1 * ldc, alpha); put(c1_1, c, ci + 1 * ldc + 1 * L, alpha); put(c1_2, c, ci + 1 * ldc + 2 * L, alpha);
            put(c2_0, c, ci + 2 * ldc, alpha); put(c2_1, c, ci + 2 * ldc + 1 * L, alpha); put(c2_2, c, ci + 2 * ldc + 2 * L, alpha);
            put(c3_0, c, ci + 3 * ldc, alpha); put(c3_1, c, ci + 3 * ldc + 1 * L, alpha); put(c3_2, c, ci + 3 * ldc + 2 * L, alpha);
        } else {
            update(c0_0, c, ci + 0 * ldc, alpha, beta); update(c0_1, c, ci + 0 * ldc + 1 * L, alpha, beta); update(c0_2, c, ci + 0 * ldc + 2 * L, alpha, beta);
            update(c1_0, c, ci + 1 * ldc, alpha, beta); update(c1_1, c, ci + 1 * ldc + 1 * L, alpha, beta); update(c1_2, c, ci + 1 * ldc + 2 * L, alpha, beta);
            update(c2_0, c, ci + 2 * ldc, alpha, beta); update(c2_1, c, ci + 2 * ldc + 1 * L, alpha, beta); update(c2_2, c, ci + 2 * ldc + 2 * L, alpha, beta);
            update(c3_0, c, ci + 3 * ldc, alpha, beta); update(c3_1, c, ci + 3 * ldc + 1 * L, alpha, beta); update(c3_2, c, ci + 3 * ldc + 2 * L, alpha, beta);
        }
    }
}
