package dev.vectornn.optim;

import dev.vectornn.graph.Parameter;
import dev.vectornn.tensor.DType;
import dev.vectornn.tensor.Tensor;
import java.util.List;

/**
 * RMSprop (Hinton), as PyTorch's {@code torch.optim.RMSprop}, with optional centering and
 * momentum. For each step:
 * <pre>
 *   g  = g + weight_decay * p                              (if weight_decay != 0)
 *   sq = alpha * sq + (1 - alpha) * g * g
 *   if centered: ga = ga + (1 - alpha) * (g - ga);  avg = sqrt(sq - ga * ga) + eps
 *   else:                                            avg = sqrt(sq) + eps
 *   if momentum > 0: buf = momentum * buf + g / avg;  p = p - lr * buf
 *   else:            p = p - lr * g / avg
 * </pre>
 * {@code eps} is added after the square root. State: {@code square_avg}, {@code momentum_buffer}
 * (momentum &gt; 0), {@code grad_avg} (centered), and the step. F32 parameters run in float
 * arithmetic in PyTorch's operation order, F64 in double. Not thread-safe (see {@link Optimizer}).
 */
public final class RMSprop extends Optimizer<RMSprop.Options> {
    private static final String[][] NAMES = {
        {"square_avg"}, {"square_avg", "momentum_buffer"},
        {"square_avg", "grad_avg"}, {"square_avg", "momentum_buffer", "grad_avg"},
    };

    /**
     * RMSprop hyperparameters; defaults in {@link RMSprop#options()}.
     *
     * @param lr          learning rate, {@code >= 0}
     * @param alpha       smoothing constant of the averages, {@code >= 0}
     * @param eps         added to the denominator after the square root, {@code >= 0}
     * @param weightDecay L2 penalty ({@code weight_decay}), {@code >= 0}
     * @param momentum    momentum factor, {@code >= 0}
     * @param centered    normalize by the estimated variance instead of the raw second moment
     */
    public record Options(double lr, double alpha, double eps, double weightDecay, double momentum, boolean centered)
            implements Hyperparameters<Options> {
        @Override
        public Options withLr(double lr) {
            return new Options(lr, alpha, eps, weightDecay, momentum, centered);
        }

        /** A copy with {@code alpha} replaced. */
        public Options withAlpha(double alpha) {
            return new Options(lr, alpha, eps, weightDecay, momentum, centered);
        }

        /** A copy with {@code eps} replaced. */
        public Options withEps(double eps) {
            return new Options(lr, alpha, eps, weightDecay, momentum, centered);
        }

        /** A copy with {@code weight_decay} replaced. */
        public Options withWeightDecay(double weightDecay) {
            return new Options(lr, alpha, eps, weightDecay, momentum, centered);
        }

        /** A copy with {@code momentum} replaced. */
        public Options withMomentum(double momentum) {
            return new Options(lr, alpha, eps, weightDecay, momentum, centered);
        }

        /** A copy with {@code centered} replaced. */
        public Options withCentered(boolean centered) {
            return new Options(lr, alpha, eps, weightDecay, momentum, centered);
        }
    }

    /** PyTorch's defaults: lr 1e-2, alpha 0.99, eps 1e-8, weight_decay 0, momentum 0, centered false. */
    public static Options options() {
        return new Options(1e-2, 0.99, 1e-8, 0, 0, false);
    }

    /** One group of {@code params} with {@code options}. */
    public RMSprop(List<Parameter> params, Options options) {
        this(List.of(ParamGroup.of(params, options)));
    }

    /** Several parameter groups, each with its own hyperparameters. */
    public RMSprop(List<ParamGroup<Options>> groups) {
        super("RMSprop", groups);
    }

    @Override
    protected void validate(Options o, int g) {
        requireLr(o.lr(), g);
        require(o.alpha() >= 0 && o.alpha() < Double.POSITIVE_INFINITY, g, "alpha", o.alpha(), "finite and >= 0");
        require(o.eps() >= 0 && o.eps() < Double.POSITIVE_INFINITY, g, "eps", o.eps(), "finite and >= 0");
        require(o.weightDecay() >= 0 && o.weightDecay() < Double.POSITIVE_INFINITY, g, "weight_decay",
                o.weightDecay(), "finite and >= 0");
        require(o.momentum() >= 0 && o.momentum() < Double.POSITIVE_INFINITY, g, "momentum", o.momentum(),
                "finite and >= 0");
    }

    @Override
    protected String[] stateNames(Options o) {
        return NAMES[(o.momentum() > 0 ? 1 : 0) + (o.centered() ? 2 : 0)];
    }

    @Override
    protected void update(Tensor value, Tensor grad, Tensor[] state, long step, Options o, double lr) {
        int n = value.numel();
        boolean mom = o.momentum() > 0, centered = o.centered();
        int gaIndex = mom ? 2 : 1;
        if (value.dtype() == DType.F32) {
            float[] p = value.floats(), gr = grad.floats(), sq = state[0].floats();
            float[] buf = mom ? state[1].floats() : null, ga = centered ? state[gaIndex].floats() : null;
            float wd = (float) o.weightDecay(), alpha = (float) o.alpha(), w = (float) (1 - o.alpha());
            float eps = (float) o.eps(), momentum = (float) o.momentum(), negLr = (float) -lr;
            for (int i = 0; i < n; i++) {
                float g = gr[i];
                if (wd != 0) g = g + wd * p[i];
                float s = sq[i] * alpha + w * g * g;
                sq[i] = s;
                float avg;
                if (centered) {
                    float a = Adam.lerp(ga[i], g, w);
                    ga[i] = a;
                    avg = (float) Math.sqrt(s - a * a) + eps;
                } else {
                    avg = (float) Math.sqrt(s) + eps;
                }
                if (mom) {
                    float b = buf[i] * momentum + g / avg;
                    buf[i] = b;
                    p[i] = p[i] + negLr * b;
                } else {
                    p[i] = p[i] + negLr * g / avg;
                }
            }
            return;
        }
        double[] p = value.doubles(), gr = grad.doubles(), sq = state[0].doubles();
        double[] buf = mom ? state[1].doubles() : null, ga = centered ? state[gaIndex].doubles() : null;
        double wd = o.weightDecay(), alpha = o.alpha(), w = 1 - o.alpha();
        double eps = o.eps(), momentum = o.momentum(), negLr = -lr;
        for (int i = 0; i < n; i++) {
            double g = gr[i];
            if (wd != 0) g = g + wd * p[i];
            double s = sq[i] * alpha + w * g * g;
            sq[i] = s;
            double avg;
            if (centered) {
                double a = Adam.lerp(ga[i], g, w);
                ga[i] = a;
                avg = Math.sqrt(s - a * a) + eps;
            } else {
                avg = Math.sqrt(s) + eps;
            }
            if (mom) {
                double b = buf[i] * momentum + g / avg;
                buf[i] = b;
                p[i] = p[i] + negLr * b;
            } else {
                p[i] = p[i] + negLr * g / avg;
            }
        }
    }
}
