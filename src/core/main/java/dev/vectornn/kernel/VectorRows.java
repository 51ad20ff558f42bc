package dev.vectornn.kernel;

import static dev.vectornn.kernel.VectorKernels.CHUNK;
import static dev.vectornn.kernel.VectorKernels.F;
import static dev.vectornn.kernel.VectorKernels.L;

import dev.vectornn.kernel.simd.Simd;
import dev.vectornn.kernel.simd.VectorMath;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;

/**
 * Row kernels for {@link VectorKernels}: softmax, log-softmax, their VJPs, and layer norm.
 *
 * <p>Row sums are accumulated in float vectors over chunks of {@value VectorKernels#CHUNK}
 * elements and each chunk's total is added in double, so the error stays near the scalar
 * oracle's (which sums in double) for any row length, at vector speed. Element-wise parts that
 * the oracle computes in float use the same operations in the same order, so, given the same row
 * statistics, they give the same bits. Exponentials use {@link VectorMath#exp} (1 ulp): softmax
 * outputs are within about 2 ulp of the oracle plus the summation-order difference.
 *
 * <p>Large calls split their rows over the kernel threads ({@link VectorParallel}): rows are
 * independent, so the bits do not depend on the thread count. The layer-norm VJP's parameter
 * gradients sum over rows; there the threads take column ranges instead and add the rows in
 * the serial order.
 */
final class VectorRows {
    private VectorRows() {}

    // ---------------------------------------------------------------- splitting over threads

    static final int SOFTMAX = 0, LOG_SOFTMAX = 1, SOFTMAX_BACKWARD = 2, LOG_SOFTMAX_BACKWARD = 3, LOG_SOFTMAX_STATS = 4;

