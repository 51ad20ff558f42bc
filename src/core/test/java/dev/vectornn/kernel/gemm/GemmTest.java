package dev.vectornn.kernel.gemm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.vectornn.kernel.KernelThreads;
import dev.vectornn.kernel.RestoreKernelThreads;
import dev.vectornn.kernel.Transpose;
import dev.vectornn.kernel.Triangle;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * VectorGemm and ScalarGemm against a naive triple loop in double, over shapes that hit every
 * edge of the blocking (1, primes, MR/NR/KC/MC/NC plus and minus one, the skinny LSTM and
 * attention shapes), all transpose combinations, alpha/beta cases, padded leading dimensions and
 * offsets; and bit-identical results for 1, 2 and 3 threads.
 */
@ExtendWith(RestoreKernelThreads.class)
class GemmTest {
    private static final Transpose[] TS = Transpose.values();
    /** One GEMM problem with its operands laid out at random offsets and padded strides. */
    static final class Problem {
        final Transpose ta, tb;
        final int m, n, k, aOff, lda, bOff, ldb, cOff, ldc;
        final float alpha, beta;
        final float[] a, b, c0;

        Problem(Random r, Transpose ta, Transpose tb, int m, int n, int k, float alpha, float beta) {
            this.ta = ta; this.tb = tb; this.m = m; this.n = n; this.k = k; this.alpha = alpha; this.beta = beta;
            int aRows = ta == Transpose.N ? m : k, aCols = ta == Transpose.N ? k : m;
            int bRows = tb == Transpose.N ? k : n, bCols = tb == Transpose.N ? n : k;
            lda = aCols + r.nextInt(3);
            ldb = bCols + r.nextInt(3);
            ldc = n + r.nextInt(3);
            aOff = r.nextInt(5);
            bOff = r.nextInt(5);
            cOff = r.nextInt(5);
            a = random(r, aOff + Math.max(0, (aRows - 1) * lda + aCols) + r.nextInt(3));
            b = random(r, bOff + Math.max(0, (bRows - 1) * ldb + bCols) + r.nextInt(3));
            c0 = random(r, cOff + Math.max(0, (m - 1) * ldc + n) + r.nextInt(3));
            if (beta == 0f) {
                Arrays.fill(c0, Float.NaN);  // BLAS: beta == 0 must overwrite, never read
            }
        }

        float opA(int i, int p) {
            return ta == Transpose.N ? a[aOff + i * lda + p] : a[aOff + p * lda + i];
        }

        float opB(int p, int j) {
            return tb == Transpose.N ? b[bOff + p * ldb + j] : b[bOff + j * ldb + p];
        }

        float[] vector() {
            float[] c = c0.clone();
            VectorGemm.gemm(ta, tb, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            return c;
        }

        float[] scalar() {
            float[] c = c0.clone();
            ScalarGemm.gemm(ta, tb, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            return c;
        }

        /** Checks every element of C against a double triple loop; elements outside C untouched. */
        void check(String who, float[] c) {
            for (int i = 0; i < c.length; i++) {
                int row = (i - cOff) / Math.max(1, ldc), col = (i - cOff) - row * ldc;
                boolean inside = i >= cOff && row < m && col < n;
                if (!inside && Float.floatToRawIntBits(c[i]) != Float.floatToRawIntBits(c0[i])) {
                    fail(who + " " + this + ": wrote outside C at index " + i);
                }
            }
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double s = 0, mag = 0;
                    for (int p = 0; p < k; p++) {
                        double prod = (double) opA(i, p) * opB(p, j);
                        s += prod;
                        mag += Math.abs(prod);
                    }
                    double old = beta == 0f ? 0 : c0[cOff + i * ldc + j];
                    double want = alpha * s + (beta == 0f ? 0 : beta * old);
                    double tol = (k + 3) * 0x1p-24 * (Math.abs(alpha) * mag + Math.abs(beta * old)) + 1e-30;
                    float got = c[cOff + i * ldc + j];
                    if (!(Math.abs(got - want) <= tol)) {
                        fail(who + " " + this + ": C[" + i + "][" + j + "] = " + got + ", want " + want + " +- " + tol);
                    }
                }
            }
        }

