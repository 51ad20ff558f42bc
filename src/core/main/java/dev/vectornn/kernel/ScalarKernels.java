package dev.vectornn.kernel;

import dev.vectornn.kernel.gemm.ScalarGemm;

/**
 * The scalar reference implementation: plain loops, obviously correct, the oracle every
 * vector kernel is tested against, and the fallback when the Vector API is unavailable.
 *
 * <p>Accuracy: element-wise arithmetic is IEEE float (one rounding per operation). Every
 * transcendental is computed in double ({@link Math} and {@link ScalarMath}) and rounded to
 * float once, i.e. within about 0.5 ulp of the exact value. Sums (dot, sum, softmax
 * denominators, layer-norm statistics) accumulate in double.
 *
 * <p>Thread-safe and stateless.
 */
final class ScalarKernels extends AbstractKernels {

    @Override
    public String name() {
        return "scalar";
    }

    @Override
    public int vectorBits() {
        return 0;
    }

    @Override
    public String toString() {
        return "scalar reference kernels";
    }

    // ---------------------------------------------------------------- level 1

    @Override
    protected float doDot(int n, float[] x, int xOff, float[] y, int yOff) {
        double s = 0;
        for (int i = 0; i < n; i++) {
            s += (double) x[xOff + i] * y[yOff + i];
        }
        return (float) s;
    }

    @Override
    protected void doAxpy(int n, float alpha, float[] x, int xOff, float[] y, int yOff) {
        for (int i = 0; i < n; i++) {
            y[yOff + i] = y[yOff + i] + alpha * x[xOff + i];
        }
    }

    @Override
    protected void doScale(int n, float alpha, float[] x, int xOff, float[] y, int yOff) {
        for (int i = 0; i < n; i++) {
            y[yOff + i] = alpha * x[xOff + i];
        }
    }

    @Override
    protected void doFill(int n, float value, float[] x, int xOff) {
        for (int i = 0; i < n; i++) {
            x[xOff + i] = value;
        }
    }

    // ---------------------------------------------------------------- element-wise

    static float apply(BinaryOp op, float a, float b) {
        return switch (op) {
            case ADD -> a + b;
            case SUB -> a - b;
            case MUL -> a * b;
            case DIV -> a / b;
        };
    }

    @Override
    protected void doBinary(BinaryOp op, int n, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff) {
        for (int i = 0; i < n; i++) {
            c[cOff + i] = apply(op, a[aOff + i], b[bOff + i]);
        }
    }

