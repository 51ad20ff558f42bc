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

/** The lecture's first examples, learned: perceptron AND/OR, MLP XOR and a 2-D spiral. Seeded and deterministic. */
class BasicLearningTest {
    private static final float[][] INPUTS = {{0, 0}, {0, 1}, {1, 0}, {1, 1}};
    private static final int[] AND = {0, 0, 0, 1};
    private static final int[] OR = {0, 1, 1, 1};

    @Test
    void perceptronRuleLearnsAndAndOr() {
        for (int[] truth : new int[][] {AND, OR}) {
            Perceptron p = new Perceptron(2, 1, new SplittableRandom(3));
            int epochs = 0, wrong;
            do {
                wrong = 0;
                for (int i = 0; i < 4; i++) wrong += p.learn(INPUTS[i], new int[] {truth[i]}, 0.1);
            } while (wrong > 0 && ++epochs < 100);
            assertEquals(0, wrong, "converged within 100 epochs");
            for (int i = 0; i < 4; i++) assertEquals(truth[i], p.predict(INPUTS[i])[0]);
        }
    }

    @Test
    void perceptronRuleNeverLearnsXor() {
        Perceptron p = new Perceptron(2, 1, new SplittableRandom(3));
        int[] xor = {0, 1, 1, 0};
        for (int epoch = 0; epoch < 200; epoch++) {
            int wrong = 0;
            for (int i = 0; i < 4; i++) wrong += p.learn(INPUTS[i], new int[] {xor[i]}, 0.1);
            assertTrue(wrong > 0, "XOR is not linearly separable");
        }
    }

    @Test
    void twoOutputPerceptronLearnsAndAndOrByGradientDescentOnTheSigmoid() {
        Perceptron p = new Perceptron(2, 2, new SplittableRandom(4));
        Graph g = new Graph();
        Node x = g.input("x", 4, 2);
        Node t = g.input("t", 4, 2);
        Node loss = g.bceWithLogits(p.forward(g, x), t);
        Node prob = p.probabilities(g, x);
        Plan plan = g.compile(PlanOptions.forTraining(), loss, prob);
        float[] xs = new float[8], ts = new float[8];
        for (int i = 0; i < 4; i++) {
            xs[2 * i] = INPUTS[i][0];
            xs[2 * i + 1] = INPUTS[i][1];
            ts[2 * i] = AND[i];
            ts[2 * i + 1] = OR[i];
        }
        plan.feed("x", xs);
        plan.feed("t", ts);
        Adam opt = new Adam(g.parameters(), Adam.options().withLr(0.1));
        for (int step = 0; step < 300; step++) {
            opt.zeroGrad();
            plan.forward();
            plan.backward();
            opt.step();
        }
        plan.forward();
        assertTrue(plan.scalar(loss) < 0.1, "loss " + plan.scalar(loss));
        Tensor pr = plan.output(prob);
        for (int i = 0; i < 4; i++) {
            assertEquals(AND[i], p.predict(INPUTS[i])[0], "AND " + i);
            assertEquals(OR[i], p.predict(INPUTS[i])[1], "OR " + i);
            assertEquals(AND[i], pr.get(i, 0) > 0.5 ? 1 : 0);
        }
    }

    @Test
    void mlpLearnsXor() {
        MLP m = new MLP(new int[] {2, 8, 1}, Activation.TANH, new SplittableRandom(5));
        Graph g = new Graph();
        Node x = g.input("x", 4, 2);
        Node t = g.input("t", 4, 1);
        Node logits = m.forward(g, x);
        Node loss = g.bceWithLogits(logits, t);
        Plan plan = g.compile(PlanOptions.forTraining(), loss, logits);
        plan.feed("x", new float[] {0, 0, 0, 1, 1, 0, 1, 1});
        plan.feed("t", new float[] {0, 1, 1, 0});
        Adam opt = new Adam(g.parameters(), Adam.options().withLr(0.05));
        for (int step = 0; step < 500; step++) {
            opt.zeroGrad();
            plan.forward();
            plan.backward();
            opt.step();
        }
        plan.forward();
        Tensor out = plan.output(logits);
        assertTrue(plan.scalar(loss) < 0.05, "loss " + plan.scalar(loss));
        assertTrue(out.getFlat(0) < 0 && out.getFlat(1) > 0 && out.getFlat(2) > 0 && out.getFlat(3) < 0, out.toString());
    }

    /** CS231n's three-arm spiral: 100 points per class, radius 0..1, angle noise 0.2. */
    @Test
    void mlpLearnsATwoDimensionalSpiral() {
        int perClass = 100, classes = 3, n = perClass * classes;
        float[] xs = new float[2 * n];
        int[] ys = new int[n];
        SplittableRandom r = new SplittableRandom(11);
        for (int c = 0; c < classes; c++) {
            for (int i = 0; i < perClass; i++) {
                int k = c * perClass + i;
                double radius = i / (perClass - 1.0);
                double angle = c * 4 + 4.0 * i / (perClass - 1.0) + 0.2 * r.nextGaussian();
                xs[2 * k] = (float) (radius * Math.sin(angle));
                xs[2 * k + 1] = (float) (radius * Math.cos(angle));
                ys[k] = c;
            }
        }
        MLP m = new MLP(new int[] {2, 64, 64, classes}, Activation.RELU, new SplittableRandom(12));
        Graph g = new Graph();
        Node x = g.input("x", n, 2);
        Node y = g.indexInput("y", n);
        Node logits = m.forward(g, x);
        Node loss = g.crossEntropy(logits, y);
        Plan plan = g.compile(PlanOptions.forTraining(), loss, logits);
        plan.feed("x", xs);
        plan.feed("y", ys);
        Adam opt = new Adam(g.parameters(), Adam.options().withLr(0.01));
        for (int step = 0; step < 1000; step++) {
            opt.zeroGrad();
            plan.forward();
            plan.backward();
            opt.step();
        }
        plan.forward();
        Tensor out = plan.output(logits);
        int correct = 0;
        for (int k = 0; k < n; k++) {
            int best = 0;
            for (int c = 1; c < classes; c++) if (out.get(k, c) > out.get(k, best)) best = c;
            if (best == ys[k]) correct++;
        }
        assertTrue(correct >= 0.95 * n, "train accuracy " + correct + "/" + n + ", loss " + plan.scalar(loss));
    }
}
