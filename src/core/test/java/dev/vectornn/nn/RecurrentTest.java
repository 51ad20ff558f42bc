package dev.vectornn.nn;

import static org.junit.jupiter.api.Assertions.*;

import dev.vectornn.graph.Graph;
import dev.vectornn.graph.Node;
import dev.vectornn.graph.Ops;
import dev.vectornn.graph.Plan;
import dev.vectornn.graph.PlanOptions;
import dev.vectornn.tensor.Shape;
import dev.vectornn.tensor.ShapeException;
import dev.vectornn.tensor.Tensor;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** RNN and LSTM: names, layouts, values against a plain double reference, gradients, state carrying. */
class RecurrentTest {

    private static double sig(double z) {
        return 1 / (1 + Math.exp(-z));
    }

    /**
     * Reference LSTM in double, time-major x [T][B][I]; returns {output [T][B][H] flattened, hn, cn}.
     * Written from the equations, independently of the graph version.
     */
    static double[][] referenceLstm(LSTM m, double[] x, int steps, int batch, int in, double[] h0, double[] c0) {
        int hs = m.hiddenSize(), layers = m.numLayers();
        Map<String, Tensor> p = m.stateDict();
        double[] seq = x.clone();
        double[] hn = new double[layers * batch * hs], cn = new double[layers * batch * hs];
        int width = in;
        for (int l = 0; l < layers; l++) {
            Tensor wih = p.get("weight_ih_l" + l), whh = p.get("weight_hh_l" + l);
            Tensor bih = p.get("bias_ih_l" + l), bhh = p.get("bias_hh_l" + l);
            double[] out = new double[steps * batch * hs];
            for (int b = 0; b < batch; b++) {
                double[] h = new double[hs], c = new double[hs];
                for (int j = 0; j < hs; j++) {
                    h[j] = h0 == null ? 0 : h0[(l * batch + b) * hs + j];
                    c[j] = c0 == null ? 0 : c0[(l * batch + b) * hs + j];
                }
                for (int t = 0; t < steps; t++) {
                    double[] gate = new double[4 * hs];
                    for (int r = 0; r < 4 * hs; r++) {
                        double z = bih.getFlat(r) + bhh.getFlat(r);
                        for (int i = 0; i < width; i++) z += wih.get(r, i) * seq[(t * batch + b) * width + i];
                        for (int i = 0; i < hs; i++) z += whh.get(r, i) * h[i];
                        gate[r] = z;
                    }
                    for (int j = 0; j < hs; j++) {
                        double ig = sig(gate[j]), fg = sig(gate[hs + j]), gg = Math.tanh(gate[2 * hs + j]), og = sig(gate[3 * hs + j]);
                        c[j] = fg * c[j] + ig * gg;
                        h[j] = og * Math.tanh(c[j]);
                        out[(t * batch + b) * hs + j] = h[j];
                    }
                }
                for (int j = 0; j < hs; j++) {
                    hn[(l * batch + b) * hs + j] = h[j];
                    cn[(l * batch + b) * hs + j] = c[j];
                }
            }
            seq = out;
            width = hs;
        }
        return new double[][] {seq, hn, cn};
    }

    @Test
    void lstmParameterNamesAndLayouts() {
        LSTM m = new LSTM(3, 5, 2, false, 0.0, new SplittableRandom(1));
        assertEquals(List.of("weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0",
                "weight_ih_l1", "weight_hh_l1", "bias_ih_l1", "bias_hh_l1"), List.copyOf(m.stateDict().keySet()));
        assertEquals(Shape.of(20, 3), m.stateDict().get("weight_ih_l0").shape());
        assertEquals(Shape.of(20, 5), m.stateDict().get("weight_ih_l1").shape());
        assertEquals(Shape.of(20, 5), m.stateDict().get("weight_hh_l0").shape());
        assertEquals(Shape.of(20), m.stateDict().get("bias_hh_l1").shape());
        for (Tensor t : m.stateDict().values()) NnTesting.assertAllWithin(t, -1 / Math.sqrt(5), 1 / Math.sqrt(5), "init");
        RNN r = new RNN(3, 4, 2, Activation.TANH, false, 0, new SplittableRandom(1));
        assertEquals(Shape.of(4, 3), r.stateDict().get("weight_ih_l0").shape());
        assertEquals(Shape.of(4, 4), r.stateDict().get("weight_hh_l1").shape());
        assertEquals(8, r.stateDict().size());
    }