        @Override
        public String toString() {
            return String.format("gemm(%s,%s, m=%d n=%d k=%d, alpha=%s beta=%s, lda=%d ldb=%d ldc=%d, offs %d/%d/%d)",
                    ta, tb, m, n, k, alpha, beta, lda, ldb, ldc, aOff, bOff, cOff);
        }
    }

    static float[] random(Random r, int len) {
        float[] x = new float[len];
        for (int i = 0; i < len; i++) {
            x[i] = r.nextFloat() * 2f - 1f;
        }
        return x;
    }

    /** Shapes around every blocking size, plus the skinny ones LSTM and attention produce. */
    static List<int[]> shapes() {
        int mr = VectorGemm.MR, nr = VectorGemm.NR, kc = VectorGemm.KC, mc = VectorGemm.MC, nc = VectorGemm.NC;
        List<int[]> s = new ArrayList<>(List.of(
                new int[] {1, 1, 1}, new int[] {1, 7, 5}, new int[] {7, 1, 5}, new int[] {3, 3, 1},
                new int[] {2, 3, 0}, new int[] {5, 13, 11}, new int[] {17, 19, 23}, new int[] {31, 37, 29},
                new int[] {mr, nr, 8}, new int[] {mr + 1, nr + 1, 9}, new int[] {mr - 1, nr - 1, 10},
                new int[] {2 * mr + 1, 2 * nr - 1, kc + 1}, new int[] {mr, nr, kc - 1}, new int[] {3, 5, 2 * kc + 3},
                new int[] {mc + 1, 9, 7}, new int[] {mc - 1, nr + 3, 12}, new int[] {3, nc + 1, 5},
                new int[] {1, 300, 70}, new int[] {70, 1, 300}, new int[] {64, 64, 64}, new int[] {128, 128, 32},
                new int[] {32, 1024, 40}, new int[] {61, 67, 71}));
        return s;
    }

    @Test
    void vectorAndScalarMatchDoubleReference() {
        Random r = new Random(42);
        KernelThreads.setThreads(1);
        float[][] alphaBeta = {{1f, 0f}, {1f, 1f}, {-0.75f, 0.5f}, {2f, 0f}};
        int combo = 0;
        for (int[] sh : shapes()) {
            for (Transpose ta : TS) {
                for (Transpose tb : TS) {
                    float[] ab = alphaBeta[combo++ % alphaBeta.length];
                    Problem p = new Problem(r, ta, tb, sh[0], sh[1], sh[2], ab[0], ab[1]);
                    p.check("VectorGemm", p.vector());
                    p.check("ScalarGemm", p.scalar());
                }
            }
        }
    }

