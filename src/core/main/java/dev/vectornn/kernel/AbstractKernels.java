package dev.vectornn.kernel;

import static dev.vectornn.kernel.Checks.matrix;
import static dev.vectornn.kernel.Checks.nonEmpty;
import static dev.vectornn.kernel.Checks.notNull;
import static dev.vectornn.kernel.Checks.size;
import static dev.vectornn.kernel.Checks.vector;

/**
 * Checks every argument once, at the boundary, then hands over to the unchecked {@code do*}
 * methods that the scalar and vector implementations provide. Keeping the checks here means the
 * two twins cannot disagree about what is legal input.
 */
abstract class AbstractKernels implements Kernels {

    // Kernel names with the op, built once: the boundary checks run on every call of a hot loop
    // and must not allocate.
    private static final String[] BINARY_NAMES = names("binary", BinaryOp.values());
    private static final String[] BINARY_ROW_NAMES = names("binaryRow", BinaryOp.values());
    private static final String[] BINARY_COL_NAMES = names("binaryCol", BinaryOp.values());
    private static final String[] UNARY_NAMES = names("unary", UnaryOp.values());
    private static final String[] UNARY_BACKWARD_NAMES = names("unaryBackward", UnaryOp.values());

    private static String[] names(String kernel, Enum<?>[] ops) {
        String[] names = new String[ops.length];
        for (Enum<?> op : ops) {
            names[op.ordinal()] = kernel + "(" + op + ")";
        }
        return names;
    }

    @Override
    public final float dot(int n, float[] x, int xOff, float[] y, int yOff) {
        size("dot", "n", n);
        vector("dot", "x", x, xOff, n);
        vector("dot", "y", y, yOff, n);
        return doDot(n, x, xOff, y, yOff);
    }

    @Override
    public final void axpy(int n, float alpha, float[] x, int xOff, float[] y, int yOff) {
        size("axpy", "n", n);
        vector("axpy", "x", x, xOff, n);
        vector("axpy", "y", y, yOff, n);
        doAxpy(n, alpha, x, xOff, y, yOff);
    }

    @Override
    public final void addRows(int rows, int cols, float alpha, float[] a, int aOff, int lda, float[] y, int yOff) {
        String k = "addRows";
        size(k, "rows", rows);
        size(k, "cols", cols);
        matrix(k, "a", a, aOff, rows, cols, lda);
        vector(k, "y", y, yOff, cols);
        if (rows > 0) {
            disjoint(k, "y", y, yOff, cols, "a", a, aOff, (rows - 1) * lda + cols);
        }
        doAddRows(rows, cols, alpha, a, aOff, lda, y, yOff);
    }

    @Override
    public final void gatherRows(int rows, int cols, float[] src, int srcOff, int[] rowOffsets, int srcInc,
                                 float[] dst, int dstOff, boolean accumulate) {
        String k = "gatherRows";
        size(k, "rows", rows);
        size(k, "cols", cols);
        size(k, "srcInc", srcInc);
        notNull(k, "src", src);
        notNull(k, "rowOffsets", rowOffsets);
        if (rowOffsets.length < rows) {
            throw new IllegalArgumentException(k + ": rowOffsets has " + rowOffsets.length + " entries for " + rows + " rows");
        }
        vector(k, "dst", dst, dstOff, rowsTimesCols(k, rows, cols));
        if (rows == 0 || cols == 0) {
            return;
        }
        // every source row inside src; their hull must not meet dst
        long lo = Long.MAX_VALUE, hi = Long.MIN_VALUE, span = (long) (cols - 1) * srcInc;
        for (int r = 0; r < rows; r++) {
            long first = (long) srcOff + rowOffsets[r];
            if (first < 0 || first + span >= src.length) {
                throw new IllegalArgumentException(k + ": row " + r + " reads src [" + first + ", " + (first + span)
                        + "] (srcOff " + srcOff + ", rowOffsets[" + r + "] " + rowOffsets[r] + ", srcInc " + srcInc
                        + ") but its length is " + src.length);
            }
            lo = Math.min(lo, first);
            hi = Math.max(hi, first + span);
        }
        long dEnd = (long) dstOff + (long) rows * cols;
        if (src == dst && lo < dEnd && dstOff <= hi) {
            throw new IllegalArgumentException(k + ": dst [" + dstOff + ", " + dEnd + ") overlaps the source rows, which span ["
                    + lo + ", " + hi + "] of the same array");
        }
        doGatherRows(rows, cols, src, srcOff, rowOffsets, srcInc, dst, dstOff, accumulate);
    }

    @Override
    public final void scale(int n, float alpha, float[] x, int xOff, float[] y, int yOff) {
        size("scale", "n", n);
        vector("scale", "x", x, xOff, n);
        vector("scale", "y", y, yOff, n);
        doScale(n, alpha, x, xOff, y, yOff);
    }

    @Override
    public final void fill(int n, float value, float[] x, int xOff) {
        size("fill", "n", n);
        vector("fill", "x", x, xOff, n);
        doFill(n, value, x, xOff);
    }

    @Override
    public final void binary(BinaryOp op, int n, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff) {
        notNull("binary", "op", op);
        String k = BINARY_NAMES[op.ordinal()];
        size(k, "n", n);
        vector(k, "a", a, aOff, n);
        vector(k, "b", b, bOff, n);
        vector(k, "c", c, cOff, n);
        doBinary(op, n, a, aOff, b, bOff, c, cOff);
    }

    @Override
    public final void binaryRow(BinaryOp op, int rows, int cols, float[] a, int aOff, int lda,
                                float[] b, int bOff, float[] c, int cOff, int ldc) {
        notNull("binaryRow", "op", op);
        String k = BINARY_ROW_NAMES[op.ordinal()];
        size(k, "rows", rows);
        size(k, "cols", cols);
        matrix(k, "a", a, aOff, rows, cols, lda);
        vector(k, "b", b, bOff, cols);
        matrix(k, "c", c, cOff, rows, cols, ldc);
        doBinaryRow(op, rows, cols, a, aOff, lda, b, bOff, c, cOff, ldc);
    }

