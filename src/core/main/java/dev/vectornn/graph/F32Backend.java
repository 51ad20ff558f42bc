package dev.vectornn.graph;

import dev.vectornn.kernel.BinaryOp;
import dev.vectornn.kernel.KernelProvider;
import dev.vectornn.kernel.Kernels;
import dev.vectornn.kernel.Transpose;
import dev.vectornn.kernel.Triangle;
import dev.vectornn.kernel.UnaryOp;
import dev.vectornn.tensor.DType;

/**
 * The float32 backend: every primitive the kernels have goes to {@link KernelProvider#get()}
 * (held in a {@code static final} so the call sites stay monomorphic); the rest (strided copies,
 * pow, scalar adds) are plain loops.
 */
final class F32Backend extends Backend {
    private static final Kernels K = KernelProvider.get();

    @Override
    DType dtype() {
        return DType.F32;
    }

    @Override
    double get(Object a, int i) {
        return ((float[]) a)[i];
    }

    @Override
    void set(Object a, int i, double v) {
        ((float[]) a)[i] = (float) v;
    }

    @Override
    void fill(int n, double v, Object x, int xo) {
        K.fill(n, (float) v, (float[]) x, xo);
    }

    @Override
    void scale(int n, double alpha, Object x, int xo, Object y, int yo) {
        K.scale(n, (float) alpha, (float[]) x, xo, (float[]) y, yo);
    }

    @Override
    void logSoftmaxStats(int rows, int cols, Object x, int xo, Object stats, int so) {
        K.logSoftmaxStats(rows, cols, (float[]) x, xo, cols, (float[]) stats, so);
    }

    @Override
    double logProb(Object x, int i, Object stats, int o) {
        // the float arithmetic of the kernels' log-softmax, so the loss uses the same value as the VJP
        float[] xs = (float[]) x, s = (float[]) stats;
        return ((xs[i] - s[o]) - s[o + 1]) - s[o + 2];
    }

    @Override
    void crossEntropyBackward(int rows, int classes, Object x, int xo, Object stats, int so, int[] t, int ignore,
                              double eps, double scale, Object dx, int dxo, boolean acc) {
        K.crossEntropyBackward(rows, classes, (float[]) x, xo, (float[]) stats, so, t, 0, ignore, (float) eps,
                (float) scale, (float[]) dx, dxo, acc);
    }

    @Override
    void addRows(int rows, int cols, double alpha, Object a, int ao, Object y, int yo) {
        K.addRows(rows, cols, (float) alpha, (float[]) a, ao, cols, (float[]) y, yo);
    }

    @Override
    void axpy(int n, double alpha, Object x, int xo, Object y, int yo) {
        K.axpy(n, (float) alpha, (float[]) x, xo, (float[]) y, yo);
    }

    @Override
    void addScalar(int n, double v, Object x, int xo, Object y, int yo) {
        float[] xs = (float[]) x;
        float[] ys = (float[]) y;
        float fv = (float) v;
        for (int i = 0; i < n; i++) ys[yo + i] = xs[xo + i] + fv;
    }

    @Override
    void binary(BinaryOp op, int n, Object a, int ao, Object b, int bo, Object c, int co) {
        K.binary(op, n, (float[]) a, ao, (float[]) b, bo, (float[]) c, co);
    }

    @Override
    void binaryRow(BinaryOp op, int rows, int cols, Object a, int ao, Object b, int bo, Object c, int co) {
        K.binaryRow(op, rows, cols, (float[]) a, ao, cols, (float[]) b, bo, (float[]) c, co, cols);
    }

    @Override
    void binaryCol(BinaryOp op, int rows, int cols, Object a, int ao, Object b, int bo, Object c, int co) {
        K.binaryCol(op, rows, cols, (float[]) a, ao, cols, (float[]) b, bo, (float[]) c, co, cols);
    }

    @Override
    void binaryStrided(BinaryOp op, int n, Object a, int ao, int as, Object b, int bo, int bs, Object c, int co) {
        float[] x = (float[]) a;
        float[] y = (float[]) b;
        float[] z = (float[]) c;
        if (as == 1 && bs == 1) {
            K.binary(op, n, x, ao, y, bo, z, co);
            return;
        }
        if (as == 1 && bs == 0) {
            K.binaryCol(op, 1, n, x, ao, n, y, bo, z, co, n);
            return;
        }
        for (int i = 0; i < n; i++) {
            float u = x[ao + i * as];
            float v = y[bo + i * bs];
            z[co + i] = switch (op) {
                case ADD -> u + v;
                case SUB -> u - v;
                case MUL -> u * v;
                case DIV -> u / v;
            };
        }
    }

