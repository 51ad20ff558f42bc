package dev.vectornn.nn;

import static org.junit.jupiter.api.Assertions.*;

import dev.vectornn.graph.Graph;
import dev.vectornn.graph.Node;
import dev.vectornn.graph.Plan;
import dev.vectornn.graph.PlanOptions;
import dev.vectornn.tensor.DType;
import dev.vectornn.tensor.Shape;
import dev.vectornn.tensor.ShapeException;
import dev.vectornn.tensor.Tensor;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** MultiheadAttention and TransformerBlock. */
class AttentionTest {

    /** Plain-loop reference of PyTorch's MHA in double; q [B,T,E], k/v [B,S,E], mask [B,S] (nonzero = ignore) or null. */
    static double[] reference(MultiheadAttention m, double[] q, double[] k, double[] v, int b, int t, int s, double[] mask,
                              boolean causal) {
        int e = m.embedDim(), heads = m.numHeads(), hd = e / heads;
        Map<String, Tensor> p = m.stateDict();
        Tensor w = p.get("in_proj_weight"), bias = p.get("in_proj_bias");
        Tensor ow = p.get("out_proj.weight"), ob = p.get("out_proj.bias");
        double[] qp = project(q, w, bias, 0, b * t, e), kp = project(k, w, bias, e, b * s, e), vp = project(v, w, bias, 2 * e, b * s, e);
        double[] ctx = new double[b * t * e];
        for (int bi = 0; bi < b; bi++) {
            for (int h = 0; h < heads; h++) {
                for (int i = 0; i < t; i++) {
                    double[] sc = new double[s];
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < s; j++) {
                        double z = 0;
                        for (int d = 0; d < hd; d++) z += qp[(bi * t + i) * e + h * hd + d] * kp[(bi * s + j) * e + h * hd + d];
                        z /= Math.sqrt(hd);
                        if ((causal && j > i) || (mask != null && mask[bi * s + j] != 0)) z = Double.NEGATIVE_INFINITY;
                        sc[j] = z;
                        max = Math.max(max, z);
                    }
                    double sum = 0;
                    for (int j = 0; j < s; j++) sum += sc[j] = Math.exp(sc[j] - max);
                    for (int j = 0; j < s; j++) {
                        for (int d = 0; d < hd; d++) ctx[(bi * t + i) * e + h * hd + d] += sc[j] / sum * vp[(bi * s + j) * e + h * hd + d];
                    }
                }
            }
        }
        double[] out = new double[b * t * e];
        for (int r = 0; r < b * t; r++) {
            for (int o = 0; o < e; o++) {
                double z = ob.getFlat(o);
                for (int i = 0; i < e; i++) z += ow.get(o, i) * ctx[r * e + i];
                out[r * e + o] = z;
            }
        }
        return out;
    }

    private static double[] project(double[] x, Tensor w, Tensor bias, int rowOff, int rows, int e) {
        double[] y = new double[rows * e];
        for (int r = 0; r < rows; r++) {
            for (int o = 0; o < e; o++) {
                double z = bias.getFlat(rowOff + o);
                for (int i = 0; i < e; i++) z += w.get(rowOff + o, i) * x[r * e + i];
                y[r * e + o] = z;
            }
        }
        return y;
    }

    private static MultiheadAttention mha(int e, int heads, long seed) {
        MultiheadAttention m = new MultiheadAttention(e, heads, new SplittableRandom(seed));
        // non-zero biases so the reference checks their placement too
        Init.uniform(m.stateDict().get("in_proj_bias"), -0.5, 0.5, new SplittableRandom(seed + 1));
        Init.uniform(m.stateDict().get("out_proj.bias"), -0.5, 0.5, new SplittableRandom(seed + 2));
        return m;
    }

    @Test
    void namesLayoutsAndInit() {
        MultiheadAttention m = new MultiheadAttention(8, 2, new SplittableRandom(1));
        assertEquals(List.of("in_proj_weight", "in_proj_bias", "out_proj.weight", "out_proj.bias"), List.copyOf(m.stateDict().keySet()));
        assertEquals(Shape.of(24, 8), m.stateDict().get("in_proj_weight").shape());
        assertArrayEquals(new float[24], m.stateDict().get("in_proj_bias").floats());
        assertArrayEquals(new float[8], m.stateDict().get("out_proj.bias").floats());
        NnTesting.assertAllWithin(m.stateDict().get("in_proj_weight"), -Math.sqrt(6.0 / 32), Math.sqrt(6.0 / 32), "xavier");
        NnTesting.assertAllWithin(m.stateDict().get("out_proj.weight"), -1 / Math.sqrt(8), 1 / Math.sqrt(8), "linear");
        assertThrows(IllegalArgumentException.class, () -> new MultiheadAttention(6, 4, new SplittableRandom(1)));
    }

    @Test
    void selfAttentionMatchesReferenceWithMasks() {
        int b = 2, t = 4, e = 6;
        for (int heads : new int[] {1, 3}) {
            for (boolean causal : new boolean[] {false, true}) {
                for (boolean padded : new boolean[] {false, true}) {
                    MultiheadAttention m = mha(e, heads, 3);
                    double[] x = NnTesting.randomDoubles(b * t * e, 4);
                    double[] mask = padded ? new double[] {0, 0, 0, 1, 0, 1, 0, 0} : null;
                    Graph g = new Graph();
                    Node xn = g.input("x", b, t, e);
                    Node mn = padded ? g.input("mask", b, t) : null;
                    Node y = m.forward(g, xn, xn, xn, mn, causal);
                    Plan p = g.compile(PlanOptions.forInference().withDtype(DType.F64), y);
                    p.feed("x", x);
                    if (padded) p.feed("mask", mask);
                    p.forward();
                    assertArrayEquals(reference(m, x, x, x, b, t, t, mask, causal), p.output(y).doubles(), 1e-12,
                            "heads " + heads + " causal " + causal + " padded " + padded);
                }
            }
        }
    }

    @Test
    void crossAttentionMatchesReference() {
        int b = 2, t = 2, s = 3, e = 4;
        MultiheadAttention m = mha(e, 2, 5);
        double[] q = NnTesting.randomDoubles(b * t * e, 6), k = NnTesting.randomDoubles(b * s * e, 7), v = NnTesting.randomDoubles(b * s * e, 8);
        Graph g = new Graph();
        Node y = m.forward(g, g.input("q", b, t, e), g.input("k", b, s, e), g.input("v", b, s, e), null, false);
        Plan p = g.compile(PlanOptions.forInference().withDtype(DType.F64), y);
        p.feed("q", q);
        p.feed("k", k);
        p.feed("v", v);
        p.forward();
        assertArrayEquals(reference(m, q, k, v, b, t, s, null, false), p.output(y).doubles(), 1e-12);
        assertThrows(ShapeException.class, () -> m.forward(g, g.input("q2", b, t, e), g.input("k2", b, s, e),
                g.input("v2", b, s, e), null, true));
    }

    @Test
    void attentionGradcheck() {
        MultiheadAttention m = mha(4, 2, 9);
        Graph g = new Graph();
        Node x = g.input("x", 2, 3, 4);
        Node mask = g.constant(Tensor.of(new float[] {0, 0, 1, 0, 0, 0}, 2, 3));
        Node y = m.forward(g, x, x, x, mask, true);
        NnTesting.assertGradCheck(g, y, Map.of("x", NnTesting.randomDoubles(24, 10)));
        Graph g2 = new Graph();
        Node y2 = m.forward(g2, g2.input("q", 1, 2, 4), g2.input("kv", 1, 3, 4), g2.input("kv2", 1, 3, 4), null, false);
        NnTesting.assertGradCheck(g2, y2, Map.of("q", NnTesting.randomDoubles(8, 11), "kv", NnTesting.randomDoubles(12, 12),
                "kv2", NnTesting.randomDoubles(12, 13)));
    }

    @Test
    void transformerBlockNamesGradcheckAndCausality() {
        TransformerBlock blk = new TransformerBlock(4, 2, new SplittableRandom(14));
        assertEquals(List.of("ln_1.weight", "ln_1.bias", "attn.in_proj_weight", "attn.in_proj_bias", "attn.out_proj.weight",
                "attn.out_proj.bias", "ln_2.weight", "ln_2.bias", "mlp.c_fc.weight", "mlp.c_fc.bias", "mlp.c_proj.weight",
                "mlp.c_proj.bias"), List.copyOf(blk.stateDict().keySet()));
        assertEquals(Shape.of(16, 4), blk.stateDict().get("mlp.c_fc.weight").shape());
        assertEquals(Shape.of(4, 16), blk.stateDict().get("mlp.c_proj.weight").shape());
        Init.uniform(blk.stateDict().get("attn.in_proj_bias"), -0.3, 0.3, new SplittableRandom(15));
        Graph g = new Graph();
        Node x = g.input("x", 2, 3, 4);
        Node y = blk.forward(g, x, true);
        NnTesting.assertGradCheck(g, y, Map.of("x", NnTesting.randomDoubles(24, 16)));

        Plan p = g.compile(PlanOptions.forInference(), y);
        float[] a = NnTesting.randomFloats(24, 17), c = a.clone();
        for (int i = 8; i < 12; i++) c[i] += 1; // change the last position of the first sequence
        p.feed("x", a);
        p.forward();
        Tensor ya = p.output(y);
        p.feed("x", c);
        p.forward();
        Tensor yc = p.output(y);
        for (int i = 0; i < 8; i++) assertEquals(ya.getFlat(i), yc.getFlat(i), "earlier positions cannot see later ones");
        assertNotEquals(ya.getFlat(8), yc.getFlat(8));
    }
}
