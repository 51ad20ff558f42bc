package dev.vectornn.kernel.gemm;

import dev.vectornn.kernel.Transpose;
import dev.vectornn.kernel.Triangle;

/**
 * The scalar reference GEMM and GEMV: plain loops on one thread, the oracle the Vector API
 * versions are tested against and the fallback when the Vector API is unavailable.
 *
 * <p>Arguments are exactly those of {@link dev.vectornn.kernel.Kernels#gemm} and {@link
 * dev.vectornn.kernel.Kernels#gemv}; they are <b>not</b> checked here ({@code AbstractKernels}
 * already did). Semantics follow BLAS: {@code beta == 0} overwrites the output without reading it
 * (so NaN there does not propagate), and when {@code alpha == 0} or {@code k == 0} the inputs are
 * not read and the output is only scaled by {@code beta}.
 *
 * <p>Accuracy: sums accumulate in float in index order, so each element is within about
 * {@code k * 2^-24 * sum|a||b|} of the exact value. Stateless and thread-safe.
 */
public final class ScalarGemm {
    private ScalarGemm() {}

    /**
     * {@code C = alpha * op(A) * op(B) + beta * C}, row-major, as {@link
     * dev.vectornn.kernel.Kernels#gemm} describes.
     */
    public static void gemm(Transpose ta, Transpose tb, int m, int n, int k, float alpha,
                            float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                            float beta, float[] c, int cOff, int ldc) {
        gemm(Triangle.FULL, ta, tb, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    }

    /**
     * {@code C = C + D} element by element, one float add each: the addend of {@link
     * dev.vectornn.kernel.Kernels#gemm(Transpose, Transpose, int, int, int, float, float[], int,
     * int, float[], int, int, float, float[], int, int, float[], int, int) gemm with D}. Row
     * {@code i} of D starts at {@code dOff + i*ldd} ({@code ldd == 0}: the same row for all).
     */
    public static void addend(int m, int n, float[] d, int dOff, int ldd, float[] c, int cOff, int ldc) {
        for (int i = 0; i < m; i++) {
            int ci = cOff + i * ldc, di = dOff + i * ldd;
            for (int j = 0; j < n; j++) c[ci + j] += d[di + j];
        }
    }

    /**
     * One GEMM with a {@link Triangle} known to be zero, as {@link
     * dev.vectornn.kernel.Kernels#gemmBatched(Triangle, Transpose, Transpose, int, int, int, int,
     * float, float[], int, int, int, float[], int, int, int, float, float[], int, int, int)}
     * describes: a triangular product takes a dot product per element of C over the part of
     * {@code k} the triangle leaves, in index order; {@link Triangle#FULL} is {@link #gemm}.
     */
    public static void gemm(Triangle tri, Transpose ta, Transpose tb, int m, int n, int k, float alpha,
                            float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                            float beta, float[] c, int cOff, int ldc) {
        if (m == 0 || n == 0) {
            return;
        }
        if (alpha == 0f || k == 0) {
            scaleMatrix(m, n, beta, c, cOff, ldc);
            return;
        }
        // op(A)(i, p) = a[aOff + i*ars + p*acs]; likewise for B. One formula for all four cases.
        int ars = ta == Transpose.N ? lda : 1;
        int acs = ta == Transpose.N ? 1 : lda;
        if (tri != Triangle.FULL) {
            triangular(tri, ta, tb, m, n, k, alpha, a, aOff, ars, acs, b, bOff, ldb, beta, c, cOff, ldc);
        } else if (tb == Transpose.N) {
            // i-p-j order: the inner loop walks rows of B and C contiguously.
            for (int i = 0; i < m; i++) {
                int ci = cOff + i * ldc;
                scaleRow(n, beta, c, ci);
                int ai = aOff + i * ars;
                for (int p = 0; p < k; p++) {
                    float t = alpha * a[ai + p * acs];
                    int bi = bOff + p * ldb;
                    for (int j = 0; j < n; j++) {
                        c[ci + j] += t * b[bi + j];
                    }
                }
            }
        } else {
            // B stored n x k: element (p, j) is b[bOff + j*ldb + p], so a dot product per element
            // walks both a row of B and (for ta == N) a row of A contiguously.
            for (int i = 0; i < m; i++) {
                int ai = aOff + i * ars;
                int ci = cOff + i * ldc;
                for (int j = 0; j < n; j++) {
                    int bj = bOff + j * ldb;
                    float s = 0f;
                    for (int p = 0; p < k; p++) {
                        s += a[ai + p * acs] * b[bj + p];
                    }
                    c[ci + j] = beta == 0f ? alpha * s : alpha * s + beta * c[ci + j];
                }
            }
        }
    }

    /** {@link #gemm}'s triangular case, with A's strides already resolved. */
    private static void triangular(Triangle tri, Transpose ta, Transpose tb, int m, int n, int k, float alpha,
                                   float[] a, int aOff, int ars, int acs, float[] b, int bOff, int ldb,
                                   float beta, float[] c, int cOff, int ldc) {
        int brs = tb == Transpose.N ? ldb : 1;
        int bcs = tb == Transpose.N ? 1 : ldb;
        boolean lowerA = tri == Triangle.LOWER_A;
        for (int i = 0; i < m; i++) {
            int ai = aOff + i * ars;
            int ci = cOff + i * ldc;
            // op(A)'s row i is nonzero at p <= i (A as stored) or p >= i (A transposed)
            int p0 = lowerA && ta == Transpose.T ? Math.min(i, k) : 0;
            int p1 = lowerA && ta == Transpose.N ? Math.min(i + 1, k) : k;
            for (int j = 0; j < n; j++) {
                if (tri == Triangle.LOWER_RESULT && j > i) {
                    c[ci + j] = beta == 0f ? 0f : beta * c[ci + j];
                    continue;
                }
                float s = 0f;
                for (int p = p0; p < p1; p++) {
                    s += a[ai + p * acs] * b[bOff + p * brs + j * bcs];
                }
                c[ci + j] = beta == 0f ? alpha * s : alpha * s + beta * c[ci + j];
            }
        }
    }

    /**
     * {@code y = alpha * op(A) * x + beta * y} for a row-major {@code m x n} matrix, as {@link
     * dev.vectornn.kernel.Kernels#gemv} describes.
     */
    public static void gemv(Transpose ta, int m, int n, float alpha, float[] a, int aOff, int lda,
                            float[] x, int xOff, float beta, float[] y, int yOff) {
        int ylen = ta == Transpose.N ? m : n;
        int xlen = ta == Transpose.N ? n : m;
        if (ylen == 0) {
            return;
        }
        if (alpha == 0f || xlen == 0) {
            scaleRow(ylen, beta, y, yOff);
            return;
        }
        if (ta == Transpose.N) {
            for (int i = 0; i < m; i++) {
                int ai = aOff + i * lda;
                float s = 0f;
                for (int j = 0; j < n; j++) {
                    s += a[ai + j] * x[xOff + j];
                }
                y[yOff + i] = beta == 0f ? alpha * s : alpha * s + beta * y[yOff + i];
            }
        } else {
            // y_j = sum_i A(i, j) x_i: walk A row by row (contiguous) and accumulate into y.
            scaleRow(n, beta, y, yOff);
            for (int i = 0; i < m; i++) {
                float t = alpha * x[xOff + i];
                int ai = aOff + i * lda;
                for (int j = 0; j < n; j++) {
                    y[yOff + j] += t * a[ai + j];
                }
            }
        }
    }

    /** {@code C = beta * C}; {@code beta == 0} writes zeros without reading C. */
    static void scaleMatrix(int m, int n, float beta, float[] c, int cOff, int ldc) {
        for (int i = 0; i < m; i++) {
            scaleRow(n, beta, c, cOff + i * ldc);
        }
    }

    /** {@code v = beta * v} over {@code n} elements; {@code beta == 0} writes zeros. */
    static void scaleRow(int n, float beta, float[] v, int off) {
        if (beta == 0f) {
            java.util.Arrays.fill(v, off, off + n, 0f);
        } else if (beta != 1f) {
            for (int j = 0; j < n; j++) {
                v[off + j] *= beta;
            }
        }
    }
}
