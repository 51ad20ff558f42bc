package dev.vectornn.kernel;

import static dev.vectornn.kernel.VectorKernels.CHUNK;
import static dev.vectornn.kernel.VectorKernels.F;
import static dev.vectornn.kernel.VectorKernels.L;

import dev.vectornn.kernel.simd.Simd;
import dev.vectornn.kernel.simd.VectorMath;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

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

    /** Softmax of one row; {@code y} may be {@code x}. */
    static void softmax(int n, float[] x, int xo, float[] y, int yo) {
        if (n == 0) return;
        FloatVector m = FloatVector.broadcast(F, VectorKernels.maxOf(n, x, xo));
        double total = 0;
        for (int start = 0; start < n; start += CHUNK) {
            total += expChunk(start, Math.min(n, start + CHUNK), x, xo, y, yo, m);
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
     * Stores {@code exp(x - m)} for {@code [start, end)} and returns its sum. A method of its own
     * so that its loop is compiled apart from the row maximum (together they exceed C2's inlining
     * node budget, and exp then is called, boxing its vectors).
     */
    private static float expChunk(int start, int end, float[] x, int xo, float[] y, int yo, FloatVector m) {
        FloatVector s = FloatVector.zero(F);
        int i = start;
        for (int b = start + F.loopBound(end - start); i < b; i += L) {
            FloatVector e = VectorMath.exp(FloatVector.fromArray(F, x, xo + i).sub(m));
            e.intoArray(y, yo + i);
            s = s.add(e);
        }
        float total = Simd.sumLanes(s);
        return i < end ? total + softmaxTail(i, end, x, xo, y, yo, m) : total;
    }

    /** {@code sum_j exp(x_j - m)} of one row, chunked into double. */
    private static double sumExp(int n, float[] x, int xo, FloatVector m) {
        double total = 0;
        for (int start = 0; start < n; start += CHUNK) {
            int end = Math.min(n, start + CHUNK);
            FloatVector s = FloatVector.zero(F);
            int i = start;
            for (int b = start + F.loopBound(end - start); i < b; i += L) {
                s = s.add(VectorMath.exp(FloatVector.fromArray(F, x, xo + i).sub(m)));
            }
            total += Simd.sumLanes(s);
            if (i < end) total += sumExpTail(i, end, x, xo, m);
        }
        return total;
    }

    /** Log-softmax of one row; {@code y} may be {@code x}. */
    static void logSoftmax(int n, float[] x, int xo, float[] y, int yo) {
        if (n == 0) return;
        float mf = VectorKernels.maxOf(n, x, xo);
        FloatVector m = FloatVector.broadcast(F, mf);
        double logSum = Math.log(sumExp(n, x, xo, m));
        // log-sum as a float pair, so (x - m) - logSum loses at most about one rounding
        float hi = (float) logSum;
        float lo = (float) (logSum - hi);
        int i = 0;
        for (int b = F.loopBound(n); i < b; i += L) {
            FloatVector.fromArray(F, x, xo + i).sub(m).sub(hi).sub(lo).intoArray(y, yo + i);
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
        int i = 0;
        for (int b = F.loopBound(n); i < b; i += L) {
            FloatVector e = VectorMath.exp(FloatVector.fromArray(F, y, yo + i));
            FloatVector.fromArray(F, dy, dyo + i).sub(e.mul(sf)).intoArray(dx, dxo + i);
        }
        if (i < n) logSoftmaxBackwardTail(i, n, y, yo, dy, dyo, dx, dxo, sf);
    }

    // The masked tails live in their own (cold) methods: inlined next to the main loop, a second
    // copy of exp pushes the method past C2's inlining budget and the loop's exp call then boxes.

    private static float softmaxTail(int i, int end, float[] x, int xo, float[] y, int yo, FloatVector m) {
        VectorMask<Float> k = F.indexInRange(i, end);
        FloatVector e = VectorMath.exp(FloatVector.fromArray(F, x, xo + i, k).sub(m));
        e.intoArray(y, yo + i, k);
        return Simd.sumLanes(FloatVector.zero(F).add(e, k));
    }

    private static float sumExpTail(int i, int end, float[] x, int xo, FloatVector m) {
        VectorMask<Float> k = F.indexInRange(i, end);
        return Simd.sumLanes(FloatVector.zero(F).add(VectorMath.exp(FloatVector.fromArray(F, x, xo + i, k).sub(m)), k));
    }

    private static void logSoftmaxBackwardTail(int i, int n, float[] y, int yo, float[] dy, int dyo,
                                               float[] dx, int dxo, float sf) {
        VectorMask<Float> k = F.indexInRange(i, n);
        FloatVector e = VectorMath.exp(FloatVector.fromArray(F, y, yo + i, k));
        FloatVector.fromArray(F, dy, dyo + i, k).sub(e.mul(sf)).intoArray(dx, dxo + i, k);
    }

    /** Layer norm over contiguous rows (see {@link Kernels#layerNorm}). */
    static void layerNorm(int rows, int cols, float[] x, int xOff, float[] gamma, int gOff,
                          float[] beta, int bOff, float eps, float[] y, int yOff,
                          float[] mean, int meanOff, float[] rstd, int rstdOff) {
        for (int r = 0; r < rows; r++) {
            int xr = xOff + r * cols, yr = yOff + r * cols;
            double s = 0;
            for (int start = 0; start < cols; start += CHUNK) {
                s += VectorKernels.sumChunk(Math.min(CHUNK, cols - start), x, xr + start);
            }
            double mu = cols == 0 ? 0 : s / cols;
            float meanF = (float) mu;
            double var = cols == 0 ? 0 : centeredSquares(cols, x, xr, meanF, mu) / cols;
            float rstdF = (float) (1.0 / Math.sqrt(var + eps));
            normalizeRow(cols, x, xr, meanF, rstdF, gamma, gOff, beta, bOff, y, yr);
            if (mean != null) mean[meanOff + r] = meanF;
            if (rstd != null) rstd[rstdOff + r] = rstdF;
        }
    }

    /**
     * {@code sum (x - mu)^2} with the float mean in the vector loop, corrected in double for
     * the difference between the float and the double mean:
     * {@code sum (x-mu)^2 = sum (x-meanF)^2 - n (mu-meanF)^2}.
     */
    private static double centeredSquares(int n, float[] x, int xo, float meanF, double mu) {
        FloatVector mv = FloatVector.broadcast(F, meanF);
        double total = 0;
        for (int start = 0; start < n; start += CHUNK) {
            int end = Math.min(n, start + CHUNK);
            FloatVector s0 = FloatVector.zero(F), s1 = s0;
            int i = start;
            for (int b = start + 2 * L * ((end - start) / (2 * L)); i < b; i += 2 * L) {
                FloatVector d0 = FloatVector.fromArray(F, x, xo + i).sub(mv);
                FloatVector d1 = FloatVector.fromArray(F, x, xo + i + L).sub(mv);
                s0 = VectorKernels.mad(d0, d0, s0);
                s1 = VectorKernels.mad(d1, d1, s1);
            }
            double t = Simd.sumLanes(s0.add(s1));
            for (; i < end; i++) {
                double d = x[xo + i] - meanF;
                t += d * d;
            }
            total += t;
        }
        double delta = mu - meanF;
        return Math.max(0, total - n * delta * delta);
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
