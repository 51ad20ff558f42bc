package dev.vectornn.kernel;

import dev.vectornn.kernel.gemm.VectorGemm;
import dev.vectornn.kernel.gemm.VectorGemv;
import dev.vectornn.kernel.simd.Simd;
import dev.vectornn.kernel.simd.VectorMath;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API implementation of {@link Kernels}, on the one species {@link Simd#F}.
 *
 * <p>Loops run full vectors up to {@code loopBound}, then a tail. Bit-exact kernels (arithmetic,
 * scale, axpy, fill, max, argmax, ReLU) use a scalar tail written exactly as the scalar oracle;
 * transcendental kernels copy the tail into a per-thread scratch vector and run it through the
 * same full-vector loop, so every element gets the same {@link VectorMath} error bound (no scalar
 * twin of the polynomials, and no vector crosses a method call: see {@link VectorUnary}). Reductions keep four independent accumulators (hiding the add/FMA
 * latency) and reduce across lanes once, after the loop; long sums are folded into a double every
 * {@value #CHUNK} elements so that float rounding does not grow with the length.
 *
 * <p>Row kernels (softmax family, layer norm), the element-wise math, the attention softmax and
 * the LSTM cell live in {@link VectorRows}, {@link VectorUnary}, {@link VectorAttention} and
 * {@link VectorLstm}; GEMM and GEMV delegate to
 * {@code dev.vectornn.kernel.gemm}. Large calls split over the kernel threads as
 * {@link VectorParallel} describes, with the same bits for every thread count. Nothing here
 * allocates. Stateless and thread-safe.
 *
 * <p>Loaded reflectively by {@link KernelProvider}, so it needs its public no-argument
 * constructor and must not be referenced directly where the incubator module may be absent.
 */
public final class VectorKernels extends AbstractKernels {

    static final VectorSpecies<Float> F = Simd.F;
    static final int L = Simd.LANES;
    /** Elements summed in float vectors before the partial sum is added to a double. */
    static final int CHUNK = 4096;

    /** Creates the kernels; fails if the species cannot be built on this machine. */
    public VectorKernels() {
        if (Simd.BITS < 128) {
            throw new UnsupportedOperationException("float vectors of " + Simd.BITS + " bits are too narrow");
        }
    }

    @Override
    public String name() {
        return "vector-" + Simd.BITS;
    }

    @Override
    public int vectorBits() {
        return Simd.BITS;
    }

    @Override
    public String toString() {
        return "Vector API kernels: " + Simd.describe() + ", "
                + (VectorMath.FAST_FMA ? "hardware FMA" : "no hardware FMA (multiply-add unfused)");
    }

    /** {@code a * b + c}: fused where the hardware has FMA, else (where fma is emulated) unfused. */
    static FloatVector mad(FloatVector a, FloatVector b, FloatVector c) {
        return VectorMath.FAST_FMA ? a.fma(b, c) : a.mul(b).add(c);
    }

    // ---------------------------------------------------------------- level 1

    @Override
    protected float doDot(int n, float[] x, int xOff, float[] y, int yOff) {
        return chunkedSum(true, n, x, xOff, y, yOff);
    }

    /**
     * {@code dot} ({@code y} non-null) or {@code sum}: float sums of fixed {@value #CHUNK}-element
     * chunks added into a double in chunk order. Large calls have the threads compute ranges of
     * chunks into {@link ChunkTask#partials}; the caller then adds them in the same order, so
     * the result has the bits of the serial loop for every thread count.
     */
    private static float chunkedSum(boolean dot, int n, float[] x, int xOff, float[] y, int yOff) {
        int chunks = (int) (((long) n + CHUNK - 1) / CHUNK);
        int parts = VectorParallel.parts(n, VectorParallel.MIN_ARITHMETIC, chunks);
        double total = 0;
        if (VectorParallel.begin(parts)) {
            ChunkTask t = ChunkTask.INSTANCE;
            try {
                if (t.partials.length < chunks) {
                    t.partials = new float[chunks];   // grows to the largest call, then reused
                }
                t.n = n; t.x = x; t.xOff = xOff; t.y = y; t.yOff = yOff; t.dot = dot;
                t.runSplit(chunks, 1, parts);
                float[] partials = t.partials;
                for (int c = 0; c < chunks; c++) {
                    total += partials[c];
                }
            } finally {
                VectorParallel.end(t);
            }
            return (float) total;
        }
        for (int start = 0; start < n; start += CHUNK) {
            int len = Math.min(CHUNK, n - start);
            total += dot ? dotChunk(len, x, xOff + start, y, yOff + start) : sumChunk(len, x, xOff + start);
        }
        return (float) total;
    }

    /** The arguments and per-chunk results of one split dot or sum (guarded by the pool's lock). */
    private static final class ChunkTask extends VectorParallel.RangeTask {
        static final ChunkTask INSTANCE = new ChunkTask();
        float[] partials = new float[0];
        int n, xOff, yOff;
        float[] x, y;
        boolean dot;

        @Override
        void range(int from, int to) {
            for (int c = from; c < to; c++) {
                int start = c * CHUNK, len = Math.min(CHUNK, n - start);
                partials[c] = dot ? dotChunk(len, x, xOff + start, y, yOff + start) : sumChunk(len, x, xOff + start);
            }
        }

        @Override
        void clear() {
            x = null;
            y = null;
        }
    }

    /** Float dot product of a chunk: four accumulators, one lane reduction, exact-product tail. */
    static float dotChunk(int n, float[] x, int xOff, float[] y, int yOff) {
        // The multiply-adds are written out instead of calling mad(): inlined into chunkedSum's
        // serial loop, C2 ran out of inlining budget at mad and boxed every vector it passed
        // (20 MB per step of the word LM, whose gradient clipping dots 14M floats).
        FloatVector s0 = FloatVector.zero(F), s1 = s0, s2 = s0, s3 = s0;
        int i = 0;
        for (int b4 = F.loopBound(n - 3 * L); i < b4; i += 4 * L) {
            FloatVector x0 = FloatVector.fromArray(F, x, xOff + i), y0 = FloatVector.fromArray(F, y, yOff + i);
            FloatVector x1 = FloatVector.fromArray(F, x, xOff + i + L), y1 = FloatVector.fromArray(F, y, yOff + i + L);
            FloatVector x2 = FloatVector.fromArray(F, x, xOff + i + 2 * L), y2 = FloatVector.fromArray(F, y, yOff + i + 2 * L);
            FloatVector x3 = FloatVector.fromArray(F, x, xOff + i + 3 * L), y3 = FloatVector.fromArray(F, y, yOff + i + 3 * L);
            if (VectorMath.FAST_FMA) {
                s0 = x0.fma(y0, s0); s1 = x1.fma(y1, s1); s2 = x2.fma(y2, s2); s3 = x3.fma(y3, s3);
            } else {
                s0 = x0.mul(y0).add(s0); s1 = x1.mul(y1).add(s1); s2 = x2.mul(y2).add(s2); s3 = x3.mul(y3).add(s3);
            }
        }
        for (int b = F.loopBound(n); i < b; i += L) {
            FloatVector x0 = FloatVector.fromArray(F, x, xOff + i), y0 = FloatVector.fromArray(F, y, yOff + i);
            s0 = VectorMath.FAST_FMA ? x0.fma(y0, s0) : x0.mul(y0).add(s0);
        }
        float s = Simd.sumLanes(s0.add(s1).add(s2.add(s3)));
        for (; i < n; i++) {
            s += x[xOff + i] * y[yOff + i];
        }
        return s;
    }

    @Override
    protected void doAxpy(int n, float alpha, float[] x, int xOff, float[] y, int yOff) {
        level1(AXPY, n, alpha, x, xOff, y, yOff);
    }

    @Override
    protected void doScale(int n, float alpha, float[] x, int xOff, float[] y, int yOff) {
        level1(SCALE, n, alpha, x, xOff, y, yOff);
    }

    @Override
    protected void doFill(int n, float value, float[] x, int xOff) {
        level1(FILL, n, value, null, 0, x, xOff);
    }

    @Override
    protected void doAddRows(int rows, int cols, float alpha, float[] a, int aOff, int lda, float[] y, int yOff) {
        int parts = VectorParallel.parts((long) rows * cols, VectorParallel.MIN_ARITHMETIC, ((long) cols + L - 1) / L);
        if (VectorParallel.begin(parts)) {
            AddRowsTask t = AddRowsTask.INSTANCE;
            try {
                t.rows = rows; t.alpha = alpha; t.a = a; t.aOff = aOff; t.lda = lda; t.y = y; t.yOff = yOff;
                t.runSplit(cols, L, parts);
            } finally {
                VectorParallel.end(t);
            }
            return;
        }
        addRowsColumns(rows, 0, cols, alpha, a, aOff, lda, y, yOff);
    }

    @Override
    protected void doGatherRows(int rows, int cols, float[] src, int srcOff, int[] rowOffsets, int srcInc,
                                float[] dst, int dstOff, boolean accumulate) {
        int parts = VectorParallel.parts((long) rows * cols, VectorParallel.MIN_ARITHMETIC, rows);
        if (VectorParallel.begin(parts)) {
            GatherRowsTask t = GatherRowsTask.INSTANCE;
            try {
                t.cols = cols; t.src = src; t.srcOff = srcOff; t.rowOffsets = rowOffsets; t.srcInc = srcInc;
                t.dst = dst; t.dstOff = dstOff; t.accumulate = accumulate;
                t.runSplit(rows, 1, parts);
            } finally {
                VectorParallel.end(t);
            }
            return;
        }
        vectorGatherRowRange(0, rows, cols, src, srcOff, rowOffsets, srcInc, dst, dstOff, accumulate);
    }

    /** Rows {@code [r0, r1)} of {@link #doGatherRows}; contiguous rows accumulate through the vector axpy. */
    private static void vectorGatherRowRange(int r0, int r1, int cols, float[] src, int srcOff, int[] rowOffsets, int srcInc,
                                       float[] dst, int dstOff, boolean accumulate) {
        if (!accumulate || srcInc != 1) {
            AbstractKernels.gatherRowRange(r0, r1, cols, src, srcOff, rowOffsets, srcInc, dst, dstOff, accumulate);
            return;
        }
        for (int r = r0; r < r1; r++) {
            axpyRange(cols, 1f, src, srcOff + rowOffsets[r], dst, dstOff + r * cols);
        }
    }

    /** The arguments of one split {@link #doGatherRows} (guarded by the pool's lock). */
    private static final class GatherRowsTask extends VectorParallel.RangeTask {
        static final GatherRowsTask INSTANCE = new GatherRowsTask();
        int cols, srcOff, srcInc, dstOff;
        int[] rowOffsets;
        float[] src, dst;
        boolean accumulate;

        @Override
        void range(int from, int to) {
            vectorGatherRowRange(from, to, cols, src, srcOff, rowOffsets, srcInc, dst, dstOff, accumulate);
        }

        @Override
        void clear() {
            src = null;
            dst = null;
            rowOffsets = null;
        }
    }

    /** Column block of the running sums: stays in L1 while all the rows are added into it. */
    private static final int ADD_ROWS_BLOCK = 1024;

    /**
     * {@link #doAddRows} over the columns {@code [j0, j1)}, {@code j0} a multiple of L (so each
     * element takes the vector or scalar path that a full-row {@link #axpyRange} gives it; the two
     * round alike anyway), in blocks of {@link #ADD_ROWS_BLOCK} columns, each block adding the rows
     * in order.
     */
    private static void addRowsColumns(int rows, int j0, int j1, float alpha, float[] a, int aOff, int lda,
                                       float[] y, int yOff) {
        for (int b0 = j0; b0 < j1; b0 += ADD_ROWS_BLOCK) {
            int len = Math.min(ADD_ROWS_BLOCK, j1 - b0);
            for (int r = 0; r < rows; r++) {
                axpyRange(len, alpha, a, aOff + r * lda + b0, y, yOff + b0);
            }
        }
    }

    /** Elements of a split part up to which {@link #addRowsColumnWalk} beats streaming the rows. */
    private static final long COLUMN_WALK_MAX = 1 << 20;

    /**
     * {@link #addRowsColumns} for a part of a split call: each column vector's running sum stays
     * in a register down all the rows and is stored once, the same additions in the same order
     * (a multiply, then an add, per element and row). Streaming rows into {@code y} instead, two
     * threads' column ranges share the cache line at their boundary (16-float aligned in the
     * array, not in memory), which then travels between the cores at every row: 2 threads took as
     * long as one (768 x 512: 24.6 against 24.1 us). Used only when split, and only up to
     * {@link #COLUMN_WALK_MAX} elements a part: on one thread, with rows from L3, walking down
     * the columns was slower than streaming (768 x 512: 43 against 24 us), and a part far larger
     * than the caches would walk memory a page per row.
     */
    private static void addRowsColumnWalk(int rows, int j0, int j1, float alpha, float[] a, int aOff, int lda,
                                          float[] y, int yOff) {
        int n = j1 - j0, bound = F.loopBound(n);
        int j = 0;
        for (; j + 2 * L <= bound; j += 2 * L) {
            int yc = yOff + j0 + j, ac = aOff + j0 + j;
            FloatVector s0 = FloatVector.fromArray(F, y, yc), s1 = FloatVector.fromArray(F, y, yc + L);
            for (int r = 0; r < rows; r++) {
                int ar = ac + r * lda;
                s0 = FloatVector.fromArray(F, a, ar).mul(alpha).add(s0);
                s1 = FloatVector.fromArray(F, a, ar + L).mul(alpha).add(s1);
            }
            s0.intoArray(y, yc);
            s1.intoArray(y, yc + L);
        }
        for (; j < bound; j += L) {
            int yc = yOff + j0 + j, ac = aOff + j0 + j;
            FloatVector s0 = FloatVector.fromArray(F, y, yc);
            for (int r = 0; r < rows; r++) {
                s0 = FloatVector.fromArray(F, a, ac + r * lda).mul(alpha).add(s0);
            }
            s0.intoArray(y, yc);
        }
        for (; j < n; j++) {
            int yc = yOff + j0 + j, ac = aOff + j0 + j;
            float s0 = y[yc];
            for (int r = 0; r < rows; r++) {
                s0 = s0 + alpha * a[ac + r * lda];
            }
            y[yc] = s0;
        }
    }

    /** The arguments of one split {@link #doAddRows} (guarded by the pool's lock). */
    private static final class AddRowsTask extends VectorParallel.RangeTask {
        static final AddRowsTask INSTANCE = new AddRowsTask();
        int rows, aOff, lda, yOff;
        float alpha;
        float[] a, y;

        @Override
        void range(int from, int to) {
            if ((long) rows * (to - from) <= COLUMN_WALK_MAX) {
                addRowsColumnWalk(rows, from, to, alpha, a, aOff, lda, y, yOff);
            } else {
                addRowsColumns(rows, from, to, alpha, a, aOff, lda, y, yOff);
            }
        }

        @Override
        void clear() {
            a = null;
            y = null;
        }
    }

    private static final int AXPY = 0, SCALE = 1, FILL = 2;

    /** axpy, scale or fill over {@code n} elements, split over the pool when large. */
    private static void level1(int kind, int n, float alpha, float[] x, int xOff, float[] y, int yOff) {
        int parts = VectorParallel.elementParts(n, VectorParallel.MIN_ARITHMETIC);
        if (VectorParallel.begin(parts)) {
            Level1Task t = Level1Task.INSTANCE;
            try {
                t.kind = kind; t.alpha = alpha; t.x = x; t.xOff = xOff; t.y = y; t.yOff = yOff;
                t.runSplit(n, VectorParallel.GRAIN, parts);
            } finally {
                VectorParallel.end(t);
            }
            return;
        }
        level1Range(kind, n, alpha, x, xOff, y, yOff);
    }

    private static void level1Range(int kind, int n, float alpha, float[] x, int xOff, float[] y, int yOff) {
        switch (kind) {
            case AXPY -> axpyRange(n, alpha, x, xOff, y, yOff);
            case SCALE -> scaleRange(n, alpha, x, xOff, y, yOff);
            default -> fillRange(n, alpha, y, yOff);
        }
    }

    /** The arguments of one split axpy, scale or fill (guarded by the pool's lock). */
    private static final class Level1Task extends VectorParallel.RangeTask {
        static final Level1Task INSTANCE = new Level1Task();
        int kind, xOff, yOff;
        float alpha;
        float[] x, y;

        @Override
        void range(int from, int to) {
            level1Range(kind, to - from, alpha, x, xOff + from, y, yOff + from);
        }

        @Override
        void clear() {
            x = null;
            y = null;
        }
    }

    private static void axpyRange(int n, float alpha, float[] x, int xOff, float[] y, int yOff) {
        int i = 0;
        for (int b = F.loopBound(n); i < b; i += L) {
            // y + alpha*x with two roundings, as the scalar oracle (no fma)
            FloatVector.fromArray(F, x, xOff + i).mul(alpha)
                    .add(FloatVector.fromArray(F, y, yOff + i))
                    .intoArray(y, yOff + i);
        }
        for (; i < n; i++) {
            y[yOff + i] = y[yOff + i] + alpha * x[xOff + i];
        }
    }

    private static void scaleRange(int n, float alpha, float[] x, int xOff, float[] y, int yOff) {
        int i = 0;
        for (int b = F.loopBound(n); i < b; i += L) {
            FloatVector.fromArray(F, x, xOff + i).mul(alpha).intoArray(y, yOff + i);
        }
        for (; i < n; i++) {
            y[yOff + i] = alpha * x[xOff + i];
        }
    }

    private static void fillRange(int n, float value, float[] x, int xOff) {
        FloatVector v = FloatVector.broadcast(F, value);
        int i = 0;
        for (int b = F.loopBound(n); i < b; i += L) {
            v.intoArray(x, xOff + i);
        }
        for (; i < n; i++) {
            x[xOff + i] = value;
        }
    }

    // ---------------------------------------------------------------- element-wise

    @Override
    protected void doBinary(BinaryOp op, int n, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff) {
        VectorBinary.binary(op, n, a, aOff, b, bOff, c, cOff);
    }

    @Override
    protected void doBinaryRow(BinaryOp op, int rows, int cols, float[] a, int aOff, int lda,
                               float[] b, int bOff, float[] c, int cOff, int ldc) {
        VectorBinary.binaryRow(op, rows, cols, a, aOff, lda, b, bOff, c, cOff, ldc);
    }

    @Override
    protected void doBinaryCol(BinaryOp op, int rows, int cols, float[] a, int aOff, int lda,
                               float[] b, int bOff, float[] c, int cOff, int ldc) {
        VectorBinary.binaryCol(op, rows, cols, a, aOff, lda, b, bOff, c, cOff, ldc);
    }

    @Override
    protected void doUnary(UnaryOp op, int n, float[] x, int xOff, float[] y, int yOff) {
        VectorUnary.unary(op, n, x, xOff, y, yOff);
    }

    @Override
    protected void doUnaryBackward(UnaryOp op, int n, float[] x, int xOff, float[] y, int yOff,
                                   float[] dy, int dyOff, float[] dx, int dxOff) {
        VectorUnary.backward(op, n, x, xOff, y, yOff, dy, dyOff, dx, dxOff);
    }

    @Override
    protected void doGeluWithDerivative(int n, float[] x, int xOff, float[] y, int yOff, float[] d, int dOff) {
        VectorUnary.geluWithDerivative(n, x, xOff, y, yOff, d, dOff);
    }

    // ---------------------------------------------------------------- reductions

    @Override
    protected float doSum(int n, float[] x, int xOff) {
        return chunkedSum(false, n, x, xOff, null, 0);
    }

    /** Float sum of a chunk: four accumulators, one lane reduction, scalar tail. */
    static float sumChunk(int n, float[] x, int xOff) {
        FloatVector s0 = FloatVector.zero(F), s1 = s0, s2 = s0, s3 = s0;
        int i = 0;
        for (int b4 = F.loopBound(n - 3 * L); i < b4; i += 4 * L) {
            s0 = s0.add(FloatVector.fromArray(F, x, xOff + i));
            s1 = s1.add(FloatVector.fromArray(F, x, xOff + i + L));
            s2 = s2.add(FloatVector.fromArray(F, x, xOff + i + 2 * L));
            s3 = s3.add(FloatVector.fromArray(F, x, xOff + i + 3 * L));
        }
        for (int b = F.loopBound(n); i < b; i += L) {
            s0 = s0.add(FloatVector.fromArray(F, x, xOff + i));
        }
        float s = Simd.sumLanes(s0.add(s1).add(s2.add(s3)));
        for (; i < n; i++) {
            s += x[xOff + i];
        }
        return s;
    }

    @Override
    protected float doMax(int n, float[] x, int xOff) {
        return maxOf(n, x, xOff);
    }

    /**
     * Maximum with {@link Math#max} semantics (NaN wins, +0 above -0). That max is associative
     * and commutative, so any lane order gives the scalar oracle's exact result.
     */
    static float maxOf(int n, float[] x, int xOff) {
        FloatVector m0 = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY), m1 = m0, m2 = m0, m3 = m0;
        int i = 0;
        for (int b4 = F.loopBound(n - 3 * L); i < b4; i += 4 * L) {
            m0 = m0.max(FloatVector.fromArray(F, x, xOff + i));
            m1 = m1.max(FloatVector.fromArray(F, x, xOff + i + L));
            m2 = m2.max(FloatVector.fromArray(F, x, xOff + i + 2 * L));
            m3 = m3.max(FloatVector.fromArray(F, x, xOff + i + 3 * L));
        }
        for (int b = F.loopBound(n); i < b; i += L) {
            m0 = m0.max(FloatVector.fromArray(F, x, xOff + i));
        }
        float m = m0.max(m1).max(m2.max(m3)).reduceLanes(VectorOperators.MAX);
        for (; i < n; i++) {
            m = Math.max(m, x[xOff + i]);
        }
        return m;
    }

    @Override
    protected int doArgmax(int n, float[] x, int xOff) {
        // Two vector passes: the maximum m (NaN if any), then the first lane equal to m (or the
        // first NaN). Comparing with == treats -0 and +0 as equal, exactly as the oracle's '>'.
        float m = maxOf(n, x, xOff);
        boolean nan = m != m;
        FloatVector mv = FloatVector.broadcast(F, m);
        int i = 0;
        for (int b = F.loopBound(n); i < b; i += L) {
            FloatVector v = FloatVector.fromArray(F, x, xOff + i);
            VectorMask<Float> hit = nan ? v.test(VectorOperators.IS_NAN) : v.compare(VectorOperators.EQ, mv);
            if (hit.anyTrue()) {
                return i + hit.firstTrue();
            }
        }
        for (; i < n; i++) {
            float v = x[xOff + i];
            if (nan ? v != v : v == m) {
                return i;
            }
        }
        throw new AssertionError("argmax: maximum " + m + " not found");
    }

    // ---------------------------------------------------------------- rows

    @Override
    protected void doSoftmax(int rows, int cols, float[] x, int xOff, int ldx, float[] y, int yOff, int ldy) {
        VectorRows.rows(VectorRows.SOFTMAX, rows, cols, x, xOff, ldx, null, 0, 0, y, yOff, ldy);
    }

    @Override
    protected void doLogSoftmax(int rows, int cols, float[] x, int xOff, int ldx, float[] y, int yOff, int ldy) {
        VectorRows.rows(VectorRows.LOG_SOFTMAX, rows, cols, x, xOff, ldx, null, 0, 0, y, yOff, ldy);
    }

    @Override
    protected void doSoftmaxBackward(int rows, int cols, float[] y, int yOff, int ldy,
                                     float[] dy, int dyOff, int lddy, float[] dx, int dxOff, int lddx) {
        VectorRows.rows(VectorRows.SOFTMAX_BACKWARD, rows, cols, y, yOff, ldy, dy, dyOff, lddy, dx, dxOff, lddx);
    }

    @Override
    protected void doLogSoftmaxBackward(int rows, int cols, float[] y, int yOff, int ldy,
                                        float[] dy, int dyOff, int lddy, float[] dx, int dxOff, int lddx) {
        VectorRows.rows(VectorRows.LOG_SOFTMAX_BACKWARD, rows, cols, y, yOff, ldy, dy, dyOff, lddy, dx, dxOff, lddx);
    }

    @Override
    protected void doLogSoftmaxStats(int rows, int cols, float[] x, int xOff, int ldx, float[] stats, int statsOff) {
        VectorRows.rows(VectorRows.LOG_SOFTMAX_STATS, rows, cols, x, xOff, ldx, null, 0, 0, stats, statsOff, 3);
    }

    @Override
    protected void doCrossEntropyBackward(int rows, int classes, float[] lp, int lpOff, float[] stats, int statsOff,
                                          int[] targets, int tOff, int ignoreIndex, float smoothing, float scale,
                                          float[] dx, int dxOff, boolean accumulate) {
        // one section for the whole batch: per-row kernel calls each split a 33278-class row
        // over the threads, 1400 hand-offs per word-LM step
        int parts = VectorParallel.parts((long) rows * classes, VectorParallel.MIN_HEAVY, rows);
        if (VectorParallel.begin(parts)) {
            CrossEntropyTask t = CrossEntropyTask.INSTANCE;
            try {
                t.classes = classes; t.lp = lp; t.lpOff = lpOff; t.stats = stats; t.statsOff = statsOff;
                t.targets = targets; t.tOff = tOff; t.ignoreIndex = ignoreIndex; t.smoothing = smoothing;
                t.scale = scale; t.dx = dx; t.dxOff = dxOff; t.accumulate = accumulate;
                t.runSplit(rows, 1, parts);
            } finally {
                VectorParallel.end(t);
            }
            return;
        }
        crossEntropyRows(0, rows, classes, lp, lpOff, stats, statsOff, targets, tOff, ignoreIndex, smoothing, scale,
                dx, dxOff, accumulate);
    }

    /**
     * {@link #doCrossEntropyBackward} over rows {@code [r0, r1)}: each chunk of a row is built in a
     * per-thread L1 chunk (the log-softmax from the logits and row statistics when {@code stats}
     * is given, EXP, then the smoothing offset, then the target) and written to {@code dx} once,
     * by scale or axpy.
     */
    private static void crossEntropyRows(int r0, int r1, int classes, float[] lp, int lpOff, float[] stats,
                                         int statsOff, int[] targets, int tOff, int ignoreIndex, float smoothing,
                                         float scale, float[] dx, int dxOff, boolean accumulate) {
        float offset = (float) (-(double) smoothing / classes);
        double onehot = 1.0 - smoothing;
        float[] chunk = VectorUnary.scratch().ce;
        for (int r = r0; r < r1; r++) {
            int t = targets[tOff + r];
            int o = dxOff + r * classes;
            if (t == ignoreIndex) {
                if (!accumulate) fillRange(classes, 0f, dx, o);
                continue;
            }
            int lo = lpOff + r * classes;
            for (int c = 0; c < classes; c += chunk.length) {
                int m = Math.min(chunk.length, classes - c);
                if (stats == null) {
                    VectorUnary.unaryRange(UnaryOp.EXP, m, lp, lo + c, chunk, 0);
                } else {
                    int so = statsOff + 3 * r;
                    VectorRows.shift(m, lp, lo + c, stats[so], stats[so + 1], stats[so + 2], chunk, 0);
                    VectorUnary.unaryRange(UnaryOp.EXP, m, chunk, 0, chunk, 0);
                }
                if (smoothing != 0) addScalarRange(m, offset, chunk, 0);
                if (t >= c && t < c + m) chunk[t - c] = (float) (chunk[t - c] - onehot);
                if (accumulate) axpyRange(m, scale, chunk, 0, dx, o + c);
                else scaleRange(m, scale, chunk, 0, dx, o + c);
            }
        }
    }

    /** {@code x[i] += v} in place. */
    private static void addScalarRange(int n, float v, float[] x, int xOff) {
        int i = 0;
        for (int b = F.loopBound(n); i < b; i += L) {
            FloatVector.fromArray(F, x, xOff + i).add(v).intoArray(x, xOff + i);
        }
        for (; i < n; i++) {
            x[xOff + i] = x[xOff + i] + v;
        }
    }

    /** The arguments of one split {@link #doCrossEntropyBackward} (guarded by the pool's lock). */
    private static final class CrossEntropyTask extends VectorParallel.RangeTask {
        static final CrossEntropyTask INSTANCE = new CrossEntropyTask();
        int classes, lpOff, statsOff, tOff, ignoreIndex, dxOff;
        float smoothing, scale;
        boolean accumulate;
        float[] lp, stats, dx;
        int[] targets;

        @Override
        void range(int from, int to) {
            crossEntropyRows(from, to, classes, lp, lpOff, stats, statsOff, targets, tOff, ignoreIndex, smoothing,
                    scale, dx, dxOff, accumulate);
        }

        @Override
        void clear() {
            lp = null; stats = null; dx = null; targets = null;
        }
    }

    @Override
    protected void doAttentionSoftmax(int rows, int cols, float scale, boolean causal, float[] x, int xOff,
                                      float[] keyMask, int keyMaskOff, float[] y, int yOff) {
        VectorAttention.forward(rows, cols, scale, causal, x, xOff, keyMask, keyMaskOff, y, yOff);
    }

    @Override
    protected void doAttentionSoftmaxBackward(int rows, int cols, float scale, boolean causal, float[] y, int yOff,
                                              float[] dy, int dyOff, float[] keyMask, int keyMaskOff,
                                              float[] dx, int dxOff) {
        VectorAttention.backward(rows, cols, scale, causal, y, yOff, dy, dyOff, keyMask, keyMaskOff, dx, dxOff);
    }

    @Override
    protected void doAttentionSoftmaxBatched(int batch, int rows, int cols, float scale, boolean causal,
                                             float[] x, int xOff, float[] keyMask, int keyMaskOff, int matricesPerMask,
                                             float[] y, int yOff) {
        VectorAttention.batched(false, batch, rows, cols, scale, causal, x, xOff, null, 0, keyMask, keyMaskOff,
                matricesPerMask, y, yOff);
    }

    @Override
    protected void doAttentionSoftmaxBackwardBatched(int batch, int rows, int cols, float scale, boolean causal,
                                                     float[] y, int yOff, float[] dy, int dyOff,
                                                     float[] keyMask, int keyMaskOff, int matricesPerMask,
                                                     float[] dx, int dxOff) {
        VectorAttention.batched(true, batch, rows, cols, scale, causal, y, yOff, dy, dyOff, keyMask, keyMaskOff,
                matricesPerMask, dx, dxOff);
    }

    @Override
    protected void doLayerNorm(int rows, int cols, float[] x, int xOff, float[] gamma, int gammaOff,
                               float[] beta, int betaOff, float eps, float[] y, int yOff,
                               float[] mean, int meanOff, float[] rstd, int rstdOff) {
        VectorRows.layerNorm(rows, cols, x, xOff, gamma, gammaOff, beta, betaOff, eps, y, yOff,
                mean, meanOff, rstd, rstdOff);
    }

    @Override
    protected void doLayerNormBackward(int rows, int cols, float[] dy, int dyOff, float[] x, int xOff,
                                       float[] mean, int meanOff, float[] rstd, int rstdOff,
                                       float[] gamma, int gammaOff, float[] dx, int dxOff,
                                       float[] dgamma, int dgammaOff, float[] dbeta, int dbetaOff) {
        VectorRows.layerNormBackward(rows, cols, dy, dyOff, x, xOff, mean, meanOff, rstd, rstdOff,
                gamma, gammaOff, dx, dxOff, dgamma, dgammaOff, dbeta, dbetaOff);
    }

    // ---------------------------------------------------------------- recurrent cells

    @Override
    protected void doLstmCell(int rows, int hidden, float[] gates, int gatesOff, float[] cPrev, int cPrevOff,
                              float[] act, int actOff, float[] tanhC, int tanhCOff, float[] h, int hOff,
                              float[] c, int cOff) {
        VectorLstm.forward(rows, hidden, gates, gatesOff, cPrev, cPrevOff, act, actOff, tanhC, tanhCOff, h, hOff, c, cOff);
    }

    @Override
    protected void doLstmCellBackward(int rows, int hidden, float[] act, int actOff, float[] tanhC, int tanhCOff,
                                      float[] cPrev, int cPrevOff, float[] dh, int dhOff, float[] dc, int dcOff,
                                      float[] dGates, int dGatesOff, float[] dcPrev, int dcPrevOff) {
        VectorLstm.backward(rows, hidden, act, actOff, tanhC, tanhCOff, cPrev, cPrevOff, dh, dhOff, dc, dcOff,
                dGates, dGatesOff, dcPrev, dcPrevOff);
    }

    // ---------------------------------------------------------------- optimizer updates

    @Override
    protected void doSgdUpdate(int n, float[] param, int pOff, float[] grad, int gOff, float[] buf, int bufOff,
                               float lr, float momentum, float dampening, float weightDecay,
                               boolean nesterov, boolean firstStep) {
        VectorOptim.sgd(n, param, pOff, grad, gOff, buf, bufOff, lr, momentum, dampening, weightDecay,
                nesterov, firstStep);
    }

    @Override
    protected void doAdamUpdate(int n, float[] param, int pOff, float[] grad, int gOff,
                                float[] m, int mOff, float[] v, int vOff, float[] vMax, int vMaxOff,
                                float lr, float beta1, float beta2, float eps, float weightDecay,
                                boolean decoupledWeightDecay, long step) {
        VectorOptim.adam(n, param, pOff, grad, gOff, m, mOff, v, vOff, vMax, vMaxOff, lr, beta1, beta2, eps,
                weightDecay, decoupledWeightDecay, step);
    }

    // ---------------------------------------------------------------- level 2 and 3

    @Override
    protected void doGemv(Transpose transA, int m, int n, float alpha, float[] a, int aOff, int lda,
                          float[] x, int xOff, float beta, float[] y, int yOff) {
        VectorGemv.gemv(transA, m, n, alpha, a, aOff, lda, x, xOff, beta, y, yOff);
    }

    @Override
    protected void doGemm(Transpose transA, Transpose transB, int m, int n, int k, float alpha,
                          float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                          float beta, float[] c, int cOff, int ldc, float[] d, int dOff, int ldd) {
        VectorGemm.gemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc, d, dOff, ldd);
    }

    @Override
    protected long doPackedBSize(int k, int n) {
        return VectorGemm.packedBSize(k, n);
    }

    @Override
    protected void doPackB(Transpose transB, int k, int n, float[] b, int bOff, int ldb, float[] dst, int dstOff) {
        VectorGemm.packB(transB, k, n, b, bOff, ldb, dst, dstOff);
    }

    @Override
    protected void doGemmPacked(Transpose transA, Transpose transB, int m, int n, int k, float alpha,
                                float[] a, int aOff, int lda, float[] packed, int packedOff,
                                float beta, float[] c, int cOff, int ldc) {
        VectorGemm.gemmPacked(transA, m, n, k, alpha, a, aOff, lda, packed, packedOff, beta, c, cOff, ldc);
    }

    @Override
    protected void doGemmBatched(Triangle triangle, Transpose transA, Transpose transB, int batch, int m, int n,
                                 int k, float alpha, float[] a, int aOff, int strideA, int lda,
                                 float[] b, int bOff, int strideB, int ldb,
                                 float beta, float[] c, int cOff, int strideC, int ldc) {
        VectorGemm.gemmBatched(triangle, transA, transB, batch, m, n, k, alpha, a, aOff, strideA, lda,
                b, bOff, strideB, ldb, beta, c, cOff, strideC, ldc);
    }
}
