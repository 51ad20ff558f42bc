package dev.vectornn.graph;

import static org.junit.jupiter.api.Assertions.*;

import dev.vectornn.kernel.KernelThreads;
import dev.vectornn.tensor.DType;
import dev.vectornn.tensor.Shape;
import dev.vectornn.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The batched matmul's gradients go through the batched GEMM kernel (entries spread over the
 * threads) when both operands are batched. At sizes that take the kernel's parallel path, with
 * one operand's gradient accumulated from two products: every transpose combination agrees with
 * direct sums in double and does not change a bit with the thread count.
 */
class BatchedMatmulGradientTest {
    private static final int B = 6, M = 64, K = 48, N = 64;

    @ParameterizedTest(name = "transA {0}, transB {1}")
    @CsvSource({"false,false", "false,true", "true,false", "true,true"})
    void gradientsMatchDirectSumsAndIgnoreThreadCount(boolean ta, boolean tb) {
        int before = KernelThreads.threads();
        try {
            float[][] one = grads(ta, tb, 1), three = grads(ta, tb, 3);
            double[][] ref = reference(ta, tb);
            String[] names = {"a", "b", "c"};
            for (int i = 0; i < 3; i++) {
                assertArrayEquals(one[i], three[i], "gradient of " + names[i] + " at 1 and 3 threads");
                for (int j = 0; j < ref[i].length; j++) {
                    assertEquals(ref[i][j], one[i][j], 1e-4 * (1 + Math.abs(ref[i][j])), names[i] + "'s gradient, element " + j);
                }
            }
        } finally {
            KernelThreads.setThreads(before);
        }
    }

    private static Shape aShape(boolean ta) {
        return ta ? Shape.of(B, K, M) : Shape.of(B, M, K);
    }

    private static Shape bShape(boolean tb) {
        return tb ? Shape.of(B, N, K) : Shape.of(B, K, N);
    }

    private static Tensor value(Shape s, long seed) {
        return Tensor.uniform(DType.F32, s, -1, 1, seed);
    }

    /** Gradients of a, b and c for sum(r1 * (a @ b)) + sum(r2 * (a @ c)): a's gradient accumulates. */
    private static float[][] grads(boolean ta, boolean tb, int threads) {
        KernelThreads.setThreads(threads);
        Graph g = new Graph();
        Node a = g.input("a", aShape(ta).dims()), b = g.input("b", bShape(tb).dims()), c = g.input("c", bShape(tb).dims());
        Node r1 = g.constant(value(Shape.of(B, M, N), 4)), r2 = g.constant(value(Shape.of(B, M, N), 5));
        Node loss = g.add(g.sum(g.mul(g.matmul(a, b, ta, tb), r1)), g.sum(g.mul(g.matmul(a, c, ta, tb), r2)));
        Plan p = g.compile(PlanOptions.forTraining().withGradInputs("a", "b", "c"), loss);
        p.feed("a", value(aShape(ta), 1));
        p.feed("b", value(bShape(tb), 2));
        p.feed("c", value(bShape(tb), 3));
        p.forward();
        p.backward();
        return new float[][] {p.grad("a").floats().clone(), p.grad("b").floats().clone(), p.grad("c").floats().clone()};
    }

    /** The same gradients as direct sums in double, written from the definition of the loss. */
    private static double[][] reference(boolean ta, boolean tb) {
        float[] a = value(aShape(ta), 1).floats(), b = value(bShape(tb), 2).floats(), c = value(bShape(tb), 3).floats();
        float[] r1 = value(Shape.of(B, M, N), 4).floats(), r2 = value(Shape.of(B, M, N), 5).floats();
        double[] da = new double[a.length], db = new double[b.length], dc = new double[c.length];
        for (int e = 0; e < B; e++) {
            for (int i = 0; i < M; i++) {
                for (int p = 0; p < K; p++) {
                    int ai = e * M * K + (ta ? p * M + i : i * K + p);
                    for (int j = 0; j < N; j++) {
                        int bi = e * K * N + (tb ? j * K + p : p * N + j), ri = e * M * N + i * N + j;
                        // d/d opA(i,p) of r(i,j) * opA(i,p) * opB(p,j), and the same for opB
                        da[ai] += r1[ri] * b[bi] + r2[ri] * c[bi];
                        db[bi] += r1[ri] * a[ai];
                        dc[bi] += r2[ri] * a[ai];
                    }
                }
            }
        }
        return new double[][] {da, db, dc};
    }
}
