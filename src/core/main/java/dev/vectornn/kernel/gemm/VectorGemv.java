package dev.vectornn.kernel.gemm;

import static dev.vectornn.kernel.simd.Simd.F;

import dev.vectornn.kernel.Transpose;
import dev.vectornn.kernel.simd.Simd;
import jdk.incubator.vector.FloatVector;

/**
 * GEMV with the Vector API, {@code y = alpha * op(A) * x + beta * y} (see {@link
 * dev.vectornn.kernel.Kernels#gemv}). One thread: a GEMV reads each element of A once, so it is
 * bound by memory bandwidth, not arithmetic.
 *
 * <ul>
 *   <li>{@link Transpose#N}: a dot product per row, four rows at a time so each load of x feeds
 *       four rows, two accumulators per row to hide FMA latency; one horizontal reduction per
 *       row after the loop (in lane order, for reproducible bits), then a scalar tail.</li>
 *   <li>{@link Transpose#T}: axpy-style, {@code y_j = sum_i x_i A(i, j)} over blocks of four
 *       vectors of columns held in registers while all rows stream by. Every y element sums
 *       over {@code i} in order with one {@code fma} per step (the scalar tail uses
 *       {@link Math#fma}, so a column gets the same bits wherever it falls).</li>
 * </ul>
 *
 * <p>{@code beta == 0} overwrites y without reading it; {@code alpha == 0} or an empty x only
 * scales y. Accuracy: within about {@code len * 2^-24 * sum|a||x|} per element. Arguments are not
 * checked ({@code AbstractKernels} did). Stateless and thread-safe.
 */
public final class VectorGemv {
    private VectorGemv() {}

    private static final int L = Simd.LANES;

    /** {@code y = alpha * op(A) * x + beta * y} for a row-major {@code m x n} matrix A. */
    public static void gemv(Transpose ta, int m, int n, float alpha, float[] a, int aOff, int lda,
                            float[] x, int xOff, float beta, float[] y, int yOff) {
        int ylen = ta == Transpose.N ? m : n;
        int xlen = ta == Transpose.N ? n : m;
        if (ylen == 0) {
            return;
        }
        if (alpha == 0f || xlen == 0) {
            ScalarGemm.scaleRow(ylen, beta, y, yOff);
            return;
        }
        if (ta == Transpose.N) {
            gemvN(m, n, alpha, a, aOff, lda, x, xOff, beta, y, yOff);
        } else {
            gemvT(m, n, alpha, a, aOff, lda, x, xOff, beta, y, yOff);
        }
    }

    private static float out(float s, float alpha, float beta, float old) {
        return beta == 0f ? alpha * s : alpha * s + beta * old;
    }

    private static void gemvN(int m, int n, float alpha, float[] a, int aOff, int lda,
                              float[] x, int xOff, float beta, float[] y, int yOff) {
        int bound2 = n - n % (2 * L);
        int bound1 = n - n % L;
        float[] lanes = Scratch.get().lanes;
        int i = 0;
        for (; i + 4 <= m; i += 4) {
            int r0 = aOff + i * lda, r1 = r0 + lda, r2 = r1 + lda, r3 = r2 + lda;
            FloatVector s00 = FloatVector.zero(F), s01 = FloatVector.zero(F);
            FloatVector s10 = FloatVector.zero(F), s11 = FloatVector.zero(F);
            FloatVector s20 = FloatVector.zero(F), s21 = FloatVector.zero(F);
            FloatVector s30 = FloatVector.zero(F), s31 = FloatVector.zero(F);
            int j = 0;
            for (; j < bound2; j += 2 * L) {
                FloatVector x0 = FloatVector.fromArray(F, x, xOff + j);
                FloatVector x1 = FloatVector.fromArray(F, x, xOff + j + L);
                s00 = FloatVector.fromArray(F, a, r0 + j).fma(x0, s00);
                s01 = FloatVector.fromArray(F, a, r0 + j + L).fma(x1, s01);
                s10 = FloatVector.fromArray(F, a, r1 + j).fma(x0, s10);
                s11 = FloatVector.fromArray(F, a, r1 + j + L).fma(x1, s11);
                s20 = FloatVector.fromArray(F, a, r2 + j).fma(x0, s20);
                s21 = FloatVector.fromArray(F, a, r2 + j + L).fma(x1, s21);
                s30 = FloatVector.fromArray(F, a, r3 + j).fma(x0, s30);
                s31 = FloatVector.fromArray(F, a, r3 + j + L).fma(x1, s31);
            }
            for (; j < bound1; j += L) {
                FloatVector x0 = FloatVector.fromArray(F, x, xOff + j);
                s00 = FloatVector.fromArray(F, a, r0 + j).fma(x0, s00);
                s10 = FloatVector.fromArray(F, a, r1 + j).fma(x0, s10);
                s20 = FloatVector.fromArray(F, a, r2 + j).fma(x0, s20);
                s30 = FloatVector.fromArray(F, a, r3 + j).fma(x0, s30);
            }
            s00.add(s01).intoArray(lanes, 0);
            s10.add(s11).intoArray(lanes, L);
            s20.add(s21).intoArray(lanes, 2 * L);
            s30.add(s31).intoArray(lanes, 3 * L);
            float t0 = sumLanes(lanes, 0), t1 = sumLanes(lanes, L);
            float t2 = sumLanes(lanes, 2 * L), t3 = sumLanes(lanes, 3 * L);
            for (; j < n; j++) {
                float xj = x[xOff + j];
                t0 = Math.fma(a[r0 + j], xj, t0);
                t1 = Math.fma(a[r1 + j], xj, t1);
                t2 = Math.fma(a[r2 + j], xj, t2);
                t3 = Math.fma(a[r3 + j], xj, t3);
            }
            y[yOff + i] = out(t0, alpha, beta, y[yOff + i]);
            y[yOff + i + 1] = out(t1, alpha, beta, y[yOff + i + 1]);
            y[yOff + i + 2] = out(t2, alpha, beta, y[yOff + i + 2]);
            y[yOff + i + 3] = out(t3, alpha, beta, y[yOff + i + 3]);
        }
        for (; i < m; i++) {
            int r0 = aOff + i * lda;
            FloatVector s0 = FloatVector.zero(F), s1 = FloatVector.zero(F);
            int j = 0;
            for (; j < bound2; j += 2 * L) {
                s0 = FloatVector.fromArray(F, a, r0 + j).fma(FloatVector.fromArray(F, x, xOff + j), s0);
                s1 = FloatVector.fromArray(F, a, r0 + j + L).fma(FloatVector.fromArray(F, x, xOff + j + L), s1);
            }
            for (; j < bound1; j += L) {
                s0 = FloatVector.fromArray(F, a, r0 + j).fma(FloatVector.fromArray(F, x, xOff + j), s0);
            }
            s0.add(s1).intoArray(lanes, 0);
            float t = sumLanes(lanes, 0);
            for (; j < n; j++) {
                t = Math.fma(a[r0 + j], x[xOff + j], t);
            }
            y[yOff + i] = out(t, alpha, beta, y[yOff + i]);
        }
    }

