package dev.vectornn.nn;

import dev.vectornn.graph.Graph;
import dev.vectornn.graph.Node;

/** Element-wise nonlinearities between layers, as PyTorch's modules of the same names. */
public enum Activation {
    /** {@code max(x, 0)}. */
    RELU,
    /** {@code tanh(x)}. */
    TANH,
    /** Exact (erf) GELU, PyTorch's default. */
    GELU,
    /** The logistic sigmoid. */
    SIGMOID;

    /** Adds this activation of {@code x} to {@code g}. */
    public Node apply(Graph g, Node x) {
        return switch (this) {
            case RELU -> g.relu(x);
            case TANH -> g.tanh(x);
            case GELU -> g.gelu(x);
            case SIGMOID -> g.sigmoid(x);
        };
    }
}