    @Override
    void gatherRows(int rows, int cols, Object src, int so, int[] rowOffsets, int inc, Object dst, int dOff, boolean acc) {
        K.gatherRows(rows, cols, (float[]) src, so, rowOffsets, inc, (float[]) dst, dOff, acc);
    }

    @Override
    void stridedCopy(int n, double alpha, Object src, int so, int ss, Object dst, int dOff, boolean acc) {
        float[] s = (float[]) src;
        float[] d = (float[]) dst;
        if (ss == 1) {
            if (acc) K.axpy(n, (float) alpha, s, so, d, dOff);
            else if (alpha == 1.0) System.arraycopy(s, so, d, dOff, n);
            else K.scale(n, (float) alpha, s, so, d, dOff);
            return;
        }
        float a = (float) alpha;
        if (ss == 0) {
            float v = a * s[so];
            if (acc) for (int i = 0; i < n; i++) d[dOff + i] += v;
            else K.fill(n, v, d, dOff);
            return;
        }
        if (acc) for (int i = 0; i < n; i++) d[dOff + i] = d[dOff + i] + a * s[so + i * ss];
        else for (int i = 0; i < n; i++) d[dOff + i] = a * s[so + i * ss];
    }

    @Override
    void unary(UnaryOp op, int n, Object x, int xo, Object y, int yo) {
        K.unary(op, n, (float[]) x, xo, (float[]) y, yo);
    }

    @Override
    void unaryBackward(UnaryOp op, int n, Object x, int xo, Object y, int yo, Object dy, int dyo, Object dx, int dxo) {
        K.unaryBackward(op, n, (float[]) x, xo, (float[]) y, yo, (float[]) dy, dyo, (float[]) dx, dxo);
    }

    @Override
    void geluWithDerivative(int n, Object x, int xo, Object y, int yo, Object d, int dOff) {
        K.geluWithDerivative(n, (float[]) x, xo, (float[]) y, yo, (float[]) d, dOff);
    }

    @Override
    void pow(int n, double p, Object x, int xo, Object y, int yo) {
        float[] xs = (float[]) x;
        float[] ys = (float[]) y;
        for (int i = 0; i < n; i++) ys[yo + i] = (float) Math.pow(xs[xo + i], p);
    }

    @Override
    void powBackward(int n, double p, Object x, int xo, Object dy, int dyo, Object dx, int dxo) {
        float[] xs = (float[]) x;
        float[] g = (float[]) dy;
        float[] d = (float[]) dx;
        for (int i = 0; i < n; i++) d[dxo + i] = (float) (g[dyo + i] * p * Math.pow(xs[xo + i], p - 1));
    }

    @Override
    double sum(int n, Object x, int xo) {
        return K.sum(n, (float[]) x, xo);
    }

    @Override
    double dot(int n, Object x, int xo, Object y, int yo) {
        return K.dot(n, (float[]) x, xo, (float[]) y, yo);
    }

    @Override
    void gemmBatched(Triangle tri, Transpose ta, Transpose tb, int batch, int m, int n, int k, double alpha,
                     Object a, int ao, int sa, int lda, Object b, int bo, int sb, int ldb,
                     double beta, Object c, int co, int sc, int ldc) {
        // a plan keeps every buffer in one arena: the kernels accept that as long as C's range
        // does not overlap A's or B's, which liveness guarantees (an op's output never shares
        // storage with a live input)
        K.gemmBatched(tri, ta, tb, batch, m, n, k, (float) alpha, (float[]) a, ao, sa, lda, (float[]) b, bo, sb, ldb,
                (float) beta, (float[]) c, co, sc, ldc);
    }

    @Override
    void gemmAdd(Transpose ta, Transpose tb, int m, int n, int k, Object a, int ao, int lda,
                 Object b, int bo, int ldb, Object c, int co, int ldc, Object d, int dOff, int ldd) {
        K.gemm(ta, tb, m, n, k, 1f, (float[]) a, ao, lda, (float[]) b, bo, ldb, 0f, (float[]) c, co, ldc,
                (float[]) d, dOff, ldd);
    }

    @Override
    int packedBSize(int k, int n) {
        return K.packedBSize(k, n);
    }

    @Override
    void packB(Transpose tb, int k, int n, Object b, int bo, int ldb, Object dst, int dOff) {
        K.packB(tb, k, n, (float[]) b, bo, ldb, (float[]) dst, dOff);
    }

    @Override
    void gemmPacked(Transpose ta, Transpose tb, int m, int n, int k, double alpha, Object a, int ao, int lda,
                    Object packed, int po, double beta, Object c, int co, int ldc) {
        K.gemmPacked(ta, tb, m, n, k, (float) alpha, (float[]) a, ao, lda, (float[]) packed, po, (float) beta,
                (float[]) c, co, ldc);
    }

