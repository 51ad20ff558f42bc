package dev.vectornn.kernel.gemm;

import static org.junit.jupiter.api.Assertions.fail;

import dev.vectornn.kernel.Transpose;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** VectorGemv and ScalarGemm.gemv against a double reference, both transposes, alpha/beta cases. */
class GemvTest {

    interface Gemv {
        void gemv(Transpose ta, int m, int n, float alpha, float[] a, int aOff, int lda,
                  float[] x, int xOff, float beta, float[] y, int yOff);
    }

    @Test
    void vectorAndScalarMatchDoubleReference() {
        Random r = new Random(9);
        int[] sizes = {0, 1, 2, 3, 5, 15, 16, 17, 31, 33, 63, 64, 65, 130, 257};
        float[][] alphaBeta = {{1f, 0f}, {-0.5f, 1f}, {2f, 0.25f}, {0f, 3f}, {0f, 0f}};
        int combo = 0;
        for (int m : sizes) {
            for (int n : sizes) {
                for (Transpose ta : Transpose.values()) {
                    float[] ab = alphaBeta[combo++ % alphaBeta.length];
                    check(r, "VectorGemv", VectorGemv::gemv, ta, m, n, ab[0], ab[1]);
                    check(r, "ScalarGemm.gemv", ScalarGemm::gemv, ta, m, n, ab[0], ab[1]);
                }
            }
        }
    }

    private static void check(Random r, String who, Gemv g, Transpose ta, int m, int n, float alpha, float beta) {
        int lda = n + r.nextInt(3), aOff = r.nextInt(4), xOff = r.nextInt(4), yOff = r.nextInt(4);
        int xlen = ta == Transpose.N ? n : m, ylen = ta == Transpose.N ? m : n;
        float[] a = GemmTest.random(r, aOff + m * lda + 2);
        float[] x = GemmTest.random(r, xOff + xlen + 2);
        float[] y0 = GemmTest.random(r, yOff + ylen + 2);
        if (beta == 0f) {
            Arrays.fill(y0, Float.NaN);
        }
        if (alpha == 0f) {
            Arrays.fill(a, Float.NaN);  // alpha == 0: A and x are not read
        }
        float[] y = y0.clone();
        g.gemv(ta, m, n, alpha, a, aOff, lda, x, xOff, beta, y, yOff);
        String what = who + " " + ta + " m=" + m + " n=" + n + " alpha=" + alpha + " beta=" + beta;
        for (int i = 0; i < y.length; i++) {
            if ((i < yOff || i >= yOff + ylen) && Float.floatToRawIntBits(y[i]) != Float.floatToRawIntBits(y0[i])) {
                fail(what + ": wrote outside y at " + i);
            }
        }
        for (int i = 0; i < ylen; i++) {
            double s = 0, mag = 0;
            for (int j = 0; j < xlen && alpha != 0f; j++) {
                double av = ta == Transpose.N ? a[aOff + i * lda + j] : a[aOff + j * lda + i];
                s += av * x[xOff + j];
                mag += Math.abs(av * x[xOff + j]);
            }
            double old = beta == 0f ? 0 : y0[yOff + i];
            double want = alpha * s + beta * old;
            double tol = (xlen + 3) * 0x1p-24 * (Math.abs(alpha) * mag + Math.abs(beta * old)) + 1e-30;
            if (!(Math.abs(y[yOff + i] - want) <= tol)) {
                fail(what + ": y[" + i + "] = " + y[yOff + i] + ", want " + want + " +- " + tol);
            }
        }
    }
}
