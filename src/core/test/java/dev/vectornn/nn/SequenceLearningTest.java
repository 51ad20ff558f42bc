package dev.vectornn.nn;

import static org.junit.jupiter.api.Assertions.*;

import dev.vectornn.graph.Graph;
import dev.vectornn.graph.Node;
import dev.vectornn.graph.Plan;
import dev.vectornn.graph.PlanOptions;
import dev.vectornn.optim.Adam;
import dev.vectornn.tensor.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The lecture's sequence lessons, learned: an LSTM solves the adding problem over 50 steps,
 * while a plain RNN's gradient vanishes with distance. Seeded and deterministic.
 */
class SequenceLearningTest {
    static final int T = 50;

    /** Adding problem (Hochreiter and Schmidhuber 1997): [B, T, 2] of (value, marker); target = sum of the two marked values. */
    static void addingBatch(SplittableRandom r, int batch, float[] x, float[] y) {
        java.util.Arrays.fill(x, 0f);
        for (int b = 0; b < batch; b++) {
            int m1 = r.nextInt(T / 2), m2 = T / 2 + r.nextInt(T / 2);
            for (int t = 0; t < T; t++) x[(b * T + t) * 2] = (float) r.nextDouble();
            x[(b * T + m1) * 2 + 1] = 1;
            x[(b * T + m2) * 2 + 1] = 1;
            y[b] = x[(b * T + m1) * 2] + x[(b * T + m2) * 2];
        }
    }

    /** A sequence regressor: input [B, T, 2] (batch-first) to a prediction [B, 1]. */
    interface Model {
        Node predict(Graph g, Node x);
    }

    static Model lstmModel(int hidden, long seed) {
        var rng = new SplittableRandom(seed);
        Module root = new Module();
        LSTM lstm = root.add("lstm", new LSTM(2, hidden, 1, true, 0.0, rng));
        Linear head = root.add("head", new Linear(hidden, 1, rng));
        return (g, x) -> head.forward(g, g.reshape(lstm.forward(g, x).hn(), x.shape().dim(0), hidden));
    }

    static Model rnnModel(int hidden, long seed) {
        var rng = new SplittableRandom(seed);
        Module root = new Module();
        RNN rnn = root.add("rnn", new RNN(2, hidden, 1, Activation.TANH, true, 0.0, rng));
        Linear head = root.add("head", new Linear(hidden, 1, rng));
        return (g, x) -> head.forward(g, g.reshape(rnn.forward(g, x).hn(), x.shape().dim(0), hidden));
    }

    /** Trains with Adam (lr 0.01, batch 32) until the smoothed loss is below 0.003 or {@code maxSteps}; returns {steps, smoothed loss}. */
    static double[] train(Model m, int maxSteps) {
        int batch = 32;
        Graph g = new Graph();
        Node x = g.input("x", batch, T, 2);
        Node y = g.input("y", batch, 1);
        Node loss = g.mse(m.predict(g, x), y);
        Plan plan = g.compile(PlanOptions.forTraining(), loss);
        Adam opt = new Adam(g.parameters(), Adam.options().withLr(0.01));
        SplittableRandom data = new SplittableRandom(2);
        float[] xs = new float[batch * T * 2], ys = new float[batch];
        double avg = 1;
        int step = 0;
        for (; step < maxSteps && avg > 0.003; step++) {
            addingBatch(data, batch, xs, ys);
            plan.feed("x", xs);
            plan.feed("y", ys);
            opt.zeroGrad();
            plan.forward();
            avg = 0.95 * avg + 0.05 * plan.scalar(loss);
            plan.backward();
            opt.step();
        }
        return new double[] {step, avg};
    }

    /** ||d sum(prediction) / d x_t|| per step t for a fixed batch of 16 adding-problem inputs. */
    static double[] gradientByDistance(Model m) {
        return gradientByDistance(g -> {
            Node x = g.input("x", 16, T, 2);
            return new Node[] {x, m.predict(g, x)};
        });
    }

