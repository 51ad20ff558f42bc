package dev.vectornn.graph;

import dev.vectornn.kernel.BinaryOp;
import dev.vectornn.kernel.Transpose;
import dev.vectornn.kernel.Triangle;
import dev.vectornn.kernel.UnaryOp;
import dev.vectornn.tensor.DType;

/**
 * The primitives ops are written against, so that every op is written once for both dtypes.
 * Arrays are passed as {@code Object} ({@code float[]} for {@link F32Backend}, {@code double[]}
 * for {@link F64Backend}) with element offsets; all matrices are row-major and contiguous
 * unless a leading dimension is given.
 *
 * <p>The abstract methods are the typed primitives (F32 delegates to the kernels). The final
 * methods here are dtype-independent: the N-d walks over a {@link Geometry} (broadcast,
 * reduction, permutation) that dispatch to the kernels' fast paths where the geometry allows,
 * and the "accumulate" variants of overwrite-only primitives, which go through {@link #tmp}.
 *
 * <p>One instance per plan (it owns {@code tmp}); not thread-safe.
 */
abstract class Backend {
    /** Backend-owned scratch of at least the largest node's element count; see {@link #ensureTmp}. */
    Object tmp;

    abstract DType dtype();

    /** Sizes {@link #tmp} for nodes of up to {@code n} elements; compile time only. */
    final void ensureTmp(int n) {
        if (tmp == null || java.lang.reflect.Array.getLength(tmp) < n) tmp = dtype().newArray(n);
    }

    // ---------------------------------------------------------------- typed primitives

    abstract double get(Object a, int i);

    abstract void set(Object a, int i, double v);

    /** {@code x[i] = v}. */
    abstract void fill(int n, double v, Object x, int xo);

    /** {@code y[i] = alpha * x[i]} (y may be x). */
    abstract void scale(int n, double alpha, Object x, int xo, Object y, int yo);

    /** {@code y[i] += alpha * x[i]}. */
    abstract void axpy(int n, double alpha, Object x, int xo, Object y, int yo);

    /**
     * {@code y[j] += alpha * a[r, j]} for each row {@code r} of the contiguous {@code rows x cols}
     * matrix {@code a}, in row order: the bits of one {@link #axpy} per row, as
     * {@code Kernels.addRows} (which F32 uses: column blocks, split over the kernel threads).
     */
    void addRows(int rows, int cols, double alpha, Object a, int ao, Object y, int yo) {
        for (int r = 0; r < rows; r++) {
            axpy(cols, alpha, a, ao + r * cols, y, yo);
        }
    }

    /** {@code y[i] = x[i] + v} (y may be x). */
    abstract void addScalar(int n, double v, Object x, int xo, Object y, int yo);

    /** {@code c[i] = a[i] op b[i]}. */
    abstract void binary(BinaryOp op, int n, Object a, int ao, Object b, int bo, Object c, int co);

    /** {@code c[r,j] = a[r,j] op b[j]}, contiguous {@code rows x cols}. */
    abstract void binaryRow(BinaryOp op, int rows, int cols, Object a, int ao, Object b, int bo, Object c, int co);

    /** {@code c[r,j] = a[r,j] op b[r]}, contiguous {@code rows x cols}. */
    abstract void binaryCol(BinaryOp op, int rows, int cols, Object a, int ao, Object b, int bo, Object c, int co);

    /** {@code c[i] = a[ao+i*as] op b[bo+i*bs]}. */
    abstract void binaryStrided(BinaryOp op, int n, Object a, int ao, int as, Object b, int bo, int bs, Object c, int co);

    /** {@code dst[do+i] = alpha * src[so+i*ss]}, or {@code +=} when {@code acc}. */
    abstract void stridedCopy(int n, double alpha, Object src, int so, int ss, Object dst, int dOff, boolean acc);

