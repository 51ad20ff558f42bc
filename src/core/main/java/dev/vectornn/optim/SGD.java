package dev.vectornn.optim;

import dev.vectornn.graph.Parameter;
import dev.vectornn.kernel.KernelProvider;
import dev.vectornn.kernel.Kernels;
import dev.vectornn.tensor.DType;
import dev.vectornn.tensor.Tensor;
import java.util.List;

/**
 * Stochastic gradient descent with optional momentum, dampening, Nesterov momentum and L2 weight
 * decay, as PyTorch's {@code torch.optim.SGD}. For parameter {@code p}, gradient {@code g} and
 * step {@code t} (from 1):
 * <pre>
 *   d = g + weight_decay * p                       (if weight_decay != 0)
 *   if momentum != 0:
 *       buf = (t == 1) ? d : momentum * buf + (1 - dampening) * d
 *       d   = nesterov ? d + momentum * buf : buf
 *   p = p - lr * d
 * </pre>
 * State: {@code momentum_buffer} when {@code momentum != 0}; a step counter too (PyTorch's SGD
 * has none: the buffer's absence marks the first step there, {@code step == 0} here). F32
 * parameters use the fused {@link Kernels#sgdUpdate} kernel; F64 parameters the same formula in
 * double. Not thread-safe (see {@link Optimizer}).
 */
public final class SGD extends Optimizer<SGD.Options> {
    private static final Kernels K = KernelProvider.get();
    private static final String[] MOMENTUM = {"momentum_buffer"};
    private static final String[] NONE = {};

    /**
     * SGD hyperparameters. Defaults (PyTorch's): momentum 0, dampening 0, weight_decay 0,
     * nesterov false; there is no default lr.
     *
     * @param lr          learning rate, {@code >= 0}
     * @param momentum    momentum factor, {@code >= 0}
     * @param dampening   dampening of the momentum's gradient term
     * @param weightDecay L2 penalty ({@code weight_decay}), {@code >= 0}
     * @param nesterov    Nesterov momentum; requires {@code momentum > 0} and {@code dampening == 0}
     */
    public record Options(double lr, double momentum, double dampening, double weightDecay, boolean nesterov)
            implements Hyperparameters<Options> {
        @Override
        public Options withLr(double lr) {
            return new Options(lr, momentum, dampening, weightDecay, nesterov);
        }

        /** A copy with {@code momentum} replaced. */
        public Options withMomentum(double momentum) {
            return new Options(lr, momentum, dampening, weightDecay, nesterov);
        }

        /** A copy with {@code dampening} replaced. */
        public Options withDampening(double dampening) {
            return new Options(lr, momentum, dampening, weightDecay, nesterov);
        }

        /** A copy with {@code weight_decay} replaced. */
        public Options withWeightDecay(double weightDecay) {
            return new Options(lr, momentum, dampening, weightDecay, nesterov);
        }

        /** A copy with {@code nesterov} replaced. */
        public Options withNesterov(boolean nesterov) {
            return new Options(lr, momentum, dampening, weightDecay, nesterov);
        }
    }

    /** PyTorch's defaults with the given learning rate. */
    public static Options options(double lr) {
        return new Options(lr, 0, 0, 0, false);
    }

    /** One group of {@code params} with {@code options}. */
    public SGD(List<Parameter> params, Options options) {
        this(List.of(ParamGroup.of(params, options)));
    }

    /** Several parameter groups, each with its own hyperparameters. */
    public SGD(List<ParamGroup<Options>> groups) {
        super("SGD", groups);
    }

    @Override
    protected void validate(Options o, int g) {
        requireLr(o.lr(), g);
        require(o.momentum() >= 0 && Double.isFinite(o.momentum()), g, "momentum", o.momentum(), "finite and >= 0");
        require(Double.isFinite(o.dampening()), g, "dampening", o.dampening(), "finite");
        require(o.weightDecay() >= 0 && Double.isFinite(o.weightDecay()), g, "weight_decay", o.weightDecay(), "finite and >= 0");
        if (o.nesterov() && (o.momentum() <= 0 || o.dampening() != 0)) {
            throw new IllegalArgumentException("SGD: param group " + g + ": Nesterov momentum requires a momentum > 0"
                    + " and zero dampening, got momentum " + o.momentum() + " and dampening " + o.dampening());
        }
    }

    @Override
    protected String[] stateNames(Options o) {
        return o.momentum() != 0 ? MOMENTUM : NONE;
    }

    @Override
    protected void update(Tensor value, Tensor grad, Tensor[] state, long step, Options o, double lr) {
        boolean first = step == 1;
        int n = value.numel();
        if (value.dtype() == DType.F32) {
            float[] buf = state.length == 0 ? null : state[0].floats();
            K.sgdUpdate(n, value.floats(), 0, grad.floats(), 0, buf, 0, (float) lr, (float) o.momentum(),
                    (float) o.dampening(), (float) o.weightDecay(), o.nesterov(), first);
            return;
        }
        double[] p = value.doubles(), gr = grad.doubles();
        double[] buf = state.length == 0 ? null : state[0].doubles();
        double mom = o.momentum(), damp1 = 1 - o.dampening(), wd = o.weightDecay();
        boolean nesterov = o.nesterov();
        for (int i = 0; i < n; i++) {
            double d = gr[i];
            if (wd != 0) d = d + wd * p[i];
            if (mom != 0) {
                double b = first ? d : mom * buf[i] + damp1 * d;
                buf[i] = b;
                d = nesterov ? d + mom * b : b;
            }
            p[i] = p[i] - lr * d;
        }
    }
}
