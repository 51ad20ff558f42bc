package dev.vectornn.nn;

import dev.vectornn.graph.Graph;
import dev.vectornn.graph.Node;
import dev.vectornn.tensor.ShapeException;
import dev.vectornn.tensor.Tensor;
import java.util.random.RandomGenerator;

/**
 * {@code y = x W^T + b}, PyTorch's {@code nn.Linear}: parameters {@code weight [out, in]} and
 * (optionally) {@code bias [out]}, both initialized {@code U(-1/sqrt(in), 1/sqrt(in))} as
 * PyTorch's defaults ({@code kaiming_uniform_(a=sqrt(5))} for the weight).
 */
public class Linear extends Module {
    private final int inFeatures;
    private final int outFeatures;
    private final boolean hasBias;

    /** A linear layer with a bias. */
    public Linear(int inFeatures, int outFeatures, RandomGenerator rng) {
        this(inFeatures, outFeatures, true, rng);
    }

    /**
     * A linear layer.
     *
     * @throws IllegalArgumentException if a size is negative
     */
    @SuppressWarnings("this-escape") // registerParameter only stores into this module's own map
    public Linear(int inFeatures, int outFeatures, boolean bias, RandomGenerator rng) {
        if (inFeatures < 0 || outFeatures < 0) {
            throw new IllegalArgumentException("Linear: sizes must be >= 0, got in " + inFeatures + ", out " + outFeatures);
        }
        this.inFeatures = inFeatures;
        this.outFeatures = outFeatures;
        this.hasBias = bias;
        registerParameter("weight", Init.linearWeight(outFeatures, inFeatures, rng));
        if (bias) registerParameter("bias", Init.uniform(Init.fanInBound(inFeatures), rng, outFeatures));
    }

    /** Input size. */
    public int inFeatures() {
        return inFeatures;
    }

    /** Output size. */
    public int outFeatures() {
        return outFeatures;
    }

    /** The live weight {@code [out, in]}. */
    public Tensor weight() {
        return parameter("weight");
    }

    /** The live bias {@code [out]}, or {@code null} without one. */
    public Tensor bias() {
        return hasBias ? parameter("bias") : null;
    }

    /**
     * Adds {@code x W^T + b} to {@code g}.
     *
     * @param x {@code [..., in]} (rank at least 1)
     * @return {@code [..., out]}
     * @throws ShapeException if the last dimension of {@code x} is not {@code in}
     */
    public Node forward(Graph g, Node x) {
        return apply(g, x, param(g, "weight"), hasBias ? param(g, "bias") : null);
    }

    /** {@code x w^T (+ b)} for {@code x [..., in]}, {@code w [out, in]}, {@code b [out]} or null. */
    static Node apply(Graph g, Node x, Node w, Node b) {
        int[] d = x.shape().dims();
        int in = w.shape().dim(1);
        if (d.length == 0 || d[d.length - 1] != in) {
            throw new ShapeException("Linear: x is " + x.shape() + " but the weight is " + w.shape()
                    + "; x's last dimension must be " + in);
        }
        Node x2 = d.length == 2 ? x : g.reshape(x, -1, in);
        Node y = b == null ? g.matmul(x2, w, false, true) : g.linear(x2, w, b);
        if (d.length == 2) return y;
        d[d.length - 1] = w.shape().dim(0);
        return g.reshape(y, d);
    }
}
