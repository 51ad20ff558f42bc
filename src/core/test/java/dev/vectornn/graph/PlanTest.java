package dev.vectornn.graph;

import static org.junit.jupiter.api.Assertions.*;

import dev.vectornn.tensor.DType;
import dev.vectornn.tensor.Shape;
import dev.vectornn.tensor.ShapeException;
import dev.vectornn.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Running plans: feeding, forward values against hand computations, backward, modes, determinism. */
class PlanTest {

    private static final PlanOptions F64_INFER = PlanOptions.forInference().withDtype(DType.F64);

    private static double[] run(Graph g, Node out, Object... feeds) {
        Plan p = g.compile(F64_INFER, out);
        for (int i = 0; i < feeds.length; i += 2) GradCheck.feed(p, (String) feeds[i], feeds[i + 1]);
        p.forward();
        return p.output(out).doubles();
    }

    @Test
    void opsOnEmptyTensorsAreRefusedAtCompileNamingTheOp() {
        Graph g = new Graph();
        Node a = g.input("a", 2, 0), b = g.input("b", 0, 3);
        Node m = g.matmul(a, b);
        ShapeException e = assertThrows(ShapeException.class, () -> g.compile(PlanOptions.forInference(), m));
        assertTrue(e.getMessage().startsWith("compile: ") && e.getMessage().contains("reads a [2, 0]")
                && e.getMessage().contains("which has no elements"), e.getMessage());
        Node p = g.input("p", 0);
        Node loss = g.mse(p, g.input("t", 0));
        assertThrows(ShapeException.class, () -> g.compile(PlanOptions.forTraining(), loss));
    }

