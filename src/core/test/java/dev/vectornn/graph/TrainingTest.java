package dev.vectornn.graph;

import static org.junit.jupiter.api.Assertions.*;

import dev.vectornn.tensor.DType;
import dev.vectornn.tensor.Shape;
import dev.vectornn.tensor.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** End to end: a small MLP learns, with plain SGD on the plan's parameter gradients. */
class TrainingTest {

    /** Two-class spiral-free toy task: label = (x0 * x1 > 0), 2-16-16-2 MLP, cross-entropy. */
    private static double[] train(long seed, int steps) {
        Graph g = new Graph();
        int batch = 32;
        Node x = g.input("x", batch, 2);
        Node y = g.indexInput("y", batch);
        Node w1 = g.param("fc1.weight", Tensor.randn(DType.F32, Shape.of(2, 16), 0.7, seed));
        Node b1 = g.param("fc1.bias", Tensor.zeros(DType.F32, 16));
        Node w2 = g.param("fc2.weight", Tensor.randn(DType.F32, Shape.of(16, 16), 0.35, seed + 1));
        Node b2 = g.param("fc2.bias", Tensor.zeros(DType.F32, 16));
        Node w3 = g.param("fc3.weight", Tensor.randn(DType.F32, Shape.of(16, 2), 0.35, seed + 2));
        Node h = g.relu(g.add(g.matmul(x, w1), b1));
        h = g.dropout(g.tanh(g.add(g.matmul(h, w2), b2)), 0.1);
        Node loss = g.crossEntropy(g.matmul(h, w3), y);
        Plan plan = g.compile(PlanOptions.forTraining().withSeed(seed), loss);

        SplittableRandom r = new SplittableRandom(seed);
        float[] xs = new float[batch * 2];
        int[] ys = new int[batch];
        double[] losses = new double[steps];
        for (int step = 0; step < steps; step++) {
            for (int i = 0; i < batch; i++) {
                xs[2 * i] = (float) r.nextDouble(-1, 1);
                xs[2 * i + 1] = (float) r.nextDouble(-1, 1);
                ys[i] = xs[2 * i] * xs[2 * i + 1] > 0 ? 1 : 0;
            }
            plan.feed("x", xs);
            plan.feed("y", ys);
            plan.zeroGrad();
            plan.forward();
            losses[step] = plan.scalar(loss);
            plan.backward();
            for (Parameter p : plan.params().values()) {
                float[] v = p.value().floats(), gr = p.grad().floats();
                for (int i = 0; i < v.length; i++) v[i] -= 0.5f * gr[i];
            }
        }
        return losses;
    }

    @Test
    void mlpLossGoesDown() {
        double[] l = train(3, 300);
        double first = 0, last = 0;
        for (int i = 0; i < 20; i++) {
            first += l[i] / 20;
            last += l[l.length - 1 - i] / 20;
        }
        assertTrue(l[0] > 0.5 && l[0] < 1.0, "starts near ln 2: " + l[0]);
        assertTrue(last < 0.5 * l[0] && last < 0.8 * first, "loss went from " + l[0] + " (first 20: " + first
                + ") to " + last);
    }

    @Test
    void trainingIsBitReproducible() {
        assertArrayEquals(train(5, 30), train(5, 30));
    }

    @Test
    void threadCountDoesNotChangeAnyBit() {
        int before = dev.vectornn.kernel.KernelThreads.threads();
        try {
            float[][] grads = new float[2][];
            for (int run = 0; run < 2; run++) {
                dev.vectornn.kernel.KernelThreads.setThreads(run == 0 ? 1 : 3);
                Graph g = new Graph();
                Node x = g.input("x", 64, 96);
                Node w = g.param("w", Tensor.randn(DType.F32, Shape.of(96, 80), 0.1, 1));
                Node v = g.param("v", Tensor.randn(DType.F32, Shape.of(80, 10), 0.1, 2));
                Node loss = g.mean(g.square(g.matmul(g.tanh(g.matmul(x, w)), v)));
                Plan p = g.compile(PlanOptions.forTraining(), loss);
                p.feed("x", Tensor.randn(DType.F32, Shape.of(64, 96), 1, 3));
                p.forward();
                p.backward();
                grads[run] = p.grad("w").floats().clone();
            }
            assertArrayEquals(grads[0], grads[1]);
        } finally {
            dev.vectornn.kernel.KernelThreads.setThreads(before);
        }
    }
}
