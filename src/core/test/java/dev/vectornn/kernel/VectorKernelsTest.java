package dev.vectornn.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vectornn.kernel.simd.Simd;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Quick equivalence checks of {@link VectorKernels} against the scalar oracle on a few random
 * inputs per kernel, at lengths around the vector width and the tail (the exhaustive properties
 * live in property-tests). Exact kernels are compared bit for bit; the rest within their
 * documented tolerances.
 */
class VectorKernelsTest {

    private final Kernels v = new VectorKernels();
    private final Kernels s = KernelProvider.scalar();
    private final SplittableRandom rnd = new SplittableRandom(42);
    private static final int L = Simd.LANES;
    private static final int[] SIZES = {0, 1, L - 1, L, L + 1, 4 * L - 1, 4 * L + 3, 1000, 9000};

    private float[] random(int n, float scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) (rnd.nextGaussian() * scale);
        return a;
    }

    /**
     * The ulps a vector row reduction (softmax, log-sum-exp) may differ from the scalar oracle
     * over {@code n} terms: 4 for exp and the division, plus the vector sum's own rounding. The
     * oracle sums in double; the vector kernels sum each chunk of {@link VectorKernels#CHUNK}
     * elements in one float vector of L lanes (then the chunks in double), so each lane adds
     * {@code m = min(n, CHUNK) / L} terms in float, each rounding by at most half an ulp of the
     * running sum: random inputs drift like sqrt(m) ulps (m in the worst case). With 4 alone the
     * 9000- and 1000-column rows failed at 256 and 128 bits (5 and 6 ulp): fewer lanes, longer
     * lane sums. The bound is 4 + sqrt(m): 20 at 512 bits for 9000 columns, 36 at 128 bits.
     */
    static long sumUlps(int n) {
        return 4 + (long) Math.ceil(Math.sqrt((double) Math.min(n, VectorKernels.CHUNK) / L));
    }

    private static void assertUlps(float[] expected, float[] actual, long maxUlp, double absFloor, String what) {
        for (int i = 0; i < expected.length; i++) {
            float e = expected[i], a = actual[i];
            if (e != e && a != a) continue;
            boolean ok = VectorMathAccuracyTest.ulps(e, a) <= maxUlp || Math.abs((double) e - a) <= absFloor;
            final int idx = i;
            assertTrue(ok, () -> what + "[" + idx + "]: expected " + e + " got " + a);
        }
    }

    @Test
    void describesItself() {
        assertEquals("vector-" + Simd.BITS, v.name());
        assertEquals(Simd.BITS, v.vectorBits());
        assertTrue(v.toString().contains("FMA"), v.toString());
    }

    @Test
    void level1() {
        for (int n : SIZES) {
            float[] x = random(n + 3, 1), y = random(n + 5, 1);
            double mag = 0;
            for (int i = 0; i < n; i++) mag += Math.abs((double) x[3 + i] * y[5 + i]);
            assertEquals(s.dot(n, x, 3, y, 5), v.dot(n, x, 3, y, 5), 1e-6 * mag + 1e-30, "dot n=" + n);
            double smag = 0;
            for (int i = 0; i < n; i++) smag += Math.abs(x[3 + i]);
            assertEquals(s.sum(n, x, 3), v.sum(n, x, 3), 1e-6 * smag + 1e-30, "sum n=" + n);
            float[] ys = y.clone(), yv = y.clone();
            s.axpy(n, 0.7f, x, 3, ys, 5);
            v.axpy(n, 0.7f, x, 3, yv, 5);
            assertArrayEquals(ys, yv, "axpy n=" + n);
            s.scale(n, -1.3f, x, 3, ys, 5);
            v.scale(n, -1.3f, x, 3, yv, 5);
            assertArrayEquals(ys, yv, "scale n=" + n);
            s.fill(n, 2.5f, ys, 5);
            v.fill(n, 2.5f, yv, 5);
            assertArrayEquals(ys, yv, "fill n=" + n);
            if (n > 0) {
                assertEquals(s.max(n, x, 3), v.max(n, x, 3), "max n=" + n);
                assertEquals(s.argmax(n, x, 3), v.argmax(n, x, 3), "argmax n=" + n);
            }
        }
    }

    @Test
    void maxAndArgmaxSpecials() {
        float[] x = new float[3 * L + 2];
        Arrays.fill(x, -0f);
        x[L + 2] = 0f;
        assertEquals(Float.floatToRawIntBits(s.max(x.length, x, 0)), Float.floatToRawIntBits(v.max(x.length, x, 0)));
        assertEquals(s.argmax(x.length, x, 0), v.argmax(x.length, x, 0));
        x[2 * L + 1] = Float.NaN;
        x[3 * L] = Float.NaN;
        x[1] = Float.POSITIVE_INFINITY;
        assertEquals(s.max(x.length, x, 0), v.max(x.length, x, 0));
        assertEquals(2 * L + 1, v.argmax(x.length, x, 0));
        // a NaN only in the scalar tail of a sub-range
        x[3 * L] = 1f;
        x[x.length - 1] = Float.NaN;
        assertEquals(2, v.argmax(3, x, x.length - 3));
        assertEquals(s.argmax(x.length - 2 * L - 2, x, 2 * L + 2), v.argmax(x.length - 2 * L - 2, x, 2 * L + 2));
    }

    @Test
    void binaryAndBroadcasts() {
        for (BinaryOp op : BinaryOp.values()) {
            for (int n : SIZES) {
                float[] a = random(n + 1, 2), b = random(n + 2, 2);
                float[] cs = new float[n + 3], cv = new float[n + 3];
                s.binary(op, n, a, 1, b, 2, cs, 3);
                v.binary(op, n, a, 1, b, 2, cv, 3);
                assertArrayEquals(cs, cv, op + " n=" + n);
            }
            int rows = 5, cols = 2 * L + 3, ld = cols + 2;
            float[] a = random(rows * ld, 2), br = random(cols, 2), bc = random(rows, 2);
            float[] cs = new float[rows * ld], cv = new float[rows * ld];
            s.binaryRow(op, rows, cols, a, 0, ld, br, 0, cs, 0, ld);
            v.binaryRow(op, rows, cols, a, 0, ld, br, 0, cv, 0, ld);
            assertArrayEquals(cs, cv, op + " row");
            s.binaryCol(op, rows, cols, a, 0, ld, bc, 0, cs, 0, ld);
            v.binaryCol(op, rows, cols, a, 0, ld, bc, 0, cv, 0, ld);
            assertArrayEquals(cs, cv, op + " col");
        }
    }

    private static final float[] SPECIALS = {0f, -0f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY,
        Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL, 1e-30f, 88.8f, -88.8f, 100f, -100f, 3.4e38f, -3.4e38f};

    @Test
    void unaryAndBackward() {
        for (UnaryOp op : UnaryOp.values()) {
            long ulp = switch (op) {
                case EXP, LOG, TANH -> 1;
                case SIGMOID -> 2;
                case GELU -> 6;
                case GELU_TANH -> 3;
                default -> 0;
            };
            for (int n : SIZES) {
                float[] x = random(n + 1, 3);
                if (op == UnaryOp.SQRT || op == UnaryOp.LOG) for (int i = 0; i < x.length; i++) x[i] = Math.abs(x[i]);
                for (int i = 0; i < Math.min(SPECIALS.length, n); i++) x[1 + i] = SPECIALS[i];
                float[] ys = new float[n + 2], yv = new float[n + 2];
                s.unary(op, n, x, 1, ys, 2);
                v.unary(op, n, x, 1, yv, 2);
                // geluTanh's ulp bound holds for x >= -1; below, an absolute bound
                assertUlps(ys, yv, ulp, op == UnaryOp.GELU_TANH ? 6e-8 : 0, op + " n=" + n);
                float[] dy = random(n + 2, 1);
                float[] dxs = new float[n + 2], dxv = new float[n + 2];
                s.unaryBackward(op, n, x, 1, ys, 2, dy, 2, dxs, 2);
                v.unaryBackward(op, n, x, 1, ys, 2, dy, 2, dxv, 2);
                boolean exact = op != UnaryOp.GELU && op != UnaryOp.GELU_TANH;
                assertUlps(dxs, dxv, exact ? 0 : 17, exact ? 0 : 4e-7, op + " backward n=" + n);
            }
        }
    }

    @Test
    void rows() {
        int[][] shapes = {{1, 1}, {3, L - 1}, {4, 4 * L + 5}, {2, 1000}, {1, 9000}};
        for (int[] sh : shapes) {
            int rows = sh[0], cols = sh[1], ld = cols + 1;
            float[] x = random(rows * ld, 4);
            float[] ys = new float[rows * ld], yv = new float[rows * ld];
            s.softmax(rows, cols, x, 0, ld, ys, 0, ld);
            v.softmax(rows, cols, x, 0, ld, yv, 0, ld);
            assertUlps(ys, yv, sumUlps(cols), 1e-9, "softmax " + rows + "x" + cols);
            float[] dy = random(rows * ld, 1), dxs = new float[rows * ld], dxv = new float[rows * ld];
            s.softmaxBackward(rows, cols, ys, 0, ld, dy, 0, ld, dxs, 0, ld);
            v.softmaxBackward(rows, cols, ys, 0, ld, dy, 0, ld, dxv, 0, ld);
            assertUlps(dxs, dxv, 4, 1e-6, "softmaxBackward " + rows + "x" + cols);
            float[] ls = new float[rows * ld], lv = new float[rows * ld];
            s.logSoftmax(rows, cols, x, 0, ld, ls, 0, ld);
            v.logSoftmax(rows, cols, x, 0, ld, lv, 0, ld);
            // log of a sum of at least 1 (the max's own exp): absolute error the sum's relative one
            assertUlps(ls, lv, 4, sumUlps(cols) * Math.ulp(1f), "logSoftmax " + rows + "x" + cols);
            s.logSoftmaxBackward(rows, cols, ls, 0, ld, dy, 0, ld, dxs, 0, ld);
            v.logSoftmaxBackward(rows, cols, ls, 0, ld, dy, 0, ld, dxv, 0, ld);
            assertUlps(dxs, dxv, 4, 1e-5, "logSoftmaxBackward " + rows + "x" + cols);
        }
    }

    @Test
    void crossEntropyBackward() {
        // classes: a tail only, vector + tail, more than one 256-element chunk (the accumulating
        // path's chunking), a word-LM row; targets at both ends, in the middle and ignored
        int[] classesList = {L - 1, 3 * L + 5, 600, 33278};
        for (int classes : classesList) {
            int rows = 4;
            float[] logits = random(rows * classes, 6);
            float[] lp = new float[rows * classes + 2];
            s.logSoftmax(rows, classes, logits, 0, classes, lp, 2, classes);
            int[] t = {classes - 1, -100, 0, classes / 2};
            for (float smoothing : new float[] {0f, 0.1f}) {
                for (boolean acc : new boolean[] {false, true}) {
                    float[] start = random(rows * classes + 3, 1);
                    float[] ds = start.clone(), dv = start.clone();
                    s.crossEntropyBackward(rows, classes, lp, 2, t, 0, -100, smoothing, 0.25f, ds, 3, acc);
                    v.crossEntropyBackward(rows, classes, lp, 2, t, 0, -100, smoothing, 0.25f, dv, 3, acc);
                    String what = "crossEntropyBackward classes=" + classes + " smoothing=" + smoothing + " acc=" + acc;
                    assertUlps(ds, dv, 2, 1e-9, what);
                    // the ignored row: zero, or untouched when accumulating
                    for (int j = 0; j < classes; j++) {
                        float want = acc ? start[3 + classes + j] : 0f;
                        if (dv[3 + classes + j] != want) {
                            throw new AssertionError(what + ": ignored row element " + j + " is " + dv[3 + classes + j]);
                        }
                    }
                    // a written row sums to scale * (1 - 1) = 0, up to rounding
                    if (!acc) {
                        double sum = 0;
                        for (int j = 0; j < classes; j++) sum += dv[3 + j];
                        if (Math.abs(sum) > 1e-5) throw new AssertionError(what + ": row 0 gradient sums to " + sum);
                    }
                }
            }
        }
    }

    /**
     * logSoftmaxStats describes logSoftmax: the vector log-softmax is ((x - m) - hi) - lo of its
     * statistics bit for bit, and cross-entropy's VJP from the logits and statistics gives the
     * bits of the VJP from that saved log-softmax. Scalar and vector statistics agree.
     */
    @Test
    void crossEntropyBackwardFromLogits() {
        for (int classes : new int[] {L - 1, 3 * L + 5, 600, 33278}) {
            int rows = 4;
            float[] logits = random(rows * classes + 1, 6);
            float[] sv = new float[3 * rows + 2], ss = new float[3 * rows + 2];
            v.logSoftmaxStats(rows, classes, logits, 1, classes, sv, 2);
            s.logSoftmaxStats(rows, classes, logits, 1, classes, ss, 2);
            float[] lp = new float[rows * classes];
            v.logSoftmax(rows, classes, logits, 1, classes, lp, 0, classes);
            for (int r = 0; r < rows; r++) {
                int o = 2 + 3 * r;
                assertEquals(ss[o], sv[o], 0f, "max of row " + r);
                double logSum = (double) ss[o + 1] + ss[o + 2];
                // the log of a sum of at least 1: its absolute error is the sum's relative error
                assertEquals(logSum, (double) sv[o + 1] + sv[o + 2], sumUlps(classes) * Math.ulp(1f), "log-sum of row " + r);
                for (int j = 0; j < classes; j++) {
                    float want = ((logits[1 + r * classes + j] - sv[o]) - sv[o + 1]) - sv[o + 2];
                    assertEquals(want, lp[r * classes + j], 0f, "logSoftmax from its stats at " + r + "," + j);
                }
            }
            int[] t = {classes - 1, -100, 0, classes / 2};
            for (float smoothing : new float[] {0f, 0.1f}) {
                for (boolean acc : new boolean[] {false, true}) {
                    float[] start = random(rows * classes + 3, 1);
                    float[] fromLp = start.clone(), fromLogits = start.clone();
                    v.crossEntropyBackward(rows, classes, lp, 0, t, 0, -100, smoothing, 0.25f, fromLp, 3, acc);
                    v.crossEntropyBackward(rows, classes, logits, 1, sv, 2, t, 0, -100, smoothing, 0.25f, fromLogits, 3, acc);
                    assertArrayEquals(fromLp, fromLogits, "classes=" + classes + " smoothing=" + smoothing + " acc=" + acc);
                }
            }
        }
    }

    @Test
    void attentionSoftmax() {
        int[] sizes = {1, L - 1, L + 1, 2 * L + 3, 70};
        for (int t : sizes) {
            for (boolean causal : new boolean[] {false, true}) {
                for (int maskKind = 0; maskKind < 3; maskKind++) {   // none, some keys, every key
                    String what = "attentionSoftmax " + t + "x" + t + (causal ? " causal" : "") + " mask " + maskKind;
                    int n = t * t;
                    float scale = 0.37f;
                    float[] x = random(n + 1, 4);
                    float[] mask = maskKind == 0 ? null : new float[t + 2];
                    if (maskKind == 1) for (int j = 0; j < t; j += 3) mask[2 + j] = 1;   // keys 0, 3, 6, ...: row 0 is blind when causal
                    if (maskKind == 2) Arrays.fill(mask, 2, 2 + t, -1);
                    if (causal) {
                        // the causal half is not read: NaN there must not reach the output
                        for (int r = 0; r < t; r++) for (int j = r + 1; j < t; j++) x[1 + r * t + j] = Float.NaN;
                    }
                    float[][] ys = new float[2][];
                    Kernels[] ks = {s, v};
                    for (int q = 0; q < 2; q++) {
                        float[] y = new float[n + 3];
                        ks[q].attentionSoftmax(t, t, scale, causal, x, 1, mask, 2, y, 3);
                        ys[q] = y;
                        // a seen row is the kernel's own scale then softmax over its seen keys:
                        // exactly for the oracle, up to the order of the exp sum for the vector twin
                        for (int r = 0; r < t; r++) {
                            int len = causal ? r + 1 : t;
                            float[] row = new float[len], want = new float[len];
                            ks[q].scale(len, scale, x, 1 + r * t, row, 0);
                            boolean any = false;
                            for (int j = 0; j < len; j++) {
                                if (mask != null && mask[2 + j] != 0) row[j] = Float.NEGATIVE_INFINITY;
                                else any = true;
                            }
                            if (any) ks[q].softmax(1, len, row, 0, len, want, 0, len);
                            else Arrays.fill(want, (float) (1.0 / len));
                            float[] got = Arrays.copyOfRange(y, 3 + r * t, 3 + r * t + len);
                            if (q == 0) assertArrayEquals(want, got, ks[q].name() + " " + what + " row " + r);
                            else assertUlps(want, got, sumUlps(len), 1e-9, ks[q].name() + " " + what + " row " + r);
                            for (int j = len; j < t; j++) assertEquals(0f, y[3 + r * t + j], what + " causal zero");
                        }
                    }
                    assertUlps(ys[0], ys[1], sumUlps(t), 1e-9, what);
                    float[] dy = random(n + 4, 1);
                    if (causal) for (int r = 0; r < t; r++) for (int j = r + 1; j < t; j++) dy[4 + r * t + j] = Float.NaN;
                    float[][] dxs = new float[2][];
                    for (int q = 0; q < 2; q++) {
                        float[] dx = new float[n + 5];
                        Arrays.fill(dx, Float.NaN);   // overwritten everywhere in the matrix
                        ks[q].attentionSoftmaxBackward(t, t, scale, causal, ys[0], 3, dy, 4, mask, 2, dx, 5);
                        dxs[q] = Arrays.copyOfRange(dx, 5, 5 + n);
                        for (float d : dxs[q]) assertTrue(Float.isFinite(d), ks[q].name() + " " + what + " dx " + Arrays.toString(dxs[q]));
                    }
                    assertUlps(dxs[0], dxs[1], 4, 1e-6, what + " backward");
                    // spot-check the oracle against the formula in double, on the last row
                    int r = t - 1, len = t;   // the last row sees every key the mask leaves
                    double dot = 0;
                    for (int j = 0; j < len; j++) dot += (double) dy[4 + r * t + j] * ys[0][3 + r * t + j];
                    boolean blind = maskKind == 2;
                    for (int j = 0; j < t; j++) {
                        boolean masked = mask != null && mask[2 + j] != 0;
                        double want = blind || masked ? 0 : scale * ys[0][3 + r * t + j] * (dy[4 + r * t + j] - dot);
                        assertEquals(want, dxs[0][r * t + j], 1e-6, what + " formula at " + j);
                    }
                }
            }
        }
    }

    /** The LSTM cell as the unary and binary kernels of {@code k} compute it: {act, tanhC, h, c}. */
    private static float[][] composedLstmCell(Kernels k, int rows, int hs, float[] gates, float[] cPrev) {
        float[] act = new float[rows * 4 * hs], tc = new float[rows * hs], h = new float[rows * hs], c = new float[rows * hs];
        float[] t1 = new float[hs], t2 = new float[hs];
        for (int r = 0; r < rows; r++) {
            int a = r * 4 * hs, o = r * hs;
            k.unary(UnaryOp.SIGMOID, 4 * hs, gates, a, act, a);
            k.unary(UnaryOp.TANH, hs, gates, a + 2 * hs, act, a + 2 * hs);
            k.binary(BinaryOp.MUL, hs, act, a, act, a + 2 * hs, t2, 0);
            if (cPrev == null) {
                System.arraycopy(t2, 0, c, o, hs);
            } else {
                k.binary(BinaryOp.MUL, hs, act, a + hs, cPrev, o, t1, 0);
                k.binary(BinaryOp.ADD, hs, t1, 0, t2, 0, c, o);
            }
            k.unary(UnaryOp.TANH, hs, c, o, tc, o);
            k.binary(BinaryOp.MUL, hs, act, a + 3 * hs, tc, o, h, o);
        }
        return new float[][] {act, tc, h, c};
    }

    @Test
    void lstmCell() {
        int[][] shapes = {{1, 1}, {2, L - 1}, {3, L}, {2, 2 * L + 3}, {1, 200}};
        for (int[] sh : shapes) {
            for (boolean zeroState : new boolean[] {false, true}) {
                int rows = sh[0], hs = sh[1], n = rows * hs;
                String what = "lstmCell " + rows + "x" + hs + (zeroState ? " zero state" : "");
                float[] gates = random(4 * n + 1, 3), cPrev = zeroState ? null : random(n + 2, 2);
                float[][] out = new float[2][];
                float[][][] all = new float[2][][];
                Kernels[] ks = {s, v};
                for (int q = 0; q < 2; q++) {
                    // odd offsets everywhere, so no row starts on a vector boundary
                    float[] act = new float[4 * n + 3], tc = new float[n + 4], h = new float[n + 5], c = new float[n + 6];
                    ks[q].lstmCell(rows, hs, gates, 1, cPrev, 2, act, 3, tc, 4, h, 5, c, 6);
                    all[q] = new float[][] {Arrays.copyOfRange(act, 3, 3 + 4 * n), Arrays.copyOfRange(tc, 4, 4 + n),
                        Arrays.copyOfRange(h, 5, 5 + n), Arrays.copyOfRange(c, 6, 6 + n)};
                    // the fused kernel gives exactly the bits of its own unary and binary kernels
                    float[][] ref = composedLstmCell(ks[q], rows, hs, Arrays.copyOfRange(gates, 1, 1 + 4 * n),
                            cPrev == null ? null : Arrays.copyOfRange(cPrev, 2, 2 + n));
                    for (int p = 0; p < 4; p++) assertArrayEquals(ref[p], all[q][p], ks[q].name() + " " + what + " part " + p);
                    out[q] = all[q][2];
                }
                assertUlps(all[0][0], all[1][0], 2, 0, what + " act");
                assertUlps(all[0][3], all[1][3], 4, 1e-6, what + " c");
                assertUlps(out[0], out[1], 4, 1e-6, what + " h");
                // backward from the same saved state: bit-exact
                float[] dh = random(n + 1, 1), dc = random(n + 2, 1);
                float[][] grads = new float[2][];
                float[][] dcps = new float[2][];
                for (int q = 0; q < 2; q++) {
                    float[] act = new float[4 * n + 1], tc = new float[n];
                    System.arraycopy(all[0][0], 0, act, 1, 4 * n);
                    System.arraycopy(all[0][1], 0, tc, 0, n);
                    float[] dg = new float[4 * n + 2], dcp = zeroState ? null : new float[n + 3];
                    ks[q].lstmCellBackward(rows, hs, act, 1, tc, 0, cPrev, 2, dh, 1, dc, 2, dg, 2, dcp, 3);
                    grads[q] = dg;
                    dcps[q] = dcp;
                }
                assertArrayEquals(grads[0], grads[1], what + " dGates");
                if (!zeroState) assertArrayEquals(dcps[0], dcps[1], what + " dcPrev");
                // spot-check the oracle against the formulas in double
                float[] act = all[0][0];
                int j = n - 1, r = j / hs, col = j % hs, a = r * 4 * hs + col;
                double i = act[a], f = act[a + hs], g = act[a + 2 * hs], o = act[a + 3 * hs], t = all[0][1][j];
                double dct = dc[2 + j] + dh[1 + j] * o * (1 - t * t);
                assertEquals(dct * i * (1 - g * g), grads[0][2 + a + 2 * hs], 1e-5 * Math.abs(dct) + 1e-7, what);
                assertEquals(dh[1 + j] * t * o * (1 - o), grads[0][2 + a + 3 * hs], 1e-6, what);
                if (zeroState) assertEquals(0f, grads[0][2 + a + hs], what);
                else assertEquals(dct * f, dcps[0][3 + j], 1e-5 * Math.abs(dct) + 1e-7, what);
            }
        }
    }

    @Test
    void layerNorm() {
        int[][] shapes = {{1, 1}, {3, L + 3}, {4, 4 * L + 5}, {2, 5000}};
        for (int[] sh : shapes) {
            int rows = sh[0], cols = sh[1], n = rows * cols;
            float[] x = random(n, 3), gamma = random(cols, 1), beta = random(cols, 1);
            for (int i = 0; i < n; i++) x[i] += 10;   // an offset mean, to exercise the centring
            for (boolean affine : new boolean[] {true, false}) {
                float[] g = affine ? gamma : null, b = affine ? beta : null;
                float[] ys = new float[n], yv = new float[n];
                float[] ms = new float[rows], mv = new float[rows], rs = new float[rows], rv = new float[rows];
                s.layerNorm(rows, cols, x, 0, g, 0, b, 0, 1e-5f, ys, 0, ms, 0, rs, 0);
                v.layerNorm(rows, cols, x, 0, g, 0, b, 0, 1e-5f, yv, 0, mv, 0, rv, 0);
                assertUlps(ms, mv, 2, 0, "mean");
                assertUlps(rs, rv, 4, 0, "rstd");
                assertUlps(ys, yv, 64, 1e-5, "layerNorm " + rows + "x" + cols);
                float[] dy = random(n, 1), dxs = new float[n], dxv = new float[n];
                float[] dgs = random(cols, 1), dgv = dgs.clone(), dbs = random(cols, 1), dbv = dbs.clone();
                // identical statistics, so only the row sums' order differs
                s.layerNormBackward(rows, cols, dy, 0, x, 0, ms, 0, rs, 0, g, 0, dxs, 0, dgs, 0, dbs, 0);
                v.layerNormBackward(rows, cols, dy, 0, x, 0, ms, 0, rs, 0, g, 0, dxv, 0, dgv, 0, dbv, 0);
                assertUlps(dxs, dxv, 64, 1e-5, "layerNormBackward dx");
                assertArrayEquals(dgs, dgv, "dgamma");
                assertArrayEquals(dbs, dbv, "dbeta");
            }
        }
    }

    @Test
    void optimizersAreBitExact() {
        for (int n : SIZES) {
            for (int variant = 0; variant < 4; variant++) {
                float[] p = random(n, 1), g = random(n, 1), buf = random(n, 1);
                float[] ps = p.clone(), pv = p.clone(), bs = buf.clone(), bv = buf.clone();
                boolean nesterov = variant == 1, first = variant == 2;
                float momentum = variant == 3 ? 0f : 0.9f, wd = variant == 0 ? 0f : 0.01f;
                s.sgdUpdate(n, ps, 0, g, 0, bs, 0, 0.1f, momentum, 0f, wd, nesterov, first);
                v.sgdUpdate(n, pv, 0, g, 0, bv, 0, 0.1f, momentum, 0f, wd, nesterov, first);
                assertArrayEquals(ps, pv, "sgd param");
                assertArrayEquals(bs, bv, "sgd buf");

                float[] m = random(n, 0.1f), vv = random(n, 0.1f), vmax = random(n, 0.1f);
                for (int i = 0; i < n; i++) { vv[i] = Math.abs(vv[i]); vmax[i] = Math.abs(vmax[i]); }
                float[] ms = m.clone(), mvv = m.clone(), vs = vv.clone(), vvv = vv.clone();
                float[] xs = vmax.clone(), xv = vmax.clone();
                boolean decoupled = variant % 2 == 0, ams = variant >= 2;
                ps = p.clone();
                pv = p.clone();
                s.adamUpdate(n, ps, 0, g, 0, ms, 0, vs, 0, ams ? xs : null, 0, 1e-3f, 0.9f, 0.999f, 1e-8f, wd, decoupled, 7);
                v.adamUpdate(n, pv, 0, g, 0, mvv, 0, vvv, 0, ams ? xv : null, 0, 1e-3f, 0.9f, 0.999f, 1e-8f, wd, decoupled, 7);
                assertArrayEquals(ps, pv, "adam param");
                assertArrayEquals(ms, mvv, "adam m");
                assertArrayEquals(vs, vvv, "adam v");
                assertArrayEquals(xs, xv, "adam vMax");
            }
        }
    }

    /**
     * A reduction must give the same bits on its first (interpreted) call and after C2 compiled
     * it: reduceLanes(ADD) did not, which broke bit-identical reruns of a seeded training run.
     */
    @Test
    void reductionsGiveTheSameBitsColdAndWarm() {
        float[] x = random(1003, 1f), y = random(1003, 1f);
        float dot0 = v.dot(x.length, x, 0, y, 0), sum0 = v.sum(x.length, x, 0);
        float[] soft0 = new float[x.length];
        v.softmax(1, x.length, x, 0, x.length, soft0, 0, x.length);
        float dot = 0, sum = 0;
        float[] soft = new float[x.length];
        for (int it = 0; it < 30_000; it++) {
            dot = v.dot(x.length, x, 0, y, 0);
            sum = v.sum(x.length, x, 0);
            if (it % 10 == 0) v.softmax(1, x.length, x, 0, x.length, soft, 0, x.length);
        }
        assertEquals(Float.floatToIntBits(dot0), Float.floatToIntBits(dot), "dot");
        assertEquals(Float.floatToIntBits(sum0), Float.floatToIntBits(sum), "sum");
        assertArrayEquals(soft0, soft, "softmax");
    }
}
