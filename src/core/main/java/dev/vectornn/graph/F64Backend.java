package dev.vectornn.graph;

import dev.vectornn.kernel.BinaryOp;
import dev.vectornn.kernel.ScalarMath;
import dev.vectornn.kernel.Transpose;
import dev.vectornn.kernel.Triangle;
import dev.vectornn.kernel.UnaryOp;
import dev.vectornn.tensor.DType;

/**
 * The float64 backend: plain scalar double loops with the same semantics as the scalar float
 * kernels (same formulas, same derivative conventions, e.g. ReLU'(0) = 0), used to run a graph in
 * double precision for gradient checks. Speed is not a goal here; obviousness is.
 */
final class F64Backend extends Backend {

    @Override
    DType dtype() {
        return DType.F64;
    }

    @Override
    double get(Object a, int i) {
        return ((double[]) a)[i];
    }

    @Override
    void set(Object a, int i, double v) {
        ((double[]) a)[i] = v;
    }

    @Override
    void fill(int n, double v, Object x, int xo) {
        java.util.Arrays.fill((double[]) x, xo, xo + n, v);
    }

    @Override
    void scale(int n, double alpha, Object x, int xo, Object y, int yo) {
        double[] xs = (double[]) x, ys = (double[]) y;
        for (int i = 0; i < n; i++) ys[yo + i] = alpha * xs[xo + i];
    }

    @Override
    void axpy(int n, double alpha, Object x, int xo, Object y, int yo) {
        double[] xs = (double[]) x, ys = (double[]) y;
        for (int i = 0; i < n; i++) ys[yo + i] = ys[yo + i] + alpha * xs[xo + i];
    }

    @Override
    void addScalar(int n, double v, Object x, int xo, Object y, int yo) {
        double[] xs = (double[]) x, ys = (double[]) y;
        for (int i = 0; i < n; i++) ys[yo + i] = xs[xo + i] + v;
    }

    private static double apply(BinaryOp op, double u, double v) {
        return switch (op) {
            case ADD -> u + v;
            case SUB -> u - v;
            case MUL -> u * v;
            case DIV -> u / v;
        };
    }

    @Override
    void binary(BinaryOp op, int n, Object a, int ao, Object b, int bo, Object c, int co) {
        binaryStrided(op, n, a, ao, 1, b, bo, 1, c, co);
    }

    @Override
    void binaryRow(BinaryOp op, int rows, int cols, Object a, int ao, Object b, int bo, Object c, int co) {
        for (int r = 0; r < rows; r++) binaryStrided(op, cols, a, ao + r * cols, 1, b, bo, 1, c, co + r * cols);
    }

    @Override
    void binaryCol(BinaryOp op, int rows, int cols, Object a, int ao, Object b, int bo, Object c, int co) {
        for (int r = 0; r < rows; r++) binaryStrided(op, cols, a, ao + r * cols, 1, b, bo + r, 0, c, co + r * cols);
    }

    @Override
    void binaryStrided(BinaryOp op, int n, Object a, int ao, int as, Object b, int bo, int bs, Object c, int co) {
        double[] x = (double[]) a, y = (double[]) b, z = (double[]) c;
        for (int i = 0; i < n; i++) z[co + i] = apply(op, x[ao + i * as], y[bo + i * bs]);
    }

    @Override
    void stridedCopy(int n, double alpha, Object src, int so, int ss, Object dst, int dOff, boolean acc) {
        double[] s = (double[]) src, d = (double[]) dst;
        if (acc) for (int i = 0; i < n; i++) d[dOff + i] = d[dOff + i] + alpha * s[so + i * ss];
        else for (int i = 0; i < n; i++) d[dOff + i] = alpha * s[so + i * ss];
    }

    static double apply(UnaryOp op, double x) {
        return switch (op) {
            case NEG -> -x;
            case SQUARE -> x * x;
            case SQRT -> Math.sqrt(x);
            case EXP -> Math.exp(x);
            case LOG -> Math.log(x);
            case TANH -> Math.tanh(x);
            case SIGMOID -> ScalarMath.sigmoid(x);
            case RELU -> x > 0 ? x : (x != x ? x : 0.0);
            case GELU -> ScalarMath.gelu(x);
            case GELU_TANH -> ScalarMath.geluTanh(x);
        };
    }

