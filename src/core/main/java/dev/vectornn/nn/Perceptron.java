package dev.vectornn.nn;

import dev.vectornn.graph.Graph;
import dev.vectornn.graph.Node;
import dev.vectornn.tensor.Tensor;
import java.util.random.RandomGenerator;

/**
 * Rosenblatt's perceptron with {@code out} independent output units: {@code y = step(W x + b)}
 * with {@code step(z) = z > 0 ? 1 : 0}. Parameters as {@link Linear} ({@code weight [out, in]},
 * {@code bias [out]}).
 *
 * <p>Two ways to train it: the classic perceptron rule, {@link #learn}, directly on the
 * parameters; or gradient descent on a graph, where the step (whose derivative is zero almost
 * everywhere) is replaced by a sigmoid: {@link #forward} gives the logits {@code W x + b} for
 * {@link Graph#bceWithLogits}, {@link #probabilities} their sigmoid. {@link #predict} applies
 * the step either way.
 */
public class Perceptron extends Linear {
    /** A perceptron with {@code in} inputs and {@code out} output units. */
    public Perceptron(int in, int out, RandomGenerator rng) {
        super(in, out, true, rng);
    }

    /** Adds {@code sigmoid(x W^T + b)} for {@code x [..., in]} to {@code g}: the trainable smooth output. */
    public Node probabilities(Graph g, Node x) {
        return g.sigmoid(forward(g, x));
    }

    /**
     * The step output for one sample, computed on the live parameters (no graph).
     *
     * @param x {@code in} features
     * @return {@code out} values, each 0 or 1
     * @throws IllegalArgumentException if {@code x.length != in}
     */
    public int[] predict(float[] x) {
        checkLength(x);
        Tensor w = weight(), b = bias();
        int in = inFeatures(), out = outFeatures();
        int[] y = new int[out];
        for (int o = 0; o < out; o++) {
            double z = b.getFlat(o);
            for (int i = 0; i < in; i++) z += w.getFlat(o * in + i) * x[i];
            y[o] = z > 0 ? 1 : 0;
        }
        return y;
    }

    /**
     * One step of the perceptron learning rule on one sample: for each output unit,
     * {@code w += lr (t - y) x} and {@code b += lr (t - y)}, where {@code y} is the current step
     * output. Converges on linearly separable data (Novikoff).
     *
     * @param target {@code out} values, each 0 or 1
     * @return the number of output units that were wrong before the update
     * @throws IllegalArgumentException for wrong lengths or targets other than 0 and 1
     */
    public int learn(float[] x, int[] target, double lr) {
        checkLength(x);
        if (target.length != outFeatures()) {
            throw new IllegalArgumentException("Perceptron.learn: " + target.length + " targets for " + outFeatures() + " outputs");
        }
        int[] y = predict(x);
        Tensor w = weight(), b = bias();
        int in = inFeatures(), wrong = 0;
        for (int o = 0; o < y.length; o++) {
            if (target[o] != 0 && target[o] != 1) {
                throw new IllegalArgumentException("Perceptron.learn: target " + target[o] + " is not 0 or 1");
            }
            int err = target[o] - y[o];
            if (err == 0) continue;
            wrong++;
            for (int i = 0; i < in; i++) w.setFlat(o * in + i, w.getFlat(o * in + i) + lr * err * x[i]);
            b.setFlat(o, b.getFlat(o) + lr * err);
        }
        return wrong;
    }

    private void checkLength(float[] x) {
        if (x.length != inFeatures()) {
            throw new IllegalArgumentException("Perceptron: " + x.length + " features, expected " + inFeatures());
        }
    }
}