    /**
     * A narrow C reads full A panels in place, a wide one packs them: the narrow C must be the
     * wide one's first columns bit for bit (each element depends only on its row of A, its
     * column of B and k), for both layouts of A, a partial last panel and a multi-block k. A
     * transposed A whose stride is a multiple of 512 floats is packed even when narrow.
     */
    @Test
    void aReadInPlaceGivesThePackedBits() {
        Random r = new Random(17);
        KernelThreads.setThreads(1);
        int narrow = VectorGemm.DIRECT_A_MAX_COLS, wide = narrow + VectorGemm.NR + 5;
        int aliased = VectorGemm.DIRECT_A_ALIASED_MAX_COLS;
        assertTrue(!VectorGemm.directA(Transpose.N, 1024, aliased + 1) && VectorGemm.directA(Transpose.N, 1024, aliased));
        assertTrue(VectorGemm.directA(Transpose.N, 1027, narrow) && !VectorGemm.directA(Transpose.T, 2048, aliased));
        for (Transpose ta : TS) {
            for (Transpose tb : TS) {
                for (int[] mk : new int[][] {{4 * VectorGemm.MR + 5, VectorGemm.KC + 37}, {VectorGemm.MC + VectorGemm.MR, 300}, {512, 70}}) {
                    int m = mk[0], k = mk[1];
                    int lda = (ta == Transpose.N ? k : m) + (m == 512 ? 0 : 3);
                    int ldb = tb == Transpose.N ? wide : k;
                    float[] a = random(r, (ta == Transpose.N ? m : k) * lda);
                    float[] b = random(r, (tb == Transpose.N ? k : wide) * ldb);
                    assertTrue(VectorGemm.directA(ta, lda, narrow) == (ta == Transpose.N || lda % 512 != 0));
                    assertTrue(!VectorGemm.directA(ta, lda, wide));
                    float[] cw = new float[m * wide], cn = new float[m * narrow];
                    VectorGemm.gemm(ta, tb, m, wide, k, 0.75f, a, 0, lda, b, 0, ldb, 0f, cw, 0, wide);
                    VectorGemm.gemm(ta, tb, m, narrow, k, 0.75f, a, 0, lda, b, 0, ldb, 0f, cn, 0, narrow);
                    for (int i = 0; i < m; i++) {
                        assertArrayEquals(Arrays.copyOfRange(cw, i * wide, i * wide + narrow), Arrays.copyOfRange(cn, i * narrow, i * narrow + narrow),
                                ta + "," + tb + " m=" + m + " k=" + k + " lda=" + lda + ": row " + i);
                    }
                }
            }
        }
    }

    /**
     * A TN problem at least SWAP_MIN_RATIO times taller than wide is computed as C^T = B^T A and
     * written back transposed: against the double reference, and bit for bit equal to the same
     * problem run untransposed (which the orientation must not change), at 1 to 3 threads, with
     * padded strides, offsets, beta 0 (C not read) and beta != 0, several k blocks, n = 2, and a
     * batch whose entries are transposed; and the bounds of the rule (ratio, width, depth).
     */
    @Test
    void tallWeightGradientIsComputedTransposedWithTheSameBits() {
        Random r = new Random(23);
        int ratio = VectorGemm.SWAP_MIN_RATIO, mr = VectorGemm.MR, depth = VectorGemm.SWAP_MIN_DEPTH;
        int[][] shapes = {{ratio * 40, 40, depth + 3}, {ratio * (mr + 1) + 7, mr + 1, VectorGemm.KC + 37},
                {2 * ratio, 2, depth}, {1000, 33, depth + 70}, {VectorGemm.MC + 5, 9, depth + 7}};
        assertTransposedKeepsTheBits(r, Transpose.T, Transpose.N, shapes);
        assertTrue(!VectorGemm.transposeC(Transpose.T, Transpose.N, ratio * 40 - 1, 40, depth));
        assertTrue(!VectorGemm.transposeC(Transpose.T, Transpose.N, ratio * 40, 40, depth - 1));
        assertTrue(!VectorGemm.transposeC(Transpose.N, Transpose.N, 4000, 40, depth));
        assertTrue(!VectorGemm.transposeC(Transpose.T, Transpose.N, 4000, 1, depth));
        int wide = VectorGemm.SWAP_MAX_COLS;
        assertTrue(VectorGemm.transposeC(Transpose.T, Transpose.N, ratio * wide, wide, depth));
        assertTrue(!VectorGemm.transposeC(Transpose.T, Transpose.N, ratio * (wide + 1), wide + 1, depth));
        int batch = 3, m = ratio * 30, n = 30, k = depth + 1;
        float[] a = random(r, batch * k * m), b = random(r, batch * k * n), c0 = random(r, batch * m * n);
        float[] want = c0.clone();
        KernelThreads.setThreads(1);
        for (int e = 0; e < batch; e++) {
            VectorGemm.single(Transpose.T, Transpose.N, m, n, k, 1.5f, a, e * k * m, m, b, e * k * n, n,
                    0.5f, want, e * m * n, n, 1, null, 0, 0);
        }
        for (int t : new int[] {1, 2, 3}) {
            KernelThreads.setThreads(t);
            float[] c = c0.clone();
            VectorGemm.gemmBatched(Transpose.T, Transpose.N, batch, m, n, k, 1.5f, a, 0, k * m, m, b, 0, k * n, n,
                    0.5f, c, 0, m * n, n);
            assertArrayEquals(want, c, "batched transposed entries, threads=" + t);
        }
    }

