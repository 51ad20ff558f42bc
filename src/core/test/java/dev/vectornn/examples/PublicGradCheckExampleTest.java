package dev.vectornn.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vectornn.graph.GradCheck;
import dev.vectornn.graph.Graph;
import dev.vectornn.graph.Node;
import dev.vectornn.tensor.DType;
import dev.vectornn.tensor.Shape;
import dev.vectornn.tensor.ShapeException;
import dev.vectornn.tensor.Tensor;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * GradCheck as a user meets it. This package is outside {@code dev.vectornn.graph}, so only
 * public API compiles here: nothing package-private (op hooks, the backend, plan internals) is
 * reachable. The README's GradCheck example is the first test.
 */
class PublicGradCheckExampleTest {

    /** A user-defined activation, composed from registered ops: softplus(x) = log(1 + e^x). */
    static Node softplus(Graph g, Node x) {
        return g.log(g.add(g.exp(x), 1.0));
    }

    static double[] values(int n, long seed, double lo, double hi) {
        double[] v = new double[n];
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
        for (int i = 0; i < n; i++) v[i] = r.nextDouble(lo, hi);
        return v;
    }

    /** Row-wise L2 normalisation y = x / |x| (rows of 4), built from registered ops. */
    static Node l2normalize(Graph g, Node x) {
        return g.div(x, g.sqrt(g.sum(g.mul(x, x), true, 1)));
    }

    /** Its VJP by hand: dx = (v - y <y, v>) / |x| per row; {@code wrong} drops the projection term. */
    static Map<String, Tensor> l2normalizeVjp(double[] xv, Tensor v, boolean wrong) {
        double[] dx = new double[xv.length];
        for (int r = 0; r < xv.length / 4; r++) {
            double norm = 0, dot = 0;
            for (int j = 0; j < 4; j++) norm += xv[4 * r + j] * xv[4 * r + j];
            norm = Math.sqrt(norm);
            for (int j = 0; j < 4; j++) dot += xv[4 * r + j] / norm * v.getFlat(4 * r + j);
            for (int j = 0; j < 4; j++) {
                dx[4 * r + j] = (v.getFlat(4 * r + j) - (wrong ? 0 : xv[4 * r + j] / norm * dot)) / norm;
            }
        }
        return Map.of("x", Tensor.of(dx, xv.length / 4, 4));
    }

    @Test
    void aHandWrittenVjpIsCheckedRowByRowAndAWrongOneFails() {
        Graph g = new Graph();
        Node x = g.input("x", 3, 4);
        Node y = l2normalize(g, x);
        double[] xv = values(12, 3, 0.5, 2);
        Map<String, double[]> feeds = Map.of("x", xv);
        for (GradCheck.Options o : new GradCheck.Options[] {GradCheck.f64(), GradCheck.f64().withFast(true), GradCheck.f32()}) {
            GradCheck.Report right = GradCheck.checkVjp(g, y, feeds, v -> l2normalizeVjp(xv, v, false), o);
            assertTrue(right.passed(), o + ": " + right);
            assertEquals(o.fast() ? 1 : 12 * 12, right.checked(), right.toString()); // full: every Jacobian entry
            GradCheck.Report wrong = GradCheck.checkVjp(g, y, feeds, v -> l2normalizeVjp(xv, v, true), o);
            assertFalse(wrong.passed(), o + ": " + wrong);
            assertNotNull(wrong.worst());
            if (!o.fast()) assertTrue(wrong.toString().contains(" of output element "), wrong.toString());
        }
        var e = assertThrows(IllegalArgumentException.class, () -> GradCheck.checkVjp(g, y, feeds, v -> Map.of(), GradCheck.f64()));
        assertTrue(e.getMessage().contains("the VJP returned no gradient"), e.getMessage());
    }

