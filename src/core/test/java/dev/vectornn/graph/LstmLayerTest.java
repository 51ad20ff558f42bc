package dev.vectornn.graph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vectornn.kernel.KernelThreads;
import dev.vectornn.tensor.DType;
import dev.vectornn.tensor.Shape;
import dev.vectornn.tensor.ShapeException;
import dev.vectornn.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * The fused {@code lstmLayer} op against the recurrence it replaces, composed per step from
 * {@code matmul}, {@code add} and {@code lstmCell}: the same forward bits, the same gradients
 * for proj, h0 and c0, and whh's gradient (summed over the steps in another order) within a few
 * ulps; in both directions, from a zero or a given state, at 1 and 3 threads, in training and
 * inference plans. Its float64 gradients are checked with the other ops' samples ({@link
 * OpSamples}).
 */
class LstmLayerTest {
    // H 165: vector main loops and tails in every gate block; B 13: two GEMM row panels; and each
    // step's products (13 x 660 x 165, 13 x 165 x 660) are large enough to be split over threads
    private static final int T = 6, B = 13, H = 165;
    private static final String[] NAMES = {"hidden states", "final h", "final c", "proj's gradient",
        "whh's gradient", "h0's gradient", "c0's gradient"};

    @Test
    void matchesTheRecurrenceComposedPerStep() {
        int before = KernelThreads.threads();
        try {
            for (int threads : new int[] {1, 3}) {
                KernelThreads.setThreads(threads);
                for (boolean reverse : new boolean[] {false, true}) {
                    for (boolean state : new boolean[] {false, true}) {
                        String where = (reverse ? "reversed" : "forward") + (state ? " from h0, c0" : " from zeros")
                                + " at " + threads + " threads";
                        float[][] composed = run(false, reverse, state), fused = run(true, reverse, state);
                        for (int i = 0; i < composed.length; i++) {
                            if (composed[i] == null) continue;
                            if (i == 4) assertClose(composed[i], fused[i], NAMES[i] + ", " + where);
                            else assertArrayEquals(composed[i], fused[i], NAMES[i] + ", " + where);
                        }
                    }
                }
            }
        } finally {
            KernelThreads.setThreads(before);
        }
    }

    /**
     * Hidden states, final h and c, and the gradients of proj, whh, h0 and c0 (null without a
     * state) of {@code sum(w * [hs; hT; cT])}, where proj and whh are also used outside the
     * recurrence, so that their gradients are added to.
     */
    private static float[][] run(boolean fused, boolean reverse, boolean state) {
        Graph g = new Graph();
        Node proj = g.input("proj", T, B, 4 * H), whh = g.input("whh", 4 * H, H);
        Node h0 = state ? g.input("h0", B, H) : null, c0 = state ? g.input("c0", B, H) : null;
        Node hs, hT, cT;
        if (fused) {
            Node out = g.lstmLayer(proj, whh, h0, c0, reverse);
            hs = g.slice(out, 0, 0, T);
            hT = g.select(out, 0, reverse ? 0 : T - 1);
            cT = g.select(out, 0, T);
        } else {
            Node h = h0, c = c0;
            Node[] steps = new Node[T];
            for (int i = 0; i < T; i++) {
                int t = reverse ? T - 1 - i : i;
                Node gates = g.reshape(g.slice(proj, 0, t, t + 1), B, 4 * H);
                if (h != null) gates = g.add(gates, g.matmul(h, whh, false, true));
                Node cell = g.lstmCell(gates, c);
                h = g.select(cell, 0, 0);
                c = g.select(cell, 0, 1);
                steps[t] = g.reshape(h, 1, B, H);
            }
            hs = g.concat(0, steps);
            hT = h;
            cT = c;
        }
        Node loss = g.add(g.sum(g.mul(hs, g.constant(uniform(11, T, B, H)))),
                g.add(g.sum(g.mul(hT, g.constant(uniform(12, B, H)))), g.sum(g.mul(cT, g.constant(uniform(13, B, H))))));
        loss = g.add(loss, g.add(g.sum(g.mul(proj, 0.25)), g.sum(g.mul(whh, -0.5))));
        PlanOptions o = PlanOptions.forTraining().withGradInputs(state ? new String[] {"proj", "whh", "h0", "c0"}
                : new String[] {"proj", "whh"});
        Plan p = g.compile(o, loss, hs, hT, cT);
        feed(p, state);
        p.forward();
        p.backward();
        return new float[][] {p.output(hs).floats().clone(), p.output(hT).floats().clone(), p.output(cT).floats().clone(),
                p.grad("proj").floats().clone(), p.grad("whh").floats().clone(),
                state ? p.grad("h0").floats().clone() : null, state ? p.grad("c0").floats().clone() : null};
    }

