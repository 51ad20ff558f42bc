package dev.vectornn.graph;

import dev.vectornn.tensor.Tensor;

/**
 * A trainable tensor and its gradient, of the same dtype and shape. Plans accumulate into
 * {@link #grad()} on every backward pass (as PyTorch's {@code .grad}); {@link Plan#zeroGrad()}
 * clears it. Optimizers update {@link #value()} in place.
 *
 * @param name  unique name within its graph (PyTorch's state-dict key, e.g. {@code "fc1.weight"})
 * @param value the live value
 * @param grad  the live accumulated gradient
 */
public record Parameter(String name, Tensor value, Tensor grad) {}