    /**
     * An NT problem at least NT_SWAP_MIN_RATIO times wider than tall (a linear layer's forward on
     * a small batch) is computed as C^T = B A^T: checked as the TN case above (reference, bits of
     * the untransposed run, 1 to 3 threads, both betas, several k blocks), plus an addend (a bias
     * row, added after the transposed product) with the bits of the product followed by an add,
     * and the bounds of the rule.
     */
    @Test
    void wideProductOfAShortAIsComputedTransposedWithTheSameBits() {
        Random r = new Random(29);
        int ratio = VectorGemm.NT_SWAP_MIN_RATIO, mr = VectorGemm.MR, depth = VectorGemm.NT_SWAP_MIN_DEPTH;
        int[][] shapes = {{40, ratio * 40, depth + 3}, {mr + 1, ratio * (mr + 1) + 7, VectorGemm.KC + 37},
                {2, 2 * ratio, depth}, {33, 1000, depth + 70}, {9, VectorGemm.MC + 5, depth + 7}};
        assertTransposedKeepsTheBits(r, Transpose.N, Transpose.T, shapes);
        assertTrue(!VectorGemm.transposeC(Transpose.N, Transpose.T, 40, ratio * 40 - 1, depth));
        assertTrue(!VectorGemm.transposeC(Transpose.N, Transpose.T, 40, ratio * 40, depth - 1));
        assertTrue(!VectorGemm.transposeC(Transpose.N, Transpose.N, 40, 4000, depth));
        assertTrue(!VectorGemm.transposeC(Transpose.N, Transpose.T, 1, 4000, depth));
        int m = 24, n = 300, k = depth + 9;
        assertTrue(VectorGemm.transposeC(Transpose.N, Transpose.T, m, n, k));
        float[] a = random(r, m * k), b = random(r, n * k), bias = random(r, n);
        float[] want = new float[m * n];
        KernelThreads.setThreads(1);
        VectorGemm.single(Transpose.N, Transpose.T, m, n, k, 1f, a, 0, k, b, 0, k, 0f, want, 0, n, 1, null, 0, 0);
        for (int i = 0; i < m; i++) for (int j = 0; j < n; j++) want[i * n + j] += bias[j];
        for (int t : new int[] {1, 2, 3}) {
            KernelThreads.setThreads(t);
            float[] c = new float[m * n];
            VectorGemm.gemm(Transpose.N, Transpose.T, m, n, k, 1f, a, 0, k, b, 0, k, 0f, c, 0, n, bias, 0, 0);
            assertArrayEquals(want, c, "transposed NT product with a bias row, threads=" + t);
        }
    }