    @Test
    void lstmOneStepByHand() {
        // I = 1, H = 1: weights [i f g o] = ih (1, 2, 3, 4), hh (0.5 each), biases 0.1 (ih) and 0 (hh)
        LSTM m = new LSTM(1, 1, new SplittableRandom(1));
        float[] wih = m.stateDict().get("weight_ih_l0").floats(), whh = m.stateDict().get("weight_hh_l0").floats();
        float[] bih = m.stateDict().get("bias_ih_l0").floats(), bhh = m.stateDict().get("bias_hh_l0").floats();
        for (int k = 0; k < 4; k++) {
            wih[k] = k + 1;
            whh[k] = 0.5f;
            bih[k] = 0.1f;
            bhh[k] = 0;
        }
        Graph g = new Graph();
        Node x = g.input("x", 1, 1, 1), h0 = g.input("h0", 1, 1, 1), c0 = g.input("c0", 1, 1, 1);
        LSTM.Output o = m.forward(g, x, h0, c0);
        Plan p = g.compile(PlanOptions.forInference(), o.output(), o.hn(), o.cn());
        p.feed("x", new float[] {0.5f});
        p.feed("h0", new float[] {-1f});
        p.feed("c0", new float[] {2f});
        p.forward();
        // pre-activations: k*0.5 + 0.1 - 0.5 = 0.5k - 0.4 for k = 1..4
        double i = sig(0.1), f = sig(0.6), gg = Math.tanh(1.1), og = sig(1.6);
        double c = f * 2 + i * gg, h = og * Math.tanh(c);
        assertEquals(h, p.output(o.output()).getFlat(0), 1e-6);
        assertEquals(h, p.output(o.hn()).getFlat(0), 1e-6);
        assertEquals(c, p.output(o.cn()).getFlat(0), 1e-6);
    }

    @Test
    void lstmMatchesReferenceInBothLayoutsWithTwoLayers() {
        int steps = 4, batch = 3, in = 2, hs = 3, layers = 2;
        LSTM seqFirst = new LSTM(in, hs, layers, false, 0.0, new SplittableRandom(3));
        LSTM batchFirst = new LSTM(in, hs, layers, true, 0.0, new SplittableRandom(4));
        batchFirst.loadStateDict(seqFirst.stateDict(), true);
        double[] x = NnTesting.randomDoubles(steps * batch * in, 5);
        double[] h0 = NnTesting.randomDoubles(layers * batch * hs, 6), c0 = NnTesting.randomDoubles(layers * batch * hs, 7);
        double[][] ref = referenceLstm(seqFirst, x, steps, batch, in, h0, c0);
        for (boolean bf : new boolean[] {false, true}) {
            Graph g = new Graph();
            Node xn = bf ? g.input("x", batch, steps, in) : g.input("x", steps, batch, in);
            Node hn0 = g.input("h0", layers, batch, hs), cn0 = g.input("c0", layers, batch, hs);
            LSTM.Output o = (bf ? batchFirst : seqFirst).forward(g, xn, hn0, cn0);
            assertEquals(bf ? Shape.of(batch, steps, hs) : Shape.of(steps, batch, hs), o.output().shape());
            assertEquals(Shape.of(layers, batch, hs), o.hn().shape());
            Plan p = g.compile(PlanOptions.forInference().withDtype(dev.vectornn.tensor.DType.F64), o.output(), o.hn(), o.cn());
            p.feed("x", bf ? transpose01(x, steps, batch, in) : x);
            p.feed("h0", h0);
            p.feed("c0", c0);
            p.forward();
            double[] out = p.output(o.output()).doubles();
            double[] expected = bf ? transpose01(ref[0], steps, batch, hs) : ref[0];
            for (int k = 0; k < out.length; k++) assertEquals(expected[k], out[k], 1e-6, "output " + k);
            assertArrayEquals(ref[1], p.output(o.hn()).doubles(), 1e-6);
            assertArrayEquals(ref[2], p.output(o.cn()).doubles(), 1e-6);
        }
    }

    /** [A][B][C] -> [B][A][C]. */
    static double[] transpose01(double[] x, int a, int b, int c) {
        double[] y = new double[x.length];
        for (int i = 0; i < a; i++) for (int j = 0; j < b; j++) System.arraycopy(x, (i * b + j) * c, y, (j * a + i) * c, c);
        return y;
    }