    @Override
    protected void doBinaryRow(BinaryOp op, int rows, int cols, float[] a, int aOff, int lda,
                               float[] b, int bOff, float[] c, int cOff, int ldc) {
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < cols; j++) {
                c[cOff + r * ldc + j] = apply(op, a[aOff + r * lda + j], b[bOff + j]);
            }
        }
    }

    @Override
    protected void doBinaryCol(BinaryOp op, int rows, int cols, float[] a, int aOff, int lda,
                               float[] b, int bOff, float[] c, int cOff, int ldc) {
        for (int r = 0; r < rows; r++) {
            float br = b[bOff + r];
            for (int j = 0; j < cols; j++) {
                c[cOff + r * ldc + j] = apply(op, a[aOff + r * lda + j], br);
            }
        }
    }

    /** f(x) for one float: the definition every implementation is measured against. */
    static float apply(UnaryOp op, float x) {
        return switch (op) {
            case NEG -> -x;
            case SQUARE -> x * x;
            case SQRT -> (float) Math.sqrt(x);
            case EXP -> (float) Math.exp(x);
            case LOG -> (float) Math.log(x);
            case TANH -> (float) Math.tanh(x);
            case SIGMOID -> (float) ScalarMath.sigmoid(x);
            case RELU -> x > 0f ? x : (x != x ? x : 0f);
            case GELU -> (float) ScalarMath.gelu(x);
            case GELU_TANH -> (float) ScalarMath.geluTanh(x);
        };
    }

    /** dy * f'(x), using y = f(x) where the derivative is cheapest from the output. */
    static float derivative(UnaryOp op, float x, float y, float dy) {
        return switch (op) {
            case NEG -> -dy;
            case SQUARE -> 2f * x * dy;
            case SQRT -> dy * 0.5f / y;
            case EXP -> dy * y;
            case LOG -> dy / x;
            case TANH -> dy * (1f - y * y);
            case SIGMOID -> dy * y * (1f - y);
            case RELU -> x > 0f ? dy : 0f;
            case GELU -> (float) (dy * ScalarMath.geluDerivative(x));
            case GELU_TANH -> (float) (dy * ScalarMath.geluTanhDerivative(x));
        };
    }

    @Override
    protected void doUnary(UnaryOp op, int n, float[] x, int xOff, float[] y, int yOff) {
        for (int i = 0; i < n; i++) {
            y[yOff + i] = apply(op, x[xOff + i]);
        }
    }

    @Override
    protected void doUnaryBackward(UnaryOp op, int n, float[] x, int xOff, float[] y, int yOff,
                                   float[] dy, int dyOff, float[] dx, int dxOff) {
        for (int i = 0; i < n; i++) {
            dx[dxOff + i] = derivative(op, x[xOff + i], y[yOff + i], dy[dyOff + i]);
        }
    }

    @Override
    protected void doGeluWithDerivative(int n, float[] x, int xOff, float[] y, int yOff, float[] d, int dOff) {
        for (int i = 0; i < n; i++) {
            float v = x[xOff + i], g = apply(UnaryOp.GELU, v);   // x read first: y may be x
            d[dOff + i] = derivative(UnaryOp.GELU, v, g, 1f);
            y[yOff + i] = g;
        }
    }

    // ---------------------------------------------------------------- reductions

    @Override
    protected float doSum(int n, float[] x, int xOff) {
        double s = 0;
        for (int i = 0; i < n; i++) {
            s += x[xOff + i];
        }
        return (float) s;
    }

    @Override
    protected float doMax(int n, float[] x, int xOff) {
        float m = x[xOff];
        for (int i = 1; i < n; i++) {
            m = Math.max(m, x[xOff + i]);
        }
        return m;
    }

    @Override
    protected int doArgmax(int n, float[] x, int xOff) {
        int best = 0;
        float bv = x[xOff];
        if (bv != bv) return 0;
        for (int i = 1; i < n; i++) {
            float v = x[xOff + i];
            if (v != v) return i;
            if (v > bv) {
                bv = v;
                best = i;
            }
        }
        return best;
    }

    // ---------------------------------------------------------------- rows

    @Override
    protected void doSoftmax(int rows, int cols, float[] x, int xOff, int ldx, float[] y, int yOff, int ldy) {
        for (int r = 0; r < rows; r++) {
            int xr = xOff + r * ldx, yr = yOff + r * ldy;
            float m = cols == 0 ? 0f : doMax(cols, x, xr);
            double s = 0;
            for (int j = 0; j < cols; j++) {
                float e = (float) Math.exp(x[xr + j] - m);
                y[yr + j] = e;
                s += e;
            }
            for (int j = 0; j < cols; j++) {
                y[yr + j] = (float) (y[yr + j] / s);
            }
        }
    }

    @Override
    protected void doLogSoftmax(int rows, int cols, float[] x, int xOff, int ldx, float[] y, int yOff, int ldy) {
        for (int r = 0; r < rows; r++) {
            int xr = xOff + r * ldx, yr = yOff + r * ldy;
            float m = cols == 0 ? 0f : doMax(cols, x, xr);
            double s = 0;
            for (int j = 0; j < cols; j++) {
                s += Math.exp(x[xr + j] - m);
            }
            double logSum = Math.log(s);
            for (int j = 0; j < cols; j++) {
                y[yr + j] = (float) ((x[xr + j] - m) - logSum);
            }
        }
    }

    @Override
    protected void doSoftmaxBackward(int rows, int cols, float[] y, int yOff, int ldy,
                                     float[] dy, int dyOff, int lddy, float[] dx, int dxOff, int lddx) {
        for (int r = 0; r < rows; r++) {
            int yr = yOff + r * ldy, dyr = dyOff + r * lddy, dxr = dxOff + r * lddx;
            double s = 0;
            for (int j = 0; j < cols; j++) {
                s += (double) dy[dyr + j] * y[yr + j];
            }
            float sf = (float) s;
            for (int j = 0; j < cols; j++) {
                dx[dxr + j] = y[yr + j] * (dy[dyr + j] - sf);
            }
        }
    }

    @Override
    protected void doCrossEntropyBackward(int rows, int classes, float[] lp, int lpOff, float[] stats, int statsOff,
                                          int[] targets, int tOff, int ignoreIndex, float smoothing, float scale,
                                          float[] dx, int dxOff, boolean accumulate) {
        float offset = (float) (-(double) smoothing / classes);
        double onehot = 1.0 - smoothing;
        for (int r = 0; r < rows; r++) {
            int t = targets[tOff + r];
            int o = dxOff + r * classes;
            if (t == ignoreIndex) {
                if (!accumulate) java.util.Arrays.fill(dx, o, o + classes, 0f);
                continue;
            }
            int lo = lpOff + r * classes;
            float m = 0f, hi = 0f, low = 0f;
            if (stats != null) {
                m = stats[statsOff + 3 * r];
                hi = stats[statsOff + 3 * r + 1];
                low = stats[statsOff + 3 * r + 2];
            }
            for (int j = 0; j < classes; j++) {
                float v = stats == null ? lp[lo + j] : ((lp[lo + j] - m) - hi) - low;
                float g = apply(UnaryOp.EXP, v);
                if (smoothing != 0) g = g + offset;
                if (j == t) g = (float) (g - onehot);
                dx[o + j] = accumulate ? dx[o + j] + scale * g : scale * g;
            }
        }
    }

    @Override
    protected void doLogSoftmaxStats(int rows, int cols, float[] x, int xOff, int ldx, float[] stats, int statsOff) {
        for (int r = 0; r < rows; r++) {
            int xr = xOff + r * ldx, o = statsOff + 3 * r;
            if (cols == 0) {
                stats[o] = 0f;
                stats[o + 1] = 0f;
                stats[o + 2] = 0f;
                continue;
            }
            float m = doMax(cols, x, xr);
            double s = 0;
            for (int j = 0; j < cols; j++) {
                s += Math.exp(x[xr + j] - m);
            }
            double logSum = Math.log(s);
            float hi = (float) logSum;
            stats[o] = m;
            stats[o + 1] = hi;
            stats[o + 2] = (float) (logSum - hi);
        }
    }

    @Override
    protected void doLogSoftmaxBackward(int rows, int cols, float[] y, int yOff, int ldy,
                                        float[] dy, int dyOff, int lddy, float[] dx, int dxOff, int lddx) {
        for (int r = 0; r < rows; r++) {
            int yr = yOff + r * ldy, dyr = dyOff + r * lddy, dxr = dxOff + r * lddx;
            double s = 0;
            for (int j = 0; j < cols; j++) {
                s += dy[dyr + j];
            }
            float sf = (float) s;
            for (int j = 0; j < cols; j++) {
                dx[dxr + j] = dy[dyr + j] - (float) Math.exp(y[yr + j]) * sf;
            }
        }
    }

    @Override
    protected void doAttentionSoftmax(int rows, int cols, float scale, boolean causal, float[] x, int xOff,
                                      float[] keyMask, int keyMaskOff, float[] y, int yOff) {
        int firstSeen = firstUnmasked(cols, keyMask, keyMaskOff);
        for (int r = 0; r < rows; r++) {
            int xr = xOff + r * cols, yr = yOff + r * cols;
            int n = causal ? Math.min(r + 1, cols) : cols;
            if (firstSeen >= n) {
                // no key to attend to: the uniform average over the keys the causal rule allows
                float u = (float) (1.0 / n);
                for (int j = 0; j < n; j++) y[yr + j] = u;
            } else {
                // the bits of scale, then softmax over the seen keys (a masked key adds exactly
                // what exp(-inf - m) = 0 would)
                float m = Float.NEGATIVE_INFINITY;
                for (int j = 0; j < n; j++) {
                    if (seen(keyMask, keyMaskOff, j)) m = Math.max(m, scale * x[xr + j]);
                }
                double s = 0;
                for (int j = 0; j < n; j++) {
                    float e = seen(keyMask, keyMaskOff, j) ? (float) Math.exp(scale * x[xr + j] - m) : 0f;
                    y[yr + j] = e;
                    s += e;
                }
                // a masked key stays exactly 0 even in a row that came out NaN
                for (int j = 0; j < n; j++) y[yr + j] = seen(keyMask, keyMaskOff, j) ? (float) (y[yr + j] / s) : 0f;
            }
            for (int j = n; j < cols; j++) y[yr + j] = 0f;
        }
    }

    @Override
    protected void doAttentionSoftmaxBackward(int rows, int cols, float scale, boolean causal, float[] y, int yOff,
                                              float[] dy, int dyOff, float[] keyMask, int keyMaskOff,
                                              float[] dx, int dxOff) {
        int firstSeen = firstUnmasked(cols, keyMask, keyMaskOff);
        for (int r = 0; r < rows; r++) {
            int yr = yOff + r * cols, dyr = dyOff + r * cols, dxr = dxOff + r * cols;
            int n = causal ? Math.min(r + 1, cols) : cols;
            if (firstSeen >= n) {
                for (int j = 0; j < cols; j++) dx[dxr + j] = 0f;
                continue;
            }
            double s = 0;
            for (int j = 0; j < n; j++) s += (double) dy[dyr + j] * y[yr + j];
            float sf = (float) s;
            for (int j = 0; j < n; j++) {
                dx[dxr + j] = seen(keyMask, keyMaskOff, j) ? scale * (y[yr + j] * (dy[dyr + j] - sf)) : 0f;
            }
            for (int j = n; j < cols; j++) dx[dxr + j] = 0f;
        }
    }

    /** Whether key {@code j} is not masked out. */
    private static boolean seen(float[] keyMask, int keyMaskOff, int j) {
        return keyMask == null || keyMask[keyMaskOff + j] == 0;
    }

    /** The first key {@code keyMask} leaves visible, or {@code cols} if it masks them all. */
    static int firstUnmasked(int cols, float[] keyMask, int keyMaskOff) {
        if (keyMask == null) return 0;
        for (int j = 0; j < cols; j++) if (keyMask[keyMaskOff + j] == 0) return j;
        return cols;
    }

    @Override
    protected void doLayerNorm(int rows, int cols, float[] x, int xOff, float[] gamma, int gammaOff,
                               float[] beta, int betaOff, float eps, float[] y, int yOff,
                               float[] mean, int meanOff, float[] rstd, int rstdOff) {
        for (int r = 0; r < rows; r++) {
            int xr = xOff + r * cols, yr = yOff + r * cols;
            double mu = cols == 0 ? 0 : rowMean(cols, x, xr);
            double var = cols == 0 ? 0 : rowVariance(cols, x, xr, mu);
            float meanF = (float) mu;
            float rstdF = (float) (1.0 / Math.sqrt(var + eps));
            for (int j = 0; j < cols; j++) {
                float h = (x[xr + j] - meanF) * rstdF;
                if (gamma != null) h *= gamma[gammaOff + j];
                if (beta != null) h += beta[betaOff + j];
                y[yr + j] = h;
            }
            if (mean != null) mean[meanOff + r] = meanF;
            if (rstd != null) rstd[rstdOff + r] = rstdF;
        }
    }

    /** Mean of {@code x[xo..xo+n)}, summed in double: the oracle's layer-norm statistic ({@code n > 0}). */
    static double rowMean(int n, float[] x, int xo) {
        double s = 0;
        for (int j = 0; j < n; j++) {
            s += x[xo + j];
        }
        return s / n;
    }

    /** Biased variance about {@code mu}, two-pass in double: the oracle's layer-norm statistic ({@code n > 0}). */
    static double rowVariance(int n, float[] x, int xo, double mu) {
        double v = 0;
        for (int j = 0; j < n; j++) {
            double d = x[xo + j] - mu;
            v += d * d;
        }
        return v / n;
    }

    @Override
    protected void doLayerNormBackward(int rows, int cols, float[] dy, int dyOff, float[] x, int xOff,
                                       float[] mean, int meanOff, float[] rstd, int rstdOff,
                                       float[] gamma, int gammaOff, float[] dx, int dxOff,
                                       float[] dgamma, int dgammaOff, float[] dbeta, int dbetaOff) {
        for (int r = 0; r < rows; r++) {
            int base = r * cols;
            float mu = mean[meanOff + r];
            float rs = rstd[rstdOff + r];
            // dx = rstd * (g - mean(g) - xhat * mean(g * xhat)), g = dy * gamma
            double sumG = 0, sumGX = 0;
            for (int j = 0; j < cols; j++) {
                float xhat = (x[xOff + base + j] - mu) * rs;
                float g = dy[dyOff + base + j] * (gamma == null ? 1f : gamma[gammaOff + j]);
                sumG += g;
                sumGX += (double) g * xhat;
            }
            float meanG = cols == 0 ? 0f : (float) (sumG / cols);
            float meanGX = cols == 0 ? 0f : (float) (sumGX / cols);
            for (int j = 0; j < cols; j++) {
                float d = dy[dyOff + base + j];
                float xhat = (x[xOff + base + j] - mu) * rs;
                float g = d * (gamma == null ? 1f : gamma[gammaOff + j]);
                dx[dxOff + base + j] = rs * (g - meanG - xhat * meanGX);
                if (dgamma != null) dgamma[dgammaOff + j] += d * xhat;
                if (dbeta != null) dbeta[dbetaOff + j] += d;
            }
        }
    }

    // ---------------------------------------------------------------- recurrent cells

    @Override
    protected void doLstmCell(int rows, int hidden, float[] gates, int gatesOff, float[] cPrev, int cPrevOff,
                              float[] act, int actOff, float[] tanhC, int tanhCOff, float[] h, int hOff,
                              float[] c, int cOff) {
        int hs = hidden;
        for (int r = 0; r < rows; r++) {
            int gr = gatesOff + r * 4 * hs, ar = actOff + r * 4 * hs, sr = r * hs;
            for (int j = 0; j < hs; j++) {
                float i = apply(UnaryOp.SIGMOID, gates[gr + j]);
                float f = apply(UnaryOp.SIGMOID, gates[gr + hs + j]);
                float g = apply(UnaryOp.TANH, gates[gr + 2 * hs + j]);
                float o = apply(UnaryOp.SIGMOID, gates[gr + 3 * hs + j]);
                act[ar + j] = i;
                act[ar + hs + j] = f;
                act[ar + 2 * hs + j] = g;
                act[ar + 3 * hs + j] = o;
                // two rounded products and a rounded sum: the bits of mul, mul, add kernels
                float cv = cPrev == null ? i * g : f * cPrev[cPrevOff + sr + j] + i * g;
                float tc = apply(UnaryOp.TANH, cv);
                c[cOff + sr + j] = cv;
                tanhC[tanhCOff + sr + j] = tc;
                h[hOff + sr + j] = o * tc;
            }
        }
    }

    @Override
    protected void doLstmCellBackward(int rows, int hidden, float[] act, int actOff, float[] tanhC, int tanhCOff,
                                      float[] cPrev, int cPrevOff, float[] dh, int dhOff, float[] dc, int dcOff,
                                      float[] dGates, int dGatesOff, float[] dcPrev, int dcPrevOff) {
        int hs = hidden;
        for (int r = 0; r < rows; r++) {
            int ar = actOff + r * 4 * hs, dr = dGatesOff + r * 4 * hs, sr = r * hs;
            for (int j = 0; j < hs; j++) {
                float i = act[ar + j], f = act[ar + hs + j], g = act[ar + 2 * hs + j], o = act[ar + 3 * hs + j];
                float tc = tanhC[tanhCOff + sr + j];
                float dhv = dh[dhOff + sr + j];
                float dct = dc[dcOff + sr + j] + dhv * o * (1f - tc * tc);
                dGates[dr + j] = dct * g * i * (1f - i);
                dGates[dr + hs + j] = cPrev == null ? 0f : dct * cPrev[cPrevOff + sr + j] * f * (1f - f);
                dGates[dr + 2 * hs + j] = dct * i * (1f - g * g);
                dGates[dr + 3 * hs + j] = dhv * tc * o * (1f - o);
                if (dcPrev != null) dcPrev[dcPrevOff + sr + j] = dct * f;
            }
        }
    }

    // ---------------------------------------------------------------- optimizer updates

    @Override
    protected void doSgdUpdate(int n, float[] param, int pOff, float[] grad, int gOff, float[] buf, int bufOff,
                               float lr, float momentum, float dampening, float weightDecay,
                               boolean nesterov, boolean firstStep) {
        for (int i = 0; i < n; i++) {
            float p = param[pOff + i];
            float d = grad[gOff + i];
            if (weightDecay != 0) d = d + weightDecay * p;
            if (momentum != 0) {
                float b = firstStep ? d : momentum * buf[bufOff + i] + (1f - dampening) * d;
                buf[bufOff + i] = b;
                d = nesterov ? d + momentum * b : b;
            }
            param[pOff + i] = p - lr * d;
        }
    }

    @Override
    protected void doAdamUpdate(int n, float[] param, int pOff, float[] grad, int gOff,
                                float[] m, int mOff, float[] v, int vOff, float[] vMax, int vMaxOff,
                                float lr, float beta1, float beta2, float eps, float weightDecay,
                                boolean decoupledWeightDecay, long step) {
        double bc1 = 1.0 - Math.pow(beta1, step);
        double bc2 = 1.0 - Math.pow(beta2, step);
        float stepSize = (float) (lr / bc1);
        float bc2Sqrt = (float) Math.sqrt(bc2);
        float decay = decoupledWeightDecay ? 1f - lr * weightDecay : 1f;
        for (int i = 0; i < n; i++) {
            float p = param[pOff + i];
            float g = grad[gOff + i];
            if (decoupledWeightDecay) {
                p = p * decay;
            } else if (weightDecay != 0) {
                g = g + weightDecay * p;
            }
            float mi = beta1 * m[mOff + i] + (1f - beta1) * g;
            float vi = beta2 * v[vOff + i] + (1f - beta2) * g * g;
            m[mOff + i] = mi;
            v[vOff + i] = vi;
            float vh = vi;
            if (vMax != null) {
                vh = Math.max(vMax[vMaxOff + i], vi);
                vMax[vMaxOff + i] = vh;
            }
            float denom = (float) Math.sqrt(vh) / bc2Sqrt + eps;
            param[pOff + i] = p - stepSize * (mi / denom);
        }
    }

    // ---------------------------------------------------------------- level 2 and 3

    @Override
    protected void doGemv(Transpose transA, int m, int n, float alpha, float[] a, int aOff, int lda,
                          float[] x, int xOff, float beta, float[] y, int yOff) {
        ScalarGemm.gemv(transA, m, n, alpha, a, aOff, lda, x, xOff, beta, y, yOff);
    }

    @Override
    protected void doGemm(Transpose transA, Transpose transB, int m, int n, int k, float alpha,
                          float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                          float beta, float[] c, int cOff, int ldc, float[] d, int dOff, int ldd) {
        ScalarGemm.gemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
        if (d != null) ScalarGemm.addend(m, n, d, dOff, ldd, c, cOff, ldc);
    }

    /** The scalar layout is op(B) as it is stored ({@code k x n}, or {@code n x k} transposed), dense. */
    @Override
    protected long doPackedBSize(int k, int n) {
        return (long) k * n;
    }

    @Override
    protected void doPackB(Transpose transB, int k, int n, float[] b, int bOff, int ldb, float[] dst, int dstOff) {
        int rows = transB == Transpose.N ? k : n, cols = transB == Transpose.N ? n : k;
        for (int r = 0; r < rows; r++) System.arraycopy(b, bOff + r * ldb, dst, dstOff + r * cols, cols);
    }

    /** {@link ScalarGemm#gemm} on the dense copy: the same loops, so the same bits as {@link #doGemm}. */
    @Override
    protected void doGemmPacked(Transpose transA, Transpose transB, int m, int n, int k, float alpha,
                                float[] a, int aOff, int lda, float[] packed, int packedOff,
                                float beta, float[] c, int cOff, int ldc) {
        ScalarGemm.gemm(transA, transB, m, n, k, alpha, a, aOff, lda, packed, packedOff,
                transB == Transpose.N ? n : k, beta, c, cOff, ldc);
    }

    @Override
    protected void doGemmBatched(Triangle triangle, Transpose transA, Transpose transB, int batch, int m, int n,
                                 int k, float alpha, float[] a, int aOff, int strideA, int lda,
                                 float[] b, int bOff, int strideB, int ldb,
                                 float beta, float[] c, int cOff, int strideC, int ldc) {
        for (int i = 0; i < batch; i++) {
            ScalarGemm.gemm(triangle, transA, transB, m, n, k, alpha, a, aOff + i * strideA, lda,
                    b, bOff + i * strideB, ldb, beta, c, cOff + i * strideC, ldc);
        }
    }
}