    static double derivative(UnaryOp op, double x, double y, double dy) {
        return switch (op) {
            case NEG -> -dy;
            case SQUARE -> 2 * x * dy;
            case SQRT -> dy * 0.5 / y;
            case EXP -> dy * y;
            case LOG -> dy / x;
            case TANH -> dy * (1 - y * y);
            case SIGMOID -> dy * y * (1 - y);
            case RELU -> x > 0 ? dy : 0.0;
            case GELU -> dy * ScalarMath.geluDerivative(x);
            case GELU_TANH -> dy * ScalarMath.geluTanhDerivative(x);
        };
    }

    @Override
    void unary(UnaryOp op, int n, Object x, int xo, Object y, int yo) {
        double[] xs = (double[]) x, ys = (double[]) y;
        for (int i = 0; i < n; i++) ys[yo + i] = apply(op, xs[xo + i]);
    }

    @Override
    void unaryBackward(UnaryOp op, int n, Object x, int xo, Object y, int yo, Object dy, int dyo, Object dx, int dxo) {
        double[] xs = (double[]) x, ys = (double[]) y, g = (double[]) dy, d = (double[]) dx;
        for (int i = 0; i < n; i++) d[dxo + i] = derivative(op, xs[xo + i], ys[yo + i], g[dyo + i]);
    }

    @Override
    void geluWithDerivative(int n, Object x, int xo, Object y, int yo, Object d, int dOff) {
        double[] xs = (double[]) x, ys = (double[]) y, ds = (double[]) d;
        for (int i = 0; i < n; i++) {
            double v = xs[xo + i], g = apply(UnaryOp.GELU, v);   // x read first: y may be x
            ds[dOff + i] = derivative(UnaryOp.GELU, v, g, 1.0);
            ys[yo + i] = g;
        }
    }

    @Override
    void pow(int n, double p, Object x, int xo, Object y, int yo) {
        double[] xs = (double[]) x, ys = (double[]) y;
        for (int i = 0; i < n; i++) ys[yo + i] = Math.pow(xs[xo + i], p);
    }

    @Override
    void powBackward(int n, double p, Object x, int xo, Object dy, int dyo, Object dx, int dxo) {
        double[] xs = (double[]) x, g = (double[]) dy, d = (double[]) dx;
        for (int i = 0; i < n; i++) d[dxo + i] = g[dyo + i] * p * Math.pow(xs[xo + i], p - 1);
    }

    @Override
    double sum(int n, Object x, int xo) {
        double[] xs = (double[]) x;
        double s = 0;
        for (int i = 0; i < n; i++) s += xs[xo + i];
        return s;
    }

    @Override
    double dot(int n, Object x, int xo, Object y, int yo) {
        double[] xs = (double[]) x, ys = (double[]) y;
        double s = 0;
        for (int i = 0; i < n; i++) s += xs[xo + i] * ys[yo + i];
        return s;
    }