    @Test
    void lstmGradcheckTwoLayersWithStateInputs() {
        LSTM m = new LSTM(2, 3, 2, true, 0.0, new SplittableRandom(8));
        Graph g = new Graph();
        Node x = g.input("x", 2, 3, 2), h0 = g.input("h0", 2, 2, 3), c0 = g.input("c0", 2, 2, 3);
        LSTM.Output o = m.forward(g, x, h0, c0);
        Node all = g.concat(1, g.reshape(o.output(), 2, 9), g.reshape(o.cn(), 2, 6));
        NnTesting.assertGradCheck(g, all, Map.of("x", NnTesting.randomDoubles(12, 1), "h0", NnTesting.randomDoubles(12, 2),
                "c0", NnTesting.randomDoubles(12, 3)));
    }

    @Test
    void rnnGradcheckAndValues() {
        for (Activation act : new Activation[] {Activation.TANH, Activation.RELU}) {
            RNN m = new RNN(2, 3, 2, act, false, 0.0, new SplittableRandom(9));
            Graph g = new Graph();
            Node x = g.input("x", 3, 2, 2), h0 = g.input("h0", 2, 2, 3);
            RNN.Output o = m.forward(g, x, h0);
            assertEquals(Shape.of(3, 2, 3), o.output().shape());
            NnTesting.assertGradCheck(g, o.output(), Map.of("x", NnTesting.randomDoubles(12, 4), "h0", NnTesting.randomDoubles(12, 5)));
        }
        // one layer, one unit, by hand: h1 = tanh(2*0.5 + 0.1 + 0.2 + 3*h0), h0 = -0.25
        RNN r = new RNN(1, 1, new SplittableRandom(1));
        r.stateDict().get("weight_ih_l0").setFlat(0, 2);
        r.stateDict().get("weight_hh_l0").setFlat(0, 3);
        r.stateDict().get("bias_ih_l0").setFlat(0, 0.1);
        r.stateDict().get("bias_hh_l0").setFlat(0, 0.2);
        Graph g = new Graph();
        RNN.Output o = r.forward(g, g.input("x", 2, 1, 1), g.input("h0", 1, 1, 1));
        Plan p = g.compile(PlanOptions.forInference(), o.output());
        p.feed("x", new float[] {0.5f, -1f});
        p.feed("h0", new float[] {-0.25f});
        p.forward();
        double h1 = Math.tanh(1.3 - 0.75), h2 = Math.tanh(-2 + 0.3 + 3 * h1);
        assertArrayEquals(new float[] {(float) h1, (float) h2}, p.output(o.output()).floats(), 1e-6f);
    }

    @Test
    void carriedStateEqualsOneLongSequence() {
        int steps = 6, batch = 2, in = 3, hs = 4;
        LSTM m = new LSTM(in, hs, 2, false, 0.0, new SplittableRandom(10));
        float[] x = NnTesting.randomFloats(steps * batch * in, 11);
        Graph whole = new Graph();
        LSTM.Output ow = m.forward(whole, whole.input("x", steps, batch, in));
        Plan pw = whole.compile(PlanOptions.forInference(), ow.output());
        pw.feed("x", x);
        pw.forward();
        float[] expected = pw.output(ow.output()).floats();

        Graph seg = new Graph();
        Node h0 = seg.input("h0", 2, batch, hs), c0 = seg.input("c0", 2, batch, hs);
        LSTM.Output os = m.forward(seg, seg.input("x", steps / 2, batch, in), h0, c0);
        Plan ps = seg.compile(PlanOptions.forTraining(), seg.sum(os.output()), os.output(), os.hn(), os.cn());
        ps.feed("h0", new float[2 * batch * hs]);
        ps.feed("c0", new float[2 * batch * hs]);
        int half = steps / 2 * batch * in;
        for (int s = 0; s < 2; s++) {
            ps.feed("x", java.util.Arrays.copyOfRange(x, s * half, (s + 1) * half));
            ps.forward();
            ps.backward(); // gradients stop at the fed state: nothing flows into the previous segment
            float[] got = ps.output(os.output()).floats();
            for (int k = 0; k < got.length; k++) assertEquals(expected[s * got.length + k], got[k], 1e-5f, "segment " + s);
            os.carry(ps, "h0", "c0");
        }
    }

