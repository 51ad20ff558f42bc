package dev.vectornn.graph;

import static org.junit.jupiter.api.Assertions.*;

import dev.vectornn.kernel.UnaryOp;
import dev.vectornn.tensor.DType;
import dev.vectornn.tensor.Shape;
import dev.vectornn.tensor.Tensor;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A checker must be shown failing on planted bugs: test-only ops with wrong VJPs. */
class GradCheckCatchesBugsTest {

    /** square whose VJP forgets the factor 2 (dx = x dy): a classic derivative slip. */
    static final OpDef BAD_SQUARE = new OpDef("badSquare", "x") {
        @Override
        dev.vectornn.tensor.Shape inferShape(dev.vectornn.tensor.Shape[] in, Object attrs) {
            return in[0];
        }

        @Override
        void forward(Frame f) {
            f.b.unary(UnaryOp.SQUARE, f.n(), f.in[0], f.inOff[0], f.out, f.outOff);
        }

        @Override
        void vjp(Frame f) {
            f.b.binary(dev.vectornn.kernel.BinaryOp.MUL, f.n(), f.gOut, f.gOutOff, f.in[0], f.inOff[0],
                    f.gIn[0], f.gInOff[0], f.acc[0]);
        }
    };

    /** identity whose VJP is right except for one element (index 2 gets 0): a subtle indexing bug. */
    static final OpDef BAD_ONE_ELEMENT = new OpDef("dropsElement2", "x") {
        @Override
        dev.vectornn.tensor.Shape inferShape(dev.vectornn.tensor.Shape[] in, Object attrs) {
            return in[0];
        }

        @Override
        void forward(Frame f) {
            f.b.copy(f.n(), f.in[0], f.inOff[0], f.out, f.outOff, false);
        }

        @Override
        void vjp(Frame f) {
            // every element but index 2 (which gets no gradient, or keeps what it had)
            f.b.copy(2, f.gOut, f.gOutOff, f.gIn[0], f.gInOff[0], f.acc[0]);
            f.b.copy(f.n() - 3, f.gOut, f.gOutOff + 3, f.gIn[0], f.gInOff[0] + 3, f.acc[0]);
            if (!f.acc[0]) f.b.set(f.gIn[0], f.gInOff[0] + 2, 0.0);
        }
    };

