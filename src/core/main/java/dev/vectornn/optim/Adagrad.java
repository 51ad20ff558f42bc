package dev.vectornn.optim;

import dev.vectornn.graph.Parameter;
import dev.vectornn.tensor.DType;
import dev.vectornn.tensor.Tensor;
import java.util.Arrays;
import java.util.List;

/**
 * Adagrad (Duchi et al.), as PyTorch's {@code torch.optim.Adagrad} (dense gradients). For step
 * {@code t} (from 1):
 * <pre>
 *   g   = g + weight_decay * p                     (if weight_decay != 0)
 *   clr = lr / (1 + (t - 1) * lr_decay)
 *   sum = sum + g * g
 *   p   = p - clr * g / (sqrt(sum) + eps)
 * </pre>
 * <p>One deliberate difference from PyTorch: each parameter group's own
 * {@code initial_accumulator_value} is honoured, whereas PyTorch fills every group's {@code sum}
 * from the value given to the constructor (a per-group setting is silently ignored there). With
 * one value for all groups, as the golden-file parity test uses, the two agree.
 *
 * <p>State: {@code sum}, starting at {@code initial_accumulator_value}, and the step. The per-step
 * scalar {@code clr} is computed in double; F32 parameters then run in float arithmetic in
 * PyTorch's operation order, F64 in double. Not thread-safe (see {@link Optimizer}).
 */
public final class Adagrad extends Optimizer<Adagrad.Options> {
    private static final String[] SUM = {"sum"};

    /**
     * Adagrad hyperparameters; defaults in {@link Adagrad#options()}.
     *
     * @param lr                      learning rate, {@code >= 0}
     * @param lrDecay                 {@code lr_decay}, {@code >= 0}
     * @param weightDecay             L2 penalty ({@code weight_decay}), {@code >= 0}
     * @param initialAccumulatorValue {@code initial_accumulator_value}, {@code >= 0}
     * @param eps                     added to the denominator, {@code >= 0}
     */
    public record Options(double lr, double lrDecay, double weightDecay, double initialAccumulatorValue, double eps)
            implements Hyperparameters<Options> {
        @Override
        public Options withLr(double lr) {
            return new Options(lr, lrDecay, weightDecay, initialAccumulatorValue, eps);
        }

        /** A copy with {@code lr_decay} replaced. */
        public Options withLrDecay(double lrDecay) {
            return new Options(lr, lrDecay, weightDecay, initialAccumulatorValue, eps);
        }

        /** A copy with {@code weight_decay} replaced. */
        public Options withWeightDecay(double weightDecay) {
            return new Options(lr, lrDecay, weightDecay, initialAccumulatorValue, eps);
        }

        /** A copy with {@code initial_accumulator_value} replaced. */
        public Options withInitialAccumulatorValue(double value) {
            return new Options(lr, lrDecay, weightDecay, value, eps);
        }

        /** A copy with {@code eps} replaced. */
        public Options withEps(double eps) {
            return new Options(lr, lrDecay, weightDecay, initialAccumulatorValue, eps);
        }
    }

    /**
     * PyTorch's defaults: lr 1e-2, lr_decay 0, weight_decay 0, initial_accumulator_value 0,
     * eps 1e-10.
     */
    public static Options options() {
        return new Options(1e-2, 0, 0, 0, 1e-10);
    }

    /** One group of {@code params} with {@code options}. */
    public Adagrad(List<Parameter> params, Options options) {
        this(List.of(ParamGroup.of(params, options)));
    }

    /** Several parameter groups, each with its own hyperparameters. */
    public Adagrad(List<ParamGroup<Options>> groups) {
        super("Adagrad", groups);
    }

    @Override
    protected void validate(Options o, int g) {
        requireLr(o.lr(), g);
        require(o.lrDecay() >= 0 && o.lrDecay() < Double.POSITIVE_INFINITY, g, "lr_decay", o.lrDecay(), "finite and >= 0");
        require(o.weightDecay() >= 0 && o.weightDecay() < Double.POSITIVE_INFINITY, g, "weight_decay",
                o.weightDecay(), "finite and >= 0");
        require(o.initialAccumulatorValue() >= 0 && o.initialAccumulatorValue() < Double.POSITIVE_INFINITY, g,
                "initial_accumulator_value", o.initialAccumulatorValue(), "finite and >= 0");
        require(o.eps() >= 0 && o.eps() < Double.POSITIVE_INFINITY, g, "eps", o.eps(), "finite and >= 0");
    }

    @Override
    protected String[] stateNames(Options o) {
        return SUM;
    }

    @Override
    protected void initState(Options o, String stateName, Tensor t) {
        if (t.dtype() == DType.F32) Arrays.fill(t.floats(), (float) o.initialAccumulatorValue());
        else Arrays.fill(t.doubles(), o.initialAccumulatorValue());
    }

    @Override
    protected void update(Tensor value, Tensor grad, Tensor[] state, long step, Options o, double lr) {
        int n = value.numel();
        double clr = lr / (1 + (step - 1) * o.lrDecay());
        if (value.dtype() == DType.F32) {
            float[] p = value.floats(), gr = grad.floats(), sum = state[0].floats();
            float wd = (float) o.weightDecay(), eps = (float) o.eps(), negClr = (float) -clr;
            for (int i = 0; i < n; i++) {
                float g = gr[i];
                if (wd != 0) g = g + wd * p[i];
                float s = sum[i] + g * g;
                sum[i] = s;
                p[i] = p[i] + negClr * g / ((float) Math.sqrt(s) + eps);
            }
            return;
        }
        double[] p = value.doubles(), gr = grad.doubles(), sum = state[0].doubles();
        double wd = o.weightDecay(), eps = o.eps(), negClr = -clr;
        for (int i = 0; i < n; i++) {
            double g = gr[i];
            if (wd != 0) g = g + wd * p[i];
            double s = sum[i] + g * g;
            sum[i] = s;
            p[i] = p[i] + negClr * g / (Math.sqrt(s) + eps);
        }
    }
}