    /** {@code dst}'s row {@code r} (+)= the {@code cols} elements of {@code src} from {@code so + rowOffsets[r]}, {@code inc} apart. */
    void gatherRows(int rows, int cols, Object src, int so, int[] rowOffsets, int inc, Object dst, int dOff, boolean acc) {
        for (int r = 0; r < rows; r++) stridedCopy(cols, 1.0, src, so + rowOffsets[r], inc, dst, dOff + r * cols, acc);
    }

    /** {@code y = f(x)} element-wise. */
    abstract void unary(UnaryOp op, int n, Object x, int xo, Object y, int yo);

    /** {@code dx = dy * f'(x)}, overwriting (see {@code Kernels.unaryBackward}). */
    abstract void unaryBackward(UnaryOp op, int n, Object x, int xo, Object y, int yo, Object dy, int dyo, Object dx, int dxo);

    /** {@code y = gelu(x)} and {@code d = gelu'(x)} (see {@code Kernels.geluWithDerivative}). */
    abstract void geluWithDerivative(int n, Object x, int xo, Object y, int yo, Object d, int dOff);

    /** {@code y = x^p}. */
    abstract void pow(int n, double p, Object x, int xo, Object y, int yo);

    /** {@code dx = dy * p * x^(p-1)}, overwriting. */
    abstract void powBackward(int n, double p, Object x, int xo, Object dy, int dyo, Object dx, int dxo);

    /** {@code sum x[i]}. */
    abstract double sum(int n, Object x, int xo);

    /** {@code sum x[i]*y[i]}. */
    abstract double dot(int n, Object x, int xo, Object y, int yo);

    /**
     * Batched gemm, as {@code Kernels.gemmBatched(Triangle, ...)}: stride 0 reuses a matrix, and a
     * triangle other than {@link Triangle#FULL} is known to be zero and skipped.
     */
    abstract void gemmBatched(Triangle tri, Transpose ta, Transpose tb, int batch, int m, int n, int k, double alpha,
                              Object a, int ao, int sa, int lda, Object b, int bo, int sb, int ldb,
                              double beta, Object c, int co, int sc, int ldc);

    /**
     * {@code C = op(A) op(B) + D}: the product (alpha 1, beta 0) and then an added {@code m x n}
     * D whose rows start {@code ldd} apart ({@code ldd == 0}: one row added to every row of C,
     * a bias), as {@code Kernels.gemm} with an addend.
     */
    abstract void gemmAdd(Transpose ta, Transpose tb, int m, int n, int k, Object a, int ao, int lda,
                          Object b, int bo, int ldb, Object c, int co, int ldc, Object d, int dOff, int ldd);

    /** Elements a packed {@code k x n} op(B) takes, as {@code Kernels.packedBSize}. */
    abstract int packedBSize(int k, int n);

    /** Packs op(B) for {@link #gemmPacked}, as {@code Kernels.packB}. */
    abstract void packB(Transpose tb, int k, int n, Object b, int bo, int ldb, Object dst, int dOff);

    /** One gemm from a B packed by {@link #packB} with {@code tb}, as {@code Kernels.gemmPacked}. */
    abstract void gemmPacked(Transpose ta, Transpose tb, int m, int n, int k, double alpha, Object a, int ao, int lda,
                             Object packed, int po, double beta, Object c, int co, int ldc);

    /** Row-wise softmax (y may be x). */
    abstract void softmax(int rows, int cols, Object x, int xo, Object y, int yo);

    /** Row-wise log-softmax (y may be x). */
    abstract void logSoftmax(int rows, int cols, Object x, int xo, Object y, int yo);

    /** Softmax VJP from the output, overwriting dx. */
    abstract void softmaxBackward(int rows, int cols, Object y, int yo, Object dy, int dyo, Object dx, int dxo);

    /** Log-softmax VJP from the output, overwriting dx. */
    abstract void logSoftmaxBackward(int rows, int cols, Object y, int yo, Object dy, int dyo, Object dx, int dxo);

    /** Layer norm per row, as {@code Kernels.layerNorm} (gamma/beta/mean/rstd may be null). */
    abstract void layerNorm(int rows, int cols, Object x, int xo, Object g, int go, Object be, int beo, double eps,
                            Object y, int yo, Object mean, int mo, Object rstd, int ro);