    /**
     * Sum of {@code L} lanes stored at {@code buf[off..]}, in index order. Not
     * {@code reduceLanes(ADD)}: its order is unspecified and in practice differs between the JIT's
     * intrinsic and the interpreter, so one call could give different bits before and after
     * warm-up. The vector is stored by the caller: a vector passed to a method C2 does not inline
     * is boxed, i.e. allocated, on every call.
     */
    private static float sumLanes(float[] buf, int off) {
        float s = 0f;
        for (int i = 0; i < L; i++) {
            s += buf[off + i];
        }
        return s;
    }

    private static void gemvT(int m, int n, float alpha, float[] a, int aOff, int lda,
                              float[] x, int xOff, float beta, float[] y, int yOff) {
        int j = 0;
        for (; j + 4 * L <= n; j += 4 * L) {
            FloatVector s0 = FloatVector.zero(F), s1 = FloatVector.zero(F);
            FloatVector s2 = FloatVector.zero(F), s3 = FloatVector.zero(F);
            for (int i = 0; i < m; i++) {
                FloatVector xi = FloatVector.broadcast(F, x[xOff + i]);
                int r = aOff + i * lda + j;
                s0 = xi.fma(FloatVector.fromArray(F, a, r), s0);
                s1 = xi.fma(FloatVector.fromArray(F, a, r + L), s1);
                s2 = xi.fma(FloatVector.fromArray(F, a, r + 2 * L), s2);
                s3 = xi.fma(FloatVector.fromArray(F, a, r + 3 * L), s3);
            }
            FloatVector r0 = s0.mul(alpha);
            if (beta != 0f) r0 = r0.add(FloatVector.fromArray(F, y, yOff + j).mul(beta));
            r0.intoArray(y, yOff + j);
            FloatVector r1 = s1.mul(alpha);
            if (beta != 0f) r1 = r1.add(FloatVector.fromArray(F, y, yOff + j + L).mul(beta));
            r1.intoArray(y, yOff + j + L);
            FloatVector r2 = s2.mul(alpha);
            if (beta != 0f) r2 = r2.add(FloatVector.fromArray(F, y, yOff + j + 2 * L).mul(beta));
            r2.intoArray(y, yOff + j + 2 * L);
            FloatVector r3 = s3.mul(alpha);
            if (beta != 0f) r3 = r3.add(FloatVector.fromArray(F, y, yOff + j + 3 * L).mul(beta));
            r3.intoArray(y, yOff + j + 3 * L);
        }
        for (; j + L <= n; j += L) {
            FloatVector s0 = FloatVector.zero(F);
            for (int i = 0; i < m; i++) {
                s0 = FloatVector.broadcast(F, x[xOff + i]).fma(FloatVector.fromArray(F, a, aOff + i * lda + j), s0);
            }
            FloatVector r0 = s0.mul(alpha);
            if (beta != 0f) r0 = r0.add(FloatVector.fromArray(F, y, yOff + j).mul(beta));
            r0.intoArray(y, yOff + j);
        }
        for (; j < n; j++) {
            float s = 0f;
            for (int i = 0; i < m; i++) {
                s = Math.fma(x[xOff + i], a[aOff + i * lda + j], s);
            }
            y[yOff + j] = out(s, alpha, beta, y[yOff + j]);
        }
    }
}