    @Test
    void lstmBuildsOneRecurrenceOpPerLayerAndDirection() {
        LSTM m = new LSTM(2, 3, 2, false, 0.0, true, new SplittableRandom(13));
        Graph g = new Graph();
        m.forward(g, g.input("x", 5, 2, 2));
        assertEquals(2 * 2, g.nodes().stream().filter(n -> n.op() == Ops.LSTM_LAYER).count());
        // one input projection (with its bias) per layer and direction; no per-step products,
        // cells or activations
        assertEquals(2 * 2, g.nodes().stream().filter(n -> n.op() == Ops.LINEAR).count());
        assertEquals(0, g.nodes().stream().filter(n -> n.op() == Ops.MATMUL).count());
        assertEquals(0, g.nodes().stream().filter(n -> n.op() == Ops.LSTM_CELL || n.op() == Ops.SIGMOID
                || n.op() == Ops.TANH).count());
    }

    @Test
    void bidirectionalNamesShapesAndLayouts() {
        LSTM m = new LSTM(3, 4, 2, false, 0.0, true, new SplittableRandom(14));
        assertEquals(List.of("weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0",
                "weight_ih_l0_reverse", "weight_hh_l0_reverse", "bias_ih_l0_reverse", "bias_hh_l0_reverse",
                "weight_ih_l1", "weight_hh_l1", "bias_ih_l1", "bias_hh_l1",
                "weight_ih_l1_reverse", "weight_hh_l1_reverse", "bias_ih_l1_reverse", "bias_hh_l1_reverse"),
                List.copyOf(m.stateDict().keySet()));
        assertEquals(Shape.of(16, 8), m.stateDict().get("weight_ih_l1_reverse").shape()); // layer 1 reads 2H
        assertEquals(2, m.directions());
        Graph g = new Graph();
        LSTM.Output o = m.forward(g, g.input("x", 5, 2, 3), g.input("h0", 4, 2, 4), g.input("c0", 4, 2, 4));
        assertEquals(Shape.of(5, 2, 8), o.output().shape());
        assertEquals(Shape.of(4, 2, 4), o.hn().shape());
        assertEquals(Shape.of(4, 2, 4), o.cn().shape());
        ShapeException e = assertThrows(ShapeException.class,
                () -> m.forward(g, g.input("x2", 5, 2, 3), g.input("h2", 2, 2, 4), g.input("c2", 2, 2, 4)));
        assertTrue(e.getMessage().contains("LSTM: h0 is [2, 2, 4]; expected [4, 2, 4]"), e.getMessage());
        RNN r = new RNN(3, 4, 1, Activation.TANH, true, 0.0, true, new SplittableRandom(15));
        assertEquals(List.of("weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0",
                "weight_ih_l0_reverse", "weight_hh_l0_reverse", "bias_ih_l0_reverse", "bias_hh_l0_reverse"),
                List.copyOf(r.stateDict().keySet()));
        Graph gr = new Graph();
        RNN.Output ro = r.forward(gr, gr.input("xb", 2, 5, 3));
        assertEquals(Shape.of(2, 5, 8), ro.output().shape());
        assertEquals(Shape.of(2, 2, 4), ro.hn().shape());
    }

    /**
     * The reverse direction reads the sequence backwards: a bidirectional layer's reverse half on
     * {@code x} is its forward half, with the reverse parameters, on {@code x} reversed in time.
     */
    @Test
    void reverseDirectionIsTheForwardOfTheReversedSequence() {
        int steps = 4, batch = 2, in = 3, hs = 3;
        LSTM bi = new LSTM(in, hs, 1, false, 0.0, true, new SplittableRandom(16));
        LSTM uni = new LSTM(in, hs, new SplittableRandom(17));
        Map<String, Tensor> rev = new java.util.LinkedHashMap<>();
        for (String k : uni.stateDict().keySet()) rev.put(k, bi.stateDict().get(k + "_reverse"));
        uni.loadStateDict(rev, true);
        float[] x = NnTesting.randomFloats(steps * batch * in, 18), xr = new float[x.length];
        for (int t = 0; t < steps; t++) System.arraycopy(x, t * batch * in, xr, (steps - 1 - t) * batch * in, batch * in);
        Graph gb = new Graph(), gu = new Graph();
        LSTM.Output ob = bi.forward(gb, gb.input("x", steps, batch, in));
        LSTM.Output ou = uni.forward(gu, gu.input("x", steps, batch, in));
        Plan p = gb.compile(PlanOptions.forInference(), ob.output(), ob.hn(), ob.cn());
        Plan q = gu.compile(PlanOptions.forInference(), ou.output(), ou.hn(), ou.cn());
        p.feed("x", x);
        q.feed("x", xr);
        p.forward();
        q.forward();
        float[] bo = p.output(ob.output()).floats(), uo = q.output(ou.output()).floats();
        for (int t = 0; t < steps; t++) {
            for (int b = 0; b < batch; b++) {
                for (int j = 0; j < hs; j++) {
                    assertEquals(uo[((steps - 1 - t) * batch + b) * hs + j], bo[(t * batch + b) * 2 * hs + hs + j], 1e-6f,
                            "t " + t + " b " + b + " j " + j);
                }
            }
        }
        float[] bh = p.output(ob.hn()).floats(), uh = q.output(ou.hn()).floats();
        float[] bc = p.output(ob.cn()).floats(), uc = q.output(ou.cn()).floats();
        for (int k = 0; k < batch * hs; k++) {
            assertEquals(uh[k], bh[batch * hs + k], 1e-6f, "hn of the reverse direction");
            assertEquals(uc[k], bc[batch * hs + k], 1e-6f, "cn of the reverse direction");
        }
    }