    @Override
    public final void binaryCol(BinaryOp op, int rows, int cols, float[] a, int aOff, int lda,
                                float[] b, int bOff, float[] c, int cOff, int ldc) {
        notNull("binaryCol", "op", op);
        String k = BINARY_COL_NAMES[op.ordinal()];
        size(k, "rows", rows);
        size(k, "cols", cols);
        matrix(k, "a", a, aOff, rows, cols, lda);
        vector(k, "b", b, bOff, rows);
        matrix(k, "c", c, cOff, rows, cols, ldc);
        doBinaryCol(op, rows, cols, a, aOff, lda, b, bOff, c, cOff, ldc);
    }

    @Override
    public final void unary(UnaryOp op, int n, float[] x, int xOff, float[] y, int yOff) {
        notNull("unary", "op", op);
        String k = UNARY_NAMES[op.ordinal()];
        size(k, "n", n);
        vector(k, "x", x, xOff, n);
        vector(k, "y", y, yOff, n);
        doUnary(op, n, x, xOff, y, yOff);
    }

    @Override
    public final void unaryBackward(UnaryOp op, int n, float[] x, int xOff, float[] y, int yOff,
                                    float[] dy, int dyOff, float[] dx, int dxOff) {
        notNull("unaryBackward", "op", op);
        String k = UNARY_BACKWARD_NAMES[op.ordinal()];
        size(k, "n", n);
        vector(k, "x", x, xOff, n);
        vector(k, "y", y, yOff, n);
        vector(k, "dy", dy, dyOff, n);
        vector(k, "dx", dx, dxOff, n);
        doUnaryBackward(op, n, x, xOff, y, yOff, dy, dyOff, dx, dxOff);
    }

    @Override
    public final void geluWithDerivative(int n, float[] x, int xOff, float[] y, int yOff, float[] d, int dOff) {
        String k = "geluWithDerivative";
        size(k, "n", n);
        vector(k, "x", x, xOff, n);
        vector(k, "y", y, yOff, n);
        vector(k, "d", d, dOff, n);
        if (!(x == y && xOff == yOff)) disjoint(k, "y", y, yOff, n, "x", x, xOff, n);
        disjoint(k, "d", d, dOff, n, "x", x, xOff, n);
        disjoint(k, "d", d, dOff, n, "y", y, yOff, n);
        doGeluWithDerivative(n, x, xOff, y, yOff, d, dOff);
    }

    @Override
    public final float sum(int n, float[] x, int xOff) {
        size("sum", "n", n);
        vector("sum", "x", x, xOff, n);
        return doSum(n, x, xOff);
    }

    @Override
    public final float max(int n, float[] x, int xOff) {
        size("max", "n", n);
        nonEmpty("max", n);
        vector("max", "x", x, xOff, n);
        return doMax(n, x, xOff);
    }

    @Override
    public final int argmax(int n, float[] x, int xOff) {
        size("argmax", "n", n);
        nonEmpty("argmax", n);
        vector("argmax", "x", x, xOff, n);
        return doArgmax(n, x, xOff);
    }

    @Override
    public final void softmax(int rows, int cols, float[] x, int xOff, int ldx, float[] y, int yOff, int ldy) {
        rowsCheck("softmax", rows, cols, x, xOff, ldx, y, yOff, ldy);
        doSoftmax(rows, cols, x, xOff, ldx, y, yOff, ldy);
    }

    @Override
    public final void logSoftmax(int rows, int cols, float[] x, int xOff, int ldx, float[] y, int yOff, int ldy) {
        rowsCheck("logSoftmax", rows, cols, x, xOff, ldx, y, yOff, ldy);
        doLogSoftmax(rows, cols, x, xOff, ldx, y, yOff, ldy);
    }

    @Override
    public final void softmaxBackward(int rows, int cols, float[] y, int yOff, int ldy,
                                      float[] dy, int dyOff, int lddy, float[] dx, int dxOff, int lddx) {
        rowsCheck("softmaxBackward", rows, cols, y, yOff, ldy, dy, dyOff, lddy);
        matrix("softmaxBackward", "dx", dx, dxOff, rows, cols, lddx);
        doSoftmaxBackward(rows, cols, y, yOff, ldy, dy, dyOff, lddy, dx, dxOff, lddx);
    }

    @Override
    public final void logSoftmaxBackward(int rows, int cols, float[] y, int yOff, int ldy,
                                         float[] dy, int dyOff, int lddy, float[] dx, int dxOff, int lddx) {
        rowsCheck("logSoftmaxBackward", rows, cols, y, yOff, ldy, dy, dyOff, lddy);
        matrix("logSoftmaxBackward", "dx", dx, dxOff, rows, cols, lddx);
        doLogSoftmaxBackward(rows, cols, y, yOff, ldy, dy, dyOff, lddy, dx, dxOff, lddx);
    }

    @Override
    public final void crossEntropyBackward(int rows, int classes, float[] lp, int lpOff, int[] targets, int tOff,
                                           int ignoreIndex, float smoothing, float scale, float[] dx, int dxOff,
                                           boolean accumulate) {
        crossEntropyCheck("crossEntropyBackward", "lp", rows, classes, lp, lpOff, targets, tOff, ignoreIndex,
                smoothing, dx, dxOff);
        doCrossEntropyBackward(rows, classes, lp, lpOff, null, 0, targets, tOff, ignoreIndex, smoothing, scale,
                dx, dxOff, accumulate);
    }

    @Override
    public final void crossEntropyBackward(int rows, int classes, float[] x, int xOff, float[] stats, int statsOff,
                                           int[] targets, int tOff, int ignoreIndex, float smoothing, float scale,
                                           float[] dx, int dxOff, boolean accumulate) {
        String k = "crossEntropyBackward";
        crossEntropyCheck(k, "x", rows, classes, x, xOff, targets, tOff, ignoreIndex, smoothing, dx, dxOff);
        statsCheck(k, rows, x, xOff, rows * classes, stats, statsOff);
        disjoint(k, "dx", dx, dxOff, rows * classes, "stats", stats, statsOff, 3 * rows);
        doCrossEntropyBackward(rows, classes, x, xOff, stats, statsOff, targets, tOff, ignoreIndex, smoothing, scale,
                dx, dxOff, accumulate);
    }