    /**
     * The softmax family over {@code rows} rows of {@code cols}: {@code kind} is {@link #SOFTMAX}
     * or {@link #LOG_SOFTMAX} ({@code a = x}, {@code c = y}; {@code b} unused), {@link
     * #LOG_SOFTMAX_STATS} ({@code a = x}, {@code c = stats} with {@code ldc = 3}) or one of the
     * backward kinds ({@code a = y}, {@code b = dy}, {@code c = dx}).
     */
    static void rows(int kind, int rows, int cols, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                     float[] c, int cOff, int ldc) {
        // the plain softmax VJP is a dot product and a multiply per element; the others exponentiate
        long min = kind == SOFTMAX_BACKWARD ? VectorParallel.MIN_ARITHMETIC : VectorParallel.MIN_HEAVY;
        int parts = VectorParallel.parts((long) rows * cols, min, rows);
        if (VectorParallel.begin(parts)) {
            RowsTask t = RowsTask.INSTANCE;
            try {
                t.kind = kind; t.cols = cols; t.a = a; t.aOff = aOff; t.lda = lda; t.b = b; t.bOff = bOff; t.ldb = ldb;
                t.c = c; t.cOff = cOff; t.ldc = ldc;
                t.runSplit(rows, 1, parts);
            } finally {
                VectorParallel.end(t);
            }
            return;
        }
        rowsRange(kind, 0, rows, cols, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
    }

    private static void rowsRange(int kind, int r0, int r1, int cols, float[] a, int aOff, int lda,
                                  float[] b, int bOff, int ldb, float[] c, int cOff, int ldc) {
        switch (kind) {
            case SOFTMAX -> {
                for (int r = r0; r < r1; r++) softmax(cols, a, aOff + r * lda, c, cOff + r * ldc);
            }
            case LOG_SOFTMAX -> {
                for (int r = r0; r < r1; r++) logSoftmax(cols, a, aOff + r * lda, c, cOff + r * ldc);
            }
            case LOG_SOFTMAX_STATS -> {
                for (int r = r0; r < r1; r++) logSoftmaxStats(cols, a, aOff + r * lda, c, cOff + r * ldc);
            }
            case SOFTMAX_BACKWARD -> {
                for (int r = r0; r < r1; r++) softmaxBackward(cols, a, aOff + r * lda, b, bOff + r * ldb, c, cOff + r * ldc);
            }
            default -> {
                for (int r = r0; r < r1; r++) logSoftmaxBackward(cols, a, aOff + r * lda, b, bOff + r * ldb, c, cOff + r * ldc);
            }
        }
    }

    /** The arguments of one split softmax-family call (guarded by the pool's lock). */
    private static final class RowsTask extends VectorParallel.RangeTask {
        static final RowsTask INSTANCE = new RowsTask();
        int kind, cols, aOff, lda, bOff, ldb, cOff, ldc;
        float[] a, b, c;

        @Override
        void range(int from, int to) {
            rowsRange(kind, from, to, cols, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        }

        @Override
        void clear() {
            a = null; b = null; c = null;
        }
    }

    /** The arguments of one split layer norm or its VJP (guarded by the pool's lock). */
    private static final class LayerNormTask extends VectorParallel.RangeTask {
        static final LayerNormTask INSTANCE = new LayerNormTask();
        /** 0: forward rows; 1: VJP rows (dx only); 2: VJP columns (dgamma, dbeta only). */
        int phase;
        int rows, cols, xOff, gOff, bOff, yOff, meanOff, rstdOff, dyOff, dxOff, dgOff, dbOff;
        float eps;
        float[] x, gamma, beta, y, mean, rstd, dy, dx, dgamma, dbeta;

        @Override
        void range(int from, int to) {
            switch (phase) {
                case 0 -> layerNormRows(from, to, cols, x, xOff, gamma, gOff, beta, bOff, eps, y, yOff,
                        mean, meanOff, rstd, rstdOff);
                case 1 -> layerNormBackwardRows(from, to, cols, dy, dyOff, x, xOff, mean, meanOff, rstd, rstdOff,
                        gamma, gOff, dx, dxOff, null, 0, null, 0);
                default -> gammaBetaColumns(rows, cols, from, to, dy, dyOff, x, xOff, mean, meanOff, rstd, rstdOff,
                        dgamma, dgOff, dbeta, dbOff);
            }
        }

        @Override
        void clear() {
            x = null; gamma = null; beta = null; y = null; mean = null; rstd = null;
            dy = null; dx = null; dgamma = null; dbeta = null;
        }
    }

    // No FloatVector crosses a call here (a call C2 leaves un-inlined boxes the vectors it takes
    // or returns). The exp loops are methods of their own that take arrays and a float maximum,
    // called through MethodHandles loaded from an array, which C2 never inlines (see
    // VectorUnary): inlined next to the row maximum or the row sum, an exp loop pushed the
    // compilation past C2's node budget and its exp helpers became boxing calls. The tail is
    // copied into a per-thread scratch vector padded with -inf, whose exp(-inf - m) is +0, and
    // run through the same loop, so tail lanes add exactly what masked-off lanes would.

    private static final MethodHandle[] LOOPS = loops();

    private static MethodHandle[] loops() {
        MethodHandles.Lookup lookup = MethodHandles.lookup();
        try {
            return new MethodHandle[] {
                lookup.findStatic(VectorRows.class, "expSumLoop", MethodType.methodType(void.class,
                        int.class, float[].class, int.class, float[].class, int.class, float.class, float[].class)),
                lookup.findStatic(VectorRows.class, "sumExpLoop", MethodType.methodType(void.class,
                        int.class, float[].class, int.class, float.class, float[].class)),
                lookup.findStatic(VectorRows.class, "subExpScaledLoop", MethodType.methodType(void.class,
                        int.class, float[].class, int.class, float[].class, int.class, float[].class, int.class, float.class)),
                lookup.findStatic(VectorRows.class, "expSumRowsLoop", MethodType.methodType(void.class,
                        int.class, int.class, float[].class, int.class, int.class, float[].class, float[].class, int.class)),
            };
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static RuntimeException rethrow(Throwable e) {
        if (e instanceof RuntimeException r) throw r;
        if (e instanceof Error r) throw r;
        throw new AssertionError(e);   // the loops throw no checked exceptions
    }

    /** {@link #expSumLoop}, never inlined. */
    private static float expSum(int len, float[] x, int xo, float[] y, int yo, float m) {
        float[] lanes = VectorUnary.scratch().lanes;
        try {
            LOOPS[0].invokeExact(len, x, xo, y, yo, m, lanes);
        } catch (Throwable e) {
            throw rethrow(e);
        }
        return Simd.sumLanes(lanes, 0);
    }

    /** {@link #sumExpLoop}, never inlined. */
    private static float sumExpFull(int len, float[] x, int xo, float m) {
        float[] lanes = VectorUnary.scratch().lanes;
        try {
            LOOPS[1].invokeExact(len, x, xo, m, lanes);
        } catch (Throwable e) {
            throw rethrow(e);
        }
        return Simd.sumLanes(lanes, 0);
    }

    /** {@link #subExpScaledLoop}, never inlined. */
    private static void subExpScaled(int len, float[] y, int yo, float[] dy, int dyo, float[] dx, int dxo, float sf) {
        try {
            LOOPS[2].invokeExact(len, y, yo, dy, dyo, dx, dxo, sf);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    /**
     * For each of {@code k} rows of {@code y} (leading dimension {@code ld}): stores
     * {@code exp(y - m[i])} over {@code len} elements (a multiple of L) in place, and their
     * float vector sum in {@code sums[i]}: the bits {@link #softmax}'s exp pass gives such a row
     * (shorter than {@value VectorKernels#CHUNK}), one non-inlined call for the whole band.
     */
    static void expSumRows(int k, int len, float[] y, int yo, int ld, float[] m, float[] sums) {
        float[] lanes = VectorUnary.scratch().bandLanes;
        try {
            LOOPS[3].invokeExact(k, len, y, yo, ld, m, lanes, 0);
        } catch (Throwable e) {
            throw rethrow(e);
        }
        for (int r = 0; r < k; r++) {
            sums[r] = Simd.sumLanes(lanes, r * L);
        }
    }

    /**
     * Per row r: exp in place, the vector of partial sums at {@code lanes[lo + r * L]}. The band
     * is walked a column of vectors at a time, down its k rows, each row's sum kept in
     * {@code lanes}: the same adds in the same order per row as a row-by-row walk, but the
     * inner loop always runs k independent exps. Row by row, a causal band's short rows (one
     * to a few vectors) left each exp's latency exposed: the 128 x 128 causal forward, with
     * 56 % of the full matrix's exps, took 95 % of its time.
     */
    private static void expSumRowsLoop(int k, int len, float[] y, int yo, int ld, float[] m, float[] lanes, int lo) {
        Arrays.fill(lanes, lo, lo + k * L, 0f);
        for (int i = 0; i < len; i += L) {
            for (int r = 0; r < k; r++) {
                int o = yo + r * ld + i, so = lo + r * L;
                FloatVector e = VectorMath.exp(FloatVector.fromArray(F, y, o).sub(m[r]));
                e.intoArray(y, o);
                FloatVector.fromArray(F, lanes, so).add(e).intoArray(lanes, so);
            }
        }
    }

    /** Softmax of one row; {@code y} may be {@code x}. */
    static void softmax(int n, float[] x, int xo, float[] y, int yo) {
        if (n == 0) return;
        softmax(n, x, xo, y, yo, VectorKernels.maxOf(n, x, xo));
    }

    /**
     * Softmax of one non-empty row whose maximum {@code m} (as {@link VectorKernels#maxOf}) the
     * caller computed while writing it; {@code y} may be {@code x}.
     */
    static void softmax(int n, float[] x, int xo, float[] y, int yo, float m) {
        int full = F.loopBound(n);
        double total = 0;
        for (int start = 0; start < n; start += CHUNK) {
            int end = Math.min(full, start + CHUNK);
            float t = expSum(end - start, x, xo + start, y, yo + start, m);
            if (end < Math.min(n, start + CHUNK)) t += softmaxTail(full, n, x, xo, y, yo, m);
            total += t;
        }
        // one reciprocal, then multiplies: within 1 ulp of the oracle's double division
        float inv = (float) (1.0 / total);
        int i = 0;
        for (int b = F.loopBound(n); i < b; i += L) {
            FloatVector.fromArray(F, y, yo + i).mul(inv).intoArray(y, yo + i);
        }
        for (; i < n; i++) {
            y[yo + i] = y[yo + i] * inv;
        }
    }

    /**
     * Stores {@code exp(x - m)} for {@code len} (a multiple of L) elements, and the vector of their
     * partial sums in {@code lanes}. The caller adds the lanes in scalar code: a call after the exp
     * would be parsed close to C2's node budget, and a vector passed to a call in the caller's
     * (larger) compilation could box the same way.
     */
    private static void expSumLoop(int len, float[] x, int xo, float[] y, int yo, float m, float[] lanes) {
        FloatVector s = FloatVector.zero(F);
        for (int i = 0; i < len; i += L) {
            FloatVector e = VectorMath.exp(FloatVector.fromArray(F, x, xo + i).sub(m));
            e.intoArray(y, yo + i);
            s = s.add(e);
        }
        s.intoArray(lanes, 0);
    }

    /** {@link #expSum} of the last {@code n - i} (fewer than L) elements, through the scratch vector. */
    private static float softmaxTail(int i, int n, float[] x, int xo, float[] y, int yo, float m) {
        VectorUnary.Scratch s = VectorUnary.scratch();
        int t = n - i;
        System.arraycopy(x, xo + i, s.tx, 0, t);
        Arrays.fill(s.tx, t, L, Float.NEGATIVE_INFINITY);
        float sum = expSum(L, s.tx, 0, s.ty, 0, m);
        System.arraycopy(s.ty, 0, y, yo + i, t);
        return sum;
    }

    /** The vector of partial sums of {@code exp(x - m)} over {@code len} (a multiple of L) elements, into {@code lanes}. */
    private static void sumExpLoop(int len, float[] x, int xo, float m, float[] lanes) {
        FloatVector s = FloatVector.zero(F);
        for (int i = 0; i < len; i += L) {
            s = s.add(VectorMath.exp(FloatVector.fromArray(F, x, xo + i).sub(m)));
        }
        s.intoArray(lanes, 0);
    }

    /** {@code sum_j exp(x_j - m)} of one row, chunked into double. */
    private static double sumExp(int n, float[] x, int xo, float m) {
        int full = F.loopBound(n);
        double total = 0;
        for (int start = 0; start < full; start += CHUNK) {
            total += sumExpFull(Math.min(full, start + CHUNK) - start, x, xo + start, m);
        }
        if (full < n) {
            VectorUnary.Scratch s = VectorUnary.scratch();
            int t = n - full;
            System.arraycopy(x, xo + full, s.tx, 0, t);
            Arrays.fill(s.tx, t, L, Float.NEGATIVE_INFINITY);
            total += sumExpFull(L, s.tx, 0, m);
        }
        return total;
    }

    /** Log-softmax of one row; {@code y} may be {@code x}. */
    static void logSoftmax(int n, float[] x, int xo, float[] y, int yo) {
        if (n == 0) return;
        float[] st = VectorUnary.scratch().rowStats;
        logSoftmaxStats(n, x, xo, st, 0);
        shift(n, x, xo, st[0], st[1], st[2], y, yo);
    }

    /**
     * One row's (max, hi, lo): the log-sum as a float pair, so (x - m) - logSum loses at most
     * about one rounding; {@code (0, 0, 0)} for an empty row.
     */
    static void logSoftmaxStats(int n, float[] x, int xo, float[] s, int so) {
        if (n == 0) {
            s[so] = 0f;
            s[so + 1] = 0f;
            s[so + 2] = 0f;
            return;
        }
        float mf = VectorKernels.maxOf(n, x, xo);
        double logSum = Math.log(sumExp(n, x, xo, mf));
        float hi = (float) logSum;
        s[so] = mf;
        s[so + 1] = hi;
        s[so + 2] = (float) (logSum - hi);
    }

    /** {@code y = ((x - m) - hi) - lo} over {@code n} elements: the log-softmax from its row statistics. */
    static void shift(int n, float[] x, int xo, float m, float hi, float lo, float[] y, int yo) {
        int i = 0;
        for (int b = F.loopBound(n); i < b; i += L) {
            FloatVector.fromArray(F, x, xo + i).sub(m).sub(hi).sub(lo).intoArray(y, yo + i);
        }
        for (; i < n; i++) {
            y[yo + i] = x[xo + i] - m - hi - lo;
        }
    }

    /** Softmax VJP of one row: {@code dx = y * (dy - sum dy*y)}; {@code dx} may be {@code dy}. */
    static void softmaxBackward(int n, float[] y, int yo, float[] dy, int dyo, float[] dx, int dxo) {
        double s = 0;
        for (int start = 0; start < n; start += CHUNK) {
            s += VectorKernels.dotChunk(Math.min(CHUNK, n - start), dy, dyo + start, y, yo + start);
        }
        float sf = (float) s;
        int i = 0;
        for (int b = F.loopBound(n); i < b; i += L) {
            FloatVector.fromArray(F, y, yo + i).mul(FloatVector.fromArray(F, dy, dyo + i).sub(sf)).intoArray(dx, dxo + i);
        }
        for (; i < n; i++) {
            dx[dxo + i] = y[yo + i] * (dy[dyo + i] - sf);
        }
    }

    /** Log-softmax VJP of one row: {@code dx = dy - exp(y) * sum dy}; {@code dx} may be {@code dy}. */
    static void logSoftmaxBackward(int n, float[] y, int yo, float[] dy, int dyo, float[] dx, int dxo) {
        double s = 0;
        for (int start = 0; start < n; start += CHUNK) {
            s += VectorKernels.sumChunk(Math.min(CHUNK, n - start), dy, dyo + start);
        }
        float sf = (float) s;
        int full = F.loopBound(n);
        subExpScaled(full, y, yo, dy, dyo, dx, dxo, sf);
        if (full < n) {
            VectorUnary.Scratch sc = VectorUnary.scratch();
            int t = n - full;
            System.arraycopy(y, yo + full, sc.tx, 0, t);
            System.arraycopy(dy, dyo + full, sc.tdy, 0, t);
            Arrays.fill(sc.tx, t, L, 0f);
            Arrays.fill(sc.tdy, t, L, 0f);
            subExpScaled(L, sc.tx, 0, sc.tdy, 0, sc.ty, 0, sf);
            System.arraycopy(sc.ty, 0, dx, dxo + full, t);
        }
    }

    /** {@code dx = dy - exp(y) * sf} for {@code len} (a multiple of L) elements. */
    private static void subExpScaledLoop(int len, float[] y, int yo, float[] dy, int dyo, float[] dx, int dxo, float sf) {
        for (int i = 0; i < len; i += L) {
            FloatVector e = VectorMath.exp(FloatVector.fromArray(F, y, yo + i));
            FloatVector.fromArray(F, dy, dyo + i).sub(e.mul(sf)).intoArray(dx, dxo + i);
        }
    }

    /** Layer norm over contiguous rows (see {@link Kernels#layerNorm}); rows split over the kernel threads. */
    static void layerNorm(int rows, int cols, float[] x, int xOff, float[] gamma, int gOff,
                          float[] beta, int bOff, float eps, float[] y, int yOff,
                          float[] mean, int meanOff, float[] rstd, int rstdOff) {
        int parts = VectorParallel.parts((long) rows * cols, VectorParallel.MIN_HEAVY, rows);
        if (VectorParallel.begin(parts)) {
            LayerNormTask t = LayerNormTask.INSTANCE;
            try {
                t.phase = 0; t.cols = cols; t.x = x; t.xOff = xOff; t.gamma = gamma; t.gOff = gOff; t.beta = beta;
                t.bOff = bOff; t.eps = eps; t.y = y; t.yOff = yOff; t.mean = mean; t.meanOff = meanOff;
                t.rstd = rstd; t.rstdOff = rstdOff;
                t.runSplit(rows, 1, parts);
            } finally {
                VectorParallel.end(t);
            }
            return;
        }
        layerNormRows(0, rows, cols, x, xOff, gamma, gOff, beta, bOff, eps, y, yOff, mean, meanOff, rstd, rstdOff);
    }

    private static void layerNormRows(int r0, int r1, int cols, float[] x, int xOff, float[] gamma, int gOff,
                                      float[] beta, int bOff, float eps, float[] y, int yOff,
                                      float[] mean, int meanOff, float[] rstd, int rstdOff) {
        VectorUnary.Scratch sc = VectorUnary.scratch();
        double[] stats = sc.stats;
        for (int r = r0; r < r1; r++) {
            int xr = xOff + r * cols, yr = yOff + r * cols;
            double s = 0;
            for (int start = 0; start < cols; start += CHUNK) {
                s += VectorKernels.sumChunk(Math.min(CHUNK, cols - start), x, xr + start);
            }
            // The float chunk sums may miss the mean by a rounding of the sum (e.g. a half ulp of
            // 2000 in [1000, 1000.00006]), which is all of the variance when the spread is tiny.
            // So the deviations from this first estimate are summed too, and mean and variance
            // take the corrected two-pass form: mu = m0 + sum(d)/n, n var = sum(d^2) - sum(d)^2/n.
            float m0 = cols == 0 ? 0f : (float) (s / cols);
            double var = 0;
            double mu = m0;
            if (cols > 0) {
                centeredSums(cols, x, xr, m0, stats, sc.tx);
                mu = m0 + stats[0] / cols;
                var = Math.max(0, stats[1] - stats[0] * stats[0] / cols) / cols;
                if (!Double.isFinite(mu) || !Double.isFinite(var)) {
                    // infinities, NaN or float overflow in the row: the oracle's double two-pass
                    // statistics, so the specials come out exactly as the scalar kernel's
                    mu = ScalarKernels.rowMean(cols, x, xr);
                    var = ScalarKernels.rowVariance(cols, x, xr, mu);
                }
            }
            float meanF = (float) mu;
            float rstdF = (float) (1.0 / Math.sqrt(var + eps));
            normalizeRow(cols, x, xr, meanF, rstdF, gamma, gOff, beta, bOff, y, yr);
            if (mean != null) mean[meanOff + r] = meanF;
            if (rstd != null) rstd[rstdOff + r] = rstdF;
        }
    }

    /** Below this sum, a float square in the chunk may have been subnormal, i.e. imprecise. */
    private static final double SQUARES_FLOAT_SAFE = 0x1p-100;

    /**
     * {@code out[0] = sum (x - m0)} and {@code out[1] = sum (x - m0)^2} over a row, the float
     * vector partial sums of each chunk added in double; {@code lanes} is L floats of scratch.
     */
    private static void centeredSums(int n, float[] x, int xo, float m0, double[] out, float[] lanes) {
        // m0 in every lane by a load, not FloatVector.broadcast: in about one JVM in 20, C2
        // compiled this broadcast as the Vector API's Java fallback, allocating a float[16] per row
        // (553 KB per char-GPT step) while the loads in the loop stayed intrinsified; with the load,
        // 0 of 60 JVMs allocated (bench/README.md, "A rare allocating JVM"). Same lanes, same bits.
        Arrays.fill(lanes, m0);
        FloatVector mv = FloatVector.fromArray(F, lanes, 0);
        double sum = 0, squares = 0;
        for (int start = 0; start < n; start += CHUNK) {
            int end = Math.min(n, start + CHUNK);
            FloatVector s0 = FloatVector.zero(F), s1 = s0, q0 = s0, q1 = s0;
            int i = start;
            for (int b = start + 2 * L * ((end - start) / (2 * L)); i < b; i += 2 * L) {
                FloatVector d0 = FloatVector.fromArray(F, x, xo + i).sub(mv);
                FloatVector d1 = FloatVector.fromArray(F, x, xo + i + L).sub(mv);
                s0 = s0.add(d0);
                s1 = s1.add(d1);
                q0 = VectorKernels.mad(d0, d0, q0);
                q1 = VectorKernels.mad(d1, d1, q1);
            }
            double t = Simd.sumLanes(s0.add(s1));
            double q = Simd.sumLanes(q0.add(q1));
            if (!(q < Float.MAX_VALUE) || q < SQUARES_FLOAT_SAFE) {
                // The float squares overflowed (|x - mean| > 1.8e19) or some may be subnormal
                // (spread near 1e-19): redo this chunk in double, as the scalar oracle does.
                t = 0;
                q = 0;
                i = start;
            }
            for (; i < end; i++) {
                double d = x[xo + i] - m0;
                t += d;
                q += d * d;
            }
            sum += t;
            squares += q;
        }
        out[0] = sum;
        out[1] = squares;
    }

    /** {@code y = (x - mean) * rstd [* gamma] [+ beta]}, as the oracle's float operations. */
    private static void normalizeRow(int n, float[] x, int xo, float meanF, float rstdF,
                                     float[] gamma, int gOff, float[] beta, int bOff, float[] y, int yo) {
        boolean hasG = gamma != null, hasB = beta != null;
        int i = 0;
        for (int b = F.loopBound(n); i < b; i += L) {
            FloatVector h = FloatVector.fromArray(F, x, xo + i).sub(meanF).mul(rstdF);
            if (hasG) h = h.mul(FloatVector.fromArray(F, gamma, gOff + i));
            if (hasB) h = h.add(FloatVector.fromArray(F, beta, bOff + i));
            h.intoArray(y, yo + i);
        }
        for (; i < n; i++) {
            float h = (x[xo + i] - meanF) * rstdF;
            if (hasG) h *= gamma[gOff + i];
            if (hasB) h += beta[bOff + i];
            y[yo + i] = h;
        }
    }

    /**
     * Layer-norm VJP (see {@link Kernels#layerNormBackward}). Split over the kernel threads in two
     * sections: first {@code dgamma} and {@code dbeta} over column ranges, each column adding the
     * rows in order as the serial loop does, then {@code dx} over rows. That order keeps a
     * {@code dx} that aliases {@code dy} (which the serial kernel allows, row by row) from being
     * overwritten before the column pass has read it.
     */
    static void layerNormBackward(int rows, int cols, float[] dy, int dyOff, float[] x, int xOff,
                                  float[] mean, int meanOff, float[] rstd, int rstdOff,
                                  float[] gamma, int gOff, float[] dx, int dxOff,
                                  float[] dgamma, int dgOff, float[] dbeta, int dbOff) {
        int parts = VectorParallel.parts((long) rows * cols, VectorParallel.MIN_HEAVY, rows);
        if (VectorParallel.begin(parts)) {
            LayerNormTask t = LayerNormTask.INSTANCE;
            try {
                t.rows = rows; t.cols = cols; t.dy = dy; t.dyOff = dyOff; t.x = x; t.xOff = xOff; t.mean = mean;
                t.meanOff = meanOff; t.rstd = rstd; t.rstdOff = rstdOff; t.gamma = gamma; t.gOff = gOff;
                t.dx = dx; t.dxOff = dxOff; t.dgamma = dgamma; t.dgOff = dgOff; t.dbeta = dbeta; t.dbOff = dbOff;
                if (dgamma != null || dbeta != null) {
                    int colParts = (int) Math.min(parts, ((long) cols + L - 1) / L);
                    t.phase = 2;
                    if (colParts > 1) {
                        t.runSplit(cols, L, colParts);
                    } else {
                        t.range(0, cols);
                    }
                }
                t.phase = 1;
                t.runSplit(rows, 1, parts);
            } finally {
                VectorParallel.end(t);
            }
            return;
        }
        layerNormBackwardRows(0, rows, cols, dy, dyOff, x, xOff, mean, meanOff, rstd, rstdOff, gamma, gOff, dx, dxOff,
                dgamma, dgOff, dbeta, dbOff);
    }

    /**
     * {@code dgamma[j] += sum_r dy[r,j] * xhat[r,j]} and {@code dbeta[j] += sum_r dy[r,j]} for the
     * columns {@code [j0, j1)}, adding row by row: per element, the additions of
     * {@link #backwardRow}'s serial loop in the same order, with the same {@code xhat}.
     *
     * <p>Each column vector's two sums stay in registers down all the rows and are stored once.
     * Adding into dgamma and dbeta at every row instead made the cache line that two threads'
     * column ranges share (a range boundary is 16-float aligned in the array, not in memory)
     * travel between the cores at every row: the 2-thread VJP took 3.7x the 1-thread time at
     * 768 x 128. Two column vectors at a time, so that four independent sums hide the adds' latency.
     */
    private static void gammaBetaColumns(int rows, int cols, int j0, int j1, float[] dy, int dyOff, float[] x, int xOff,
                                         float[] mean, int meanOff, float[] rstd, int rstdOff,
                                         float[] dgamma, int dgOff, float[] dbeta, int dbOff) {
        boolean hasDg = dgamma != null, hasDb = dbeta != null;
        int n = j1 - j0, g0 = dgOff + j0, b0 = dbOff + j0;
        int bound = F.loopBound(n);
        int j = 0;
        for (; j + 2 * L <= bound; j += 2 * L) {
            FloatVector ga = FloatVector.zero(F), gb = ga, ba = ga, bb = ga;
            if (hasDg) {
                ga = FloatVector.fromArray(F, dgamma, g0 + j);
                gb = FloatVector.fromArray(F, dgamma, g0 + j + L);
            }
            if (hasDb) {
                ba = FloatVector.fromArray(F, dbeta, b0 + j);
                bb = FloatVector.fromArray(F, dbeta, b0 + j + L);
            }
            for (int r = 0; r < rows; r++) {
                int xr = xOff + r * cols + j0 + j, dyr = dyOff + r * cols + j0 + j;
                FloatVector da = FloatVector.fromArray(F, dy, dyr);
                FloatVector db = FloatVector.fromArray(F, dy, dyr + L);
                if (hasDg) {
                    float mu = mean[meanOff + r], rs = rstd[rstdOff + r];
                    ga = ga.add(da.mul(FloatVector.fromArray(F, x, xr).sub(mu).mul(rs)));
                    gb = gb.add(db.mul(FloatVector.fromArray(F, x, xr + L).sub(mu).mul(rs)));
                }
                if (hasDb) {
                    ba = ba.add(da);
                    bb = bb.add(db);
                }
            }
            if (hasDg) {
                ga.intoArray(dgamma, g0 + j);
                gb.intoArray(dgamma, g0 + j + L);
            }
            if (hasDb) {
                ba.intoArray(dbeta, b0 + j);
                bb.intoArray(dbeta, b0 + j + L);
            }
        }
        for (; j < bound; j += L) {
            FloatVector ga = hasDg ? FloatVector.fromArray(F, dgamma, g0 + j) : FloatVector.zero(F);
            FloatVector ba = hasDb ? FloatVector.fromArray(F, dbeta, b0 + j) : FloatVector.zero(F);
            for (int r = 0; r < rows; r++) {
                int xr = xOff + r * cols + j0 + j, dyr = dyOff + r * cols + j0 + j;
                FloatVector d = FloatVector.fromArray(F, dy, dyr);
                if (hasDg) ga = ga.add(d.mul(FloatVector.fromArray(F, x, xr).sub(mean[meanOff + r]).mul(rstd[rstdOff + r])));
                if (hasDb) ba = ba.add(d);
            }
            if (hasDg) ga.intoArray(dgamma, g0 + j);
            if (hasDb) ba.intoArray(dbeta, b0 + j);
        }
        for (; j < n; j++) {
            float sg = hasDg ? dgamma[g0 + j] : 0f, sb = hasDb ? dbeta[b0 + j] : 0f;
            for (int r = 0; r < rows; r++) {
                float d = dy[dyOff + r * cols + j0 + j];
                sg += d * ((x[xOff + r * cols + j0 + j] - mean[meanOff + r]) * rstd[rstdOff + r]);
                sb += d;
            }
            if (hasDg) dgamma[g0 + j] = sg;
            if (hasDb) dbeta[b0 + j] = sb;
        }
    }

    /** Rows {@code [r0, r1)} of the layer-norm VJP; {@code dgamma} and {@code dbeta} may be null (not accumulated). */
    private static void layerNormBackwardRows(int r0, int r1, int cols, float[] dy, int dyOff, float[] x, int xOff,
                                              float[] mean, int meanOff, float[] rstd, int rstdOff,
                                              float[] gamma, int gOff, float[] dx, int dxOff,
                                              float[] dgamma, int dgOff, float[] dbeta, int dbOff) {
        boolean hasG = gamma != null;
        for (int r = r0; r < r1; r++) {
            int base = r * cols;
            float mu = mean[meanOff + r];
            float rs = rstd[rstdOff + r];
            int xr = xOff + base, dyr = dyOff + base, dxr = dxOff + base;
            // pass 1: sum g and sum g*xhat, g = dy*gamma, xhat = (x - mu)*rs
            double sumG = 0, sumGX = 0;
            for (int start = 0; start < cols; start += CHUNK) {
                int end = Math.min(cols, start + CHUNK);
                FloatVector sg = FloatVector.zero(F), sgx = sg;
                int j = start;
                for (int b = start + F.loopBound(end - start); j < b; j += L) {
                    FloatVector xhat = FloatVector.fromArray(F, x, xr + j).sub(mu).mul(rs);
                    FloatVector g = FloatVector.fromArray(F, dy, dyr + j);
                    if (hasG) g = g.mul(FloatVector.fromArray(F, gamma, gOff + j));
                    sg = sg.add(g);
                    sgx = VectorKernels.mad(g, xhat, sgx);
                }
                double tg = Simd.sumLanes(sg), tgx = Simd.sumLanes(sgx);
                for (; j < end; j++) {
                    float xhat = (x[xr + j] - mu) * rs;
                    float g = dy[dyr + j] * (hasG ? gamma[gOff + j] : 1f);
                    tg += g;
                    tgx += (double) g * xhat;
                }
                sumG += tg;
                sumGX += tgx;
            }
            float meanG = cols == 0 ? 0f : (float) (sumG / cols);
            float meanGX = cols == 0 ? 0f : (float) (sumGX / cols);
            backwardRow(cols, dy, dyr, x, xr, mu, rs, gamma, gOff, meanG, meanGX, dx, dxr, dgamma, dgOff, dbeta, dbOff);
        }
    }

    /** Pass 2 of the layer-norm VJP: dx, and the dgamma/dbeta accumulation, as the oracle's float operations. */
    private static void backwardRow(int n, float[] dy, int dyr, float[] x, int xr, float mu, float rs,
                                    float[] gamma, int gOff, float meanG, float meanGX, float[] dx, int dxr,
                                    float[] dgamma, int dgOff, float[] dbeta, int dbOff) {
        boolean hasG = gamma != null, hasDg = dgamma != null, hasDb = dbeta != null;
        int j = 0;
        for (int b = F.loopBound(n); j < b; j += L) {
            FloatVector d = FloatVector.fromArray(F, dy, dyr + j);
            FloatVector xhat = FloatVector.fromArray(F, x, xr + j).sub(mu).mul(rs);
            FloatVector g = hasG ? d.mul(FloatVector.fromArray(F, gamma, gOff + j)) : d;
            g.sub(meanG).sub(xhat.mul(meanGX)).mul(rs).intoArray(dx, dxr + j);
            if (hasDg) FloatVector.fromArray(F, dgamma, dgOff + j).add(d.mul(xhat)).intoArray(dgamma, dgOff + j);
            if (hasDb) FloatVector.fromArray(F, dbeta, dbOff + j).add(d).intoArray(dbeta, dbOff + j);
        }
        for (; j < n; j++) {
            float d = dy[dyr + j];
            float xhat = (x[xr + j] - mu) * rs;
            float g = d * (hasG ? gamma[gOff + j] : 1f);
            dx[dxr + j] = rs * (g - meanG - xhat * meanGX);
            if (hasDg) dgamma[dgOff + j] += d * xhat;
            if (hasDb) dbeta[dbOff + j] += d;
        }
    }
}
