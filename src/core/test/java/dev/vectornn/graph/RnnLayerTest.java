package dev.vectornn.graph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vectornn.kernel.KernelThreads;
import dev.vectornn.kernel.UnaryOp;
import dev.vectornn.tensor.DType;
import dev.vectornn.tensor.Shape;
import dev.vectornn.tensor.ShapeException;
import dev.vectornn.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * The fused {@code rnnLayer} op against the recurrence composed per step from {@code matmul},
 * {@code add} and {@code tanh} or {@code relu}: the same forward bits and the same gradients for
 * proj and h0, whh's within a few ulps (summed in another order); both nonlinearities, both
 * directions, zero or given state, 1 and 3 threads, training and inference plans. Float64
 * gradients are checked with the other ops' samples ({@link OpSamples}).
 */
class RnnLayerTest {
    // H 165: vector main loops and tails; B 13: two GEMM row panels; 13 x 165 x 165 per step is
    // below the parallel threshold, so B 40 runs the threaded case (40 x 165 x 165 > 2^20)
    private static final int T = 5, H = 165;

    @Test
    void matchesTheRecurrenceComposedPerStep() {
        int before = KernelThreads.threads();
        try {
            for (int threads : new int[] {1, 3}) {
                KernelThreads.setThreads(threads);
                for (UnaryOp act : new UnaryOp[] {UnaryOp.TANH, UnaryOp.RELU}) {
                    for (boolean reverse : new boolean[] {false, true}) {
                        for (boolean state : new boolean[] {false, true}) {
                            int b = threads == 1 ? 13 : 40;
                            String where = act + (reverse ? " reversed" : " forward") + (state ? " from h0" : " from zeros")
                                    + ", B " + b + ", " + threads + " threads";
                            float[][] composed = run(false, act, reverse, state, b), fused = run(true, act, reverse, state, b);
                            String[] names = {"hidden states", "proj's gradient", "whh's gradient", "h0's gradient"};
                            for (int i = 0; i < composed.length; i++) {
                                if (composed[i] == null) continue;
                                if (i == 2) LstmLayerTest.assertClose(composed[i], fused[i], names[i] + ", " + where);
                                else assertArrayEquals(composed[i], fused[i], names[i] + ", " + where);
                            }
                        }
                    }
                }
            }
        } finally {
            KernelThreads.setThreads(before);
        }
    }

    /** Hidden states and the gradients of proj, whh and h0 of {@code sum(w * hs)} plus terms that use proj and whh outside. */
    private static float[][] run(boolean fused, UnaryOp act, boolean reverse, boolean state, int b) {
        Graph g = new Graph();
        Node proj = g.input("proj", T, b, H), whh = g.input("whh", H, H);
        Node h0 = state ? g.input("h0", b, H) : null;
        Node hs;
        if (fused) {
            hs = g.rnnLayer(proj, whh, h0, act, reverse);
        } else {
            Node h = h0;
            Node[] steps = new Node[T];
            for (int i = 0; i < T; i++) {
                int t = reverse ? T - 1 - i : i;
                Node pre = g.reshape(g.slice(proj, 0, t, t + 1), b, H);
                if (h != null) pre = g.add(pre, g.matmul(h, whh, false, true));
                h = act == UnaryOp.TANH ? g.tanh(pre) : g.relu(pre);
                steps[t] = g.reshape(h, 1, b, H);
            }
            hs = g.concat(0, steps);
        }
        Node loss = g.add(g.sum(g.mul(hs, g.constant(uniform(11, T, b, H)))),
                g.add(g.sum(g.mul(proj, 0.25)), g.sum(g.mul(whh, -0.5))));
        Plan p = g.compile(PlanOptions.forTraining().withGradInputs(state ? new String[] {"proj", "whh", "h0"}
                : new String[] {"proj", "whh"}), loss, hs);
        p.feed("proj", uniform(1, T, b, H));
        p.feed("whh", weight(2));
        if (state) p.feed("h0", uniform(3, b, H));
        p.forward();
        p.backward();
        return new float[][] {p.output(hs).floats().clone(), p.grad("proj").floats().clone(), p.grad("whh").floats().clone(),
                state ? p.grad("h0").floats().clone() : null};
    }

    private static Tensor uniform(long seed, int... dims) {
        return Tensor.uniform(DType.F32, Shape.of(dims), -1, 1, seed);
    }

    /** A recurrent weight {@code [H, H]} in {@code [-0.15, 0.15]}: the states stay inside tanh's range. */
    private static Tensor weight(long seed) {
        return Tensor.uniform(DType.F32, Shape.of(H, H), -0.15, 0.15, seed);
    }

    @Test
    void anInferencePlanComputesWhatTheTrainingPlanDoes() {
        for (boolean state : new boolean[] {false, true}) {
            float[][] out = new float[2][];
            for (int train = 0; train < 2; train++) {
                Graph g = new Graph();
                Node hs = g.rnnLayer(g.input("proj", T, 13, H), g.input("whh", H, H), state ? g.input("h0", 13, H) : null,
                        UnaryOp.TANH, true);
                Plan p = g.compile(train == 1 ? PlanOptions.forTraining().withGradInputs("proj") : PlanOptions.forInference(),
                        train == 1 ? g.sum(hs) : hs, hs);
                p.feed("proj", uniform(1, T, 13, H));
                p.feed("whh", weight(2));
                if (state) p.feed("h0", uniform(3, 13, H));
                p.forward();
                out[train] = p.output(hs).floats().clone();
            }
            assertArrayEquals(out[1], out[0], state ? "from h0" : "from zeros");
        }
    }

    @Test
    void argumentErrorsNameTheArguments() {
        Graph g = new Graph();
        Node whh = g.input("whh", 2, 2);
        ShapeException e = assertThrows(ShapeException.class,
                () -> g.rnnLayer(g.input("a", 3, 2), whh, null, UnaryOp.TANH, false));
        assertTrue(e.getMessage().startsWith("rnnLayer: proj is [3, 2]; expected [T, B, H]"), e.getMessage());
        e = assertThrows(ShapeException.class, () -> g.rnnLayer(g.input("b", 3, 2, 2), g.input("w", 2, 3), null, UnaryOp.TANH, false));
        assertTrue(e.getMessage().startsWith("rnnLayer: proj is [3, 2, 2], whh is [2, 3]; whh must be [2, 2]"), e.getMessage());
        e = assertThrows(ShapeException.class,
                () -> g.rnnLayer(g.input("c", 3, 2, 2), whh, g.input("h", 3, 2), UnaryOp.TANH, false));
        assertTrue(e.getMessage().startsWith("rnnLayer: proj is [3, 2, 2], h0 is [3, 2]; h0 must be [2, 2]"), e.getMessage());
        IllegalArgumentException a = assertThrows(IllegalArgumentException.class,
                () -> g.rnnLayer(g.input("d", 3, 2, 2), whh, null, UnaryOp.SIGMOID, false));
        assertTrue(a.getMessage().startsWith("rnnLayer: the nonlinearity is SIGMOID; an RNN takes TANH or RELU (built at"),
                a.getMessage());
    }
}
