package dev.vectornn.optim;

import dev.vectornn.graph.Parameter;
import dev.vectornn.kernel.KernelProvider;
import dev.vectornn.kernel.Kernels;
import dev.vectornn.tensor.DType;
import dev.vectornn.tensor.Tensor;
import java.util.List;

/**
 * Adam (Kingma and Ba), as PyTorch's {@code torch.optim.Adam}, with optional L2 weight decay and
 * AMSGrad; {@link AdamW} is the same class with decoupled weight decay. For step {@code t} (from 1):
 * <pre>
 *   AdamW: p = p * (1 - lr * weight_decay)      Adam: g = g + weight_decay * p  (if != 0)
 *   m = m + (1 - beta1) * (g - m)                 (PyTorch's lerp; = beta1 * m + (1 - beta1) * g)
 *   v = beta2 * v + (1 - beta2) * g * g
 *   vhat = amsgrad ? (vmax = max(vmax, v)) : v
 *   p = p - (lr / (1 - beta1^t)) * m / (sqrt(vhat) / sqrt(1 - beta2^t) + eps)
 * </pre>
 * State: {@code exp_avg} (m), {@code exp_avg_sq} (v), {@code max_exp_avg_sq} (vmax, AMSGrad
 * only), and the step. F32 parameters use the fused {@link Kernels#adamUpdate} kernel (which
 * writes the m update as {@code beta1 * m + (1 - beta1) * g}, a rounding away from the lerp); F64
 * parameters run the formula above in double. Not thread-safe (see {@link Optimizer}).
 */
public class Adam extends Optimizer<Adam.Options> {
    private static final Kernels K = KernelProvider.get();
    private static final String[] PLAIN = {"exp_avg", "exp_avg_sq"};
    private static final String[] AMSGRAD = {"exp_avg", "exp_avg_sq", "max_exp_avg_sq"};

    private final boolean decoupled;

    /**
     * Adam and AdamW hyperparameters. Defaults: see {@link Adam#options()} and
     * {@link AdamW#options()}.
     *
     * @param lr          learning rate, {@code >= 0}
     * @param beta1       decay of the first moment ({@code betas[0]}), in {@code [0, 1)}
     * @param beta2       decay of the second moment ({@code betas[1]}), in {@code [0, 1)}
     * @param eps         added to the denominator after the square root, {@code >= 0}
     * @param weightDecay {@code weight_decay}, {@code >= 0}: L2 for Adam, decoupled for AdamW
     * @param amsgrad     use the running maximum of the second moment
     */
    public record Options(double lr, double beta1, double beta2, double eps, double weightDecay, boolean amsgrad)
            implements Hyperparameters<Options> {
        @Override
        public Options withLr(double lr) {
            return new Options(lr, beta1, beta2, eps, weightDecay, amsgrad);
        }

        /** A copy with {@code betas} replaced. */
        public Options withBetas(double beta1, double beta2) {
            return new Options(lr, beta1, beta2, eps, weightDecay, amsgrad);
        }

        /** A copy with {@code eps} replaced. */
        public Options withEps(double eps) {
            return new Options(lr, beta1, beta2, eps, weightDecay, amsgrad);
        }

        /** A copy with {@code weight_decay} replaced. */
        public Options withWeightDecay(double weightDecay) {
            return new Options(lr, beta1, beta2, eps, weightDecay, amsgrad);
        }

        /** A copy with {@code amsgrad} replaced. */
        public Options withAmsgrad(boolean amsgrad) {
            return new Options(lr, beta1, beta2, eps, weightDecay, amsgrad);
        }
    }

    /** PyTorch's Adam defaults: lr 1e-3, betas (0.9, 0.999), eps 1e-8, weight_decay 0, amsgrad false. */
    public static Options options() {
        return new Options(1e-3, 0.9, 0.999, 1e-8, 0, false);
    }

    /** One group of {@code params} with {@code options}. */
    public Adam(List<Parameter> params, Options options) {
        this(List.of(ParamGroup.of(params, options)));
    }

    /** Several parameter groups, each with its own hyperparameters. */
    public Adam(List<ParamGroup<Options>> groups) {
        this("Adam", groups, false);
    }

    Adam(String name, List<ParamGroup<Options>> groups, boolean decoupled) {
        super(name, groups);
        this.decoupled = decoupled;
    }

    /** True for AdamW: weight decay scales the parameter instead of adding to the gradient. */
    public final boolean decoupledWeightDecay() {
        return decoupled;
    }

    @Override
    protected final void validate(Options o, int g) {
        requireLr(o.lr(), g);
        require(o.beta1() >= 0 && o.beta1() < 1, g, "beta1 (betas[0])", o.beta1(), "in [0, 1)");
        require(o.beta2() >= 0 && o.beta2() < 1, g, "beta2 (betas[1])", o.beta2(), "in [0, 1)");
        require(o.eps() >= 0 && o.eps() < Double.POSITIVE_INFINITY, g, "eps", o.eps(), "finite and >= 0");
        require(o.weightDecay() >= 0 && o.weightDecay() < Double.POSITIVE_INFINITY, g, "weight_decay",
                o.weightDecay(), "finite and >= 0");
    }

    @Override
    protected final String[] stateNames(Options o) {
        return o.amsgrad() ? AMSGRAD : PLAIN;
    }

    @Override
    protected final void update(Tensor value, Tensor grad, Tensor[] state, long step, Options o, double lr) {
        int n = value.numel();
        if (value.dtype() == DType.F32) {
            float[] vMax = o.amsgrad() ? state[2].floats() : null;
            K.adamUpdate(n, value.floats(), 0, grad.floats(), 0, state[0].floats(), 0, state[1].floats(), 0,
                    vMax, 0, (float) lr, (float) o.beta1(), (float) o.beta2(), (float) o.eps(),
                    (float) o.weightDecay(), decoupled, step);
            return;
        }
        double[] p = value.doubles(), gr = grad.doubles(), m = state[0].doubles(), v = state[1].doubles();
        double[] vMax = o.amsgrad() ? state[2].doubles() : null;
        double beta1 = o.beta1(), beta2 = o.beta2(), eps = o.eps(), wd = o.weightDecay();
        double stepSize = lr / (1 - Math.pow(beta1, step));
        double bc2Sqrt = Math.sqrt(1 - Math.pow(beta2, step));
        double decay = 1 - lr * wd, w1 = 1 - beta1, w2 = 1 - beta2;
        for (int i = 0; i < n; i++) {
            double g = gr[i], pi = p[i];
            if (decoupled) pi = pi * decay;
            else if (wd != 0) g = g + wd * pi;
            double mi = lerp(m[i], g, w1);
            double vi = beta2 * v[i] + w2 * g * g;
            m[i] = mi;
            v[i] = vi;
            if (vMax != null) vi = vMax[i] = Math.max(vMax[i], vi);
            p[i] = pi - stepSize * mi / (Math.sqrt(vi) / bc2Sqrt + eps);
        }
    }

    /** PyTorch's {@code lerp}: exact at both ends, the form chosen by the weight's size. */
    static double lerp(double a, double b, double w) {
        return Math.abs(w) < 0.5 ? a + w * (b - a) : b - (b - a) * (1 - w);
    }

    /** {@link #lerp(double, double, double)} in float arithmetic. */
    static float lerp(float a, float b, float w) {
        return Math.abs(w) < 0.5f ? a + w * (b - a) : b - (b - a) * (1f - w);
    }
}