    /** The same proj and whh for every plan, and h0 and c0 when {@code state}. */
    private static void feed(Plan p, boolean state) {
        p.feed("proj", uniform(1, T, B, 4 * H));
        p.feed("whh", uniform(2, 4 * H, H));
        if (state) {
            p.feed("h0", uniform(3, B, H));
            p.feed("c0", uniform(4, B, H));
        }
    }

    private static Tensor uniform(long seed, int... dims) {
        return Tensor.uniform(DType.F32, Shape.of(dims), -1, 1, seed);
    }

    /** whh's gradient sums the same products in another order: a few float ulps of the largest terms. */
    static void assertClose(float[] want, float[] got, String what) {
        float scale = 0;
        for (float v : want) scale = Math.max(scale, Math.abs(v));
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], got[i], 1e-5 * scale, what + "[" + i + "]");
        }
    }

    @Test
    void anInferencePlanComputesWhatTheTrainingPlanDoes() {
        for (boolean reverse : new boolean[] {false, true}) {
            for (boolean state : new boolean[] {false, true}) {
                float[][] out = new float[2][];
                for (int train = 0; train < 2; train++) {
                    Graph g = new Graph();
                    Node out0 = g.lstmLayer(g.input("proj", T, B, 4 * H), g.input("whh", 4 * H, H),
                            state ? g.input("h0", B, H) : null, state ? g.input("c0", B, H) : null, reverse);
                    Plan p = g.compile(train == 1 ? PlanOptions.forTraining().withGradInputs("proj")
                            : PlanOptions.forInference(), train == 1 ? g.sum(out0) : out0, out0);
                    feed(p, state);
                    p.forward();
                    out[train] = p.output(out0).floats().clone();
                }
                assertArrayEquals(out[1], out[0], (reverse ? "reversed" : "forward") + (state ? " from h0, c0" : ""));
            }
        }
    }

    /**
     * Each input's gradient asked for alone (the others' are then not computed, and the gate
     * gradients live in scratch when proj's is not wanted) equals the one computed with all four.
     */
    @Test
    void eachGradientAloneEqualsItWithTheOthers() {
        String[] names = {"proj", "whh", "h0", "c0"};
        float[][] all = gradients(names);
        for (int i = 0; i < names.length; i++) {
            assertArrayEquals(all[i], gradients(names[i])[0], names[i] + "'s gradient alone");
        }
    }

    /** The gradients of {@code wanted} for {@code sum(w * lstmLayer(...))}, reversed, from h0 and c0. */
    private static float[][] gradients(String... wanted) {
        Graph g = new Graph();
        Node out = g.lstmLayer(g.input("proj", T, B, 4 * H), g.input("whh", 4 * H, H), g.input("h0", B, H),
                g.input("c0", B, H), true);
        Plan p = g.compile(PlanOptions.forTraining().withGradInputs(wanted),
                g.sum(g.mul(out, g.constant(uniform(5, T + 1, B, H)))));
        feed(p, true);
        p.forward();
        p.backward();
        float[][] grads = new float[wanted.length][];
        for (int i = 0; i < wanted.length; i++) grads[i] = p.grad(wanted[i]).floats().clone();
        return grads;
    }

    @Test
    void valuesByHandInF64() {
        // T 2, B 1, H 1, reversed: step 1 runs first from h0, c0, then step 0 from its state
        Graph g = new Graph();
        Node out = g.lstmLayer(g.input("proj", 2, 1, 4), g.input("whh", 4, 1), g.input("h0", 1, 1), g.input("c0", 1, 1), true);
        assertEquals(Shape.of(3, 1, 1), out.shape());
        Plan p = g.compile(PlanOptions.forInference().withDtype(DType.F64), out);
        double[] proj = {0.3, -1.2, 0.7, 2.0, -0.5, 0.4, -0.9, 1.1}, whh = {0.5, -0.25, 0.75, -1.0};
        p.feed("proj", proj);
        p.feed("whh", whh);
        p.feed("h0", new double[] {0.6});
        p.feed("c0", new double[] {-0.4});
        p.forward();
        double[] s1 = cell(proj, 4, whh, 0.6, -0.4), s0 = cell(proj, 0, whh, s1[0], s1[1]);
        assertArrayEquals(new double[] {s0[0], s1[0], s0[1]}, p.output(out).doubles(), 1e-15);
    }

    /** (h, c) of one step with H = 1 from the projection at {@code off}. */
    private static double[] cell(double[] proj, int off, double[] whh, double h, double c) {
        double[] z = new double[4];
        for (int q = 0; q < 4; q++) z[q] = proj[off + q] + whh[q] * h;
        double i = 1 / (1 + Math.exp(-z[0])), f = 1 / (1 + Math.exp(-z[1])), gg = Math.tanh(z[2]);
        double o = 1 / (1 + Math.exp(-z[3]));
        double cNew = f * c + i * gg;
        return new double[] {o * Math.tanh(cNew), cNew};
    }

    @Test
    void shapeErrorsNameTheArguments() {
        Graph g = new Graph();
        Node whh = g.input("whh", 8, 2);
        assertMessage(() -> g.lstmLayer(g.input("a", 3, 10), whh, null, null, false),
                "lstmLayer: proj is [3, 10]; expected [T, B, 4H] with T >= 1 and H >= 1");
        assertMessage(() -> g.lstmLayer(g.input("b", 3, 2, 10), whh, null, null, false), "lstmLayer: proj is [3, 2, 10]");
        assertMessage(() -> g.lstmLayer(g.input("c", 3, 2, 8), g.input("w", 8, 3), null, null, false),
                "lstmLayer: proj is [3, 2, 8], whh is [8, 3]; whh must be [8, 2]");
        Node proj = g.input("p", 3, 2, 8);
        assertMessage(() -> g.lstmLayer(proj, whh, g.input("h", 3, 2), g.input("k", 2, 2), false),
                "lstmLayer: proj is [3, 2, 8], h0 is [3, 2]; h0 must be [2, 2]");
        assertMessage(() -> g.lstmLayer(proj, whh, g.input("h1", 2, 2), g.input("k1", 2, 3), false),
                "lstmLayer: proj is [3, 2, 8], c0 is [2, 3]; c0 must be [2, 2]");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> g.lstmLayer(proj, whh, g.input("h2", 2, 2), null, false));
        assertTrue(e.getMessage().startsWith("lstmLayer: give both h0 and c0, or neither (built at LstmLayerTest.java:"),
                e.getMessage());
    }

    private static void assertMessage(org.junit.jupiter.api.function.Executable e, String expected) {
        ShapeException ex = assertThrows(ShapeException.class, e);
        assertTrue(ex.getMessage().contains(expected), "expected <" + expected + "> in <" + ex.getMessage() + ">");
        assertTrue(ex.getMessage().contains("(built at LstmLayerTest.java:"), ex.getMessage());
    }
}