    @Override
    public final void logSoftmaxStats(int rows, int cols, float[] x, int xOff, int ldx, float[] stats, int statsOff) {
        String k = "logSoftmaxStats";
        size(k, "rows", rows);
        size(k, "cols", cols);
        matrix(k, "x", x, xOff, rows, cols, ldx);
        statsCheck(k, rows, x, xOff, rows == 0 ? 0 : (rows - 1) * ldx + cols, stats, statsOff);
        doLogSoftmaxStats(rows, cols, x, xOff, ldx, stats, statsOff);
    }

    /** {@code stats} holds 3 floats per row and does not overlap the {@code span} floats of x. */
    private static void statsCheck(String k, int rows, float[] x, int xOff, int span, float[] stats, int statsOff) {
        if ((long) rows * 3 > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(k + ": " + rows + " rows need more than 2^31 - 1 stats");
        }
        vector(k, "stats", stats, statsOff, 3 * rows);
        disjoint(k, "stats", stats, statsOff, 3 * rows, "x", x, xOff, span);
    }

    /** Two ranges of the same array must not overlap. */
    private static void disjoint(String k, String an, float[] a, int aOff, int aLen, String bn, float[] b, int bOff, int bLen) {
        if (a == b && aLen > 0 && bLen > 0 && aOff < bOff + bLen && bOff < aOff + aLen) {
            throw new IllegalArgumentException(k + ": " + an + " [" + aOff + ", " + (aOff + aLen) + ") overlaps " + bn
                    + " [" + bOff + ", " + (bOff + bLen) + ") in the same array");
        }
    }

    /** The checks both forms of crossEntropyBackward share; {@code in} names the input read. */
    private static void crossEntropyCheck(String k, String in, int rows, int classes, float[] lp, int lpOff,
                                          int[] targets, int tOff, int ignoreIndex, float smoothing,
                                          float[] dx, int dxOff) {
        size(k, "rows", rows);
        size(k, "classes", classes);
        int total = rowsTimesCols(k, rows, classes);
        vector(k, in, lp, lpOff, total);
        vector(k, "dx", dx, dxOff, total);
        Checks.notNull(k, "targets", targets);
        if (tOff < 0 || (long) tOff + rows > targets.length) {
            throw new IllegalArgumentException(k + ": targets needs " + rows + " elements from offset " + tOff
                    + " but its length is " + targets.length);
        }
        disjoint(k, "dx", dx, dxOff, total, in, lp, lpOff, total);
        if (!(smoothing >= 0 && smoothing <= 1)) {
            throw new IllegalArgumentException(k + ": smoothing must be in [0, 1], got " + smoothing);
        }
        for (int r = 0; r < rows; r++) {
            int t = targets[tOff + r];
            if (t != ignoreIndex && (t < 0 || t >= classes)) {
                throw new IndexOutOfBoundsException(k + ": target " + t + " of row " + r + " is out of range [0, "
                        + classes + ") and is not the ignore index " + ignoreIndex);
            }
        }
    }

    @Override
    public final void attentionSoftmax(int rows, int cols, float scale, boolean causal, float[] x, int xOff,
                                       float[] keyMask, int keyMaskOff, float[] y, int yOff) {
        attentionCheck("attentionSoftmax", rows, cols, scale, x, xOff, "x", keyMask, keyMaskOff, y, yOff, "y");
        doAttentionSoftmax(rows, cols, scale, causal, x, xOff, keyMask, keyMaskOff, y, yOff);
    }

    @Override
    public final void attentionSoftmaxBackward(int rows, int cols, float scale, boolean causal, float[] y, int yOff,
                                               float[] dy, int dyOff, float[] keyMask, int keyMaskOff,
                                               float[] dx, int dxOff) {
        String k = "attentionSoftmaxBackward";
        attentionCheck(k, rows, cols, scale, y, yOff, "y", keyMask, keyMaskOff, dx, dxOff, "dx");
        vector(k, "dy", dy, dyOff, rowsTimesCols(k, rows, cols));
        doAttentionSoftmaxBackward(rows, cols, scale, causal, y, yOff, dy, dyOff, keyMask, keyMaskOff, dx, dxOff);
    }

    @Override
    public final void attentionSoftmaxBatched(int batch, int rows, int cols, float scale, boolean causal,
                                              float[] x, int xOff, float[] keyMask, int keyMaskOff, int matricesPerMask,
                                              float[] y, int yOff) {
        String k = "attentionSoftmaxBatched";
        batchedAttentionCheck(k, batch, rows, cols, scale, x, xOff, "x", keyMask, keyMaskOff, matricesPerMask, y, yOff, "y");
        doAttentionSoftmaxBatched(batch, rows, cols, scale, causal, x, xOff, keyMask, keyMaskOff, matricesPerMask, y, yOff);
    }

    @Override
    public final void attentionSoftmaxBackwardBatched(int batch, int rows, int cols, float scale, boolean causal,
                                                      float[] y, int yOff, float[] dy, int dyOff,
                                                      float[] keyMask, int keyMaskOff, int matricesPerMask,
                                                      float[] dx, int dxOff) {
        String k = "attentionSoftmaxBackwardBatched";
        batchedAttentionCheck(k, batch, rows, cols, scale, y, yOff, "y", keyMask, keyMaskOff, matricesPerMask, dx, dxOff, "dx");
        vector(k, "dy", dy, dyOff, batchTimesMatrix(k, batch, rows, cols));
        doAttentionSoftmaxBackwardBatched(batch, rows, cols, scale, causal, y, yOff, dy, dyOff, keyMask, keyMaskOff,
                matricesPerMask, dx, dxOff);
    }

    private static void batchedAttentionCheck(String k, int batch, int rows, int cols, float scale, float[] in, int inOff,
                                              String inName, float[] keyMask, int keyMaskOff, int matricesPerMask,
                                              float[] out, int outOff, String outName) {
        size(k, "batch", batch);
        size(k, "rows", rows);
        size(k, "cols", cols);
        if (!Float.isFinite(scale)) throw new IllegalArgumentException(k + ": scale must be finite, got " + scale);
        int n = batchTimesMatrix(k, batch, rows, cols);
        vector(k, inName, in, inOff, n);
        vector(k, outName, out, outOff, n);
        if (keyMask != null) {
            if (matricesPerMask < 1) {
                throw new IllegalArgumentException(k + ": matricesPerMask must be >= 1, got " + matricesPerMask);
            }
            long maskLen = (long) ((batch + matricesPerMask - 1) / matricesPerMask) * cols;
            if (maskLen > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(k + ": the key mask (" + maskLen + " entries) exceeds the largest array");
            }
            int m = (int) maskLen;
            vector(k, "keyMask", keyMask, keyMaskOff, m);
            // as for one matrix: the output is written while the mask is read
            disjoint(k, "keyMask", keyMask, keyMaskOff, m, outName, out, outOff, n);
        }
    }

