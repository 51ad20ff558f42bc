package dev.vectornn.graph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vectornn.kernel.KernelThreads;
import dev.vectornn.kernel.Triangle;
import dev.vectornn.tensor.DType;
import dev.vectornn.tensor.Shape;
import dev.vectornn.tensor.ShapeException;
import dev.vectornn.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * Causal attention through triangular products ({@link Graph#matmul(Node, Node, boolean, boolean,
 * Triangle)}) gives the bits of the full products, forward and backward, at any thread count;
 * the triangle's orientations are checked when the graph is built.
 */
class TriangularMatmulTest {
    private static final int BH = 6, T = 45, D = 16;

    @Test
    void causalAttentionOnTriangularProductsHasTheBitsOfTheFullProducts() {
        int before = KernelThreads.threads();
        try {
            for (int threads : new int[] {1, 3}) {
                KernelThreads.setThreads(threads);
                float[][] full = attention(false), tri = attention(true);
                String[] names = {"output", "q's gradient", "k's gradient", "v's gradient"};
                for (int i = 0; i < full.length; i++) {
                    assertArrayEquals(full[i], tri[i], names[i] + " at " + threads + " threads");
                }
            }
        } finally {
            KernelThreads.setThreads(before);
        }
    }

    /** Output and the gradients of q, k and v of sum(r * softmax_causal(q k^T / 4) v). */
    private static float[][] attention(boolean triangular) {
        Graph g = new Graph();
        Node q = g.input("q", BH, T, D), k = g.input("k", BH, T, D), v = g.input("v", BH, T, D);
        Node scores = g.matmul(q, k, false, true, triangular ? Triangle.LOWER_RESULT : Triangle.FULL);
        Node attn = g.attentionSoftmax(scores, 0.25, true, null);
        Node ctx = g.matmul(attn, v, false, false, triangular ? Triangle.LOWER_A : Triangle.FULL);
        Node loss = g.sum(g.mul(ctx, g.constant(Tensor.uniform(DType.F32, Shape.of(BH, T, D), -1, 1, 4))));
        Plan p = g.compile(PlanOptions.forTraining().withGradInputs("q", "k", "v"), loss, ctx);
        p.feed("q", Tensor.uniform(DType.F32, Shape.of(BH, T, D), -1, 1, 1));
        p.feed("k", Tensor.uniform(DType.F32, Shape.of(BH, T, D), -1, 1, 2));
        p.feed("v", Tensor.uniform(DType.F32, Shape.of(BH, T, D), -1, 1, 3));
        p.forward();
        p.backward();
        return new float[][] {p.output(ctx).floats().clone(), p.grad("q").floats().clone(), p.grad("k").floats().clone(),
                p.grad("v").floats().clone()};
    }

    @Test
    void lowerAIgnoresTheUpperTriangleWhateverItHolds() {
        Graph g = new Graph();
        Node a = g.input("a", 2, 5, 5), b = g.input("b", 2, 5, 3);
        Node y = g.matmul(a, b, false, false, Triangle.LOWER_A);
        Plan p = g.compile(PlanOptions.forInference(), y);
        float[] av = Tensor.uniform(DType.F32, Shape.of(2, 5, 5), -1, 1, 7).floats().clone();
        float[] zeroed = av.clone();
        for (int e = 0; e < 2; e++) {
            for (int i = 0; i < 5; i++) {
                for (int j = i + 1; j < 5; j++) {
                    av[e * 25 + i * 5 + j] = Float.NaN;
                    zeroed[e * 25 + i * 5 + j] = 0f;
                }
            }
        }
        Tensor bv = Tensor.uniform(DType.F32, Shape.of(2, 5, 3), -1, 1, 8);
        p.feed("a", Tensor.of(av, 2, 5, 5));
        p.feed("b", bv);
        p.forward();
        float[] got = p.output(y).floats().clone();
        p.feed("a", Tensor.of(zeroed, 2, 5, 5));
        p.forward();
        assertArrayEquals(p.output(y).floats(), got);
        for (float x : got) assertTrue(Float.isFinite(x));
    }

    @Test
    void orientationsWithoutATriangularGradientAreRejected() {
        Graph g = new Graph();
        Node a = g.input("a", 4, 4), b = g.input("b", 4, 4);
        ShapeException e = assertThrows(ShapeException.class, () -> g.matmul(a, b, false, false, Triangle.LOWER_RESULT));
        assertTrue(e.getMessage().startsWith("matmul: a triangle LOWER_RESULT product must be a @ b^T"), e.getMessage());
        e = assertThrows(ShapeException.class, () -> g.matmul(a, b, true, true, Triangle.LOWER_A));
        assertTrue(e.getMessage().startsWith("matmul: a triangle LOWER_A product must not transpose b"), e.getMessage());
        assertThrows(NullPointerException.class, () -> g.matmul(a, b, false, true, null));
    }
}
