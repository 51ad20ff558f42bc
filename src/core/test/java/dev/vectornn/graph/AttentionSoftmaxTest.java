package dev.vectornn.graph;

import static org.junit.jupiter.api.Assertions.*;

import dev.vectornn.tensor.DType;
import dev.vectornn.tensor.Shape;
import dev.vectornn.tensor.ShapeException;
import dev.vectornn.tensor.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The fused {@code attentionSoftmax} op against the unfused chain it replaces (scale,
 * {@code causalMask}, {@code maskedFill} of the padded keys, {@code softmax}) in both dtypes,
 * its treatment of queries that see no key, accumulated gradients, and its shape errors.
 */
class AttentionSoftmaxTest {

    private static final int B = 2, H = 3, T = 5;

    private static double[] random(SplittableRandom r, int n, double scale) {
        double[] v = new double[n];
        // float values, so that both dtypes see the same inputs
        for (int i = 0; i < n; i++) v[i] = (float) ((r.nextDouble() * 2 - 1) * scale);
        return v;
    }

    private static void feed(Plan p, DType dt, String name, double[] v) {
        if (dt == DType.F64) {
            p.feed(name, v);
        } else {
            float[] f = new float[v.length];
            for (int i = 0; i < v.length; i++) f[i] = (float) v[i];
            p.feed(name, f);
        }
    }

    /** The pre-fusion MultiheadAttention chain over {@code [B*H, T, T]} scores. */
    private static Node unfused(Graph g, Node scores, double scale, boolean causal, Node mask) {
        Node s = g.mul(scores, scale);
        if (causal) s = g.causalMask(s);
        if (mask != null) s = g.reshape(g.maskedFill(g.reshape(s, B, H, T, T), g.reshape(mask, B, 1, 1, T), -Float.MAX_VALUE), B * H, T, T);
        return g.softmax(s);
    }

    /** Output and score gradient of one variant, under a weighted-sum loss. */
    private static double[][] run(DType dtype, boolean fused, boolean causal, double[] mask, double[] sv, double[] wv) {
        Graph g = new Graph();
        Node scores = g.input("s", B * H, T, T);
        Node m = mask == null ? null : g.input("m", B, T);
        double scale = 1 / Math.sqrt(7);
        Node y = fused ? g.attentionSoftmax(scores, scale, causal, m) : unfused(g, scores, scale, causal, m);
        Node loss = g.sum(g.mul(y, g.input("w", B * H, T, T)));
        Plan p = g.compile(PlanOptions.forTraining().withDtype(dtype).withGradInputs("s"), loss, y);
        feed(p, dtype, "s", sv);
        feed(p, dtype, "w", wv);
        if (mask != null) feed(p, dtype, "m", mask);
        p.forward();
        p.backward();
        return new double[][] {p.output(y).to(DType.F64).doubles(), p.grad("s").to(DType.F64).doubles()};
    }

    @Test
    void matchesTheUnfusedChainInBothDtypes() {
        SplittableRandom r = new SplittableRandom(3);
        double[] sv = random(r, B * H * T * T, 6), wv = random(r, B * H * T * T, 1);
        // batch 0 pads its last key; batch 1 pads keys 1 and 3 (no query of either is left without a key)
        double[] mask = {0, 0, 0, 0, 1, 0, 1, 0, 1, 0};
        for (boolean causal : new boolean[] {false, true}) {
            for (double[] m : new double[][] {null, mask}) {
                String what = "causal " + causal + ", mask " + (m != null);
                double[][] want64 = run(DType.F64, false, causal, m, sv, wv), got64 = run(DType.F64, true, causal, m, sv, wv);
                // F64: the same double operations on the seen keys; masked ones add exact zeros
                assertArrayEquals(want64[0], got64[0], 1e-15, what + " F64 forward");
                assertArrayEquals(want64[1], got64[1], 1e-14, what + " F64 gradient");
                double[][] want32 = run(DType.F32, false, causal, m, sv, wv), got32 = run(DType.F32, true, causal, m, sv, wv);
                assertArrayEquals(want32[0], got32[0], 2e-7, what + " F32 forward");
                assertArrayEquals(want32[1], got32[1], 2e-6, what + " F32 gradient");
                for (int i = 0; i < got32[0].length; i++) {
                    int mat = i / (T * T), q = (i / T) % T, k = i % T;
                    boolean masked = (causal && k > q) || (m != null && m[(mat / H) * T + k] != 0);
                    if (masked) {
                        assertEquals(0.0, got32[0][i], what + " weight of a masked key, element " + i);
                        assertEquals(0.0, got32[1][i], what + " gradient of a masked key, element " + i);
                        assertEquals(0.0, got64[1][i], what + " F64 gradient of a masked key, element " + i);
                    }
                }
            }
        }
    }