    private static int batchTimesMatrix(String k, int batch, int rows, int cols) {
        long total = (long) batch * rows * cols;
        if (total > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(k + ": batch*rows*cols = " + batch + "*" + rows + "*" + cols
                    + " exceeds the largest array");
        }
        return (int) total;
    }

    private static void attentionCheck(String k, int rows, int cols, float scale, float[] in, int inOff, String inName,
                                       float[] keyMask, int keyMaskOff, float[] out, int outOff, String outName) {
        size(k, "rows", rows);
        size(k, "cols", cols);
        if (!Float.isFinite(scale)) throw new IllegalArgumentException(k + ": scale must be finite, got " + scale);
        int n = rowsTimesCols(k, rows, cols);
        vector(k, inName, in, inOff, n);
        vector(k, outName, out, outOff, n);
        if (keyMask != null) {
            vector(k, "keyMask", keyMask, keyMaskOff, cols);
            // the kernels write the output row by row while they read the mask: a shared span
            // would change the mask under them
            disjoint(k, "keyMask", keyMask, keyMaskOff, cols, outName, out, outOff, n);
        }
    }

    private static void rowsCheck(String k, int rows, int cols, float[] x, int xOff, int ldx,
                                  float[] y, int yOff, int ldy) {
        size(k, "rows", rows);
        size(k, "cols", cols);
        boolean backward = k.endsWith("Backward");
        matrix(k, backward ? "y" : "x", x, xOff, rows, cols, ldx);
        matrix(k, backward ? "dy" : "y", y, yOff, rows, cols, ldy);
    }

    @Override
    public final void layerNorm(int rows, int cols, float[] x, int xOff, float[] gamma, int gammaOff,
                                float[] beta, int betaOff, float eps, float[] y, int yOff,
                                float[] mean, int meanOff, float[] rstd, int rstdOff) {
        String k = "layerNorm";
        size(k, "rows", rows);
        size(k, "cols", cols);
        vector(k, "x", x, xOff, rowsTimesCols(k, rows, cols));
        vector(k, "y", y, yOff, rowsTimesCols(k, rows, cols));
        if (gamma != null) vector(k, "gamma", gamma, gammaOff, cols);
        if (beta != null) vector(k, "beta", beta, betaOff, cols);
        if (mean != null) vector(k, "mean", mean, meanOff, rows);
        if (rstd != null) vector(k, "rstd", rstd, rstdOff, rows);
        if (!(eps >= 0) || Float.isInfinite(eps)) {
            throw new IllegalArgumentException(k + ": eps must be finite and >= 0, got " + eps);
        }
        doLayerNorm(rows, cols, x, xOff, gamma, gammaOff, beta, betaOff, eps, y, yOff, mean, meanOff, rstd, rstdOff);
    }

    @Override
    public final void layerNormBackward(int rows, int cols, float[] dy, int dyOff, float[] x, int xOff,
                                        float[] mean, int meanOff, float[] rstd, int rstdOff,
                                        float[] gamma, int gammaOff, float[] dx, int dxOff,
                                        float[] dgamma, int dgammaOff, float[] dbeta, int dbetaOff) {
        String k = "layerNormBackward";
        size(k, "rows", rows);
        size(k, "cols", cols);
        int total = rowsTimesCols(k, rows, cols);
        vector(k, "dy", dy, dyOff, total);
        vector(k, "x", x, xOff, total);
        vector(k, "dx", dx, dxOff, total);
        vector(k, "mean", mean, meanOff, rows);
        vector(k, "rstd", rstd, rstdOff, rows);
        if (gamma != null) vector(k, "gamma", gamma, gammaOff, cols);
        if (dgamma != null) vector(k, "dgamma", dgamma, dgammaOff, cols);
        if (dbeta != null) vector(k, "dbeta", dbeta, dbetaOff, cols);
        doLayerNormBackward(rows, cols, dy, dyOff, x, xOff, mean, meanOff, rstd, rstdOff,
                gamma, gammaOff, dx, dxOff, dgamma, dgammaOff, dbeta, dbetaOff);
    }

    private static int rowsTimesCols(String k, int rows, int cols) {
        long total = (long) rows * cols;
        if (total > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(k + ": rows*cols = " + rows + "*" + cols + " exceeds the largest array");
        }
        return (int) total;
    }

    @Override
    public final void lstmCell(int rows, int hidden, float[] gates, int gatesOff, float[] cPrev, int cPrevOff,
                               float[] act, int actOff, float[] tanhC, int tanhCOff, float[] h, int hOff,
                               float[] c, int cOff) {
        String k = "lstmCell";
        size(k, "rows", rows);
        size(k, "hidden", hidden);
        int n = rowsTimesCols(k, rows, hidden);
        int n4 = rowsTimesCols(k, rows, gateCols(k, hidden));
        vector(k, "gates", gates, gatesOff, n4);
        if (cPrev != null) vector(k, "cPrev", cPrev, cPrevOff, n);
        vector(k, "act", act, actOff, n4);
        vector(k, "tanhC", tanhC, tanhCOff, n);
        vector(k, "h", h, hOff, n);
        vector(k, "c", c, cOff, n);
        doLstmCell(rows, hidden, gates, gatesOff, cPrev, cPrevOff, act, actOff, tanhC, tanhCOff, h, hOff, c, cOff);
    }