    @Test
    void lstmSolvesTheAddingProblemAndKeepsLongRangeGradients() {
        Model m = lstmModel(32, 1);
        double[] initial = gradientByDistance(m);
        long start = System.nanoTime();
        double[] run = train(m, 3000);
        double mse = evaluate(m, new SplittableRandom(3));
        System.out.printf("adding problem, LSTM: %.0f steps, %.1f s, test MSE %.5f%n", run[0], (System.nanoTime() - start) / 1e9, mse);
        assertTrue(mse < 0.01, "test MSE " + mse + " after " + run[0] + " steps (predicting 1 gives ~0.167)");
        double[] trained = gradientByDistance(m);
        // at PyTorch's init the forget gates sit near 0.5, so even the LSTM's gradient vanishes; training opens them
        assertTrue(initial[0] / initial[T - 1] < 1e-4, "untrained ratio " + initial[0] / initial[T - 1]);
        for (int t = 0; t < T; t++) {
            assertTrue(trained[t] / trained[T - 1] > 0.1, "trained LSTM: gradient at step " + t + " is "
                    + trained[t] / trained[T - 1] + " of the last step's");
        }
    }

    @Test
    void rnnGradientVanishesWithDistanceAndItCannotLearnTheSameTask() {
        Model m = rnnModel(32, 1);
        double[] run = train(m, 1000);
        double[] norms = gradientByDistance(m);
        double ratio = norms[0] / norms[T - 1];
        System.out.printf("adding problem, RNN: smoothed MSE %.4f after 1000 steps; gradient step 0 / step %d = %.2e%n",
                run[1], T - 1, ratio);
        assertTrue(ratio < 1e-3, "RNN gradient ratio " + ratio);
        assertTrue(norms[T / 2] / norms[T - 1] < 0.05, "already small at distance T/2: " + norms[T / 2] / norms[T - 1]);
        assertTrue(run[1] > 0.1, "the RNN should not solve T = 50 (smoothed MSE " + run[1] + ")");
    }

    /**
     * Norm of the gradient of {@code sum(out)} with respect to each time step of the input,
     * {@code ||d sum(out) / d x_t||} for t = 0..T-1 (the builder returns {x, out}; x time-major or
     * batch-first is detected from its shape).
     */
    static double[] gradientByDistance(java.util.function.Function<Graph, Node[]> build) {
        Graph g = new Graph();
        Node[] xo = build.apply(g);
        Node x = xo[0];
        Plan p = g.compile(PlanOptions.forTraining().withGradInputs("x"), g.sum(xo[1]));
        boolean timeMajor = x.shape().dim(0) == T;
        int n = x.shape().numel();
        float[] xs = new float[n];
        SplittableRandom r = new SplittableRandom(5);
        for (int i = 0; i < n; i++) xs[i] = (i & 1) == 0 ? (float) r.nextDouble() : 0f;
        p.feed("x", xs);
        p.forward();
        p.backward();
        Tensor gx = p.grad("x");
        int batch = n / (T * 2);
        double[] norms = new double[T];
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < T; t++) {
                for (int c = 0; c < 2; c++) {
                    double v = timeMajor ? gx.get(t, b, c) : gx.get(b, t, c);
                    norms[t] += v * v;
                }
            }
        }
        for (int t = 0; t < T; t++) norms[t] = Math.sqrt(norms[t]);
        return norms;
    }

    static double evaluate(Model m, SplittableRandom r) {
        int n = 500;
        Graph g = new Graph();
        Node x = g.input("x", n, T, 2);
        Node pred = m.predict(g, x);
        Plan p = g.compile(PlanOptions.forInference(), pred);
        float[] xs = new float[n * T * 2], ys = new float[n];
        addingBatch(r, n, xs, ys);
        p.feed("x", xs);
        p.forward();
        Tensor out = p.output(pred);
        double se = 0;
        for (int i = 0; i < n; i++) se += (out.getFlat(i) - ys[i]) * (out.getFlat(i) - ys[i]);
        return se / n;
    }
}
