package dev.vectornn.optim;

import dev.vectornn.graph.Parameter;
import dev.vectornn.kernel.KernelProvider;
import dev.vectornn.kernel.Kernels;
import java.util.List;

/**
 * Gradient clipping in place, as {@code torch.nn.utils.clip_grad_norm_} and
 * {@code clip_grad_value_}. Allocation-free. Not thread-safe: do not run concurrently with
 * anything that reads or writes the same gradients.
 */
public final class GradClipping {
    private GradClipping() {}

    private static final Kernels K = KernelProvider.get();

    /** {@link #clipGradNorm(List, double, double)} with the 2-norm. */
    public static double clipGradNorm(List<Parameter> params, double maxNorm) {
        return clipGradNorm(params, maxNorm, 2.0);
    }

    /**
     * Scales all gradients together so that their joint {@code normType}-norm (the norm of the
     * concatenation of every gradient) is at most about {@code maxNorm}:
     * <pre>
     *   total = (sum over every gradient element of |g|^normType)^(1 / normType)   (max |g| for +inf)
     *   coef  = maxNorm / (total + 1e-6)
     *   if !(coef >= 1): g = g * coef  for every gradient
     * </pre>
     * The norm is accumulated in double over all gradients (PyTorch computes per-tensor norms in
     * the gradient's dtype, then the norm of those norms). For F32 gradients and the 2-norm, each
     * gradient's sum of squares is {@link Kernels#dot}{@code (g, g)} (float sums of fixed chunks
     * added in double: vectorized and split over the kernel threads, with the same bits for every
     * thread count; a scalar double loop over 14M word-LM gradients took 3 % of a training
     * step), redone element by element in double only when it overflows float. A NaN or
     * infinite total scales the gradients by NaN or 0, as PyTorch does when
     * {@code error_if_nonfinite} is false. F32 gradients are multiplied by {@code (float) coef}.
     *
     * @param maxNorm  the largest allowed norm, {@code >= 0}
     * @param normType the {@code p} of the norm: positive (usually 1 or 2) or
     *                 {@link Double#POSITIVE_INFINITY} for the largest absolute value
     * @return the total norm before clipping
     * @throws IllegalArgumentException for a negative or NaN {@code maxNorm} or a {@code normType}
     *                                  that is not positive
     */
    public static double clipGradNorm(List<Parameter> params, double maxNorm, double normType) {
        if (!(maxNorm >= 0)) throw new IllegalArgumentException("clipGradNorm: max_norm must be >= 0, got " + maxNorm);
        if (!(normType > 0)) {
            throw new IllegalArgumentException("clipGradNorm: norm_type must be positive or +inf, got " + normType);
        }
        boolean inf = normType == Double.POSITIVE_INFINITY, two = normType == 2.0, one = normType == 1.0;
        double acc = 0;
        for (int t = 0, nt = params.size(); t < nt; t++) {
            Object s = params.get(t).grad().storage();
            if (s instanceof float[] g) {
                double squares = two ? K.dot(g.length, g, 0, g, 0) : Double.NaN;
                if (two && (Double.isFinite(squares) || Double.isNaN(squares))) {
                    // NaN: some gradient is NaN, and the double loop would give NaN too
                    acc += squares;
                } else {
                    // not the 2-norm, or float squares past 3.4e38: the exact double loop
                    for (float x : g) acc = accumulate(acc, x, inf, two, one, normType);
                }
            } else {
                for (double x : (double[]) s) acc = accumulate(acc, x, inf, two, one, normType);
            }
        }
        double total = inf ? acc : two ? Math.sqrt(acc) : one ? acc : Math.pow(acc, 1.0 / normType);
        double coef = maxNorm / (total + 1e-6);
        if (!(coef >= 1.0)) {
            float coefF = (float) coef;
            for (int t = 0, nt = params.size(); t < nt; t++) {
                Object s = params.get(t).grad().storage();
                if (s instanceof float[] g) {
                    K.scale(g.length, coefF, g, 0, g, 0);  // g[i] * coefF, vectorized and split
                } else {
                    double[] g = (double[]) s;
                    for (int i = 0; i < g.length; i++) g[i] = g[i] * coef;
                }
            }
        }
        return total;
    }

    private static double accumulate(double acc, double x, boolean inf, boolean two, boolean one, double p) {
        double a = Math.abs(x);
        if (inf) return a > acc || a != a ? a : acc; // NaN is sticky, as torch's max-abs norm
        if (two) return acc + a * a;
        if (one) return acc + a;
        return acc + Math.pow(a, p);
    }

    /**
     * Clamps every gradient element into {@code [-clip, clip]} (NaN stays NaN).
     *
     * @throws IllegalArgumentException if {@code clip} is negative or NaN
     */
    public static void clipGradValue(List<Parameter> params, double clip) {
        if (!(clip >= 0)) throw new IllegalArgumentException("clipGradValue: clip_value must be >= 0, got " + clip);
        float lo = (float) -clip, hi = (float) clip;
        for (int t = 0, nt = params.size(); t < nt; t++) {
            Object s = params.get(t).grad().storage();
            if (s instanceof float[] g) {
                for (int i = 0; i < g.length; i++) g[i] = Math.min(Math.max(g[i], lo), hi);
            } else {
                double[] g = (double[]) s;
                for (int i = 0; i < g.length; i++) g[i] = Math.min(Math.max(g[i], -clip), clip);
            }
        }
    }
}
