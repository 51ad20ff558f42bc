package dev.vectornn.kernel;

import static dev.vectornn.kernel.VectorKernels.CHUNK;
import static dev.vectornn.kernel.VectorKernels.F;
import static dev.vectornn.kernel.VectorKernels.L;

import dev.vectornn.kernel.simd.Simd;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * The fused attention softmax for {@link VectorKernels} (see {@link Kernels#attentionSoftmax}).
 *
 * <p>Attention rows are short (one query against tens to a few thousand keys) and numerous, so
 * what costs is per row, not per element: a call through VectorRows' non-inlined exp handle,
 * the scratch-copied tail of a row that is not a whole number of vectors, and the mispredicted
 * exits of loops whose trip count changes from row to row, as it does along the causal
 * triangle. So the rows are taken in bands of L: a causal row runs on past its diagonal to the
 * next whole vector (within the row) with {@code -inf} there, which adds exact zeros, so the L
 * rows of a band all run loops of one length; and the band's exps are one call of
 * {@link VectorRows#expSumRows}. Per row, one pass writes {@code scale * x} (key-masked and
 * past-the-diagonal lanes {@code -inf}) and takes the maximum, and one pass normalizes; a seen
 * row gets the bits {@link VectorRows#softmax} gives that padded row. The causal half of the
 * matrix is never exponentiated, only zeroed. A row that is not whole vectors long (keys not a
 * multiple of L) or that is longer than {@value VectorKernels#CHUNK} goes through
 * {@link VectorRows#softmax} on its own.
 *
 * <p>Backward, per row: {@code sum dy*y} and then {@code scale * (y * (dy - sum))} (the oracle's
 * operations in its order), both over the same padded length with the lanes past the diagonal
 * or under the key mask zeroed by blends, so the causal half of {@code dy} is never used.
 * No vector crosses a method call (see {@link VectorRows}).
 *
 * <p>Large matrices split their rows over the kernel threads ({@link VectorParallel}) in whole
 * bands of L rows, so every row runs exactly the loops it runs in a serial call. A batch of
 * matrices is split into whole matrices instead: one hand-off for the batch, and matrices
 * too small to split on their own (a 64 x 64 causal head) still run in parallel.
 */
final class VectorAttention {
    private VectorAttention() {}

    static void forward(int rows, int cols, float scale, boolean causal, float[] x, int xOff,
                        float[] keyMask, int keyMaskOff, float[] y, int yOff) {
        split(false, rows, cols, scale, causal, x, xOff, null, 0, keyMask, keyMaskOff, y, yOff);
    }

    static void backward(int rows, int cols, float scale, boolean causal, float[] y, int yOff,
                         float[] dy, int dyOff, float[] keyMask, int keyMaskOff, float[] dx, int dxOff) {
        split(true, rows, cols, scale, causal, y, yOff, dy, dyOff, keyMask, keyMaskOff, dx, dxOff);
    }

    /** Forward ({@code a = x}, {@code c = y}) or backward ({@code a = y}, {@code b = dy}, {@code c = dx}), rows split when large. */
    private static void split(boolean backward, int rows, int cols, float scale, boolean causal, float[] a, int aOff,
                              float[] b, int bOff, float[] keyMask, int keyMaskOff, float[] c, int cOff) {
        // causal rows see half the keys on average
        long work = (long) rows * cols / (causal ? 2 : 1);
        int parts = VectorParallel.parts(work, VectorParallel.MIN_HEAVY, ((long) rows + L - 1) / L);
        if (VectorParallel.begin(parts)) {
            Task t = Task.INSTANCE;
            try {
                t.backward = backward; t.cols = cols; t.scale = scale; t.causal = causal; t.a = a; t.aOff = aOff;
                t.b = b; t.bOff = bOff; t.keyMask = keyMask; t.keyMaskOff = keyMaskOff; t.c = c; t.cOff = cOff;
                t.runSplit(rows, L, parts);
            } finally {
                VectorParallel.end(t);
            }
            return;
        }
        if (backward) {
            backwardRows(0, rows, cols, scale, causal, a, aOff, b, bOff, keyMask, keyMaskOff, c, cOff);
        } else {
            forwardRows(0, rows, cols, scale, causal, a, aOff, keyMask, keyMaskOff, c, cOff);
        }
    }

    /**
     * {@code batch} matrices one after another, matrix {@code i} with the mask row
     * {@code keyMaskOff + (i / perMask) * cols}: forward ({@code a = x}, {@code c = y}) or
     * backward ({@code a = y}, {@code b = dy}, {@code c = dx}). Whole matrices are spread over
     * the threads; a batch of one splits its rows as a single call does.
     */
    static void batched(boolean backward, int batch, int rows, int cols, float scale, boolean causal,
                        float[] a, int aOff, float[] b, int bOff, float[] keyMask, int keyMaskOff, int perMask,
                        float[] c, int cOff) {
        if (batch == 1) {
            split(backward, rows, cols, scale, causal, a, aOff, b, bOff, keyMask, keyMaskOff, c, cOff);
            return;
        }
        long work = (long) batch * rows * cols / (causal ? 2 : 1);
        int parts = VectorParallel.parts(work, VectorParallel.MIN_HEAVY, batch);
        if (VectorParallel.begin(parts)) {
            BatchTask t = BatchTask.INSTANCE;
            try {
                t.backward = backward; t.rows = rows; t.cols = cols; t.scale = scale; t.causal = causal;
                t.a = a; t.aOff = aOff; t.b = b; t.bOff = bOff; t.keyMask = keyMask; t.keyMaskOff = keyMaskOff;
                t.perMask = perMask; t.c = c; t.cOff = cOff;
                t.runSplit(batch, 1, parts);
            } finally {
                VectorParallel.end(t);
            }
            return;
        }
        matrices(0, batch, backward, rows, cols, scale, causal, a, aOff, b, bOff, keyMask, keyMaskOff, perMask, c, cOff);
    }

    /** Matrices {@code [from, to)} of a batch, each on the calling thread. */
    private static void matrices(int from, int to, boolean backward, int rows, int cols, float scale, boolean causal,
                                 float[] a, int aOff, float[] b, int bOff, float[] keyMask, int keyMaskOff, int perMask,
                                 float[] c, int cOff) {
        int size = rows * cols;
        for (int i = from; i < to; i++) {
            int mo = keyMask == null ? 0 : keyMaskOff + (i / perMask) * cols, o = i * size;
            if (backward) {
                backwardRows(0, rows, cols, scale, causal, a, aOff + o, b, bOff + o, keyMask, mo, c, cOff + o);
            } else {
                forwardRows(0, rows, cols, scale, causal, a, aOff + o, keyMask, mo, c, cOff + o);
            }
        }
    }

    /** The arguments of one batch of attention matrices split over the threads (guarded by the pool's lock). */
    private static final class BatchTask extends VectorParallel.RangeTask {
        static final BatchTask INSTANCE = new BatchTask();
        boolean backward, causal;
        int rows, cols, aOff, bOff, keyMaskOff, perMask, cOff;
        float scale;
        float[] a, b, keyMask, c;

        @Override
        void range(int from, int to) {
            matrices(from, to, backward, rows, cols, scale, causal, a, aOff, b, bOff, keyMask, keyMaskOff, perMask, c, cOff);
        }

        @Override
        void clear() {
            a = null; b = null; keyMask = null; c = null;
        }
    }

    /** The arguments of one split attention softmax or its VJP (guarded by the pool's lock). */
    private static final class Task extends VectorParallel.RangeTask {
        static final Task INSTANCE = new Task();
        boolean backward, causal;
        int cols, aOff, bOff, keyMaskOff, cOff;
        float scale;
        float[] a, b, keyMask, c;

        @Override
        void range(int from, int to) {
            if (backward) {
                backwardRows(from, to, cols, scale, causal, a, aOff, b, bOff, keyMask, keyMaskOff, c, cOff);
            } else {
                forwardRows(from, to, cols, scale, causal, a, aOff, keyMask, keyMaskOff, c, cOff);
            }
        }

        @Override
        void clear() {
            a = null; b = null; keyMask = null; c = null;
        }
    }

    /** The keys row {@code r} sees before masking: all, or those up to the diagonal. */
    private static int seen(boolean causal, int r, int cols) {
        return causal ? Math.min(r + 1, cols) : cols;
    }

    /** {@code n} rounded up to whole vectors when causal, within the row. */
    private static int padded(boolean causal, int n, int cols) {
        return causal ? Math.min(cols, n + (-n & (L - 1))) : n;
    }

    /** Rows {@code [from, rows)} of the forward, {@code from} a multiple of L (a band's first row). */
    private static void forwardRows(int from, int rows, int cols, float scale, boolean causal, float[] x, int xOff,
                                    float[] keyMask, int keyMaskOff, float[] y, int yOff) {
        int firstSeen = ScalarKernels.firstUnmasked(cols, keyMask, keyMaskOff);
        VectorUnary.Scratch sc = VectorUnary.scratch();
        float[] ms = sc.bandMax, sums = sc.bandSum;
        for (int r0 = from; r0 < rows; r0 += L) {
            int k = Math.min(L, rows - r0);
            // every row of the band has this padded length (see the class comment)
            int whole = padded(causal, seen(causal, r0, cols), cols);
            boolean band = whole % L == 0 && whole <= CHUNK;
            for (int i = 0; i < k; i++) {
                int r = r0 + i, n = seen(causal, r, cols), xr = xOff + r * cols, yr = yOff + r * cols;
                if (firstSeen >= n) {
                    // no key to attend to: the band's exps run on -inf, and the row is set below
                    if (band) Arrays.fill(y, yr, yr + whole, Float.NEGATIVE_INFINITY);
                    ms[i] = 0f;
                } else {
                    ms[i] = scaleMax(n, whole, scale, x, xr, keyMask, keyMaskOff, y, yr);
                    if (!band) VectorRows.softmax(whole, y, yr, y, yr, ms[i]);
                }
            }
            if (band) VectorRows.expSumRows(k, whole, y, yOff + r0 * cols, cols, ms, sums);
            for (int i = 0; i < k; i++) {
                int r = r0 + i, n = seen(causal, r, cols), yr = yOff + r * cols;
                if (firstSeen >= n) {
                    // the uniform average, as the oracle
                    Arrays.fill(y, yr, yr + n, (float) (1.0 / n));
                    Arrays.fill(y, yr + n, yr + cols, 0f);
                    continue;
                }
                // one reciprocal, then multiplies, as VectorRows.softmax
                if (band) scaleRow(whole, (float) (1.0 / (double) sums[i]), y, yr);
                // exp(-inf - m) / sum is +0 unless m is NaN or +inf, when the row is NaN: the
                // masked keys are zeroed again then, so that they are 0 in every row, as the oracle's
                if (keyMask != null) zeroMasked(n, keyMask, keyMaskOff, y, yr);
                Arrays.fill(y, yr + (Float.isFinite(ms[i]) ? whole : n), yr + cols, 0f);
            }
        }
    }

    /**
     * {@code y = scale * x} over {@code n} keys, {@code -inf} where the key mask is nonzero and on
     * to {@code whole}, in one pass that also returns the maximum of what it wrote
     * ({@code Math.max} semantics, as {@link VectorKernels#maxOf}: exact in any order). The
     * last vector may load {@code x} past {@code n} (within the row); those lanes are replaced.
     */
    private static float scaleMax(int n, int whole, float scale, float[] x, int xo, float[] keyMask, int mo,
                                  float[] y, int yo) {
        int bound = F.loopBound(whole);
        int j = 0;
        FloatVector mv = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
        for (; j < bound; j += L) {
            FloatVector v = FloatVector.fromArray(F, x, xo + j).mul(scale);
            if (keyMask != null) {
                // NaN compares not-equal to 0, so a NaN mask entry masks, as in the oracle
                v = v.blend(Float.NEGATIVE_INFINITY, FloatVector.fromArray(F, keyMask, mo + j).compare(VectorOperators.NE, 0f));
            }
            if (j + L > n) v = v.blend(Float.NEGATIVE_INFINITY, FloatVector.fromArray(F, Simd.LANE_INDEX, 0).compare(VectorOperators.GE, n - j));
            v.intoArray(y, yo + j);
            mv = mv.max(v);
        }
        float m = mv.reduceLanes(VectorOperators.MAX);
        for (; j < whole; j++) {
            float v = j < n && (keyMask == null || keyMask[mo + j] == 0) ? scale * x[xo + j] : Float.NEGATIVE_INFINITY;
            y[yo + j] = v;
            m = Math.max(m, v);
        }
        return m;
    }

    /** {@code y *= inv} over {@code len} (a multiple of L) elements. */
    private static void scaleRow(int len, float inv, float[] y, int yo) {
        for (int j = 0; j < len; j += L) FloatVector.fromArray(F, y, yo + j).mul(inv).intoArray(y, yo + j);
    }

    /** {@code y = 0} where the key mask is nonzero. */
    private static void zeroMasked(int n, float[] keyMask, int mo, float[] y, int yo) {
        int bound = F.loopBound(n);
        int j = 0;
        for (; j < bound; j += L) {
            FloatVector.fromArray(F, y, yo + j)
                    .blend(0f, FloatVector.fromArray(F, keyMask, mo + j).compare(VectorOperators.NE, 0f))
                    .intoArray(y, yo + j);
        }
        for (; j < n; j++) if (keyMask[mo + j] != 0) y[yo + j] = 0f;
    }

    /** Rows {@code [from, rows)} of the VJP. */
    private static void backwardRows(int from, int rows, int cols, float scale, boolean causal, float[] y, int yOff,
                                     float[] dy, int dyOff, float[] keyMask, int keyMaskOff, float[] dx, int dxOff) {
        int firstSeen = ScalarKernels.firstUnmasked(cols, keyMask, keyMaskOff);
        for (int r = from; r < rows; r++) {
            int yr = yOff + r * cols, dyr = dyOff + r * cols, dxr = dxOff + r * cols;
            int n = seen(causal, r, cols);
            if (firstSeen >= n) {
                Arrays.fill(dx, dxr, dxr + cols, 0f);
                continue;
            }
            int whole = padded(causal, n, cols);
            double s = 0;
            for (int start = 0; start < whole; start += CHUNK) {
                int end = Math.min(whole, start + CHUNK);
                s += end <= n ? VectorKernels.dotChunk(end - start, dy, dyr + start, y, yr + start)
                        : dotToDiagonal(start, n, end, dy, dyr, y, yr);
            }
            row(n, whole, scale, (float) s, y, yr, dy, dyr, keyMask, keyMaskOff, dx, dxr);
            Arrays.fill(dx, dxr + whole, dxr + cols, 0f);
        }
    }

    /** {@code sum dy*y} over {@code [start, n)}, running in vectors to {@code end} with the lanes past {@code n} zeroed. */
    private static float dotToDiagonal(int start, int n, int end, float[] dy, int dyo, float[] y, int yo) {
        FloatVector s = FloatVector.zero(F);
        int j = start;
        for (int b = start + F.loopBound(end - start); j < b; j += L) {
            FloatVector p = FloatVector.fromArray(F, dy, dyo + j).mul(FloatVector.fromArray(F, y, yo + j));
            if (j + L > n) p = p.blend(0f, FloatVector.fromArray(F, Simd.LANE_INDEX, 0).compare(VectorOperators.GE, n - j));
            s = s.add(p);
        }
        float t = Simd.sumLanes(s);
        for (; j < n; j++) t += dy[dyo + j] * y[yo + j];
        return t;
    }

    /**
     * {@code dx = scale * (y * (dy - sf))} over {@code n} keys, running in vectors to
     * {@code whole}; 0 at the key-masked keys and from {@code n} to {@code whole}.
     */
    private static void row(int n, int whole, float scale, float sf, float[] y, int yo, float[] dy, int dyo,
                            float[] keyMask, int mo, float[] dx, int dxo) {
        int bound = F.loopBound(whole);
        int j = 0;
        for (; j < bound; j += L) {
            FloatVector d = FloatVector.fromArray(F, dy, dyo + j).sub(sf);
            FloatVector v = FloatVector.fromArray(F, y, yo + j).mul(d).mul(scale);
            if (keyMask != null) v = v.blend(0f, FloatVector.fromArray(F, keyMask, mo + j).compare(VectorOperators.NE, 0f));
            if (j + L > n) v = v.blend(0f, FloatVector.fromArray(F, Simd.LANE_INDEX, 0).compare(VectorOperators.GE, n - j));
            v.intoArray(dx, dxo + j);
        }
        for (; j < whole; j++) {
            boolean on = j < n && (keyMask == null || keyMask[mo + j] == 0);
            dx[dxo + j] = on ? scale * (y[yo + j] * (dy[dyo + j] - sf)) : 0f;
        }
    }
}