    /** Layer-norm VJP: dx overwritten, dg/db accumulated (either may be null). */
    abstract void layerNormBackward(int rows, int cols, Object dy, int dyo, Object x, int xo, Object mean, int mo,
                                    Object rstd, int ro, Object g, int go, Object dx, int dxo,
                                    Object dg, int dgo, Object db, int dbo);

    /**
     * The fused attention softmax of one {@code rows x cols} score matrix, as
     * {@code Kernels.attentionSoftmax} ({@code keyMask}, {@code cols} long, may be null).
     */
    abstract void attentionSoftmax(int rows, int cols, double scale, boolean causal, Object x, int xo,
                                   Object keyMask, int mo, Object y, int yo);

    /** Its VJP, as {@code Kernels.attentionSoftmaxBackward}: dx overwritten. */
    abstract void attentionSoftmaxBackward(int rows, int cols, double scale, boolean causal, Object y, int yo,
                                           Object dy, int dyo, Object keyMask, int mo, Object dx, int dxo);

    /**
     * {@link #attentionSoftmax} of {@code batch} matrices stored one after another, matrix
     * {@code i} with the mask row at {@code mo + (i / perMask) * cols}, as
     * {@code Kernels.attentionSoftmaxBatched}: one call per matrix unless the backend does better.
     */
    void attentionSoftmaxBatched(int batch, int rows, int cols, double scale, boolean causal, Object x, int xo,
                                 Object keyMask, int mo, int perMask, Object y, int yo) {
        int size = rows * cols;
        for (int i = 0; i < batch; i++) {
            attentionSoftmax(rows, cols, scale, causal, x, xo + i * size, keyMask,
                    keyMask == null ? 0 : mo + (i / perMask) * cols, y, yo + i * size);
        }
    }

    /** Its VJP over the batch, as {@code Kernels.attentionSoftmaxBackwardBatched}: dx overwritten. */
    void attentionSoftmaxBackwardBatched(int batch, int rows, int cols, double scale, boolean causal, Object y, int yo,
                                         Object dy, int dyo, Object keyMask, int mo, int perMask, Object dx, int dxo) {
        int size = rows * cols;
        for (int i = 0; i < batch; i++) {
            attentionSoftmaxBackward(rows, cols, scale, causal, y, yo + i * size, dy, dyo + i * size, keyMask,
                    keyMask == null ? 0 : mo + (i / perMask) * cols, dx, dxo + i * size);
        }
    }

    /** The fused LSTM cell, as {@code Kernels.lstmCell} ({@code cPrev} may be null: a zero state). */
    abstract void lstmCell(int rows, int hidden, Object gates, int go, Object cPrev, int cpo, Object act, int ao,
                           Object tanhC, int tco, Object h, int ho, Object c, int co);

    /** Its VJP, as {@code Kernels.lstmCellBackward}: dGates and dcPrev (null iff cPrev is) overwritten. */
    abstract void lstmCellBackward(int rows, int hidden, Object act, int ao, Object tanhC, int tco, Object cPrev, int cpo,
                                   Object dh, int dho, Object dc, int dco, Object dGates, int dgo, Object dcPrev, int dcpo);

    /** Index of the first NaN or infinity in {@code x[xo..xo+n)}, relative to xo, or -1. */
    abstract int firstNonFinite(int n, Object x, int xo);

