package dev.vectornn.graph;

import dev.vectornn.tensor.DType;
import java.util.Objects;
import java.util.Set;

/**
 * How {@link Graph#compile} builds a {@link Plan}: element type, training or inference,
 * anomaly mode, the dropout seed and which inputs (besides parameters) get gradients.
 * Immutable; each {@code with}-method returns a modified copy.
 *
 * <pre>{@code
 * Plan p = g.compile(PlanOptions.forTraining().withSeed(42), loss);
 * Plan q = g.compile(PlanOptions.forInference(), logits);
 * }</pre>
 *
 * @param dtype      F32 (kernels, the normal mode) or F64 (scalar doubles, for gradient checks)
 * @param training   true: keeps what backward needs and allocates gradients; false: inference,
 *                   where buffers die at their last forward use and dropout is the identity
 * @param anomaly    check every op's output (and written gradients) for NaN/Inf and throw
 *                   {@link AnomalyException} naming the op; off by default (it costs a pass over every buffer)
 * @param seed       seed of the plan's random generator (dropout masks)
 * @param gradInputs names of float inputs whose gradients {@link Plan#grad(String)} should return
 */
public record PlanOptions(DType dtype, boolean training, boolean anomaly, long seed, Set<String> gradInputs) {

    /** Validates and copies. */
    public PlanOptions {
        Objects.requireNonNull(dtype, "dtype");
        gradInputs = Set.copyOf(gradInputs);
    }

    /** F32 training plan, anomaly off, seed 0, no input gradients. */
    public static PlanOptions forTraining() {
        return new PlanOptions(DType.F32, true, false, 0L, Set.of());
    }

    /** F32 inference plan. */
    public static PlanOptions forInference() {
        return new PlanOptions(DType.F32, false, false, 0L, Set.of());
    }

    /** A copy with the given element type. */
    public PlanOptions withDtype(DType d) {
        return new PlanOptions(d, training, anomaly, seed, gradInputs);
    }

    /** A copy with anomaly mode on or off. */
    public PlanOptions withAnomaly(boolean on) {
        return new PlanOptions(dtype, training, on, seed, gradInputs);
    }

    /** A copy with the given random seed. */
    public PlanOptions withSeed(long s) {
        return new PlanOptions(dtype, training, anomaly, s, gradInputs);
    }

    /** A copy that also computes gradients for these float inputs (training plans only). */
    public PlanOptions withGradInputs(String... names) {
        return new PlanOptions(dtype, training, anomaly, seed, Set.of(names));
    }
}
