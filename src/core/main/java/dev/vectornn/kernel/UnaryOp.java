package dev.vectornn.kernel;

/**
 * Element-wise functions with their derivatives. Each constant documents the forward function
 * and the derivative that {@link Kernels#unaryBackward} applies; the per-implementation error
 * bounds are documented on the implementations' math helpers.
 */
public enum UnaryOp {
    /** {@code -x}; derivative {@code -1}. */
    NEG,
    /** {@code x*x}; derivative {@code 2x}. */
    SQUARE,
    /** {@code sqrt(x)}; derivative {@code 0.5/sqrt(x)} (from the output). */
    SQRT,
    /** {@code e^x}; derivative {@code e^x} (from the output). */
    EXP,
    /** natural logarithm; derivative {@code 1/x}. */
    LOG,
    /** hyperbolic tangent; derivative {@code 1 - y^2} (from the output). */
    TANH,
    /** logistic {@code 1/(1+e^-x)}; derivative {@code y(1-y)} (from the output). */
    SIGMOID,
    /** {@code max(x, 0)}; derivative 1 for {@code x > 0}, else 0 (0 at exactly 0, as PyTorch). NaN propagates. */
    RELU,
    /** exact GELU {@code x * Phi(x) = 0.5x(1+erf(x/sqrt 2))}, PyTorch's default; derivative {@code Phi(x) + x*phi(x)}. */
    GELU,
    /**
     * tanh-approximated GELU {@code 0.5x(1+tanh(sqrt(2/pi)(x+0.044715x^3)))}, PyTorch's
     * {@code approximate='tanh'}; derivative as PyTorch's {@code gelu_backward}.
     */
    GELU_TANH
}
