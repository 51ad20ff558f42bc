package dev.vectornn.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link Kernels#gemm} with an addend D against the same product
 * followed by an element-wise add, in both implementations: the same bits, as documented, on
 * every path the vector GEMM takes (GEMV rows and columns, the transposed tall product, edge
 * tiles, several k blocks, the split over 2 and 3 threads by rows and by columns, nothing to
 * multiply), for a full D with a padded stride and for one bias row ({@code ldd == 0}), with D
 * in the same array as A.
 */
@ExtendWith(RestoreKernelThreads.class)
class GemmAddendTest {
    static Stream<Kernels> kernels() {
        return Stream.of(KernelProvider.scalar(), KernelProvider.vector());
    }

    /**
     * m x n x k: GEMV shapes, edge tiles, the LSTM's step products, a tall TN product that the
     * vector GEMM computes transposed (1024 x 32, k 600), two k blocks (k 1100), problems split
     * over threads by rows (300 x 40) and by columns (12 x 2100), and k = 0.
     */
    private static final int[][] SHAPES = {
        {1, 37, 5}, {19, 1, 7}, {13, 33, 17}, {32, 1024, 256}, {32, 256, 1024}, {1024, 32, 600}, {7, 45, 1100},
        {300, 40, 90}, {12, 2100, 9}, {4, 5, 0}};

    @ParameterizedTest
    @MethodSource("kernels")
    void addendHasTheBitsOfTheProductThenAnAdd(Kernels k) {
        Random r = new Random(11);
        for (int[] sh : SHAPES) {
            int m = sh[0], n = sh[1], kk = sh[2];
            for (Transpose ta : Transpose.values()) {
                for (Transpose tb : Transpose.values()) {
                    int lda = (ta == Transpose.N ? kk : m) + 1, ldb = (tb == Transpose.N ? n : kk) + 2, ldc = n + 3;
                    float[] b = random(r, Math.max(1, (tb == Transpose.N ? kk : n) * ldb));
                    // A and a full D share one array; D comes after A
                    int aSize = Math.max(1, (ta == Transpose.N ? m : kk) * lda), ldd = n + 5, dOff = aSize + 2;
                    float[] ad = random(r, dOff + m * ldd);
                    float[] bias = random(r, n + 4);
                    for (float beta : new float[] {0f, 0.5f}) {
                        float[] c0 = random(r, m * ldc + 2);
                        if (beta == 0f) Arrays.fill(c0, Float.NaN); // beta 0 overwrites
                        for (boolean row : new boolean[] {false, true}) {
                            float[] d = row ? bias : ad;
                            int off = row ? 3 : dOff, ld = row ? 0 : ldd;
                            KernelThreads.setThreads(1);
                            float[] want = c0.clone();
                            k.gemm(ta, tb, m, n, kk, 0.75f, ad, 0, lda, b, 0, ldb, beta, want, 1, ldc);
                            addRows(m, n, d, off, ld, want, 1, ldc);
                            String what = k.name() + " " + ta + tb + " " + m + "x" + n + "x" + kk + " beta " + beta
                                    + (row ? " bias row" : " full D");
                            for (int t = 1; t <= 3; t++) {
                                KernelThreads.setThreads(t);
                                float[] got = c0.clone();
                                k.gemm(ta, tb, m, n, kk, 0.75f, ad, 0, lda, b, 0, ldb, beta, got, 1, ldc, d, off, ld);
                                assertArrayEquals(want, got, what + " at " + t + " threads");
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * The addend is added after the whole product, not folded into the first k block: with k in
     * two blocks whose partial sums are half an ulp of D each, D + p + p rounds to D (ties to
     * even, twice) where D + 2p is exact.
     */
    @Test
    void addendComesAfterEveryKBlock() {
        Kernels k = KernelProvider.vector();
        KernelThreads.setThreads(1);
        int m = 2, n = 3, kk = 2100;   // two k blocks: kk > the vector GEMM's 1024
        float[] a = new float[m * kk], b = new float[kk * n];
        for (int i = 0; i < m; i++) {
            a[i * kk] = 1f;              // one product in the first block
            a[i * kk + kk - 1] = 1f;     // and one in the last
        }
        Arrays.fill(b, 0x1p-14f);        // half an ulp of 1024
        float[] d = {1024f, 1024f, 1024f};
        assertEquals(1024f, (1024f + 0x1p-14f) + 0x1p-14f, "the wrong order loses both halves");
        float[] c = new float[m * n];
        k.gemm(Transpose.N, Transpose.N, m, n, kk, 1f, a, 0, kk, b, 0, n, 0f, c, 0, n, d, 0, 0);
        for (float v : c) assertEquals(1024f + 0x1p-13f, v, "product, then the bias");
    }

    private static void addRows(int m, int n, float[] d, int dOff, int ldd, float[] c, int cOff, int ldc) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) c[cOff + i * ldc + j] += d[dOff + i * ldd + j];
        }
    }

    private static float[] random(Random r, int len) {
        float[] x = new float[len];
        for (int i = 0; i < len; i++) x[i] = r.nextFloat() * 2f - 1f;
        return x;
    }
}
