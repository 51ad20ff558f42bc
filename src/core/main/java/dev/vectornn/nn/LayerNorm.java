package dev.vectornn.nn;

import dev.vectornn.graph.Graph;
import dev.vectornn.graph.Node;
import dev.vectornn.tensor.DType;
import dev.vectornn.tensor.ShapeException;
import dev.vectornn.tensor.Tensor;

/**
 * Layer normalization over the last dimension, PyTorch's {@code nn.LayerNorm(dim)}:
 * {@code (x - mean) / sqrt(var + eps) * weight + bias} with the biased variance; parameters
 * {@code weight [dim]} (ones) and {@code bias [dim]} (zeros); eps {@code 1e-5} by default.
 */
public class LayerNorm extends Module {
    /** PyTorch's default eps. */
    public static final double DEFAULT_EPS = 1e-5;

    private final int dim;
    private final double eps;
    private final boolean bias;

    /** A layer norm over {@code dim} features with eps 1e-5. */
    public LayerNorm(int dim) {
        this(dim, DEFAULT_EPS);
    }

    /**
     * A layer norm.
     *
     * @throws IllegalArgumentException if {@code dim < 1} or {@code eps <= 0}
     */
    public LayerNorm(int dim, double eps) {
        this(dim, eps, true);
    }

    /**
     * A layer norm, with or without the additive {@code bias} (PyTorch 2.1's {@code bias=False};
     * nanoGPT's default): without it the state dict holds only {@code weight}.
     *
     * @throws IllegalArgumentException if {@code dim < 1} or {@code eps <= 0}
     */
    @SuppressWarnings("this-escape") // registerParameter only stores into this module's own map
    public LayerNorm(int dim, double eps, boolean bias) {
        if (dim < 1 || !(eps > 0)) throw new IllegalArgumentException("LayerNorm: need dim >= 1 and eps > 0, got " + dim + ", " + eps);
        this.dim = dim;
        this.eps = eps;
        this.bias = bias;
        registerParameter("weight", Tensor.full(DType.F32, dev.vectornn.tensor.Shape.of(dim), 1.0));
        if (bias) registerParameter("bias", Tensor.zeros(DType.F32, dim));
    }

    /** The eps added to the variance. */
    public double eps() {
        return eps;
    }

    /**
     * Adds the normalization of {@code x [..., dim]} to {@code g}.
     *
     * @throws ShapeException if the last dimension is not {@code dim}
     */
    public Node forward(Graph g, Node x) {
        if (x.shape().rank() == 0 || x.shape().dim(-1) != dim) {
            throw new ShapeException("LayerNorm: x is " + x.shape() + "; its last dimension must be " + dim);
        }
        Node beta = bias ? param(g, "bias") : g.constant(Tensor.zeros(DType.F32, dim)); // the op's shift is fixed at 0
        return g.layerNorm(x, param(g, "weight"), beta, eps);
    }
}