    @Test
    void aTransposedVjpFailsInFastModeToo() {
        // y = x A for a non-symmetric A: the VJP is v A^T; v A (the transposed Jacobian) is wrong
        double[][] a = {{1, 2, 0}, {-3, 1, 4}, {0.5, 0, 2}};
        Graph g = new Graph();
        Node x = g.input("x", 1, 3);
        double[] flat = {1, 2, 0, -3, 1, 4, 0.5, 0, 2};
        Node y = g.matmul(x, g.constant(Tensor.of(flat, 3, 3)));
        Map<String, double[]> feeds = Map.of("x", new double[] {0.3, -0.7, 1.1});
        for (boolean transposed : new boolean[] {false, true}) {
            GradCheck.Vjp vjp = v -> {
                double[] dx = new double[3];
                for (int i = 0; i < 3; i++) for (int j = 0; j < 3; j++) dx[i] += v.getFlat(j) * (transposed ? a[j][i] : a[i][j]);
                return Map.of("x", Tensor.of(dx, 1, 3));
            };
            for (GradCheck.Options o : new GradCheck.Options[] {GradCheck.f64(), GradCheck.f64().withFast(true)}) {
                assertEquals(!transposed, GradCheck.checkVjp(g, y, feeds, vjp, o).passed(), o + (transposed ? " transposed" : ""));
            }
        }
    }

    /** The README's GradCheck example, verbatim. */
    @Test
    void readmeExample() {
        Graph g = new Graph();
        Node x = g.input("x", 2, 3);
        Node w = g.param("fc.weight", Tensor.uniform(DType.F64, Shape.of(3, 2), -1, 1, 7));
        Node loss = g.mean(g.log(g.add(g.exp(g.matmul(x, w)), 1.0)));   // mean(softplus(x @ w))
        double[] xv = {0.1, -0.4, 0.7, 1.2, -0.3, 0.5};
        Map<String, double[]> feeds = Map.of("x", xv);

        GradCheck.Report r = GradCheck.check(g, loss, feeds, GradCheck.f64());   // or f32(), .withFast(true)
        if (!r.passed()) throw new AssertionError(r);   // the message names the worst element

        // a gradient derived by hand: d/dx sum(softplus(x)) = sigmoid(x)
        Node f = g.sum(g.log(g.add(g.exp(x), 1.0)));
        double[] claimed = new double[xv.length];
        for (int i = 0; i < xv.length; i++) claimed[i] = 1 / (1 + Math.exp(-xv[i]));
        GradCheck.Report c = GradCheck.checkClaimed(g, f, feeds, Map.of("x", Tensor.of(claimed, 2, 3)), GradCheck.f64());

        assertEquals(12, r.checked(), r.toString());
        assertTrue(c.passed(), c.toString());
        assertEquals(6, c.checked(), c.toString());
    }

    @Test
    void aComposedUserFunctionPassesInEveryMode() {
        Graph g = new Graph();
        Node x = g.input("x", 4, 3);
        Node target = g.input("target", 4, 2);
        Node w1 = g.param("fc1.weight", Tensor.uniform(DType.F64, Shape.of(3, 5), -1, 1, 1));
        Node b1 = g.param("fc1.bias", Tensor.uniform(DType.F64, Shape.of(5), -0.5, 0.5, 2));
        Node w2 = g.param("fc2.weight", Tensor.uniform(DType.F64, Shape.of(5, 2), -1, 1, 3));
        Node y = g.matmul(softplus(g, g.add(g.matmul(x, w1), b1)), w2);
        Node loss = g.mse(y, target);
        Map<String, double[]> feeds = Map.of("x", values(12, 4, -1, 1), "target", values(8, 5, -1, 1));

        GradCheck.Report r = GradCheck.check(g, loss, feeds, GradCheck.f64());
        assertTrue(r.passed(), r.toString());
        // every element of every parameter and float input: 15 + 5 + 10 + 12 + 8
        assertEquals(50, r.checked(), r.toString());
        assertEquals(0, r.kinks());
        assertTrue(r.maxRelError() <= 1, r.toString());

        assertTrue(GradCheck.check(g, loss, feeds, GradCheck.f64().withFast(true)).passed(), "fast mode");
        assertTrue(GradCheck.check(g, loss, feeds, GradCheck.f32()).passed(), "float32 kernels");
        // a non-scalar output is checked through a random vector-Jacobian product
        assertTrue(GradCheck.check(g, y, feeds, GradCheck.f64().withWrt("fc1.weight")).passed(), "y w.r.t. fc1.weight");
    }