    @Override
    public final void lstmCellBackward(int rows, int hidden, float[] act, int actOff, float[] tanhC, int tanhCOff,
                                       float[] cPrev, int cPrevOff, float[] dh, int dhOff, float[] dc, int dcOff,
                                       float[] dGates, int dGatesOff, float[] dcPrev, int dcPrevOff) {
        String k = "lstmCellBackward";
        size(k, "rows", rows);
        size(k, "hidden", hidden);
        int n = rowsTimesCols(k, rows, hidden);
        int n4 = rowsTimesCols(k, rows, gateCols(k, hidden));
        vector(k, "act", act, actOff, n4);
        vector(k, "tanhC", tanhC, tanhCOff, n);
        vector(k, "dh", dh, dhOff, n);
        vector(k, "dc", dc, dcOff, n);
        vector(k, "dGates", dGates, dGatesOff, n4);
        if ((cPrev == null) != (dcPrev == null)) {
            throw new IllegalArgumentException(k + ": cPrev is " + (cPrev == null ? "null" : "given") + " but dcPrev is "
                    + (dcPrev == null ? "null" : "given") + "; give both (a previous state) or neither (a zero state)");
        }
        if (cPrev != null) {
            vector(k, "cPrev", cPrev, cPrevOff, n);
            vector(k, "dcPrev", dcPrev, dcPrevOff, n);
        }
        doLstmCellBackward(rows, hidden, act, actOff, tanhC, tanhCOff, cPrev, cPrevOff, dh, dhOff, dc, dcOff,
                dGates, dGatesOff, dcPrev, dcPrevOff);
    }

    /** {@code 4 * hidden}, the width of the stacked gates, checked against overflow. */
    private static int gateCols(String k, int hidden) {
        if (hidden > Integer.MAX_VALUE / 4) {
            throw new IllegalArgumentException(k + ": hidden " + hidden + " is too large (4 * hidden exceeds the largest array)");
        }
        return 4 * hidden;
    }

    @Override
    public final void sgdUpdate(int n, float[] param, int pOff, float[] grad, int gOff, float[] buf, int bufOff,
                                float lr, float momentum, float dampening, float weightDecay,
                                boolean nesterov, boolean firstStep) {
        String k = "sgdUpdate";
        size(k, "n", n);
        vector(k, "param", param, pOff, n);
        vector(k, "grad", grad, gOff, n);
        if (momentum != 0) {
            vector(k, "buf (momentum buffer)", buf, bufOff, n);
        }
        if (nesterov && (momentum <= 0 || dampening != 0)) {
            throw new IllegalArgumentException(k + ": Nesterov momentum requires momentum > 0 and dampening = 0, got momentum="
                    + momentum + ", dampening=" + dampening);
        }
        doSgdUpdate(n, param, pOff, grad, gOff, buf, bufOff, lr, momentum, dampening, weightDecay, nesterov, firstStep);
    }