    @Test
    void bidirectionalGradcheckWithStateInputs() {
        LSTM m = new LSTM(2, 2, 2, true, 0.0, true, new SplittableRandom(19));
        Graph g = new Graph();
        Node x = g.input("x", 2, 3, 2), h0 = g.input("h0", 4, 2, 2), c0 = g.input("c0", 4, 2, 2);
        LSTM.Output o = m.forward(g, x, h0, c0);
        Node all = g.concat(1, g.reshape(o.output(), 2, 12), g.reshape(o.hn(), 2, 8), g.reshape(o.cn(), 2, 8));
        NnTesting.assertGradCheck(g, all, Map.of("x", NnTesting.randomDoubles(12, 20), "h0", NnTesting.randomDoubles(16, 21),
                "c0", NnTesting.randomDoubles(16, 22)));
        RNN r = new RNN(2, 3, 2, Activation.TANH, false, 0.0, true, new SplittableRandom(23));
        Graph gr = new Graph();
        RNN.Output ro = r.forward(gr, gr.input("x", 3, 2, 2), gr.input("h0", 4, 2, 3));
        NnTesting.assertGradCheck(gr, gr.concat(0, gr.reshape(ro.output(), 6, 6), gr.reshape(ro.hn(), 4, 6)),
                Map.of("x", NnTesting.randomDoubles(12, 24), "h0", NnTesting.randomDoubles(24, 25)));
    }

    @Test
    void rnnCarryCopiesTheFinalStateIntoTheInput() {
        RNN r = new RNN(2, 3, 2, Activation.TANH, false, 0.0, new SplittableRandom(26));
        Graph g = new Graph();
        RNN.Output o = r.forward(g, g.input("x", 2, 1, 2), g.input("h0", 2, 1, 3));
        Plan p = g.compile(PlanOptions.forInference(), o.output(), o.hn());
        p.feed("x", NnTesting.randomFloats(4, 27));
        p.feed("h0", new float[6]);
        p.forward();
        float[] hn = p.output(o.hn()).floats();
        o.carry(p, "h0");
        p.forward();
        // a second forward from the carried state differs from the first, from zeros
        assertFalse(java.util.Arrays.equals(hn, p.output(o.hn()).floats()));
        Graph g2 = new Graph();
        RNN.Output o2 = r.forward(g2, g2.input("x", 2, 1, 2), g2.input("h0", 2, 1, 3));
        Plan p2 = g2.compile(PlanOptions.forInference(), o2.hn());
        p2.feed("x", NnTesting.randomFloats(4, 27));
        p2.feed("h0", hn);
        p2.forward();
        assertArrayEquals(p2.output(o2.hn()).floats(), p.output(o.hn()).floats());
    }

    @Test
    void dropoutOnlyBetweenLayersAndShapeErrors() {
        LSTM m = new LSTM(2, 3, 3, false, 0.3, new SplittableRandom(12));
        Graph g = new Graph();
        m.forward(g, g.input("x", 4, 1, 2));
        assertEquals(2, g.nodes().stream().filter(n -> n.op() == Ops.DROPOUT).count());
        assertThrows(ShapeException.class, () -> m.forward(g, g.input("bad", 4, 1, 3)));
        assertThrows(ShapeException.class, () -> m.forward(g, g.input("x2", 4, 1, 2), g.input("h", 3, 2, 3), g.input("c", 3, 2, 3)));
        assertThrows(IllegalArgumentException.class, () -> m.forward(g, g.input("x3", 4, 1, 2), g.input("h3", 3, 1, 3), null));
    }
}