    @Override
    void softmax(int rows, int cols, Object x, int xo, Object y, int yo) {
        K.softmax(rows, cols, (float[]) x, xo, cols, (float[]) y, yo, cols);
    }

    @Override
    void logSoftmax(int rows, int cols, Object x, int xo, Object y, int yo) {
        K.logSoftmax(rows, cols, (float[]) x, xo, cols, (float[]) y, yo, cols);
    }

    @Override
    void softmaxBackward(int rows, int cols, Object y, int yo, Object dy, int dyo, Object dx, int dxo) {
        K.softmaxBackward(rows, cols, (float[]) y, yo, cols, (float[]) dy, dyo, cols, (float[]) dx, dxo, cols);
    }

    @Override
    void logSoftmaxBackward(int rows, int cols, Object y, int yo, Object dy, int dyo, Object dx, int dxo) {
        K.logSoftmaxBackward(rows, cols, (float[]) y, yo, cols, (float[]) dy, dyo, cols, (float[]) dx, dxo, cols);
    }

    @Override
    void layerNorm(int rows, int cols, Object x, int xo, Object g, int go, Object be, int beo, double eps,
                   Object y, int yo, Object mean, int mo, Object rstd, int ro) {
        K.layerNorm(rows, cols, (float[]) x, xo, (float[]) g, go, (float[]) be, beo, (float) eps, (float[]) y, yo,
                (float[]) mean, mo, (float[]) rstd, ro);
    }

    @Override
    void layerNormBackward(int rows, int cols, Object dy, int dyo, Object x, int xo, Object mean, int mo,
                           Object rstd, int ro, Object g, int go, Object dx, int dxo,
                           Object dg, int dgo, Object db, int dbo) {
        K.layerNormBackward(rows, cols, (float[]) dy, dyo, (float[]) x, xo, (float[]) mean, mo, (float[]) rstd, ro,
                (float[]) g, go, (float[]) dx, dxo, (float[]) dg, dgo, (float[]) db, dbo);
    }

    @Override
    void attentionSoftmax(int rows, int cols, double scale, boolean causal, Object x, int xo,
                          Object keyMask, int mo, Object y, int yo) {
        K.attentionSoftmax(rows, cols, (float) scale, causal, (float[]) x, xo, (float[]) keyMask, mo, (float[]) y, yo);
    }

    @Override
    void attentionSoftmaxBackward(int rows, int cols, double scale, boolean causal, Object y, int yo,
                                  Object dy, int dyo, Object keyMask, int mo, Object dx, int dxo) {
        K.attentionSoftmaxBackward(rows, cols, (float) scale, causal, (float[]) y, yo, (float[]) dy, dyo,
                (float[]) keyMask, mo, (float[]) dx, dxo);
    }

    @Override
    void attentionSoftmaxBatched(int batch, int rows, int cols, double scale, boolean causal, Object x, int xo,
                                 Object keyMask, int mo, int perMask, Object y, int yo) {
        K.attentionSoftmaxBatched(batch, rows, cols, (float) scale, causal, (float[]) x, xo, (float[]) keyMask, mo, perMask,
                (float[]) y, yo);
    }

    @Override
    void attentionSoftmaxBackwardBatched(int batch, int rows, int cols, double scale, boolean causal, Object y, int yo,
                                         Object dy, int dyo, Object keyMask, int mo, int perMask, Object dx, int dxo) {
        K.attentionSoftmaxBackwardBatched(batch, rows, cols, (float) scale, causal, (float[]) y, yo, (float[]) dy, dyo,
                (float[]) keyMask, mo, perMask, (float[]) dx, dxo);
    }

    @Override
    void lstmCell(int rows, int hidden, Object gates, int go, Object cPrev, int cpo, Object act, int ao,
                  Object tanhC, int tco, Object h, int ho, Object c, int co) {
        K.lstmCell(rows, hidden, (float[]) gates, go, (float[]) cPrev, cpo, (float[]) act, ao, (float[]) tanhC, tco,
                (float[]) h, ho, (float[]) c, co);
    }

    @Override
    void lstmCellBackward(int rows, int hidden, Object act, int ao, Object tanhC, int tco, Object cPrev, int cpo,
                          Object dh, int dho, Object dc, int dco, Object dGates, int dgo, Object dcPrev, int dcpo) {
        K.lstmCellBackward(rows, hidden, (float[]) act, ao, (float[]) tanhC, tco, (float[]) cPrev, cpo, (float[]) dh, dho,
                (float[]) dc, dco, (float[]) dGates, dgo, (float[]) dcPrev, dcpo);
    }

    @Override
    int firstNonFinite(int n, Object x, int xo) {
        float[] a = (float[]) x;
        for (int i = 0; i < n; i++) {
            if (!Float.isFinite(a[xo + i])) return i;
        }
        return -1;
    }
}