    @Test
    void invalidSettingsAndMisuseAreRejectedNotPassed() {
        // a negative tolerance would make every error ratio <= 1: a 100x wrong gradient "passed"
        var e = assertThrows(IllegalArgumentException.class, () -> GradCheck.f64().withTolerances(-1, -1));
        assertTrue(e.getMessage().contains("atol and rtol must be finite, >= 0"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> GradCheck.f64().withTolerances(0, 0));
        assertThrows(IllegalArgumentException.class, () -> GradCheck.f64().withTolerances(Double.NaN, 1e-3));
        e = assertThrows(IllegalArgumentException.class, () -> GradCheck.f64().withEps(0));
        assertTrue(e.getMessage().contains("eps must be a positive finite step, got 0.0"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> GradCheck.f64().withEps(Double.POSITIVE_INFINITY));

        Graph g = new Graph();
        Node x = g.input("x", 2);
        Node out = g.sum(g.apply(BAD_SQUARE, null, x));
        e = assertThrows(IllegalArgumentException.class, () -> GradCheck.check(g, out, Map.of(), GradCheck.f64()));
        assertTrue(e.getMessage().contains("float input 'x' was not fed"), e.getMessage());
        Graph other = new Graph();
        Node foreign = other.sum(other.input("y", 3));
        e = assertThrows(IllegalArgumentException.class, () -> GradCheck.check(g, foreign, Map.of(), GradCheck.f64()));
        assertTrue(e.getMessage().contains("is not a node of this graph"), e.getMessage());
        Graph idx = new Graph();
        Node ids = idx.indexInput("ids", 3);
        Node c = idx.sum(idx.gather(idx.constant(Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 3, 2)), ids));
        e = assertThrows(IllegalArgumentException.class, () -> GradCheck.check(idx, c, Map.of("ids", new int[] {0, 1, 2}),
                GradCheck.f64()));
        assertTrue(e.getMessage().contains("depends on no parameter or float input"), e.getMessage());
    }

    @Test
    void wrongFactorIsCaughtAndReported() {
        Graph g = new Graph();
        Node x = g.input("x", 2, 3);
        Node out = g.apply(BAD_SQUARE, null, x);
        double[] xv = {0.5, -1.0, 1.5, 2.0, -0.25, 0.75};
        GradCheck.Report r = GradCheck.check(g, out, Map.of("x", xv), GradCheck.f64());
        assertFalse(r.passed(), r.toString());
        assertEquals("x", r.worst().variable());
        assertTrue(r.worst().index() >= 0 && r.worst().index() < 6);
        assertEquals(0.5, r.worst().analytic() / r.worst().numeric(), 1e-6, r.toString());
        assertTrue(r.toString().startsWith("gradcheck FAILED: 36 values compared"), r.toString()); // the full 6x6 Jacobian
        assertFalse(GradCheck.check(g, out, Map.of("x", xv), GradCheck.f64().withFast(true)).passed(), "fast mode too");
        assertFalse(GradCheck.check(g, out, Map.of("x", xv), GradCheck.f32()).passed(), "f32 mode too");
    }

    @Test
    void oneWrongElementIsFoundAmongMany() {
        Graph g = new Graph();
        Node w = g.param("w", Tensor.uniform(DType.F64, Shape.of(4, 4), -1, 1, 5));
        Node out = g.tanh(g.apply(BAD_ONE_ELEMENT, null, w));
        GradCheck.Report r = GradCheck.check(g, out, Map.of(), GradCheck.f64());
        assertFalse(r.passed(), r.toString());
        assertEquals("w", r.worst().variable());
        assertEquals(2, r.worst().index());
        assertEquals(2, r.worst().outputIndex());
        assertEquals(0.0, r.worst().analytic());
        assertEquals(256, r.checked()); // the full 16x16 Jacobian
    }

    @Test
    void kinksAreSkippedNotFailed() {
        Graph g = new Graph();
        Node x = g.input("x", 3);
        Node out = g.relu(x);
        // exactly at the kink: one-sided derivatives 0 and 1, analytic ReLU'(0) = 0
        GradCheck.Report r = GradCheck.check(g, out, Map.of("x", new double[] {0.0, 0.5, -0.5}), GradCheck.f64());
        assertTrue(r.passed(), r.toString());
        assertEquals(1, r.kinks());
        assertEquals(8, r.checked()); // 3x3 Jacobian, its (0, 0) element skipped
    }

    /**
     * Regression: the kink rule once accepted any analytic value between the one-sided
     * differences, so with tolerances tighter than their O(eps) spread every smooth element was
     * "skipped" and the check passed with nothing compared.
     */
    @Test
    void tightTolerancesOnASmoothFunctionFailInsteadOfSkipping() {
        Graph g = new Graph();
        Node x = g.input("x", 4);
        Node out = g.exp(x);
        Map<String, double[]> feeds = Map.of("x", new double[] {-0.5, 0.1, 0.7, 1.2});
        GradCheck.Report r = GradCheck.check(g, out, feeds, GradCheck.f32().withTolerances(1e-12, 1e-12));
        assertFalse(r.passed(), r.toString());
        assertEquals(0, r.kinks(), r.toString());
        assertEquals(16, r.checked(), r.toString());
    }

    @Test
    void aCheckWhereEveryElementSitsOnAKinkVerifiesNothingAndFails() {
        Graph g = new Graph();
        Node x = g.input("x", 2);
        // a one-element output: its single Jacobian row is all kinks (a vector output would still
        // verify the off-diagonal zeros)
        GradCheck.Report r = GradCheck.check(g, g.sum(g.relu(x)), Map.of("x", new double[] {0.0, 0.0}), GradCheck.f64());
        assertFalse(r.passed(), r.toString());
        assertEquals(2, r.kinks());
        assertEquals(0, r.checked());
        assertNull(r.worst());
        assertTrue(r.toString().contains("nothing verified"), r.toString());
    }

    @Test
    void checkedGraphParametersAreRestored() {
        Graph g = new Graph();
        Tensor init = Tensor.uniform(DType.F64, Shape.of(3), -1, 1, 9);
        Tensor before = init.copy();
        Node w = g.param("w", init);
        init.setFlat(0, init.getFlat(0)); // same values
        g.parameters().get(0).grad().setFlat(1, 42);
        GradCheck.Report r = GradCheck.check(g, g.sum(g.exp(w)), Map.of(), GradCheck.f64());
        assertTrue(r.passed(), r.toString());
        assertArrayEquals(before.doubles(), init.doubles());
        assertEquals(42, g.parameters().get(0).grad().getFlat(1));
        assertEquals(w.shape(), Shape.of(3));
    }
}