    @Override
    void gemmBatched(Triangle tri, Transpose ta, Transpose tb, int batch, int m, int n, int k, double alpha,
                     Object a, int ao, int sa, int lda, Object b, int bo, int sb, int ldb,
                     double beta, Object c, int co, int sc, int ldc) {
        double[] as = (double[]) a, bs = (double[]) b, cs = (double[]) c;
        boolean tA = ta == Transpose.T, tB = tb == Transpose.T;
        for (int e = 0; e < batch; e++) {
            int ae = ao + e * sa, be = bo + e * sb, ce = co + e * sc;
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double s = 0;
                    for (int p = 0; p < k; p++) {
                        // the stored A's upper triangle (column > row) counts as 0
                        if (tri == Triangle.LOWER_A && (tA ? i > p : p > i)) continue;
                        double av = tA ? as[ae + p * lda + i] : as[ae + i * lda + p];
                        double bv = tB ? bs[be + j * ldb + p] : bs[be + p * ldb + j];
                        s += av * bv;
                    }
                    if (tri == Triangle.LOWER_RESULT && j > i) s = 0;
                    int ci = ce + i * ldc + j;
                    // BLAS: beta == 0 overwrites without reading C (which may hold NaN)
                    cs[ci] = beta == 0 ? alpha * s : alpha * s + beta * cs[ci];
                }
            }
        }
    }

    @Override
    void gemmAdd(Transpose ta, Transpose tb, int m, int n, int k, Object a, int ao, int lda,
                 Object b, int bo, int ldb, Object c, int co, int ldc, Object d, int dOff, int ldd) {
        gemmBatched(Triangle.FULL, ta, tb, 1, m, n, k, 1.0, a, ao, 0, lda, b, bo, 0, ldb, 0.0, c, co, 0, ldc);
        addend(m, n, (double[]) d, dOff, ldd, (double[]) c, co, ldc);
    }

    private static void addend(int m, int n, double[] d, int dOff, int ldd, double[] c, int co, int ldc) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) c[co + i * ldc + j] += d[dOff + i * ldd + j];
        }
    }

    /** The float64 reference keeps op(B) as stored, dense: a copy that {@link #gemmPacked} reads as B. */
    @Override
    int packedBSize(int k, int n) {
        return Math.multiplyExact(k, n);
    }

    @Override
    void packB(Transpose tb, int k, int n, Object b, int bo, int ldb, Object dst, int dOff) {
        int rows = tb == Transpose.N ? k : n, cols = tb == Transpose.N ? n : k;
        for (int r = 0; r < rows; r++) System.arraycopy(b, bo + r * ldb, dst, dOff + r * cols, cols);
    }

    @Override
    void gemmPacked(Transpose ta, Transpose tb, int m, int n, int k, double alpha, Object a, int ao, int lda,
                    Object packed, int po, double beta, Object c, int co, int ldc) {
        gemmBatched(Triangle.FULL, ta, tb, 1, m, n, k, alpha, a, ao, 0, lda, packed, po, 0, tb == Transpose.N ? n : k,
                beta, c, co, 0, ldc);
    }

    @Override
    void softmax(int rows, int cols, Object x, int xo, Object y, int yo) {
        double[] xs = (double[]) x, ys = (double[]) y;
        for (int r = 0; r < rows; r++) {
            int xr = xo + r * cols, yr = yo + r * cols;
            double m = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < cols; j++) m = Math.max(m, xs[xr + j]);
            double s = 0;
            for (int j = 0; j < cols; j++) {
                double e = Math.exp(xs[xr + j] - m);
                ys[yr + j] = e;
                s += e;
            }
            for (int j = 0; j < cols; j++) ys[yr + j] /= s;
        }
    }

    @Override
    void logSoftmax(int rows, int cols, Object x, int xo, Object y, int yo) {
        double[] xs = (double[]) x, ys = (double[]) y;
        for (int r = 0; r < rows; r++) {
            int xr = xo + r * cols, yr = yo + r * cols;
            double m = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < cols; j++) m = Math.max(m, xs[xr + j]);
            double s = 0;
            for (int j = 0; j < cols; j++) s += Math.exp(xs[xr + j] - m);
            double ls = Math.log(s);
            for (int j = 0; j < cols; j++) ys[yr + j] = (xs[xr + j] - m) - ls;
        }
    }

    @Override
    void softmaxBackward(int rows, int cols, Object y, int yo, Object dy, int dyo, Object dx, int dxo) {
        double[] ys = (double[]) y, g = (double[]) dy, d = (double[]) dx;
        for (int r = 0; r < rows; r++) {
            int o = r * cols;
            double s = 0;
            for (int j = 0; j < cols; j++) s += g[dyo + o + j] * ys[yo + o + j];
            for (int j = 0; j < cols; j++) d[dxo + o + j] = ys[yo + o + j] * (g[dyo + o + j] - s);
        }
    }

    @Override
    void logSoftmaxBackward(int rows, int cols, Object y, int yo, Object dy, int dyo, Object dx, int dxo) {
        double[] ys = (double[]) y, g = (double[]) dy, d = (double[]) dx;
        for (int r = 0; r < rows; r++) {
            int o = r * cols;
            double s = 0;
            for (int j = 0; j < cols; j++) s += g[dyo + o + j];
            for (int j = 0; j < cols; j++) d[dxo + o + j] = g[dyo + o + j] - Math.exp(ys[yo + o + j]) * s;
        }
    }

    @Override
    void layerNorm(int rows, int cols, Object x, int xo, Object g, int go, Object be, int beo, double eps,
                   Object y, int yo, Object mean, int mo, Object rstd, int ro) {
        double[] xs = (double[]) x, gs = (double[]) g, bs = (double[]) be, ys = (double[]) y;
        for (int r = 0; r < rows; r++) {
            int o = r * cols;
            double s = 0;
            for (int j = 0; j < cols; j++) s += xs[xo + o + j];
            double mu = cols == 0 ? 0 : s / cols;
            double v = 0;
            for (int j = 0; j < cols; j++) {
                double d = xs[xo + o + j] - mu;
                v += d * d;
            }
            double rs = 1.0 / Math.sqrt((cols == 0 ? 0 : v / cols) + eps);
            for (int j = 0; j < cols; j++) {
                double h = (xs[xo + o + j] - mu) * rs;
                if (gs != null) h *= gs[go + j];
                if (bs != null) h += bs[beo + j];
                ys[yo + o + j] = h;
            }
            if (mean != null) ((double[]) mean)[mo + r] = mu;
            if (rstd != null) ((double[]) rstd)[ro + r] = rs;
        }
    }

    @Override
    void layerNormBackward(int rows, int cols, Object dy, int dyo, Object x, int xo, Object mean, int mo,
                           Object rstd, int ro, Object g, int go, Object dx, int dxo,
                           Object dg, int dgo, Object db, int dbo) {
        double[] dys = (double[]) dy, xs = (double[]) x, gs = (double[]) g, dxs = (double[]) dx;
        double[] dgs = (double[]) dg, dbs = (double[]) db;
        for (int r = 0; r < rows; r++) {
            int o = r * cols;
            double mu = ((double[]) mean)[mo + r], rs = ((double[]) rstd)[ro + r];
            double sumG = 0, sumGX = 0;
            for (int j = 0; j < cols; j++) {
                double xhat = (xs[xo + o + j] - mu) * rs;
                double gj = dys[dyo + o + j] * (gs == null ? 1 : gs[go + j]);
                sumG += gj;
                sumGX += gj * xhat;
            }
            double meanG = sumG / cols, meanGX = sumGX / cols;
            for (int j = 0; j < cols; j++) {
                double d = dys[dyo + o + j];
                double xhat = (xs[xo + o + j] - mu) * rs;
                double gj = d * (gs == null ? 1 : gs[go + j]);
                dxs[dxo + o + j] = rs * (gj - meanG - xhat * meanGX);
                if (dgs != null) dgs[dgo + j] += d * xhat;
                if (dbs != null) dbs[dbo + j] += d;
            }
        }
    }

    @Override
    void attentionSoftmax(int rows, int cols, double scale, boolean causal, Object x, int xo,
                          Object keyMask, int mo, Object y, int yo) {
        double[] xs = (double[]) x, ms = (double[]) keyMask, ys = (double[]) y;
        int firstSeen = firstUnmasked(cols, ms, mo);
        for (int r = 0; r < rows; r++) {
            int xr = xo + r * cols, yr = yo + r * cols;
            int n = causal ? Math.min(r + 1, cols) : cols;
            if (firstSeen >= n) {
                for (int j = 0; j < n; j++) ys[yr + j] = 1.0 / n;
            } else {
                double m = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < n; j++) if (ms == null || ms[mo + j] == 0) m = Math.max(m, scale * xs[xr + j]);
                double s = 0;
                for (int j = 0; j < n; j++) {
                    double e = ms == null || ms[mo + j] == 0 ? Math.exp(scale * xs[xr + j] - m) : 0.0;
                    ys[yr + j] = e;
                    s += e;
                }
                for (int j = 0; j < n; j++) ys[yr + j] /= s;
            }
            for (int j = n; j < cols; j++) ys[yr + j] = 0.0;
        }
    }

    @Override
    void attentionSoftmaxBackward(int rows, int cols, double scale, boolean causal, Object y, int yo,
                                  Object dy, int dyo, Object keyMask, int mo, Object dx, int dxo) {
        double[] ys = (double[]) y, g = (double[]) dy, ms = (double[]) keyMask, d = (double[]) dx;
        int firstSeen = firstUnmasked(cols, ms, mo);
        for (int r = 0; r < rows; r++) {
            int o = r * cols;
            int n = causal ? Math.min(r + 1, cols) : cols;
            if (firstSeen >= n) {
                for (int j = 0; j < cols; j++) d[dxo + o + j] = 0.0;
                continue;
            }
            double s = 0;
            for (int j = 0; j < n; j++) s += g[dyo + o + j] * ys[yo + o + j];
            for (int j = 0; j < n; j++) {
                d[dxo + o + j] = ms == null || ms[mo + j] == 0 ? scale * (ys[yo + o + j] * (g[dyo + o + j] - s)) : 0.0;
            }
            for (int j = n; j < cols; j++) d[dxo + o + j] = 0.0;
        }
    }

    /** The first key {@code keyMask} leaves visible, or {@code cols} if it masks them all. */
    private static int firstUnmasked(int cols, double[] keyMask, int mo) {
        if (keyMask == null) return 0;
        for (int j = 0; j < cols; j++) if (keyMask[mo + j] == 0) return j;
        return cols;
    }

    @Override
    void lstmCell(int rows, int hidden, Object gates, int go, Object cPrev, int cpo, Object act, int ao,
                  Object tanhC, int tco, Object h, int ho, Object c, int co) {
        double[] x = (double[]) gates, cp = (double[]) cPrev, a = (double[]) act, tc = (double[]) tanhC;
        double[] hs = (double[]) h, cs = (double[]) c;
        int n = hidden;
        for (int r = 0; r < rows; r++) {
            int xr = go + r * 4 * n, ar = ao + r * 4 * n, sr = r * n;
            for (int j = 0; j < n; j++) {
                double i = ScalarMath.sigmoid(x[xr + j]), f = ScalarMath.sigmoid(x[xr + n + j]);
                double g = Math.tanh(x[xr + 2 * n + j]), o = ScalarMath.sigmoid(x[xr + 3 * n + j]);
                a[ar + j] = i;
                a[ar + n + j] = f;
                a[ar + 2 * n + j] = g;
                a[ar + 3 * n + j] = o;
                double cv = cp == null ? i * g : f * cp[cpo + sr + j] + i * g;
                double t = Math.tanh(cv);
                cs[co + sr + j] = cv;
                tc[tco + sr + j] = t;
                hs[ho + sr + j] = o * t;
            }
        }
    }

    @Override
    void lstmCellBackward(int rows, int hidden, Object act, int ao, Object tanhC, int tco, Object cPrev, int cpo,
                          Object dh, int dho, Object dc, int dco, Object dGates, int dgo, Object dcPrev, int dcpo) {
        double[] a = (double[]) act, tc = (double[]) tanhC, cp = (double[]) cPrev, dhs = (double[]) dh;
        double[] dcs = (double[]) dc, dg = (double[]) dGates, dcp = (double[]) dcPrev;
        int n = hidden;
        for (int r = 0; r < rows; r++) {
            int ar = ao + r * 4 * n, dr = dgo + r * 4 * n, sr = r * n;
            for (int j = 0; j < n; j++) {
                double i = a[ar + j], f = a[ar + n + j], g = a[ar + 2 * n + j], o = a[ar + 3 * n + j];
                double t = tc[tco + sr + j], dhv = dhs[dho + sr + j];
                double dct = dcs[dco + sr + j] + dhv * o * (1 - t * t);
                dg[dr + j] = dct * g * i * (1 - i);
                dg[dr + n + j] = cp == null ? 0.0 : dct * cp[cpo + sr + j] * f * (1 - f);
                dg[dr + 2 * n + j] = dct * i * (1 - g * g);
                dg[dr + 3 * n + j] = dhv * t * o * (1 - o);
                if (dcp != null) dcp[dcpo + sr + j] = dct * f;
            }
        }
    }

    @Override
    int firstNonFinite(int n, Object x, int xo) {
        double[] a = (double[]) x;
        for (int i = 0; i < n; i++) {
            if (!Double.isFinite(a[xo + i])) return i;
        }
        return -1;
    }
}
