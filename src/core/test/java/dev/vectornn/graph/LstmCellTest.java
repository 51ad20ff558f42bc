package dev.vectornn.graph;

import static org.junit.jupiter.api.Assertions.*;

import dev.vectornn.tensor.DType;
import dev.vectornn.tensor.Shape;
import dev.vectornn.tensor.ShapeException;
import dev.vectornn.tensor.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The fused {@code lstmCell} op against the same cell composed from element-wise ops, values by
 * hand, shape errors, and the zero-copy slices ({@code select}) that pick h and c out of it.
 */
class LstmCellTest {

    private static float[] random(SplittableRandom r, int n, double scale) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) ((r.nextDouble() * 2 - 1) * scale);
        return v;
    }

    /** h and c of the cell composed from sigmoid, tanh, slices, mul and add (the unfused LSTM step). */
    private static Node[] composed(Graph g, Node gates, Node c, int hs) {
        Node sig = g.sigmoid(gates);
        Node in = g.slice(sig, 1, 0, hs), forget = g.slice(sig, 1, hs, 2 * hs), out = g.slice(sig, 1, 3 * hs, 4 * hs);
        Node cell = g.tanh(g.slice(gates, 1, 2 * hs, 3 * hs));
        Node cNew = c == null ? g.mul(in, cell) : g.add(g.mul(forget, c), g.mul(in, cell));
        return new Node[] {g.mul(out, g.tanh(cNew)), cNew};
    }

    @Test
    void f32ForwardIsBitIdenticalToTheComposedCellAndGradientsAgree() {
        int batch = 3, hs = 37; // 37: vector main loops and tails in every gate block
        for (boolean zeroState : new boolean[] {false, true}) {
            SplittableRandom r = new SplittableRandom(zeroState ? 1 : 2);
            float[] gv = random(r, batch * 4 * hs, 4), cv = random(r, batch * hs, 2), wv = random(r, 2 * batch * hs, 1);
            float[][] results = new float[2][];
            float[][] gateGrads = new float[2][], cGrads = new float[2][];
            for (int fused = 0; fused < 2; fused++) {
                Graph g = new Graph();
                Node gates = g.input("gates", batch, 4 * hs);
                Node c = zeroState ? null : g.input("c", batch, hs);
                Node h, cNew;
                if (fused == 1) {
                    Node cell = g.lstmCell(gates, c);
                    h = g.select(cell, 0, 0);
                    cNew = g.select(cell, 0, 1);
                } else {
                    Node[] hc = composed(g, gates, c, hs);
                    h = hc[0];
                    cNew = hc[1];
                }
                Node both = g.concat(0, h, cNew);
                Node loss = g.sum(g.mul(both, g.input("w", 2 * batch, hs)));
                PlanOptions o = PlanOptions.forTraining().withGradInputs(zeroState ? new String[] {"gates"}
                        : new String[] {"gates", "c"});
                Plan p = g.compile(o, loss, both);
                p.feed("gates", gv);
                if (!zeroState) p.feed("c", cv);
                p.feed("w", wv);
                p.forward();
                p.backward();
                results[fused] = p.output(both).floats();
                gateGrads[fused] = p.grad("gates").floats();
                if (!zeroState) cGrads[fused] = p.grad("c").floats();
            }
            assertArrayEquals(results[0], results[1], "forward, zero state " + zeroState);
            assertClose(gateGrads[0], gateGrads[1], "gates gradient");
            if (!zeroState) assertClose(cGrads[0], cGrads[1], "cPrev gradient");
        }
    }

    /** The two backward passes round in different orders: a few float ulps of the largest term. */
    private static void assertClose(float[] want, float[] got, String what) {
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], got[i], 1e-6 + 1e-5 * Math.abs(want[i]), what + "[" + i + "]");
        }
    }

    @Test
    void valuesByHandInF64() {
        Graph g = new Graph();
        Node gates = g.input("gates", 1, 4);
        Node c = g.input("c", 1, 1);
        Node cell = g.lstmCell(gates, c);
        assertEquals(Shape.of(2, 1, 1), cell.shape());
        Plan p = g.compile(PlanOptions.forInference().withDtype(DType.F64), cell);
        double[] z = {0.3, -1.2, 0.7, 2.0};
        p.feed("gates", z);
        p.feed("c", new double[] {-0.4});
        p.forward();
        double i = 1 / (1 + Math.exp(-z[0])), f = 1 / (1 + Math.exp(-z[1])), gg = Math.tanh(z[2]);
        double o = 1 / (1 + Math.exp(-z[3]));
        double cNew = f * -0.4 + i * gg;
        assertArrayEquals(new double[] {o * Math.tanh(cNew), cNew}, p.output(cell).doubles(), 1e-15);
    }

    @Test
    void shapeErrorsNameTheArguments() {
        Graph g = new Graph();
        assertMessage(() -> g.lstmCell(g.input("a", 3, 10), null),
                "lstmCell: gates is [3, 10]; expected [B, 4H] with H >= 1");
        assertMessage(() -> g.lstmCell(g.input("b", 2, 3, 8), null), "lstmCell: gates is [2, 3, 8]");
        assertMessage(() -> g.lstmCell(g.input("d", 3, 8), g.input("e", 3, 3)),
                "lstmCell: gates is [3, 8], cPrev is [3, 3]; cPrev must be [3, 2]");
        Node x = g.input("x", 2, 3);
        assertMessage(() -> g.select(x, 1, 3), "select: x is [2, 3]; index 3 is out of range [0, 3) along axis 1");
        assertMessage(() -> g.select(x, 2, 0), "select: x is [2, 3]; axis 2 is out of range");
        NullPointerException e = assertThrows(NullPointerException.class, () -> g.lstmCell(null, null));
        assertTrue(e.getMessage().startsWith("lstmCell: gates is null"), e.getMessage());
    }

    private static void assertMessage(org.junit.jupiter.api.function.Executable e, String expected) {
        ShapeException ex = assertThrows(ShapeException.class, e);
        assertTrue(ex.getMessage().contains(expected), "expected <" + expected + "> in <" + ex.getMessage() + ">");
        assertTrue(ex.getMessage().contains("(built at LstmCellTest.java:"), ex.getMessage());
    }

    @Test
    void contiguousSlicesAreViewsAndOthersCopies() {
        Graph g = new Graph();
        Node x = g.input("x", 3, 2, 4);
        Node y = g.tanh(x);                           // an op output, so the views alias the arena
        Node lead = g.slice(y, 0, 1, 3);              // rows 1..2: contiguous
        Node inner = g.slice(y, 2, 1, 3);             // a column range: strided, copied
        Node picked = g.select(g.reshape(lead, 1, 2, 2, 4), 1, 1); // [1, 2, 4] view of y[2]
        Plan p = g.compile(PlanOptions.forInference().withDtype(DType.F64), lead, inner, picked);
        double[] xv = new double[24];
        for (int i = 0; i < 24; i++) xv[i] = (i - 12) / 10.0;
        p.feed("x", xv);
        p.forward();
        double[] t = new double[24];
        for (int i = 0; i < 24; i++) t[i] = Math.tanh(xv[i]);
        assertArrayEquals(java.util.Arrays.copyOfRange(t, 8, 24), p.output(lead).doubles());
        assertArrayEquals(java.util.Arrays.copyOfRange(t, 16, 24), p.output(picked).doubles());
        double[] in = p.output(inner).doubles();
        for (int a = 0; a < 3; a++) {
            for (int b = 0; b < 2; b++) {
                for (int k = 0; k < 2; k++) assertEquals(t[a * 8 + b * 4 + 1 + k], in[a * 4 + b * 2 + k]);
            }
        }
        // the views take no storage: tanh's 24 elements, the inner slice's 12 and the input's 24
        assertEquals(24 + 12 + 24, p.arenaSize());
    }

    @Test
    void gradientsFlowThroughViewsOfInputsAndParameters() {
        Graph g = new Graph();
        Node x = g.input("x", 3, 4);
        Node w = g.param("w", Tensor.of(new float[] {1, 2, 3, 4, 5, 6, 7, 8}, 2, 4));
        Node loss = g.sum(g.mul(g.select(x, 0, 2), g.select(w, 0, 1)));
        Plan p = g.compile(PlanOptions.forTraining().withDtype(DType.F64).withGradInputs("x"), loss);
        p.feed("x", new double[] {1, 1, 1, 1, 1, 1, 1, 1, 9, 10, 11, 12});
        p.forward();
        assertEquals(9 * 5 + 10 * 6 + 11 * 7 + 12 * 8, p.scalar(loss), 1e-12);
        p.backward();
        assertArrayEquals(new double[] {0, 0, 0, 0, 0, 0, 0, 0, 5, 6, 7, 8}, p.grad("x").doubles());
        assertArrayEquals(new double[] {0, 0, 0, 0, 9, 10, 11, 12}, p.grad("w").doubles());
    }
}