    /** The gradient of sum(softplus(x)) a user derived by hand: correct (sigmoid) or not. */
    static Tensor claimedGradient(double[] x, boolean wrong) {
        double[] d = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            double s = 1 / (1 + Math.exp(-x[i]));
            // the slip: differentiating once too often gives sigmoid' = s(1 - s)
            d[i] = wrong ? s * (1 - s) : s;
        }
        return Tensor.of(d, x.length);
    }

    @Test
    void aWrongHandDerivedGradientIsCaughtAndReported() {
        Graph g = new Graph();
        Node x = g.input("x", 6);
        Node f = g.sum(softplus(g, x));
        double[] xv = values(6, 9, -2, 2);
        Map<String, double[]> feeds = Map.of("x", xv);

        GradCheck.Report right = GradCheck.checkClaimed(g, f, feeds, Map.of("x", claimedGradient(xv, false)), GradCheck.f64());
        assertTrue(right.passed(), right.toString());
        assertEquals(6, right.checked());

        GradCheck.Report wrong = GradCheck.checkClaimed(g, f, feeds, Map.of("x", claimedGradient(xv, true)), GradCheck.f64());
        assertFalse(wrong.passed(), wrong.toString());
        GradCheck.Mismatch m = wrong.worst();
        assertNotNull(m);
        assertEquals("x", m.variable());
        int i = m.index();
        assertTrue(i >= 0 && i < 6, wrong.toString());
        double sigmoid = 1 / (1 + Math.exp(-xv[i]));
        assertEquals(sigmoid * (1 - sigmoid), m.analytic(), 1e-15, "the claim is reported as the analytic value");
        assertEquals(sigmoid, m.numeric(), 1e-7, "the numeric value is the true derivative");
        assertEquals(Math.abs(m.analytic() - m.numeric()), m.absError(), 1e-15);
        assertTrue(m.relError() > 1e-3, wrong.toString());
        assertTrue(wrong.toString().startsWith("gradcheck FAILED: 6 values compared, 0 skipped at kinks; worst x["
                + i + "]: analytic "), wrong.toString());

        assertFalse(GradCheck.checkClaimed(g, f, feeds, Map.of("x", claimedGradient(xv, true)),
                GradCheck.f64().withFast(true)).passed(), "fast mode catches it too");
    }

    @Test
    void aClaimMustFitItsVariableAndAScalarFunction() {
        Graph g = new Graph();
        Node x = g.input("x", 3);
        Node f = g.sum(g.tanh(x));
        Map<String, double[]> feeds = Map.of("x", new double[] {0.1, 0.2, 0.3});
        ShapeException shape = assertThrows(ShapeException.class, () -> GradCheck.checkClaimed(g, f, feeds,
                Map.of("x", Tensor.zeros(DType.F64, 4)), GradCheck.f64()));
        assertTrue(shape.getMessage().contains("[4]") && shape.getMessage().contains("[3]"), shape.getMessage());
        IllegalArgumentException vector = assertThrows(IllegalArgumentException.class, () -> GradCheck.checkClaimed(g,
                g.tanh(x), feeds, Map.of("x", Tensor.zeros(DType.F64, 3)), GradCheck.f64()));
        assertTrue(vector.getMessage().contains("one-element"), vector.getMessage());
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> GradCheck.checkClaimed(g,
                f, feeds, Map.of("w", Tensor.zeros(DType.F64, 3)), GradCheck.f64()));
        assertTrue(unknown.getMessage().contains("'w'"), unknown.getMessage());
    }
}