    @Test
    void aQueryThatSeesNoKeyIsUniformOverItsCausalKeysWithoutGradient() {
        SplittableRandom r = new SplittableRandom(4);
        double[] sv = random(r, B * H * T * T, 3), wv = random(r, B * H * T * T, 1);
        double[] mask = {1, 1, 0, 0, 0, 1, 1, 1, 1, 1}; // batch 0: queries 0 and 1 see nothing (causal); batch 1: no key at all
        for (DType dt : new DType[] {DType.F32, DType.F64}) {
            for (boolean causal : new boolean[] {false, true}) {
                double[][] got = run(dt, true, causal, mask, sv, wv);
                for (int mat = 0; mat < B * H; mat++) {
                    int b = mat / H;
                    for (int q = 0; q < T; q++) {
                        int n = causal ? q + 1 : T;
                        boolean blind = true;
                        for (int k = 0; k < n; k++) blind &= mask[b * T + k] != 0;
                        if (!blind) continue;
                        for (int k = 0; k < T; k++) {
                            int i = (mat * T + q) * T + k;
                            String at = dt + " causal " + causal + " matrix " + mat + " query " + q + " key " + k;
                            assertEquals(k < n ? 1.0 / n : 0.0, got[0][i], 1e-7, at);
                            assertEquals(0.0, got[1][i], at + " gradient");
                        }
                    }
                }
                // without the causal mask the unfused chain gives the same uniform rows; with it,
                // its large negative fill also covered padded keys after the query (F64) or every
                // key (F32), so a blind query averaged future values in: the fused op does not
                if (!causal) {
                    assertArrayEquals(run(dt, false, causal, mask, sv, wv)[0], got[0], 2e-7, dt + " causal " + causal);
                }
            }
        }
    }

    @Test
    void accumulatesIntoAGradientOtherConsumersWrote() {
        for (DType dt : new DType[] {DType.F64, DType.F32}) {
            Graph g = new Graph();
            Node x = g.input("x", 2, 3, 3);
            // x feeds the tanh first and the fused op second: the op's VJP must add, not overwrite
            Node loss = g.add(g.sum(g.tanh(x)), g.sum(g.mul(g.attentionSoftmax(x, 2.0, true), g.input("w", 2, 3, 3))));
            Plan p = g.compile(PlanOptions.forTraining().withDtype(dt).withGradInputs("x"), loss);
            double[] xv = random(new SplittableRandom(5), 18, 1), wv = random(new SplittableRandom(6), 18, 1);
            feed(p, dt, "x", xv);
            feed(p, dt, "w", wv);
            p.forward();
            p.backward();
            double[] got = p.grad("x").to(DType.F64).doubles();
            for (int mat = 0; mat < 2; mat++) {
                for (int q = 0; q < 3; q++) {
                    int o = (mat * 3 + q) * 3;
                    double m = Double.NEGATIVE_INFINITY, s = 0, dot = 0;
                    for (int k = 0; k <= q; k++) m = Math.max(m, 2 * xv[o + k]);
                    double[] y = new double[3];
                    for (int k = 0; k <= q; k++) s += y[k] = Math.exp(2 * xv[o + k] - m);
                    for (int k = 0; k <= q; k++) dot += wv[o + k] * (y[k] /= s);
                    for (int k = 0; k < 3; k++) {
                        double t = Math.tanh(xv[o + k]);
                        double want = (1 - t * t) + (k <= q ? 2 * y[k] * (wv[o + k] - dot) : 0);
                        assertEquals(want, got[o + k], dt == DType.F64 ? 1e-14 : 1e-6, dt + " element " + (o + k));
                    }
                }
            }
        }
    }

    @Test
    void shapeAndScaleErrorsNameTheArguments() {
        Graph g = new Graph();
        assertMessage(() -> g.attentionSoftmax(g.input("a", 4), 1, false), "attentionSoftmax: scores is [4]; expected [..., T, S]");
        assertMessage(() -> g.attentionSoftmax(g.input("b", 2, 3, 4), 1, true),
                "attentionSoftmax: scores is [2, 3, 4]; a causal mask needs square [T, T] scores");
        assertMessage(() -> g.attentionSoftmax(g.input("c", 6, 3, 4), 1, false, g.input("m1", 4, 4)),
                "attentionSoftmax: scores is [6, 3, 4], keyPaddingMask is [4, 4]; the mask must be [B, 4] with B dividing the 6 score matrices");
        assertMessage(() -> g.attentionSoftmax(g.input("d", 6, 3, 4), 1, false, g.input("m2", 2, 3)),
                "keyPaddingMask is [2, 3]");
        assertMessage(() -> g.attentionSoftmax(g.input("e", 6, 3, 4), 1, false, g.input("m3", 2, 1, 4)),
                "keyPaddingMask is [2, 1, 4]");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> g.attentionSoftmax(g.input("f", 2, 2), Double.NaN, false));
        assertTrue(e.getMessage().startsWith("attentionSoftmax: scale must be finite, got NaN"), e.getMessage());
        IllegalArgumentException idx = assertThrows(IllegalArgumentException.class,
                () -> g.attentionSoftmax(g.input("h", 2, 2), 1, false, g.indexInput("i", 1, 2)));
        assertTrue(idx.getMessage().contains("keyPaddingMask must be a float value"), idx.getMessage());
        // [B, H, T, S] scores with a [B, S] mask are fine, as is a rank-2 single matrix
        assertEquals(Shape.of(2, 3, 4, 4), g.attentionSoftmax(g.input("ok", 2, 3, 4, 4), 1, true, g.input("m4", 2, 4)).shape());
        assertEquals(Shape.of(3, 5), g.attentionSoftmax(g.input("ok2", 3, 5), 1, false, g.constant(Tensor.zeros(DType.F32, 1, 5))).shape());
    }

    private static void assertMessage(org.junit.jupiter.api.function.Executable e, String expected) {
        ShapeException ex = assertThrows(ShapeException.class, e);
        assertTrue(ex.getMessage().contains(expected), "expected <" + expected + "> in <" + ex.getMessage() + ">");
        assertTrue(ex.getMessage().contains("(built at AttentionSoftmaxTest.java:"), ex.getMessage());
    }
}
