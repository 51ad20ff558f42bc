package dev.vectornn.optim;

import dev.vectornn.graph.Parameter;
import java.util.List;

/**
 * A parameter group, as in PyTorch's {@code param_groups}: parameters that share hyperparameters.
 * Typical use is a group without weight decay for biases and normalization weights:
 * <pre>{@code
 * Adam.Options base = AdamW.options().withLr(3e-4);
 * var opt = new AdamW(List.of(ParamGroup.of(weights, base),
 *                             ParamGroup.of(biasesAndNorms, base.withWeightDecay(0))));
 * }</pre>
 * Immutable; the optimizer copies the options, so {@link Optimizer#setLr} does not change this.
 *
 * @param params  the parameters (copied; no nulls)
 * @param options the group's hyperparameters
 * @param <H>     the optimizer's hyperparameter type
 */
public record ParamGroup<H extends Hyperparameters<H>>(List<Parameter> params, H options) {
    /** Copies {@code params}; rejects nulls. */
    public ParamGroup {
        params = List.copyOf(params);
        if (options == null) throw new NullPointerException("param group options are null");
    }

    /** A group of {@code params} with {@code options}. */
    public static <H extends Hyperparameters<H>> ParamGroup<H> of(List<Parameter> params, H options) {
        return new ParamGroup<>(params, options);
    }
}