    /**
     * Each shape is one that {@link VectorGemm#transposeC} computes transposed: at 1 to 3
     * threads and both betas, against the reference and bit for bit equal to the same problem run
     * untransposed on one thread.
     */
    private static void assertTransposedKeepsTheBits(Random r, Transpose ta, Transpose tb, int[][] shapes) {
        for (int[] sh : shapes) {
            assertTrue(VectorGemm.transposeC(ta, tb, sh[0], sh[1], sh[2]), Arrays.toString(sh));
            for (float beta : new float[] {0f, 1.25f}) {
                Problem p = new Problem(r, ta, tb, sh[0], sh[1], sh[2], 0.5f, beta);
                KernelThreads.setThreads(1);
                float[] untransposed = p.c0.clone();
                VectorGemm.single(p.ta, p.tb, p.m, p.n, p.k, p.alpha, p.a, p.aOff, p.lda, p.b, p.bOff, p.ldb,
                        p.beta, untransposed, p.cOff, p.ldc, 1, null, 0, 0);
                for (int t : new int[] {1, 2, 3}) {
                    KernelThreads.setThreads(t);
                    float[] c = p.vector();
                    p.check("VectorGemm transposed, threads=" + t, c);
                    assertArrayEquals(untransposed, c, p + " threads=" + t + ": transposed C changed the bits");
                }
            }
        }
    }