    @Test
    void backwardFromALossWithNothingToDifferentiateSaysSo() {
        Graph g = new Graph();
        Node loss = g.sum(g.input("x", 3));
        Plan p = g.compile(PlanOptions.forTraining(), loss);
        p.feed("x", new float[] {1, 2, 3});
        p.forward();
        IllegalStateException e = assertThrows(IllegalStateException.class, p::backward);
        assertTrue(e.getMessage().contains("depends on no parameter and no input that needs a gradient"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> p.backward(Tensor.zeros(DType.F32)));
        Plan fresh = g.compile(PlanOptions.forInference(), loss);
        IllegalStateException o = assertThrows(IllegalStateException.class, () -> fresh.output(loss));
        assertEquals("output: call forward() first", o.getMessage());
        assertThrows(NullPointerException.class, () -> g.input(null, 2));
        IllegalArgumentException pad = assertThrows(IllegalArgumentException.class,
                () -> g.gather(g.input("table", 5, 3), g.indexInput("ids", 2), 99));
        assertTrue(pad.getMessage().contains("padding index must be a row of the table"), pad.getMessage());
    }

    @Test
    void feedErrorsAreClear() {
        Graph g = new Graph();
        Node x = g.input("x", 2, 3);
        Node ids = g.indexInput("ids", 2);
        Node out = g.sum(g.gather(x, ids));
        Plan p = g.compile(PlanOptions.forInference(), out);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> p.feed("y", new float[6]));
        assertEquals("feed: no input named 'y' in this plan; inputs are [x, ids]", e.getMessage());
        ShapeException s = assertThrows(ShapeException.class, () -> p.feed("x", new float[5]));
        assertTrue(s.getMessage().startsWith("feed 'x': expected 6 values for shape [2, 3], got 5 (input built at PlanTest.java:"),
                s.getMessage());
        s = assertThrows(ShapeException.class, () -> p.feed("x", Tensor.zeros(DType.F32, 3, 2)));
        assertTrue(s.getMessage().startsWith("feed 'x': expected shape [2, 3], got [3, 2]"), s.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> p.feed("x", new double[6]));
        assertTrue(e.getMessage().contains("the plan is F32 and a double[] would be rounded"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> p.feed("ids", new float[2]));
        assertTrue(e.getMessage().contains("an index input was fed a float[]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> p.feed("x", new int[6]));
        assertTrue(e.getMessage().contains("a float input was fed an int[]"), e.getMessage());
        p.feed("x", new float[6]);
        IllegalStateException st = assertThrows(IllegalStateException.class, p::forward);
        assertEquals("forward: input 'ids' was never fed", st.getMessage());
        p.feed("ids", new int[] {0, 2});
        IndexOutOfBoundsException oob = assertThrows(IndexOutOfBoundsException.class, p::forward);
        assertTrue(oob.getMessage().contains("index 2 at position 1 is out of range [0, 2)"), oob.getMessage());
        assertThrows(IllegalStateException.class, p::backward);
    }

    @Test
    void elementwiseAndBroadcastValues() {
        Graph g = new Graph();
        Node a = g.input("a", 2, 3);
        Node b = g.input("b", 3);
        Node c = g.input("c", 2, 1);
        double[] av = {1, 2, 3, 4, 5, 6}, bv = {10, 20, 30}, cv = {2, 4};
        assertArrayEquals(new double[] {11, 22, 33, 14, 25, 36}, run(g, g.add(a, b), "a", av, "b", bv));
        assertArrayEquals(new double[] {9, 18, 27, 6, 15, 24}, run(g, g.sub(b, a), "a", av, "b", bv));
        assertArrayEquals(new double[] {2, 4, 6, 16, 20, 24}, run(g, g.mul(a, c), "a", av, "c", cv));
        assertArrayEquals(new double[] {5, 10, 15, 2.5, 5, 7.5}, run(g, g.div(b, c), "b", bv, "c", cv));
        assertArrayEquals(new double[] {3, 5, 7, 9, 11, 13}, run(g, g.add(g.mul(a, 2), 1), "a", av));
        assertArrayEquals(new double[] {1, 8, 27}, run(g, g.pow(b, 3), "b", new double[] {1, 2, 3}));
        assertArrayEquals(new double[] {0, 0, 3}, run(g, g.relu(b), "b", new double[] {-1, 0, 3}));
        double[] t = run(g, g.sigmoid(b), "b", new double[] {0, 100, -100});
        assertArrayEquals(new double[] {0.5, 1, 0}, t, 1e-15);
    }

    @Test
    void matmulReduceAndMovementValues() {
        Graph g = new Graph();
        Node a = g.input("a", 2, 3);
        Node w = g.input("w", 3, 2);
        double[] av = {1, 2, 3, 4, 5, 6}, wv = {1, 0, 0, 1, 1, 1};
        assertArrayEquals(new double[] {4, 5, 10, 11}, run(g, g.matmul(a, w), "a", av, "w", wv));
        assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6, 5, 7, 9}, run(g, g.matmul(w, a, false, false), "a", av, "w", wv));
        assertArrayEquals(new double[] {5, 7, 9}, run(g, g.sum(a, 0), "a", av));
        assertArrayEquals(new double[] {2, 5}, run(g, g.mean(a, 1), "a", av));
        assertArrayEquals(new double[] {21}, run(g, g.sum(a), "a", av));
        assertArrayEquals(new double[] {1, 4, 2, 5, 3, 6}, run(g, g.transpose(a, 0, 1), "a", av));
        assertArrayEquals(new double[] {2, 3, 5, 6}, run(g, g.slice(a, 1, 1, 3), "a", av));
        assertArrayEquals(new double[] {1, 2, 3, 1, 4, 5, 6, 4}, run(g, g.concat(1, a, g.slice(a, 1, 0, 1)), "a", av));
        Node ids = g.indexInput("ids", 3);
        assertArrayEquals(new double[] {4, 5, 6, 1, 2, 3, 4, 5, 6}, run(g, g.gather(a, ids), "a", av, "ids", new int[] {1, 0, 1}));
    }

    @Test
    void softmaxNormAndLossValues() {
        Graph g = new Graph();
        Node x = g.input("x", 2, 2);
        double[] xv = {0, Math.log(3), 1, 1};
        assertArrayEquals(new double[] {0.25, 0.75, 0.5, 0.5}, run(g, g.softmax(x), "x", xv), 1e-15);
        double[] ln = run(g, g.layerNorm(x, g.constant(Tensor.of(new float[] {1, 2}, 2)),
                g.constant(Tensor.of(new float[] {0, 1}, 2)), 1e-12), "x", new double[] {1, 3, 5, 5});
        assertArrayEquals(new double[] {-1, 3, 0, 1}, ln, 1e-9);
        Node t = g.indexInput("t", 2);
        double ce = run(g, g.crossEntropy(x, t), "x", xv, "t", new int[] {1, -100})[0];
        assertEquals(-Math.log(0.75), ce, 1e-15);
        // label smoothing 0.5 over 2 classes: target distribution [0.25, 0.75]; row 2 ignored
        double smooth = run(g, g.crossEntropy(x, t, -100, 0.5), "x", xv, "t", new int[] {1, -100})[0];
        assertEquals(-0.25 * Math.log(0.25) - 0.75 * Math.log(0.75), smooth, 1e-15);
        // ignore index 0 skips row 1; smoothing 1 scores row 2 against the uniform distribution
        double uniform = run(g, g.crossEntropy(x, t, 0, 1.0), "x", xv, "t", new int[] {0, 1})[0];
        assertEquals(Math.log(2), uniform, 1e-15);
        assertEquals(1.5, run(g, g.mse(x, g.constant(Tensor.zeros(DType.F64, 2, 2))), "x", new double[] {1, 2, 0, 1})[0]);
        double bce = run(g, g.bceWithLogits(x, g.constant(Tensor.of(new float[] {1, 0, 1, 0}, 2, 2))), "x", new double[4])[0];
        assertEquals(Math.log(2), bce, 1e-15);
        double[] m = run(g, g.causalMask(x), "x", xv);
        assertEquals(-Double.MAX_VALUE, m[1]);
        assertEquals(xv[2], m[2]);
    }

    @Test
    void inferencePlansUseLessMemoryAndDropoutIsIdentity() {
        Graph g = new Graph();
        Node x = g.input("x", 8, 16);
        Node h = x;
        for (int i = 0; i < 6; i++) h = g.tanh(g.matmul(h, g.param("w" + i, Tensor.randn(DType.F32, Shape.of(16, 16), 0.3, i))));
        Node loss = g.sum(g.dropout(h, 0.5));
        Plan train = g.compile(PlanOptions.forTraining(), loss);
        Plan infer = g.compile(PlanOptions.forInference(), loss);
        assertTrue(infer.arenaSize() < train.arenaSize() / 2, infer.arenaSize() + " vs " + train.arenaSize());
        // liveness: six 8x16 activations never need six buffers at once in inference
        assertTrue(infer.arenaSize() <= 3 * 8 * 16 + 1, "arena " + infer.arenaSize());
        Graph g2 = new Graph();
        Node y = g2.input("y", 4);
        Node d = g2.dropout(y, 0.9);
        Plan p = g2.compile(PlanOptions.forInference(), d);
        p.feed("y", new float[] {1, 2, 3, 4});
        p.forward();
        assertArrayEquals(new float[] {1, 2, 3, 4}, p.output(d).floats());
    }

    @Test
    void sameSeedSameBitsAndDropoutMaskReusedInBackward() {
        float[][] runs = new float[3][];
        for (int r = 0; r < 3; r++) {
            Graph g = new Graph();
            Node x = g.input("x", 4, 8);
            Node w = g.param("w", Tensor.randn(DType.F32, Shape.of(8, 8), 0.5, 3));
            Node loss = g.mean(g.square(g.dropout(g.gelu(g.matmul(x, w)), 0.5)));
            Plan p = g.compile(PlanOptions.forTraining().withSeed(r == 2 ? 8 : 7), loss);
            p.feed("x", Tensor.randn(DType.F32, Shape.of(4, 8), 1, 11));
            p.forward();
            p.backward();
            runs[r] = p.grad("w").floats().clone();
        }
        assertArrayEquals(runs[0], runs[1], "same seed: bit-identical");
        assertFalse(java.util.Arrays.equals(runs[0], runs[2]), "another seed draws another mask");
    }

    @Test
    void geluKeepsItsDerivativeForTheVjpInTrainingPlansWithTheSameBits() {
        // the training plan's GELU saves gelu'(h) in its forward and multiplies in its VJP; the
        // gradient must be the kernels' recomputing backward, bit for bit, and the forward value
        // the inference plan's
        int rows = 5, cols = 37;
        Tensor h0 = Tensor.randn(DType.F32, Shape.of(rows, cols), 2.5, 21);
        Tensor c0 = Tensor.randn(DType.F32, Shape.of(rows, cols), 1, 22);
        Graph g = new Graph();
        Node h = g.param("h", h0);
        Node c = g.input("c", rows, cols);
        Node act = g.gelu(h);
        Node loss = g.sum(g.mul(act, c));
        Plan train = g.compile(PlanOptions.forTraining(), loss);
        train.feed("c", c0);
        train.forward();
        train.backward();
        Plan infer = g.compile(PlanOptions.forInference(), act);
        infer.forward();
        float[] hs = h0.floats(), cs = c0.floats(), y = new float[hs.length], dx = new float[hs.length];
        dev.vectornn.kernel.Kernels k = dev.vectornn.kernel.KernelProvider.get();
        k.unary(dev.vectornn.kernel.UnaryOp.GELU, hs.length, hs, 0, y, 0);
        k.unaryBackward(dev.vectornn.kernel.UnaryOp.GELU, hs.length, hs, 0, y, 0, cs, 0, dx, 0);
        assertArrayEquals(y, infer.output(act).floats(), "forward");
        assertArrayEquals(dx, train.grad("h").floats(), "gradient");
    }

    @Test
    void anomalyModeNamesTheFirstBadOp() {
        Graph g = new Graph();
        Node x = g.input("x", 3);
        Node l = g.log(x);
        Node out = g.sum(g.exp(l));
        Plan p = g.compile(PlanOptions.forInference().withAnomaly(true), out);
        p.feed("x", new float[] {1, -1, 2});
        AnomalyException e = assertThrows(AnomalyException.class, p::forward);
        assertTrue(e.getMessage().startsWith("log (built at PlanTest.java:"), e.getMessage());
        assertTrue(e.getMessage().contains("produced NaN at flat index 1 of its output [3]; inputs: x [3]"), e.getMessage());
        Plan quiet = g.compile(PlanOptions.forInference(), out);
        quiet.feed("x", new float[] {1, -1, 2});
        quiet.forward();
        assertTrue(Double.isNaN(quiet.scalar(out)));
    }

    @Test
    void gradientsAccumulateUntilZeroGrad() {
        Graph g = new Graph();
        Node w = g.param("w", Tensor.of(new float[] {1, 2, 3}, 3));
        Node x = g.input("x", 3);
        Node loss = g.sum(g.mul(g.mul(w, x), w)); // d/dw = 2 w x
        Plan p = g.compile(PlanOptions.forTraining(), loss);
        p.feed("x", new float[] {1, 1, 2});
        p.forward();
        p.backward();
        assertArrayEquals(new float[] {2, 4, 12}, p.grad("w").floats());
        p.forward();
        p.backward();
        assertArrayEquals(new float[] {4, 8, 24}, p.grad("w").floats());
        p.zeroGrad();
        assertArrayEquals(new float[3], p.grad("w").floats());
        assertSame(g.parameters().get(0).grad(), p.grad("w"), "an F32 plan trains the graph's own parameter");
        Plan p64 = g.compile(PlanOptions.forTraining().withDtype(DType.F64), loss);
        assertEquals(DType.F64, p64.param("w").value().dtype());
    }

    @Test
    void inputGradientsSurviveTheNextForward() {
        // regression (found by the random-DAG property): an input's gradient shared memory with an
        // early activation, so the next forward pass overwrote it
        Graph g = new Graph();
        Node x = g.input("x", 1, 1);
        Node y = g.input("y", 1, 1);
        Node out = g.add(g.add(y, x), x);
        Plan p = g.compile(PlanOptions.forTraining().withDtype(DType.F64).withGradInputs("x", "y"), out);
        p.feed("x", new double[] {0.3});
        p.feed("y", new double[] {0.5});
        p.forward();
        p.backward();
        p.feed("x", new double[] {7});
        p.forward();
        assertEquals(2.0, p.grad("x").getFlat(0));
        assertEquals(1.0, p.grad("y").getFlat(0));
        assertEquals(14.5, p.scalar(out));
    }

    @Test
    void anomalyModeChecksGradientsToo() {
        Graph g = new Graph();
        Node x = g.input("x", 2);
        Node out = g.sum(g.sqrt(x)); // sqrt'(0) = inf
        Plan p = g.compile(PlanOptions.forTraining().withAnomaly(true).withGradInputs("x"), out);
        p.feed("x", new float[] {0, 4});
        p.forward();
        AnomalyException e = assertThrows(AnomalyException.class, p::backward);
        assertTrue(e.getMessage().startsWith("backward of sqrt (built at PlanTest.java:"), e.getMessage());
        assertTrue(e.getMessage().contains("wrote Infinity at flat index 0 of the gradient of x; inputs: x [2]"), e.getMessage());
    }
}
