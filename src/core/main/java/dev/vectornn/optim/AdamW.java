package dev.vectornn.optim;

import dev.vectornn.graph.Parameter;
import java.util.List;

/**
 * AdamW (Loshchilov and Hutter), as PyTorch's {@code torch.optim.AdamW}: {@link Adam} with
 * decoupled weight decay, {@code p = p * (1 - lr * weight_decay)} before the Adam update instead
 * of adding {@code weight_decay * p} to the gradient. Same hyperparameters and state names as
 * Adam; only the default weight decay differs (1e-2). Not thread-safe (see {@link Optimizer}).
 */
public final class AdamW extends Adam {
    /**
     * PyTorch's AdamW defaults: lr 1e-3, betas (0.9, 0.999), eps 1e-8, weight_decay 1e-2,
     * amsgrad false.
     */
    public static Options options() {
        return new Options(1e-3, 0.9, 0.999, 1e-8, 1e-2, false);
    }

    /** One group of {@code params} with {@code options}. */
    public AdamW(List<Parameter> params, Options options) {
        this(List.of(ParamGroup.of(params, options)));
    }

    /** Several parameter groups, each with its own hyperparameters. */
    public AdamW(List<ParamGroup<Options>> groups) {
        super("AdamW", groups, true);
    }
}