    /**
     * A triangular product equals the full product of the operands with the triangle zeroed
     * (LOWER_RESULT: then C's upper triangle is beta * C), bit for bit, at 1, 2 and 3 threads, for
     * every transpose pair, shapes around the tile sizes, several k blocks and both betas; the
     * skipped triangle of A holds NaN, so reading it would show. The scalar reference agrees with
     * a double triple loop over the triangle.
     */
    @Test
    void triangularProductsEqualTheFullProductOfTheZeroedTriangle() {
        Random r = new Random(31);
        int mr = VectorGemm.MR, nr = VectorGemm.NR, kc = VectorGemm.KC;
        int[][] shapes = {{1, 1, 1}, {13, 13, 13}, {mr + 1, nr + 3, 3 * mr}, {40, 70, 33}, {70, 40, 90},
                {128, 128, 32}, {128, 32, 128}, {2 * mr + 5, 2 * nr + 1, kc + 37}, {5, 3, 60}};
        int batch = 3;
        for (Triangle tri : new Triangle[] {Triangle.LOWER_RESULT, Triangle.LOWER_A}) {
            for (Transpose ta : TS) {
                for (Transpose tb : TS) {
                    for (int[] sh : shapes) {
                        for (float beta : new float[] {0f, 1.25f}) {
                            int m = sh[0], n = sh[1], k = sh[2];
                            int aRows = ta == Transpose.N ? m : k, aCols = ta == Transpose.N ? k : m;
                            int lda = aCols + 1, sa = aRows * lda + 2;
                            int ldb = (tb == Transpose.N ? n : k) + 2, sb = (tb == Transpose.N ? k : n) * ldb + 1;
                            int ldc = n + 1, sc = m * ldc + 3;
                            float[] a = random(r, batch * sa), b = random(r, batch * sb);
                            float[] c0 = beta == 0f ? new float[batch * sc] : random(r, batch * sc);
                            if (beta == 0f) Arrays.fill(c0, Float.NaN);
                            float[] zeroed = a.clone();
                            if (tri == Triangle.LOWER_A) {
                                for (int e = 0; e < batch; e++) {
                                    for (int i = 0; i < aRows; i++) {
                                        for (int j = i + 1; j < aCols; j++) {
                                            a[e * sa + i * lda + j] = Float.NaN;
                                            zeroed[e * sa + i * lda + j] = 0f;
                                        }
                                    }
                                }
                            }
                            String what = tri + " " + ta + tb + " " + Arrays.toString(sh) + " beta " + beta;
                            KernelThreads.setThreads(1);
                            float[] want = c0.clone();
                            VectorGemm.gemmBatched(ta, tb, batch, m, n, k, 0.75f, zeroed, 0, sa, lda, b, 0, sb, ldb,
                                    beta, want, 0, sc, ldc);
                            if (tri == Triangle.LOWER_RESULT) {
                                for (int e = 0; e < batch; e++) {
                                    for (int i = 0; i < m; i++) {
                                        for (int j = i + 1; j < n; j++) {
                                            int ci = e * sc + i * ldc + j;
                                            want[ci] = beta == 0f ? 0f : 0.75f * 0f + beta * c0[ci];
                                        }
                                    }
                                }
                            }
                            for (int t : new int[] {1, 2, 3}) {
                                KernelThreads.setThreads(t);
                                float[] c = c0.clone();
                                VectorGemm.gemmBatched(tri, ta, tb, batch, m, n, k, 0.75f, a, 0, sa, lda, b, 0, sb, ldb,
                                        beta, c, 0, sc, ldc);
                                assertArrayEquals(want, c, what + ", threads " + t);
                            }
                            float[] c = c0.clone();
                            for (int e = 0; e < batch; e++) {
                                ScalarGemm.gemm(tri, ta, tb, m, n, k, 0.75f, a, e * sa, lda, b, e * sb, ldb,
                                        beta, c, e * sc, ldc);
                            }
                            for (int e = 0; e < batch; e++) {
                                for (int i = 0; i < m; i++) {
                                    for (int j = 0; j < n; j++) {
                                        double s = 0, mag = 0;
                                        for (int p = 0; p < k; p++) {
                                            double av = ta == Transpose.N ? zeroed[e * sa + i * lda + p]
                                                    : zeroed[e * sa + p * lda + i];
                                            double bv = tb == Transpose.N ? b[e * sb + p * ldb + j] : b[e * sb + j * ldb + p];
                                            s += av * bv;
                                            mag += Math.abs(av * bv);
                                        }
                                        if (tri == Triangle.LOWER_RESULT && j > i) s = 0;
                                        int ci = e * sc + i * ldc + j;
                                        double old = beta == 0f ? 0 : c0[ci];
                                        double w = 0.75 * s + beta * old;
                                        double tol = (k + 3) * 0x1p-24 * (0.75 * mag + Math.abs(beta * old)) + 1e-30;
                                        assertTrue(Math.abs(c[ci] - w) <= tol, what + " scalar C[" + e + "][" + i + "][" + j
                                                + "] = " + c[ci] + ", want " + w);
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * The last row panel of a product whose m is not a multiple of MR runs a shorter kernel
     * (8, 6 or 4 rows at 12 x 2): each of its rows must have the bits of the same row computed
     * inside a full panel, for every remainder 2 .. MR-1, every transpose, an edge column tile,
     * and one or two k blocks.
     */
    @Test
    void partialRowPanelsHaveTheBitsOfFullOnes() {
        Random r = new Random(23);
        KernelThreads.setThreads(1);
        int mr = VectorGemm.MR, big = 3 * mr, n = 2 * VectorGemm.NR + 5;
        for (int k : new int[] {70, VectorGemm.KC + 37}) {
            for (Transpose ta : TS) {
                for (Transpose tb : TS) {
                    int lda = ta == Transpose.N ? k : big, ldb = tb == Transpose.N ? n : k;
                    float[] a = random(r, (ta == Transpose.N ? big : k) * lda);
                    float[] b = random(r, (tb == Transpose.N ? k : n) * ldb);
                    float[] full = new float[big * n];
                    VectorGemm.gemm(ta, tb, big, n, k, 1f, a, 0, lda, b, 0, ldb, 0f, full, 0, n);
                    for (int m = 2; m < mr; m++) { // m = 1 is a GEMV, which rounds its own way
                        // the first m rows of op(A), as stored: a prefix of rows (N) or of each row (T)
                        float[] part = new float[m * n];
                        VectorGemm.gemm(ta, tb, m, n, k, 1f, a, 0, lda, b, 0, ldb, 0f, part, 0, n);
                        assertArrayEquals(Arrays.copyOf(full, m * n), part, ta + "," + tb + " k=" + k + ": " + m + " rows");
                    }
                }
            }
        }
    }

    /** k is cut into the fewest blocks of at most KC, as equal as possible. */
    @Test
    void depthBlocksKEvenly() {
        int kc = VectorGemm.KC;
        for (int k : new int[] {1, 7, kc - 1, kc, kc + 1, 2 * kc, 2 * kc + 1, 33278, 700}) {
            int d = VectorGemm.depth(k), blocks = (k + d - 1) / d;
            assertTrue(d >= 1 && d <= kc, "depth(" + k + ") = " + d);
            assertEquals((k + kc - 1) / kc, blocks, "blocks for k=" + k);
            assertTrue(k - (blocks - 1) * d > d - blocks, "last block of k=" + k + " is a thin remainder: depth " + d);
        }
        assertEquals(kc / 2 + 1, VectorGemm.depth(kc + 1));
    }

    @Test
    void alphaZeroAndEmptyKOnlyScaleC() {
        Random r = new Random(7);
        for (Transpose ta : TS) {
            for (Transpose tb : TS) {
                for (int k : new int[] {0, 5}) {
                    for (float beta : new float[] {0f, 1f, -2f}) {
                        Problem p = new Problem(r, ta, tb, 9, 37, k, k == 0 ? 1.5f : 0f, beta);
                        Arrays.fill(p.a, Float.NaN);  // alpha == 0: A and B are not read
                        Arrays.fill(p.b, Float.NaN);
                        for (float[] c : new float[][] {p.vector(), p.scalar()}) {
                            for (int i = 0; i < 9; i++) {
                                for (int j = 0; j < 37; j++) {
                                    int x = p.cOff + i * p.ldc + j;
                                    assertEquals(beta == 0f ? 0f : beta * p.c0[x], c[x], 0f, p + " at " + i + "," + j);
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void bitIdenticalForAnyThreadCount() {
        Random r = new Random(3);
        // Large enough to be split (m*n*k >= PARALLEL_MIN), tall (split by rows) and wide (by columns).
        int[][] big = {{150, 70, 130}, {40, 300, 100}, {97, 101, 257}, {200, 33, 180}};
        for (int[] sh : big) {
            assertTrue((long) sh[0] * sh[1] * sh[2] >= VectorGemm.PARALLEL_MIN);
            for (Transpose ta : TS) {
                for (Transpose tb : TS) {
                    Problem p = new Problem(r, ta, tb, sh[0], sh[1], sh[2], 0.5f, sh[0] % 2 == 0 ? 0f : 1.25f);
                    KernelThreads.setThreads(1);
                    float[] one = p.vector();
                    p.check("VectorGemm threads=1", one);
                    for (int t : new int[] {2, 3}) {
                        KernelThreads.setThreads(t);
                        assertArrayEquals(one, p.vector(), p + " threads=" + t + " differs from threads=1");
                    }
                }
            }
        }
    }

    @Test
    void batchedEqualsOneGemmPerEntryForAnyThreadCount() {
        Random r = new Random(11);
        int[][] cases = {{6, 20, 24, 16}, {3, 100, 90, 120}, {5, 1, 33, 17}};  // batch, m, n, k
        for (int[] cs : cases) {
            int batch = cs[0], m = cs[1], n = cs[2], k = cs[3];
            for (Transpose ta : TS) {
                for (Transpose tb : TS) {
                    int sa = m * k + 3, sb = k * n + 1, sc = m * n + 2;
                    int lda = ta == Transpose.N ? k : m, ldb = tb == Transpose.N ? n : k;
                    float[] a = random(r, sa * batch), b = random(r, sb * batch), c0 = random(r, sc * batch);
                    KernelThreads.setThreads(1);
                    float[] want = c0.clone();
                    for (int e = 0; e < batch; e++) {
                        VectorGemm.gemm(ta, tb, m, n, k, 1.5f, a, e * sa, lda, b, e * sb, ldb, 0.5f, want, e * sc, n);
                    }
                    for (int t : new int[] {1, 2, 3}) {
                        KernelThreads.setThreads(t);
                        float[] c = c0.clone();
                        VectorGemm.gemmBatched(ta, tb, batch, m, n, k, 1.5f, a, 0, sa, lda, b, 0, sb, ldb,
                                0.5f, c, 0, sc, n);
                        assertArrayEquals(want, c, "batched " + ta + tb + " " + Arrays.toString(cs) + " threads=" + t);
                    }
                }
            }
        }
    }

    @Test
    void steadyStateCallsDoNotAllocate() throws ReflectiveOperationException {
        // com.sun.management is not readable from this module at compile time; reflection is.
        Object mx = java.lang.management.ManagementFactory.getThreadMXBean();
        java.lang.reflect.Method allocatedBytes;
        try {
            allocatedBytes = Class.forName("com.sun.management.ThreadMXBean").getMethod("getCurrentThreadAllocatedBytes");
        } catch (ClassNotFoundException e) {
            allocatedBytes = null;
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(allocatedBytes != null, "no per-thread allocation counter in this JVM");
        Random r = new Random(13);
        Problem big = new Problem(r, Transpose.T, Transpose.N, 130, 90, 120, 1f, 0.5f);
        Problem row = new Problem(r, Transpose.N, Transpose.T, 1, 90, 50, 1f, 0f);
        Problem col = new Problem(r, Transpose.T, Transpose.N, 40, 1, 50, 1f, 1f);
        float[] c1 = big.c0.clone(), c2 = row.c0.clone(), c3 = col.c0.clone();
        for (int threads : new int[] {1, 2}) {
            KernelThreads.setThreads(threads);
            // Until C2 has compiled the vector code, the interpreter and C1 box every vector;
            // so repeat rounds until one allocates (almost) nothing, or give up after 10 s.
            long allocated = Long.MAX_VALUE;
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (allocated >= 4096 && System.nanoTime() < deadline) {
                long before = (Long) allocatedBytes.invoke(mx);
                for (int i = 0; i < 10; i++) {
                    VectorGemm.gemm(big.ta, big.tb, big.m, big.n, big.k, 1f, big.a, big.aOff, big.lda,
                            big.b, big.bOff, big.ldb, 0.5f, c1, big.cOff, big.ldc);
                    VectorGemm.gemm(row.ta, row.tb, 1, row.n, row.k, 1f, row.a, row.aOff, row.lda,
                            row.b, row.bOff, row.ldb, 0f, c2, row.cOff, row.ldc);
                    VectorGemm.gemm(col.ta, col.tb, col.m, 1, col.k, 1f, col.a, col.aOff, col.lda,
                            col.b, col.bOff, col.ldb, 1f, c3, col.cOff, col.ldc);
                    VectorGemm.gemmBatched(big.ta, big.tb, 2, 40, 30, 20, 1f, big.a, 0, 0, big.lda,
                            big.b, 0, 0, big.ldb, 0f, c1, 0, 40 * 30, 30);
                }
                allocated = (Long) allocatedBytes.invoke(mx) - before;
            }
            assertTrue(allocated < 4096, "steady-state GEMM calls allocated " + allocated + " bytes with threads=" + threads);
        }
    }

    @Test
    void concurrentCallersGetCorrectResults() throws InterruptedException {
        KernelThreads.setThreads(2);
        Random r = new Random(5);
        Problem p = new Problem(r, Transpose.N, Transpose.T, 120, 96, 100, 1f, 0f);
        float[] want = p.vector();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread[] ts = new Thread[3];
        for (int t = 0; t < ts.length; t++) {
            ts[t] = new Thread(() -> {
                try {
                    for (int i = 0; i < 20; i++) {
                        assertArrayEquals(want, p.vector());
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            });
            ts[t].start();
        }
        for (Thread t : ts) {
            t.join();
        }
        if (failure.get() != null) {
            throw new AssertionError("a concurrent caller got a different result", failure.get());
        }
    }
}
