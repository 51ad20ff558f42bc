package dev.vectornn.graph;

import static org.junit.jupiter.api.Assertions.*;

import dev.vectornn.tensor.DType;
import dev.vectornn.tensor.Shape;
import dev.vectornn.tensor.Tensor;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Inputs whose only gradient is an identity VJP (adds of their shape, reshapes, scalar adds)
 * take their consumer's gradient storage instead of a copy of it.
 */
class GradientSharingTest {
    /** An identity op that records whether the planner gave its input the output's gradient storage. */
    static final class Probe extends OpDef {
        Boolean shared;

        Probe() {
            super("probe", "x");
        }

        @Override
        Shape inferShape(Shape[] in, Object attrs) {
            return in[0];
        }

        @Override
        boolean vjpIdentity(int i, Shape[] in, Shape out, Object attrs) {
            return true;
        }

        @Override
        void forward(Frame f) {
            f.b.copy(f.n(), f.in[0], f.inOff[0], f.out, f.outOff, false);
        }

        @Override
        void vjp(Frame f) {
            shared = f.sharesGrad(0);
            if (!shared) f.b.copy(f.n(), f.gOut, f.gOutOff, f.gIn[0], f.gInOff[0], f.acc[0]);
        }
    }

    @Test
    void anInputWithOneIdentityGradientSharesAndOneWithTwoDoesNot() {
        Graph g = new Graph();
        Node w = g.param("w", Tensor.uniform(DType.F64, Shape.of(3, 4), -1, 1, 1));
        Node t = g.tanh(w);
        Probe once = new Probe(), twice = new Probe(), ofParam = new Probe();
        Node a = g.apply(once, null, t);               // t's only gradient comes through here
        Node u = g.sigmoid(w);
        Node b = g.apply(twice, null, u);              // u also feeds the mul below
        Node c = g.apply(ofParam, null, w);            // a parameter's gradient accumulates: never shared
        Node loss = g.sum(g.mul(g.add(g.add(a, b), c), u));
        Plan p = g.compile(PlanOptions.forTraining().withDtype(DType.F64), loss);
        p.forward();
        p.backward();
        assertTrue(once.shared, "single identity use");
        assertFalse(twice.shared, "input with a second gradient contribution");
        assertFalse(ofParam.shared, "parameter");
    }

    /**
     * Chains of shared gradients (both inputs of an add, then a reshape, a scalar add and a
     * subtraction's left side), with more gradient buffers planned around them: the arena must
     * keep the shared storage alive until the last reader. Checked against numerical gradients.
     */
    @Test
    void sharedChainsKeepCorrectGradients() {
        Graph g = new Graph();
        Node x = g.input("x", 4, 6);
        Node w1 = g.param("w1", Tensor.uniform(DType.F64, Shape.of(6, 5), -1, 1, 2));
        Node w2 = g.param("w2", Tensor.uniform(DType.F64, Shape.of(6, 5), -1, 1, 3));
        Node bias = g.param("bias", Tensor.uniform(DType.F64, Shape.of(5), -1, 1, 4));
        Node a = g.tanh(g.matmul(x, w1));
        Node b = g.sigmoid(g.matmul(x, w2));
        Node c = g.add(g.add(a, b), bias);             // a, b and a + b share c's gradient
        Node r = g.add(g.reshape(c, 2, 10), 0.5);      // reshape and scalar add share too
        Node d = g.sub(r, g.exp(g.reshape(b, 2, 10))); // b also feeds this: its gradient is its own
        Node e = g.tanh(g.square(d));
        Node out = g.sum(g.mul(e, g.reshape(a, 2, 10)), 1);
        double[] xv = new double[24];
        for (int i = 0; i < xv.length; i++) xv[i] = Math.sin(0.7 * i + 0.3);
        GradCheck.Report rep = GradCheck.check(g, out, Map.of("x", xv), GradCheck.f64());
        assertTrue(rep.passed(), rep.toString());
    }
}
