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
 */
final class VectorRows {
    private VectorRows() {}

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
                lookup.findStatic(VectorRows.class, "expSumLoop", MethodType.methodType(float.class,
                        int.class, float[].class, int.class, float[].class, int.class, float.class)),
                lookup.findStatic(VectorRows.class, "sumExpLoop", MethodType.methodType(float.class,
                        int.class, float[].class, int.class, float.class)),
                lookup.findStatic(VectorRows.class, "subExpScaledLoop", MethodType.methodType(void.class,
                        int.class, float[].class, int.class, float[].class, int.class, float[].class, int.class, float.class)),
                lookup.findStatic(VectorRows.class, "expSumRowsLoop", MethodType.methodType(void.class,
                        int.class, int.class, float[].class, int.class, int.class, float[].class, float[].class)),
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
        try {
            return (float) LOOPS[0].invokeExact(len, x, xo, y, yo, m);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    /** {@link #sumExpLoop}, never inlined. */
    private static float sumExpFull(int len, float[] x, int xo, float m) {
        try {
            return (float) LOOPS[1].invokeExact(len, x, xo, m);
        } catch (Throwable e) {
            throw rethrow(e);
        }
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
        try {
            LOOPS[3].invokeExact(k, len, y, yo, ld, m, sums);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    private static void expSumRowsLoop(int k, int len, float[] y, int yo, int ld, float[] m, float[] sums) {
        for (int r = 0; r < k; r++) {
            int o = yo + r * ld;
            float mr = m[r];
            FloatVector s = FloatVector.zero(F);
            for (int i = 0; i < len; i += L) {
                FloatVector e = VectorMath.exp(FloatVector.fromArray(F, y, o + i).sub(mr));
                e.intoArray(y, o + i);
                s = s.add(e);
            }
            sums[r] = Simd.sumLanes(s);
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

    /** Stores {@code exp(x - m)} for {@code len} (a multiple of L) elements and returns their sum. */
    private static float expSumLoop(int len, float[] x, int xo, float[] y, int yo, float m) {
        FloatVector s = FloatVector.zero(F);
        for (int i = 0; i < len; i += L) {
            FloatVector e = VectorMath.exp(FloatVector.fromArray(F, x, xo + i).sub(m));
            e.intoArray(y, yo + i);
            s = s.add(e);
        }
        return Simd.sumLanes(s);
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

    /** {@code sum exp(x - m)} over {@code len} (a multiple of L) elements. */
    private static float sumExpLoop(int len, float[] x, int xo, float m) {
        FloatVector s = FloatVector.zero(F);
        for (int i = 0; i < len; i += L) {
            s = s.add(VectorMath.exp(FloatVector.fromArray(F, x, xo + i).sub(m)));
        }
        return Simd.sumLanes(s);
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
        float mf = VectorKernels.maxOf(n, x, xo);
        double logSum = Math.log(sumExp(n, x, xo, mf));
        // log-sum as a float pair, so (x - m) - logSum loses at most about one rounding
        float hi = (float) logSum;
        float lo = (float) (logSum - hi);
        int i = 0;
        for (int b = F.loopBound(n); i < b; i += L) {
            FloatVector.fromArray(F, x, xo + i).sub(mf).sub(hi).sub(lo).intoArray(y, yo + i);
        }
        for (; i < n; i++) {
            y[yo + i] = x[xo + i] - mf - hi - lo;
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

    /** Layer norm over contiguous rows (see {@link Kernels#layerNorm}). */
    static void layerNorm(int rows, int cols, float[] x, int xOff, float[] gamma, int gOff,
                          float[] beta, int bOff, float eps, float[] y, int yOff,
                          float[] mean, int meanOff, float[] rstd, int rstdOff) {
        double[] stats = VectorUnary.scratch().stats;
        for (int r = 0; r < rows; r++) {
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
                centeredSums(cols, x, xr, m0, stats);
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
     * vector partial sums of each chunk added in double.
     */
    private static void centeredSums(int n, float[] x, int xo, float m0, double[] out) {
        FloatVector mv = FloatVector.broadcast(F, m0);
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

    /** Layer-norm VJP (see {@link Kernels#layerNormBackward}). */
    static void layerNormBackward(int rows, int cols, float[] dy, int dyOff, float[] x, int xOff,
                                  float[] mean, int meanOff, float[] rstd, int rstdOff,
                                  float[] gamma, int gOff, float[] dx, int dxOff,
                                  float[] dgamma, int dgOff, float[] dbeta, int dbOff) {
        boolean hasG = gamma != null;
        for (int r = 0; r < rows; r++) {
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