    /**
     * The row statistics of {@link #logSoftmax}, 3 values per row at {@code stats[so + 3r]}: the
     * row's max {@code m}, then {@code log(sum exp(x - m))} as {@code hi} (rounded to this dtype)
     * and {@code lo} (the rest); {@code (0, 0, 0)} for an empty row. Cross-entropy saves these
     * instead of its whole log-softmax. This generic form computes in double; F32 overrides it
     * with {@code Kernels.logSoftmaxStats}.
     */
    void logSoftmaxStats(int rows, int cols, Object x, int xo, Object stats, int so) {
        for (int r = 0; r < rows; r++) {
            int xr = xo + r * cols, o = so + 3 * r;
            if (cols == 0) {
                fill(3, 0.0, stats, o);
                continue;
            }
            double m = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < cols; j++) m = Math.max(m, get(x, xr + j));
            double s = 0;
            for (int j = 0; j < cols; j++) s += Math.exp(get(x, xr + j) - m);
            double ls = Math.log(s);
            set(stats, o, m);
            set(stats, o + 1, ls);
            set(stats, o + 2, ls - get(stats, o + 1));
        }
    }

    /** One log-softmax element from the logits and its row's {@link #logSoftmaxStats}: {@code ((x - m) - hi) - lo}. */
    double logProb(Object x, int i, Object stats, int o) {
        return ((get(x, i) - get(stats, o)) - get(stats, o + 1)) - get(stats, o + 2);
    }

    /**
     * Cross-entropy's VJP from the logits {@code x} ({@code rows x classes}) and their {@link
     * #logSoftmaxStats}: {@code dx_r (+)= scale * (softmax(x_r) - eps/classes - (1 - eps) *
     * onehot(t_r))} for rows whose target is not {@code ignore}; ignored rows are zeroed, or left
     * alone when {@code acc}. This generic form goes row by row through {@link #tmp}; F32
     * overrides it with one {@code Kernels.crossEntropyBackward} call (one parallel section for
     * all rows).
     */
    void crossEntropyBackward(int rows, int classes, Object x, int xo, Object stats, int so, int[] t, int ignore,
                              double eps, double scale, Object dx, int dxo, boolean acc) {
        for (int r = 0; r < rows; r++) {
            int o = dxo + r * classes;
            if (t[r] == ignore) {
                if (!acc) fill(classes, 0.0, dx, o);
                continue;
            }
            // softmax row = exp(log-softmax row), minus the smoothed target distribution
            // (1 - eps) * onehot + eps / C, times dy / count
            int st = so + 3 * r;
            addScalar(classes, -get(stats, st), x, xo + r * classes, tmp, 0);
            addScalar(classes, -get(stats, st + 1), tmp, 0, tmp, 0);
            addScalar(classes, -get(stats, st + 2), tmp, 0, tmp, 0);
            unary(UnaryOp.EXP, classes, tmp, 0, tmp, 0);
            if (eps != 0) addScalar(classes, -eps / classes, tmp, 0, tmp, 0);
            set(tmp, t[r], get(tmp, t[r]) - (1.0 - eps));
            if (acc) axpy(classes, scale, tmp, 0, dx, o);
            else scale(classes, scale, tmp, 0, dx, o);
        }
    }

    // ---------------------------------------------------------------- dtype-independent walks

    /** Copies (or adds when {@code acc}) {@code n} contiguous elements: {@code dst (+)= src}. */
    final void copy(int n, Object src, int so, Object dst, int dOff, boolean acc) {
        if (acc) axpy(n, 1.0, src, so, dst, dOff);
        else System.arraycopy(src, so, dst, dOff, n);
    }

    /** {@code c = a op b} with NumPy broadcasting; {@code g} from {@link Geometry#binary}. */
    final void broadcastBinary(BinaryOp op, Geometry g, Object a, int ao, Object b, int bo, Object c, int co) {
        switch (g.kind) {
            case SAME -> binary(op, g.numel, a, ao, b, bo, c, co);
            case ROW -> binaryRow(op, g.rows, g.cols, a, ao, b, bo, c, co);
            case COL -> binaryCol(op, g.rows, g.cols, a, ao, b, bo, c, co);
            case SCALAR -> binaryCol(op, 1, g.numel, a, ao, b, bo, c, co);
            case GENERAL -> {
                int i0 = g.inner0();
                int i1 = g.inner1();
                g.begin();
                for (int r = 0; r < g.rows; r++) {
                    g.row();
                    binaryStrided(op, g.cols, a, ao + g.off0, i0, b, bo + g.off1, i1, c, co + r * g.cols);
                }
            }
        }
    }

    /**
     * Sums {@code big} (the destination shape of {@code g}, contiguous) down to the shape that
     * broadcasts to it (source 1 of {@code g}): {@code small (+)= alpha * reduce(big)}.
     */
    final void reduceTo(Geometry g, double alpha, Object big, int bo, Object small, int so, boolean acc) {
        switch (g.kind) {
            case SAME -> {
                if (acc) axpy(g.numel, alpha, big, bo, small, so);
                else scale(g.numel, alpha, big, bo, small, so);
            }
            case SCALAR -> {
                double s = alpha * sum(g.numel, big, bo);
                set(small, so, acc ? get(small, so) + s : s);
            }
            case COL -> {
                for (int r = 0; r < g.rows; r++) {
                    double s = alpha * sum(g.cols, big, bo + r * g.cols);
                    set(small, so + r, acc ? get(small, so + r) + s : s);
                }
            }
            case ROW -> {
                // small is one contiguous row of cols (a bias): the walk below would add the rows
                // one axpy at a time, which addRows does with the same bits in one call
                if (!acc) fill(g.cols, 0.0, small, so);
                addRows(g.rows, g.cols, alpha, big, bo, small, so);
            }
            default -> {
                if (!acc) fill(smallSize(g), 0.0, small, so);
                int i1 = g.inner1();
                g.begin();
                for (int r = 0; r < g.rows; r++) {
                    g.row();
                    int src = bo + r * g.cols;
                    if (i1 == 0) {
                        int k = so + g.off1;
                        set(small, k, get(small, k) + alpha * sum(g.cols, big, src));
                    } else {
                        axpy(g.cols, alpha, big, src, small, so + g.off1);
                    }
                }
            }
        }
    }

    private static int smallSize(Geometry g) {
        // the small tensor's extent: 1 + max offset reachable through its strides
        int max = 0;
        for (int d = 0; d < g.dims.length; d++) max += (g.dims[d] - 1) * g.s1[d];
        return g.numel == 0 ? 0 : max + 1;
    }

    /** {@code big (+)= alpha * broadcast(small)}: the transpose of {@link #reduceTo}. */
    final void expand(Geometry g, double alpha, Object small, int so, Object big, int bo, boolean acc) {
        int i1 = g.inner1();
        g.begin();
        for (int r = 0; r < g.rows; r++) {
            g.row();
            stridedCopy(g.cols, alpha, small, so + g.off1, i1, big, bo + r * g.cols, acc);
        }
    }

    /** {@code dst (+)= permute(src)}; {@code g} from {@link Geometry#permute}. */
    final void permute(Geometry g, Object src, int so, Object dst, int dOff, boolean acc) {
        gatherRows(g.rows, g.cols, src, so, g.rowOffsets0(), g.inner0(), dst, dOff, acc);
    }

    // ---------------------------------------------------------------- accumulate variants

    /** {@link #unaryBackward} that adds into {@code dx} when {@code acc}. */
    final void unaryBackward(UnaryOp op, int n, Object x, int xo, Object y, int yo, Object dy, int dyo,
                             Object dx, int dxo, boolean acc) {
        if (!acc) {
            unaryBackward(op, n, x, xo, y, yo, dy, dyo, dx, dxo);
        } else {
            unaryBackward(op, n, x, xo, y, yo, dy, dyo, tmp, 0);
            axpy(n, 1.0, tmp, 0, dx, dxo);
        }
    }

    /** {@link #binary} whose result is added into {@code c} when {@code acc}. */
    final void binary(BinaryOp op, int n, Object a, int ao, Object b, int bo, Object c, int co, boolean acc) {
        if (!acc) {
            binary(op, n, a, ao, b, bo, c, co);
        } else {
            binary(op, n, a, ao, b, bo, tmp, 0);
            axpy(n, 1.0, tmp, 0, c, co);
        }
    }
}