    @Override
    public final void adamUpdate(int n, float[] param, int pOff, float[] grad, int gOff,
                                 float[] m, int mOff, float[] v, int vOff, float[] vMax, int vMaxOff,
                                 float lr, float beta1, float beta2, float eps, float weightDecay,
                                 boolean decoupledWeightDecay, long step) {
        String k = decoupledWeightDecay ? "adamUpdate(AdamW)" : "adamUpdate(Adam)";
        size(k, "n", n);
        vector(k, "param", param, pOff, n);
        vector(k, "grad", grad, gOff, n);
        vector(k, "m", m, mOff, n);
        vector(k, "v", v, vOff, n);
        if (vMax != null) vector(k, "vMax", vMax, vMaxOff, n);
        if (step < 1) {
            throw new IllegalArgumentException(k + ": step must be >= 1 (counted after increment), got " + step);
        }
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
            throw new IllegalArgumentException(k + ": betas must be in [0, 1), got (" + beta1 + ", " + beta2 + ")");
        }
        doAdamUpdate(n, param, pOff, grad, gOff, m, mOff, v, vOff, vMax, vMaxOff,
                lr, beta1, beta2, eps, weightDecay, decoupledWeightDecay, step);
    }

    @Override
    public final void gemv(Transpose transA, int m, int n, float alpha, float[] a, int aOff, int lda,
                           float[] x, int xOff, float beta, float[] y, int yOff) {
        notNull("gemv", "transA", transA);
        size("gemv", "m", m);
        size("gemv", "n", n);
        matrix("gemv", "a", a, aOff, m, n, lda);
        boolean t = transA == Transpose.T;
        vector("gemv", "x", x, xOff, t ? m : n);
        vector("gemv", "y", y, yOff, t ? n : m);
        doGemv(transA, m, n, alpha, a, aOff, lda, x, xOff, beta, y, yOff);
    }

    @Override
    public final void gemm(Transpose transA, Transpose transB, int m, int n, int k, float alpha,
                           float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                           float beta, float[] c, int cOff, int ldc) {
        gemmCheck("gemm", transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        gemmDisjoint("gemm", transA, transB, 1, m, n, k, a, aOff, 0, lda, b, bOff, 0, ldb, c, cOff, 0, ldc);
        doGemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc, null, 0, 0);
    }

    @Override
    public final void gemm(Transpose transA, Transpose transB, int m, int n, int k, float alpha,
                           float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                           float beta, float[] c, int cOff, int ldc, float[] d, int dOff, int ldd) {
        String kn = "gemm (with addend d)";
        gemmCheck(kn, transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        gemmDisjoint(kn, transA, transB, 1, m, n, k, a, aOff, 0, lda, b, bOff, 0, ldb, c, cOff, 0, ldc);
        addendCheck(kn, m, n, d, dOff, ldd, c, cOff, ldc);
        doGemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc, d, dOff, ldd);
    }

    /** The addend D of a GEMM: {@code m x n} with {@code ldd >= n}, or one row when {@code ldd == 0}; not overlapping C. */
    private static void addendCheck(String kn, int m, int n, float[] d, int dOff, int ldd, float[] c, int cOff, int ldc) {
        if (ldd < 0) {
            throw new IllegalArgumentException(kn + ": ldd must be >= 0 (0 adds one row to every row of c), got " + ldd);
        }
        if (ldd == 0) vector(kn, "d (one row, ldd 0)", d, dOff, n);
        else matrix(kn, "d", d, dOff, m, n, ldd);
        if (d == c) {
            long dEnd = ldd == 0 ? (long) dOff + n : spanEnd(dOff, 1, 0, m, n, ldd);
            disjoint(kn, "c", "d", dOff, dEnd, cOff, spanEnd(cOff, 1, 0, m, n, ldc));
        }
    }

    @Override
    public final int packedBSize(int k, int n) {
        return packedSize("packedBSize", k, n);
    }

    /** {@link #packedBSize} with the calling kernel's name in its messages. */
    private int packedSize(String kn, int k, int n) {
        size(kn, "k", k);
        size(kn, "n", n);
        long size = doPackedBSize(k, n);
        if (size > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(kn + ": a packed " + k + "x" + n + " B needs " + size
                    + " floats, more than the largest array");
        }
        return (int) size;
    }

    @Override
    public final void packB(Transpose transB, int k, int n, float[] b, int bOff, int ldb, float[] dst, int dstOff) {
        notNull("packB", "transB", transB);
        int size = packedSize("packB", k, n);
        if (transB == Transpose.N) matrix("packB", "b", b, bOff, k, n, ldb);
        else matrix("packB", "b (transposed, stored n x k)", b, bOff, n, k, ldb);
        vector("packB", "dst", dst, dstOff, size);
        if (dst == b) {
            disjoint("packB", "dst", "b", bOff, opSpanEnd(transB, bOff, 1, 0, k, n, ldb), dstOff, (long) dstOff + size);
        }
        doPackB(transB, k, n, b, bOff, ldb, dst, dstOff);
    }

    @Override
    public final void gemmPacked(Transpose transA, Transpose transB, int m, int n, int k, float alpha,
                                 float[] a, int aOff, int lda, float[] packed, int packedOff,
                                 float beta, float[] c, int cOff, int ldc) {
        String kn = "gemmPacked";
        notNull(kn, "transA", transA);
        notNull(kn, "transB", transB);
        size(kn, "m", m);
        int size = packedSize(kn, k, n);
        if (transA == Transpose.N) matrix(kn, "a", a, aOff, m, k, lda);
        else matrix(kn, "a (transposed, stored k x m)", a, aOff, k, m, lda);
        vector(kn, "packed", packed, packedOff, size);
        matrix(kn, "c", c, cOff, m, n, ldc);
        long cEnd = spanEnd(cOff, 1, 0, m, n, ldc);
        if (c == a) disjoint(kn, "c", "a", aOff, opSpanEnd(transA, aOff, 1, 0, m, k, lda), cOff, cEnd);
        if (c == packed) disjoint(kn, "c", "packed", packedOff, (long) packedOff + size, cOff, cEnd);
        doGemmPacked(transA, transB, m, n, k, alpha, a, aOff, lda, packed, packedOff, beta, c, cOff, ldc);
    }

    @Override
    public final void gemmBatched(Transpose transA, Transpose transB, int batch, int m, int n, int k, float alpha,
                                  float[] a, int aOff, int strideA, int lda,
                                  float[] b, int bOff, int strideB, int ldb,
                                  float beta, float[] c, int cOff, int strideC, int ldc) {
        gemmBatched(Triangle.FULL, transA, transB, batch, m, n, k, alpha, a, aOff, strideA, lda, b, bOff, strideB, ldb,
                beta, c, cOff, strideC, ldc);
    }

    @Override
    public final void gemmBatched(Triangle triangle, Transpose transA, Transpose transB, int batch, int m, int n, int k,
                                  float alpha, float[] a, int aOff, int strideA, int lda,
                                  float[] b, int bOff, int strideB, int ldb,
                                  float beta, float[] c, int cOff, int strideC, int ldc) {
        String kn = "gemmBatched";
        notNull(kn, "triangle", triangle);
        size(kn, "batch", batch);
        size(kn, "strideA", strideA);
        size(kn, "strideB", strideB);
        size(kn, "strideC", strideC);
        if (batch == 0) {
            // nothing is touched, but the operands must still be real, as every kernel demands
            notNull(kn, "a", a);
            notNull(kn, "b", b);
            notNull(kn, "c", c);
            return;
        }
        // the first and the last matrix of each operand bound all the others
        gemmCheck(kn, transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        long lastA = aOff + (long) strideA * (batch - 1);
        long lastB = bOff + (long) strideB * (batch - 1);
        long lastC = cOff + (long) strideC * (batch - 1);
        if (lastA > Integer.MAX_VALUE || lastB > Integer.MAX_VALUE || lastC > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(kn + ": batch " + batch + " with strides (" + strideA + ", " + strideB
                    + ", " + strideC + ") reaches past the largest array");
        }
        // a constant, not kn + "...": the check runs on every call and must not allocate
        gemmCheck("gemmBatched (last batch entry)", transA, transB, m, n, k, a, (int) lastA, lda, b, (int) lastB, ldb,
                c, (int) lastC, ldc);
        if (batch > 1 && m > 0 && n > 0 && strideC < (long) (m - 1) * ldc + n) {
            throw new IllegalArgumentException(kn + ": strideC " + strideC + " is smaller than one " + m + "x" + n
                    + " C matrix with ldc " + ldc + "; batch entries of C would overlap");
        }
        gemmDisjoint(kn, transA, transB, batch, m, n, k, a, aOff, strideA, lda, b, bOff, strideB, ldb,
                c, cOff, strideC, ldc);
        doGemmBatched(triangle, transA, transB, batch, m, n, k, alpha, a, aOff, strideA, lda, b, bOff, strideB, ldb,
                beta, c, cOff, strideC, ldc);
    }

    private static void gemmCheck(String kn, Transpose transA, Transpose transB, int m, int n, int k,
                                  float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                                  float[] c, int cOff, int ldc) {
        notNull(kn, "transA", transA);
        notNull(kn, "transB", transB);
        size(kn, "m", m);
        size(kn, "n", n);
        size(kn, "k", k);
        if (transA == Transpose.N) matrix(kn, "a", a, aOff, m, k, lda);
        else matrix(kn, "a (transposed, stored k x m)", a, aOff, k, m, lda);
        if (transB == Transpose.N) matrix(kn, "b", b, bOff, k, n, ldb);
        else matrix(kn, "b (transposed, stored n x k)", b, bOff, n, k, ldb);
        matrix(kn, "c", c, cOff, m, n, ldc);
    }

    /**
     * C must not overlap A or B. Operands may share one array (a graph plan keeps every buffer in
     * one arena) as long as their index ranges are disjoint. The test is conservative: it
     * compares spans {@code [off, off + stride*(batch-1) + (rows-1)*ld + cols)}, so interleaved
     * layouts whose elements happen not to collide are rejected too. Empty operands touch
     * nothing and never overlap. Runs after {@link #gemmCheck}, so the long arithmetic cannot
     * overflow.
     */
    private static void gemmDisjoint(String kn, Transpose transA, Transpose transB, int batch, int m, int n, int k,
                                     float[] a, int aOff, int strideA, int lda, float[] b, int bOff, int strideB,
                                     int ldb, float[] c, int cOff, int strideC, int ldc) {
        if (c != a && c != b) return;
        long cEnd = spanEnd(cOff, batch, strideC, m, n, ldc);
        if (c == a) disjoint(kn, "c", "a", aOff, opSpanEnd(transA, aOff, batch, strideA, m, k, lda), cOff, cEnd);
        if (c == b) disjoint(kn, "c", "b", bOff, opSpanEnd(transB, bOff, batch, strideB, k, n, ldb), cOff, cEnd);
    }

    /**
     * {@link #spanEnd} of {@code batch} matrices whose op is {@code opRows x opCols}: stored so
     * with {@link Transpose#N}, as {@code opCols x opRows} with {@link Transpose#T}.
     */
    private static long opSpanEnd(Transpose t, int off, int batch, int stride, int opRows, int opCols, int ld) {
        return t == Transpose.N ? spanEnd(off, batch, stride, opRows, opCols, ld)
                : spanEnd(off, batch, stride, opCols, opRows, ld);
    }

    /** End (exclusive) of the indices touched by {@code batch} stored {@code rows x cols} matrices; {@code off} if none. */
    private static long spanEnd(int off, int batch, int stride, int rows, int cols, int ld) {
        if (batch == 0 || rows == 0 || cols == 0) return off;
        return off + (long) stride * (batch - 1) + (long) (rows - 1) * ld + cols;
    }

    /** The output {@code out} spanning {@code [cStart, cEnd)} must not overlap the input {@code name}'s span. */
    private static void disjoint(String kn, String out, String name, long xStart, long xEnd, long cStart, long cEnd) {
        if (xStart < xEnd && cStart < cEnd && xStart < cEnd && cStart < xEnd) {
            throw new IllegalArgumentException(kn + ": " + out + " and " + name + " are the same array and their index"
                    + " ranges overlap: " + out + " spans [" + cStart + ", " + cEnd + "), " + name + " spans [" + xStart
                    + ", " + xEnd + "); the output must not overlap an input");
        }
    }

    // ---------------------------------------------------------------- unchecked implementations

    protected abstract float doDot(int n, float[] x, int xOff, float[] y, int yOff);

    protected abstract void doAxpy(int n, float alpha, float[] x, int xOff, float[] y, int yOff);

    protected abstract void doScale(int n, float alpha, float[] x, int xOff, float[] y, int yOff);

    protected abstract void doFill(int n, float value, float[] x, int xOff);

    /** {@link #addRows} after the checks: one {@link #doAxpy} per row, in order, unless an implementation does better. */
    protected void doAddRows(int rows, int cols, float alpha, float[] a, int aOff, int lda, float[] y, int yOff) {
        for (int r = 0; r < rows; r++) {
            doAxpy(cols, alpha, a, aOff + r * lda, y, yOff);
        }
    }

    /** {@link #gatherRows} after the checks: row by row, unless an implementation does better. */
    protected void doGatherRows(int rows, int cols, float[] src, int srcOff, int[] rowOffsets, int srcInc,
                                float[] dst, int dstOff, boolean accumulate) {
        gatherRowRange(0, rows, cols, src, srcOff, rowOffsets, srcInc, dst, dstOff, accumulate);
    }

    /** Rows {@code [r0, r1)} of {@link #gatherRows}, one element at a time. */
    static void gatherRowRange(int r0, int r1, int cols, float[] src, int srcOff, int[] rowOffsets, int srcInc,
                               float[] dst, int dstOff, boolean accumulate) {
        for (int r = r0; r < r1; r++) {
            int s = srcOff + rowOffsets[r], d = dstOff + r * cols;
            if (accumulate) {
                for (int i = 0; i < cols; i++) dst[d + i] += src[s + i * srcInc];
            } else if (srcInc == 1) {
                System.arraycopy(src, s, dst, d, cols);
            } else {
                for (int i = 0; i < cols; i++) dst[d + i] = src[s + i * srcInc];
            }
        }
    }

    protected abstract void doBinary(BinaryOp op, int n, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff);

    protected abstract void doBinaryRow(BinaryOp op, int rows, int cols, float[] a, int aOff, int lda,
                                        float[] b, int bOff, float[] c, int cOff, int ldc);

    protected abstract void doBinaryCol(BinaryOp op, int rows, int cols, float[] a, int aOff, int lda,
                                        float[] b, int bOff, float[] c, int cOff, int ldc);

    protected abstract void doUnary(UnaryOp op, int n, float[] x, int xOff, float[] y, int yOff);

    /** {@link #geluWithDerivative} after the checks. */
    protected abstract void doGeluWithDerivative(int n, float[] x, int xOff, float[] y, int yOff, float[] d, int dOff);

    protected abstract void doUnaryBackward(UnaryOp op, int n, float[] x, int xOff, float[] y, int yOff,
                                            float[] dy, int dyOff, float[] dx, int dxOff);

    protected abstract float doSum(int n, float[] x, int xOff);

    protected abstract float doMax(int n, float[] x, int xOff);

    protected abstract int doArgmax(int n, float[] x, int xOff);

    protected abstract void doSoftmax(int rows, int cols, float[] x, int xOff, int ldx, float[] y, int yOff, int ldy);

    protected abstract void doLogSoftmax(int rows, int cols, float[] x, int xOff, int ldx, float[] y, int yOff, int ldy);

    protected abstract void doSoftmaxBackward(int rows, int cols, float[] y, int yOff, int ldy,
                                              float[] dy, int dyOff, int lddy, float[] dx, int dxOff, int lddx);

    protected abstract void doLogSoftmaxBackward(int rows, int cols, float[] y, int yOff, int ldy,
                                                 float[] dy, int dyOff, int lddy, float[] dx, int dxOff, int lddx);

    /**
     * {@link #crossEntropyBackward} after the checks (targets are valid). {@code stats == null}:
     * {@code lp} is the log-softmax; else {@code lp} is the logits and {@code stats} their row
     * statistics.
     */
    protected abstract void doCrossEntropyBackward(int rows, int classes, float[] lp, int lpOff, float[] stats,
                                                   int statsOff, int[] targets, int tOff, int ignoreIndex,
                                                   float smoothing, float scale, float[] dx, int dxOff,
                                                   boolean accumulate);

    /** {@link #logSoftmaxStats} after the checks. */
    protected abstract void doLogSoftmaxStats(int rows, int cols, float[] x, int xOff, int ldx, float[] stats, int statsOff);

    protected abstract void doLayerNorm(int rows, int cols, float[] x, int xOff, float[] gamma, int gammaOff,
                                        float[] beta, int betaOff, float eps, float[] y, int yOff,
                                        float[] mean, int meanOff, float[] rstd, int rstdOff);

    protected abstract void doLayerNormBackward(int rows, int cols, float[] dy, int dyOff, float[] x, int xOff,
                                                float[] mean, int meanOff, float[] rstd, int rstdOff,
                                                float[] gamma, int gammaOff, float[] dx, int dxOff,
                                                float[] dgamma, int dgammaOff, float[] dbeta, int dbetaOff);

    /**
     * {@link #attentionSoftmaxBatched} after the checks: one {@link #doAttentionSoftmax} per
     * matrix, in order, unless an implementation does better.
     */
    protected void doAttentionSoftmaxBatched(int batch, int rows, int cols, float scale, boolean causal,
                                             float[] x, int xOff, float[] keyMask, int keyMaskOff, int matricesPerMask,
                                             float[] y, int yOff) {
        int size = rows * cols;
        for (int i = 0; i < batch; i++) {
            doAttentionSoftmax(rows, cols, scale, causal, x, xOff + i * size, keyMask,
                    keyMask == null ? 0 : keyMaskOff + (i / matricesPerMask) * cols, y, yOff + i * size);
        }
    }

    /** {@link #attentionSoftmaxBackwardBatched} after the checks: one {@link #doAttentionSoftmaxBackward} per matrix. */
    protected void doAttentionSoftmaxBackwardBatched(int batch, int rows, int cols, float scale, boolean causal,
                                                     float[] y, int yOff, float[] dy, int dyOff,
                                                     float[] keyMask, int keyMaskOff, int matricesPerMask,
                                                     float[] dx, int dxOff) {
        int size = rows * cols;
        for (int i = 0; i < batch; i++) {
            doAttentionSoftmaxBackward(rows, cols, scale, causal, y, yOff + i * size, dy, dyOff + i * size, keyMask,
                    keyMask == null ? 0 : keyMaskOff + (i / matricesPerMask) * cols, dx, dxOff + i * size);
        }
    }

    protected abstract void doAttentionSoftmax(int rows, int cols, float scale, boolean causal, float[] x, int xOff,
                                               float[] keyMask, int keyMaskOff, float[] y, int yOff);

    protected abstract void doAttentionSoftmaxBackward(int rows, int cols, float scale, boolean causal, float[] y, int yOff,
                                                       float[] dy, int dyOff, float[] keyMask, int keyMaskOff,
                                                       float[] dx, int dxOff);

    protected abstract void doLstmCell(int rows, int hidden, float[] gates, int gatesOff, float[] cPrev, int cPrevOff,
                                       float[] act, int actOff, float[] tanhC, int tanhCOff, float[] h, int hOff,
                                       float[] c, int cOff);

    protected abstract void doLstmCellBackward(int rows, int hidden, float[] act, int actOff, float[] tanhC, int tanhCOff,
                                               float[] cPrev, int cPrevOff, float[] dh, int dhOff, float[] dc, int dcOff,
                                               float[] dGates, int dGatesOff, float[] dcPrev, int dcPrevOff);

    protected abstract void doSgdUpdate(int n, float[] param, int pOff, float[] grad, int gOff, float[] buf, int bufOff,
                                        float lr, float momentum, float dampening, float weightDecay,
                                        boolean nesterov, boolean firstStep);

    protected abstract void doAdamUpdate(int n, float[] param, int pOff, float[] grad, int gOff,
                                         float[] m, int mOff, float[] v, int vOff, float[] vMax, int vMaxOff,
                                         float lr, float beta1, float beta2, float eps, float weightDecay,
                                         boolean decoupledWeightDecay, long step);

    protected abstract void doGemv(Transpose transA, int m, int n, float alpha, float[] a, int aOff, int lda,
                                   float[] x, int xOff, float beta, float[] y, int yOff);

    /** {@link #gemm} after the checks; {@code d} is null for none (else as in the addend overload). */
    protected abstract void doGemm(Transpose transA, Transpose transB, int m, int n, int k, float alpha,
                                   float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                                   float beta, float[] c, int cOff, int ldc, float[] d, int dOff, int ldd);

    /** {@link #packedBSize} after the checks, as a long (the caller rejects what no array holds). */
    protected abstract long doPackedBSize(int k, int n);

    /** {@link #packB} after the checks. */
    protected abstract void doPackB(Transpose transB, int k, int n, float[] b, int bOff, int ldb, float[] dst, int dstOff);

    /** {@link #gemmPacked} after the checks. */
    protected abstract void doGemmPacked(Transpose transA, Transpose transB, int m, int n, int k, float alpha,
                                         float[] a, int aOff, int lda, float[] packed, int packedOff,
                                         float beta, float[] c, int cOff, int ldc);

    /**
     * {@link #gemmBatched} after the checks; an implementation may spread the entries over the
     * kernel threads.
     */
    protected abstract void doGemmBatched(Triangle triangle, Transpose transA, Transpose transB, int batch, int m,
                                          int n, int k, float alpha, float[] a, int aOff, int strideA, int lda,
                                          float[] b, int bOff, int strideB, int ldb,
                                          float beta, float[] c, int cOff, int strideC, int ldc);
}
