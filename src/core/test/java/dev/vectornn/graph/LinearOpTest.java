package dev.vectornn.graph;

import static dev.vectornn.graph.TestTensors.doubles;
import static dev.vectornn.graph.TestTensors.uniform;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vectornn.kernel.KernelThreads;
import dev.vectornn.tensor.DType;
import dev.vectornn.tensor.Shape;
import dev.vectornn.tensor.ShapeException;
import org.junit.jupiter.api.Test;

/**
 * The fused {@code linear} op against the composition it replaces, {@code add(matmul(x, w^T),
 * b)}: the same output and the same gradients of x, w and b, bit for bit, at 1 and 3 threads, in
 * float32 and float64, for shapes from one row and one output to a product deeper than one GEMM
 * k block and large enough to be split over threads, with w and b also used outside the op so
 * that their gradients are added to. Its float64 gradients are checked with the other ops'
 * samples ({@link OpSamples}).
 */
class LinearOpTest {
    /** rows x in x out. */
    private static final int[][] SHAPES = {{1, 3, 1}, {1, 40, 33}, {29, 1, 7}, {13, 17, 45}, {200, 130, 96},
        {9, 1100, 20}};

    @Test
    void matchesMatmulThenAddBitForBit() {
        int before = KernelThreads.threads();
        try {
            for (DType dtype : new DType[] {DType.F32, DType.F64}) {
                for (int threads : new int[] {1, 3}) {
                    KernelThreads.setThreads(threads);
                    for (int[] s : SHAPES) {
                        double[][] composed = run(dtype, false, s), fused = run(dtype, true, s);
                        String[] names = {"output", "x's gradient", "w's gradient", "b's gradient"};
                        for (int i = 0; i < names.length; i++) {
                            assertArrayEquals(composed[i], fused[i], dtype + " " + s[0] + "x" + s[1] + "x" + s[2] + ": "
                                    + names[i] + " at " + threads + " threads");
                        }
                    }
                }
            }
        } finally {
            KernelThreads.setThreads(before);
        }
    }

    /** Output and the gradients of x, w, b of {@code sum(r * y) + sum(w^2) + sum(3b)} with y the layer. */
    private static double[][] run(DType dtype, boolean fused, int[] s) {
        int rows = s[0], in = s[1], out = s[2];
        Graph g = new Graph();
        Node x = g.input("x", rows, in), w = g.input("w", out, in), b = g.input("b", out);
        Node y = fused ? g.linear(x, w, b) : g.add(g.matmul(x, w, false, true), b);
        Node loss = g.add(g.sum(g.mul(y, g.constant(uniform(dtype, 4, rows, out)))),
                g.add(g.sum(g.square(w)), g.sum(g.mul(b, 3.0))));
        Plan p = g.compile(PlanOptions.forTraining().withDtype(dtype).withGradInputs("x", "w", "b"), loss, y);
        p.feed("x", uniform(dtype, 1, rows, in));
        p.feed("w", uniform(dtype, 2, out, in));
        p.feed("b", uniform(dtype, 3, out));
        p.forward();
        p.backward();
        return new double[][] {doubles(p.output(y)), doubles(p.grad("x")), doubles(p.grad("w")), doubles(p.grad("b"))};
    }

    @Test
    void shapesAreCheckedAtBuildTime() {
        Graph g = new Graph();
        Node x = g.input("x", 4, 3), w = g.input("w", 5, 3), b = g.input("b", 5);
        assertEquals(Shape.of(4, 5), g.linear(x, w, b).shape());
        ShapeException e = assertThrows(ShapeException.class, () -> g.linear(x, g.input("w2", 5, 4), b));
        assertTrue(e.getMessage().contains("linear") && e.getMessage().contains("[4, 3]") && e.getMessage().contains("[5, 4]"),
                e.getMessage());
        e = assertThrows(ShapeException.class, () -> g.linear(x, w, g.input("b2", 4)));
        assertTrue(e.getMessage().contains("linear") && e.getMessage().contains("one entry per output"), e.getMessage());
        e = assertThrows(ShapeException.class, () -> g.linear(g.input("x3", 2, 4, 3), w, b));
        assertTrue(e.getMessage().contains("x [n, in]"), e.getMessage());
    }
}
