package dev.vectornn.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link Kernels#packB} and {@link Kernels#gemmPacked} against {@link Kernels#gemm} of the same,
 * unpacked B, in both implementations: the same bits wherever the documentation promises them
 * (everywhere for the scalar one; {@code m, n > 1} with A not transposed for the vector one), at
 * 1, 2 and 3 threads, with the packed B at an offset inside a larger buffer; elsewhere within
 * the GEMM's accuracy. One packed B serves many products, as an RNN's weight does.
 */
@ExtendWith(RestoreKernelThreads.class)
class PackedGemmTest {
    static Stream<Kernels> kernels() {
        return Stream.of(KernelProvider.scalar(), KernelProvider.vector());
    }

    /**
     * m x n x k: single rows and columns, odd sizes around the tile and panel widths, the LSTM's
     * recurrent products (32 x 1024 x 256 forward, 32 x 256 x 1024 backward), a k deeper than one
     * depth block (also split over threads), more columns than one column block, and problems
     * large enough to be split over threads by rows and by columns.
     */
    private static final int[][] SHAPES = {
        {1, 7, 5}, {7, 1, 5}, {2, 3, 1}, {13, 33, 17}, {12, 32, 64}, {25, 65, 31}, {32, 1024, 256}, {32, 256, 1024},
        {5, 70, 1100}, {150, 70, 130}, {40, 300, 100}, {3, 2100, 5}, {40, 300, 1100}, {3, 2, 0}};

    @ParameterizedTest
    @MethodSource("kernels")
    void packedProductsHaveTheBitsOfTheUnpackedOnes(Kernels k) {
        Random r = new Random(7);
        for (int[] sh : SHAPES) {
            int m = sh[0], n = sh[1], kk = sh[2];
            for (Transpose ta : Transpose.values()) {
                for (Transpose tb : Transpose.values()) {
                    int ldb = (tb == Transpose.N ? n : kk) + 3, lda = (ta == Transpose.N ? kk : m) + 1, ldc = n + 2;
                    float[] b = random(r, (tb == Transpose.N ? kk : n) * ldb + 4);
                    float[] a = random(r, (ta == Transpose.N ? m : kk) * lda + 2);
                    int off = 5, size = k.packedBSize(kk, n);
                    assertTrue(size >= kk * n, k.name() + ": packedBSize(" + kk + ", " + n + ") = " + size);
                    float[] packed = new float[off + size + 7];
                    Arrays.fill(packed, Float.NaN); // what packB does not write must not be read
                    k.packB(tb, kk, n, b, 1, ldb, packed, off);
                    for (int i = 0; i < off; i++) assertTrue(Float.isNaN(packed[i]), "packB wrote before its offset");
                    for (int i = off + size; i < packed.length; i++) assertTrue(Float.isNaN(packed[i]), "packB wrote past its size");
                    for (float beta : new float[] {0f, 1f}) {
                        float[] c0 = random(r, m * ldc + 1);
                        if (beta == 0f) Arrays.fill(c0, Float.NaN); // beta 0 overwrites
                        KernelThreads.setThreads(1);
                        float[] want = c0.clone();
                        k.gemm(ta, tb, m, n, kk, 0.75f, a, 2, lda, b, 1, ldb, beta, want, 1, ldc);
                        String what = k.name() + " " + ta + tb + " " + m + "x" + n + "x" + kk + " beta " + beta;
                        boolean samePath = k.vectorBits() == 0 || m > 1 && n > 1 && ta == Transpose.N;
                        for (int t = 1; t <= 3; t++) {
                            KernelThreads.setThreads(t);
                            float[] got = c0.clone();
                            k.gemmPacked(ta, tb, m, n, kk, 0.75f, a, 2, lda, packed, off, beta, got, 1, ldc);
                            if (samePath) assertArrayEquals(want, got, what + " at " + t + " threads");
                            else assertClose(want, got, kk, what + " at " + t + " threads");
                        }
                    }
                }
            }
        }
    }

    /** Outside the promised paths: the GEMM's accuracy, a few ulps per term of the sum. */
    private static void assertClose(float[] want, float[] got, int k, String what) {
        for (int i = 0; i < want.length; i++) {
            if (Float.isNaN(want[i])) {
                assertTrue(Float.isNaN(got[i]), what + "[" + i + "] written outside C");
                continue;
            }
            assertEquals(want[i], got[i], (k + 4) * 0x1p-22 * Math.max(1, Math.abs(want[i])), what + "[" + i + "]");
        }
    }

    private static float[] random(Random r, int len) {
        float[] x = new float[len];
        for (int i = 0; i < len; i++) x[i] = r.nextFloat() * 2f - 1f;
        return x;
    }
}
