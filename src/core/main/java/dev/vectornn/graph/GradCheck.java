package dev.vectornn.graph;

import dev.vectornn.tensor.DType;
import dev.vectornn.tensor.Shape;
import dev.vectornn.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Checks a graph's analytic gradients (its ops' VJPs, run by a {@link Plan}) against central
 * finite differences, as {@code torch.autograd.gradcheck} does.
 *
 * <p><b>What is compared.</b> For an output {@code y = f(x_1..x_k)} (the variables are the
 * graph's parameters and float inputs, or the subset named in {@link Options#wrt}), the default
 * mode checks the <b>full Jacobian</b>, as {@code torch.autograd.gradcheck} does: one
 * {@code backward(e_k)} per output element gives row {@code k} analytically, and central
 * differences {@code (y(x + h e_i) - y(x - h e_i)) / (x_i^+ - x_i^-)} of the whole output give
 * column {@code i} numerically, for every element of every variable (differences in double).
 * A one-element output (a loss) has a single row, its gradient. <b>Fast mode</b> instead draws a
 * fixed random {@code v} of {@code y}'s shape and one random direction {@code u} per variable
 * and checks {@code v^T J u} against {@code <J^T v, u>}: one backward and two forward passes per
 * variable, for layers too big for the element-wise check. {@link #checkClaimed} compares a
 * user-supplied gradient of a one-element output element by element.
 *
 * <p><b>Pass criterion</b> (per element, or per variable in fast mode):
 * {@code |analytic - numeric| <= atol + rtol * |numeric|}.
 * <ul>
 *   <li>{@link #f64()} (the default, as PyTorch): the plan runs in double; {@code eps = 1e-6},
 *       {@code atol = 1e-5}, {@code rtol = 1e-3}.</li>
 *   <li>{@link #f32()}: the plan runs in float32 (the kernels); the step is {@code eps = 1e-3}
 *       because a 1e-6 step is below float resolution, and the tolerances are JAX's float32
 *       ones, {@code atol = rtol = 2e-3}. The noise budget: a float forward pass carries
 *       relative error near 1e-7 of {@code |s|}, which the division by {@code 2 eps} amplifies
 *       about 500-fold (5e-5 |s|), plus the O(eps^2) truncation error; so keep {@code |s|} of
 *       order 1-10 (small outputs, or fast mode) or check in F64. Perturbed values are rounded
 *       to float and the actual step {@code x^+ - x^-} is the denominator.</li>
 * </ul>
 *
 * <p><b>Non-differentiable points</b> (ReLU at 0, |x| at 0, ties in a max): where the two
 * one-sided differences {@code (s(x+h) - s(x)) / h} and {@code (s(x) - s(x-h)) / h} disagree by
 * more than 10 tolerances and the analytic value matches one of them (a valid one-sided
 * derivative, which is what every op returns at its kinks, e.g. ReLU'(0) = 0), the element is
 * counted as {@link Report#kinks skipped} rather than failed. At smooth points the analytic value
 * sits midway between the one-sided differences, so a wrong gradient is never excused as a kink.
 * A check in which nothing was compared (every element skipped) fails. Test generators should
 * still draw inputs away from kinks (e.g. {@code |x| > 100 eps}), so that skipped elements stay
 * rare; a report with many skips deserves a look.
 *
 * <p><b>For your own functions.</b> Any function you build with {@link Graph} from the
 * registered ops can be checked with {@link #check} exactly like an op. Ops themselves cannot be
 * registered from outside the library ({@link OpDef}'s forward and VJP hooks run on an internal
 * backend), so a gradient you derive by hand (a fused formula you want to add as an op, a
 * manual backward) is checked with {@link #checkClaimed}: you pass the gradient, GradCheck
 * differentiates the graph's forward numerically.
 *
 * <p>Dropout: the plan's generator is reset to the same seed before every evaluation, so every
 * forward pass draws the same mask and the function checked is deterministic.
 *
 * <p>Thread-safety: compiles and uses its own plan; the graph's parameters are perturbed and
 * restored when the plan runs in their dtype, so do not train the same graph concurrently.
 */
public final class GradCheck {
    private GradCheck() {}

    /**
     * Settings of one check.
     *
     * @param dtype the plan's dtype (F64: as torch.autograd.gradcheck; F32: the kernels)
     * @param eps   finite-difference step
     * @param atol  absolute tolerance
     * @param rtol  relative tolerance (of the numeric value)
     * @param fast  check one random projection per variable instead of every element
     * @param seed  seed of the random vectors {@code v}, {@code u} and of the plan's dropout
     * @param wrt   the variables to check (parameter and float input names); empty means all
     */
    public record Options(DType dtype, double eps, double atol, double rtol, boolean fast, long seed, Set<String> wrt) {
        /**
         * Copies {@code wrt}.
         *
         * @throws IllegalArgumentException if {@code eps} is not a positive finite number, a
         *     tolerance is negative or not finite, or both tolerances are 0 (a negative tolerance
         *     would pass any gradient)
         */
        public Options {
            Objects.requireNonNull(dtype, "gradcheck: dtype");
            if (!(eps > 0 && Double.isFinite(eps))) {
                throw new IllegalArgumentException("gradcheck: eps must be a positive finite step, got " + eps);
            }
            if (!(atol >= 0 && Double.isFinite(atol) && rtol >= 0 && Double.isFinite(rtol)) || atol + rtol == 0) {
                throw new IllegalArgumentException("gradcheck: atol and rtol must be finite, >= 0 and not both 0, got atol "
                        + atol + ", rtol " + rtol);
            }
            wrt = Set.copyOf(Objects.requireNonNull(wrt, "gradcheck: wrt"));
        }

        /** A copy in fast (random projection) mode or not. */
        public Options withFast(boolean on) {
            return new Options(dtype, eps, atol, rtol, on, seed, wrt);
        }

        /** A copy with the given tolerances. */
        public Options withTolerances(double absolute, double relative) {
            return new Options(dtype, eps, absolute, relative, fast, seed, wrt);
        }

        /** A copy with the given finite-difference step. */
        public Options withEps(double step) {
            return new Options(dtype, step, atol, rtol, fast, seed, wrt);
        }

        /** A copy with the given seed. */
        public Options withSeed(long s) {
            return new Options(dtype, eps, atol, rtol, fast, s, wrt);
        }

        /** A copy checking only the named variables. */
        public Options withWrt(String... names) {
            return new Options(dtype, eps, atol, rtol, fast, seed, Set.of(names));
        }
    }

    /** The seed of {@link #f64()} and {@link #f32()}, and the CLI's default {@code --seed}. */
    public static final long DEFAULT_SEED = 1234L;

    /**
     * PyTorch's gradcheck defaults (F64, eps 1e-6, atol 1e-5, rtol 1e-3, full mode), with this
     * library's seed {@link #DEFAULT_SEED}.
     */
    public static Options f64() {
        return new Options(DType.F64, 1e-6, 1e-5, 1e-3, false, DEFAULT_SEED, Set.of());
    }

    /**
     * The float32 settings: F32 plan, eps 1e-3, atol = rtol = 2e-3 as JAX (see the class comment),
     * seed {@link #DEFAULT_SEED}.
     */
    public static Options f32() {
        return new Options(DType.F32, 1e-3, 2e-3, 2e-3, false, DEFAULT_SEED, Set.of());
    }

    /**
     * One compared element (or projection, in fast mode).
     *
     * @param variable name of the parameter or input
     * @param index    flat index within it, or -1 in fast mode
     * @param outputIndex flat index of the output element (the Jacobian row) in a full-Jacobian
     *                 check of a multi-element output, else -1
     * @param analytic the value from backward
     * @param numeric  the finite-difference value
     * @param absError {@code |analytic - numeric|}
     * @param relError {@code absError / |numeric|} (infinite when numeric is 0 and the error is not)
     */
    public record Mismatch(String variable, int index, int outputIndex, double analytic, double numeric,
                           double absError, double relError) {
        @Override
        public String toString() {
            return variable + (index >= 0 ? "[" + index + "]" : " (projection)")
                    + (outputIndex >= 0 ? " of output element " + outputIndex : "") + ": analytic " + analytic
                    + ", numeric " + numeric + ", abs error " + absError + ", rel error " + relError;
        }
    }

    /**
     * The outcome.
     *
     * @param passed  whether at least one value was compared and every compared value was within
     *                tolerance (a check where every element sat on a kink verified nothing, so it
     *                fails)
     * @param worst   the compared value with the largest error relative to its tolerance, or
     *                null when nothing was compared
     * @param checked how many values were compared
     * @param kinks   how many elements were skipped as non-differentiable points
     * @param maxRelError the largest {@code absError / (atol + rtol*|numeric|)} seen (at most 1 when passed)
     */
    public record Report(boolean passed, Mismatch worst, int checked, int kinks, double maxRelError) {
        @Override
        public String toString() {
            return (passed ? "gradcheck passed" : "gradcheck FAILED") + ": " + checked + " values compared, "
                    + kinks + " skipped at kinks; "
                    + (worst != null ? "worst " + worst : "nothing verified (draw inputs away from kinks)");
        }
    }

    /**
     * Checks the gradients of {@code output}.
     *
     * @param g      the graph
     * @param output the node whose gradients are checked (any shape)
     * @param feeds  a value for every input the output needs: {@code float[]}, {@code double[]},
     *               {@code int[]} or {@link Tensor}, as {@link Plan#feed} accepts (values for
     *               inputs that {@code output} does not depend on are ignored)
     * @param o      the settings ({@link #f64()}, {@link #f32()})
     * @throws IllegalArgumentException if a {@code wrt} name is not a parameter or float input the output uses
     */
    public static Report check(Graph g, Node output, Map<String, ?> feeds, Options o) {
        return run(g, output, feeds, o, null);
    }

    /**
     * Checks a gradient <b>you</b> derived, rather than the graph's own backward: the claimed
     * gradient of the one-element {@code output} w.r.t. each named variable is compared with
     * central differences of the graph's forward pass, element by element (or by a random
     * projection in fast mode), with the same tolerances, kink handling and report as
     * {@link #check}. Use it to test a hand-written backward (for example the formula of an op
     * you plan to add, or a manual gradient in your own training code) against the function it
     * claims to differentiate, which you build from existing ops.
     *
     * @param g       the graph computing the function
     * @param output  a one-element node (a scalar function)
     * @param feeds   as for {@link #check}
     * @param claimed the claimed gradient per variable (parameter or float input name), each of
     *                that variable's shape; its keys are the variables checked ({@code o.wrt()}
     *                is ignored)
     * @param o       the settings ({@link #f64()}, {@link #f32()})
     * @throws IllegalArgumentException if {@code output} has more than one element, or a name is
     *     not a parameter or float input that {@code output} uses
     * @throws dev.vectornn.tensor.ShapeException if a claimed gradient's shape differs from its variable's
     */
    public static Report checkClaimed(Graph g, Node output, Map<String, ?> feeds, Map<String, Tensor> claimed,
                                      Options o) {
        if (output.shape().numel() != 1) {
            throw new IllegalArgumentException("gradcheck: a claimed gradient needs a one-element output; " + output
                    + " is " + output.shape() + " (sum it, or project it onto a fixed vector with mul and sum)");
        }
        if (claimed.isEmpty()) throw new IllegalArgumentException("gradcheck: no claimed gradient given");
        return run(g, output, feeds, o, v -> claimed);
    }

    /**
     * A hand-written vector-Jacobian product: given the cotangent {@code v} (a gradient of the
     * output, the output's shape), the gradient of {@code sum(v * y)} with respect to each
     * variable it covers (parameter or float input name to a tensor of that variable's shape).
     */
    @FunctionalInterface
    public interface Vjp {
        /**
         * @param cotangent {@code v}, of the output's shape and the check's dtype
         * @return the claimed {@code v^T J} per variable
         */
        Map<String, Tensor> apply(Tensor cotangent);
    }

    /**
     * Checks a hand-written VJP of a multi-element function {@code y}, the form a new op's
     * backward takes, as {@link #check} checks the graph's own backward: in full mode
     * {@code vjp(e_k)} for every unit vector gives row {@code k} of the Jacobian, compared entry by
     * entry with columns from central differences of {@code y} (so the mismatch names the output
     * element, {@link Mismatch#outputIndex}); in fast mode {@code vjp(v) . u} for one random
     * {@code v} and {@code u} (drawn from {@code o.seed()}) is compared with the directional
     * derivative of {@code v . y} along {@code u}. {@code vjp} is called once for {@code v} (its
     * keys are the variables checked), and once per row in full mode.
     *
     * @param g     the graph computing {@code y}
     * @param y     the function's output (any shape, not empty)
     * @param feeds as for {@link #check}
     * @param vjp   the claimed VJP; the variables it returns are the ones checked
     * @param o     the settings ({@link #f64()}, {@link #f32()})
     * @throws IllegalArgumentException if {@code y} is empty, {@code vjp} returns no gradient or
     *     leaves out a variable, or names a variable {@code y} does not use
     * @throws dev.vectornn.tensor.ShapeException if a returned gradient's shape differs from its variable's
     */
    public static Report checkVjp(Graph g, Node y, Map<String, ?> feeds, Vjp vjp, Options o) {
        if (y.shape().numel() == 0) throw new IllegalArgumentException("gradcheck: " + y + " has no elements: nothing to check");
        return run(g, y, feeds, o, Objects.requireNonNull(vjp, "gradcheck: vjp"));
    }

    /**
     * The check, with the analytic side from the graph's backward ({@code vjp} null) or from a
     * claimed VJP, whose first answer (for the projection {@code v}) names the variables checked.
     */
    private static Report run(Graph g, Node output, Map<String, ?> feeds, Options o, Vjp vjp) {
        List<Node> nodes = g.nodeList();
        if (output.id >= nodes.size() || nodes.get(output.id) != output) {
            throw new IllegalArgumentException("gradcheck: " + output + " is not a node of this graph");
        }
        // v first: the projection u is drawn after it from the same stream, so u != v (with u == v
        // a transposed VJP, J v instead of J^T v, would pass for a square Jacobian)
        SplittableRandom rnd = new SplittableRandom(o.seed());
        Tensor v = Tensor.full(o.dtype(), output.shape(), 1.0);
        if (output.shape().numel() != 1) {
            for (int i = 0; i < v.numel(); i++) v.setFlat(i, rnd.nextDouble(-1, 1));
        }
        Map<String, Tensor> claimed = null;
        if (vjp != null) {
            claimed = vjp.apply(v.copy());
            if (claimed == null || claimed.isEmpty()) throw new IllegalArgumentException("gradcheck: the VJP returned no gradient");
            o = o.withWrt(claimed.keySet().toArray(String[]::new));
        }
        List<String> inputs = new ArrayList<>();
        Set<String> params = new LinkedHashSet<>();
        collect(output, inputs, params, new boolean[g.nodeList().size()]);
        Set<String> wrt = new LinkedHashSet<>();
        for (String p : params) if (o.wrt().isEmpty() || o.wrt().contains(p)) wrt.add(p);
        for (String i : inputs) if (o.wrt().isEmpty() || o.wrt().contains(i)) wrt.add(i);
        for (String w : o.wrt()) {
            if (!wrt.contains(w)) {
                throw new IllegalArgumentException("gradcheck: '" + w + "' is not a parameter or float input of " + output);
            }
        }
        if (wrt.isEmpty()) {
            throw new IllegalArgumentException("gradcheck: " + output + " depends on no parameter or float input: nothing to check");
        }
        List<String> gradInputs = new ArrayList<>();
        for (String i : inputs) if (wrt.contains(i)) gradInputs.add(i);
        Plan plan = g.compile(new PlanOptions(o.dtype(), true, false, o.seed(), Set.copyOf(gradInputs)), output);
        for (Map.Entry<String, ?> e : feeds.entrySet()) {
            if (plan.inputNames().contains(e.getKey())) feed(plan, e.getKey(), e.getValue());
        }

        // snapshot the variables and their analytic gradients
        List<Variable> vars = new ArrayList<>();
        for (String name : wrt) vars.add(Variable.of(plan, name, feeds.get(name), feeds.keySet()));
        // the plan may share parameters (and their .grad) with the caller: keep the grads to restore them
        Map<String, Tensor> savedGrads = new java.util.LinkedHashMap<>();
        for (Parameter p : plan.params().values()) savedGrads.put(p.name(), p.grad().copy());
        plan.zeroGrad();
        plan.setSeed(o.seed());
        plan.forward();
        double s0 = project(plan, output, v);
        List<double[]> gradients = new ArrayList<>();
        if (claimed != null) {
            // the claim replaces the graph's backward, which need not run
            for (Variable var : vars) gradients.add(claimedValues(var, claimed));
        } else {
            plan.backward(v);
            for (Variable var : vars) gradients.add(var.gradient()); // before any further forward pass
        }
        // The full Jacobian, as torch.autograd.gradcheck's default: one backward pass per output
        // element gives its row, two forward passes per variable element give a column. A single
        // random projection J^T v could let an error hide behind a small component of v.
        boolean fullJacobian = !o.fast() && output.shape().numel() > 1;
        List<double[][]> jacobianRows = new ArrayList<>();
        double[] y0 = null;
        if (fullJacobian) {
            y0 = outputValues(plan, output);
            int outs = output.shape().numel();
            for (Variable var : vars) jacobianRows.add(new double[outs][]);
            Tensor e = Tensor.zeros(o.dtype(), output.shape());
            for (int k = 0; k < outs; k++) {
                e.setFlat(k, 1.0);
                if (vjp != null) {
                    Map<String, Tensor> row = vjp.apply(e.copy());
                    for (int vi = 0; vi < vars.size(); vi++) jacobianRows.get(vi)[k] = claimedValues(vars.get(vi), row);
                } else {
                    plan.zeroGrad();
                    plan.setSeed(o.seed());
                    plan.forward();
                    plan.backward(e);
                    for (int vi = 0; vi < vars.size(); vi++) jacobianRows.get(vi)[k] = vars.get(vi).gradient();
                }
                e.setFlat(k, 0.0);
            }
        }
        Checker c = new Checker(o);
        try {
            for (int vi = 0; vi < vars.size(); vi++) {
                Variable var = vars.get(vi);
                double[] analytic = gradients.get(vi);
                if (o.fast()) {
                    double[] u = new double[var.size()];
                    double au = 0;
                    for (int i = 0; i < u.length; i++) {
                        u[i] = rnd.nextDouble(-1, 1);
                        au += analytic[i] * u[i];
                    }
                    double[] base = var.values();
                    var.setAll(base, u, o.eps());
                    double sp = eval(plan, output, v, o);
                    var.setAll(base, u, -o.eps());
                    double sm = eval(plan, output, v, o);
                    var.setAll(base, u, 0);
                    c.compare(var.name, -1, -1, au, (sp - sm) / (2 * o.eps()), Double.NaN, Double.NaN);
                } else if (fullJacobian) {
                    checkColumns(plan, output, o, var, jacobianRows.get(vi), y0, c);
                } else {
                    for (int i = 0; i < var.size(); i++) {
                        double x = var.get(i);
                        double xp = var.set(i, x + o.eps());
                        double sp = eval(plan, output, v, o);
                        double xm = var.set(i, x - o.eps());
                        double sm = eval(plan, output, v, o);
                        var.set(i, x);
                        double numeric = (sp - sm) / (xp - xm);
                        c.compare(var.name, i, -1, analytic[i], numeric, (sp - s0) / (xp - x), (s0 - sm) / (x - xm));
                    }
                }
            }
        } finally {
            for (Variable var : vars) var.restore();
            for (Parameter p : plan.params().values()) {
                System.arraycopy(savedGrads.get(p.name()).storage(), 0, p.grad().storage(), 0, p.grad().numel());
            }
        }
        return c.report();
    }

    /**
     * Compares every column {@code dy/dx_i} of one variable, from central differences of the whole
     * output, with the analytic Jacobian rows {@code rows[k] = dy_k/dx}.
     */
    private static void checkColumns(Plan plan, Node output, Options o, Variable var, double[][] rows,
                                     double[] y0, Checker c) {
        for (int i = 0; i < var.size(); i++) {
            double x = var.get(i);
            double xp = var.set(i, x + o.eps());
            double[] yp = evalOutput(plan, output, o);
            double xm = var.set(i, x - o.eps());
            double[] ym = evalOutput(plan, output, o);
            var.set(i, x);
            for (int k = 0; k < rows.length; k++) {
                double numeric = (yp[k] - ym[k]) / (xp - xm);
                c.compare(var.name, i, k, rows[k][i], numeric,
                        (yp[k] - y0[k]) / (xp - x), (y0[k] - ym[k]) / (x - xm));
            }
        }
    }

    private static double[] evalOutput(Plan plan, Node output, Options o) {
        plan.setSeed(o.seed());
        plan.forward();
        return outputValues(plan, output);
    }

    private static double[] outputValues(Plan plan, Node output) {
        Tensor y = plan.output(output);
        double[] c = new double[y.numel()];
        for (int i = 0; i < c.length; i++) c[i] = y.getFlat(i);
        return c;
    }

    private static double[] claimedValues(Variable var, Map<String, Tensor> claimed) {
        Tensor t = claimed.get(var.name);
        if (t == null) throw new IllegalArgumentException("gradcheck: the claimed gradients have no '" + var.name + "'");
        if (!t.shape().equals(var.values.shape())) {
            throw new dev.vectornn.tensor.ShapeException("gradcheck: the claimed gradient of '" + var.name + "' is "
                    + t.shape() + " but the variable is " + var.values.shape());
        }
        double[] c = new double[t.numel()];
        for (int i = 0; i < c.length; i++) c[i] = t.getFlat(i);
        return c;
    }

    private static void collect(Node n, List<String> inputs, Set<String> params, boolean[] seen) {
        if (seen[n.id]) return;
        seen[n.id] = true;
        for (Node in : n.inputs) collect(in, inputs, params, seen);
        if (n.kind == Node.Kind.PARAM) params.add(n.name);
        if (n.kind == Node.Kind.INPUT) inputs.add(n.name);
    }

    static void feed(Plan plan, String name, Object value) {
        switch (value) {
            case float[] f -> plan.feed(name, f);
            // an F32 check of double data rounds it on purpose: that is the function being checked
            case double[] d when plan.dtype() == DType.F32 -> plan.feed(name, toFloats(d));
            case double[] d -> plan.feed(name, d);
            case int[] i -> plan.feed(name, i);
            case Tensor t -> plan.feed(name, t.dtype() == plan.dtype() ? t : t.to(plan.dtype()));
            default -> throw new IllegalArgumentException("gradcheck: feed '" + name + "' must be float[], double[], int[]"
                    + " or Tensor, got " + (value == null ? "null" : value.getClass().getSimpleName()));
        }
    }

    private static float[] toFloats(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) f[i] = (float) d[i];
        return f;
    }

    private static double eval(Plan plan, Node output, Tensor v, Options o) {
        plan.setSeed(o.seed());
        plan.forward();
        return project(plan, output, v);
    }

    private static double project(Plan plan, Node output, Tensor v) {
        if (output.shape().numel() == 1) return plan.scalar(output);
        Tensor y = plan.output(output);
        double s = 0;
        for (int i = 0; i < y.numel(); i++) s += y.getFlat(i) * v.getFlat(i);
        return s;
    }

    /** Keeps the running worst case and decides pass/fail and kinks. */
    private static final class Checker {
        private final Options o;
        private Mismatch worst;
        private double worstRatio = -1;
        private int checked;
        private int kinks;

        Checker(Options o) {
            this.o = o;
        }

        void compare(String var, int index, int outputIndex, double analytic, double numeric, double right, double left) {
            double err = Math.abs(analytic - numeric);
            double tol = o.atol() + o.rtol() * Math.abs(numeric);
            double ratio = err / tol;
            if (!(ratio <= 1) && !Double.isNaN(right) && isKink(analytic, right, left, tol)) {
                kinks++;
                return;
            }
            checked++;
            if (!(ratio <= worstRatio) || worst == null) {
                worstRatio = Double.isNaN(ratio) ? Double.POSITIVE_INFINITY : ratio;
                double rel = numeric == 0 ? (err == 0 ? 0 : Double.POSITIVE_INFINITY) : err / Math.abs(numeric);
                worst = new Mismatch(var, index, outputIndex, analytic, numeric, err, rel);
            }
        }

        /**
         * A kink: the one-sided differences disagree by more than 10 tolerances and the analytic
         * value sits at one of them (within a tolerance, or in the outer quarter of the gap next
         * to it). At a smooth point both one-sided differences deviate from the derivative by
         * about {@code eps f''/2} in opposite directions, so a correct analytic value sits in the
         * middle of the gap and a wrong one anywhere: neither passes as a kink, however tight
         * the tolerance. "Between the two" would not do: with tight tolerances every smooth
         * element would qualify.
         */
        private static boolean isKink(double analytic, double right, double left, double tol) {
            double gap = Math.abs(right - left);
            double near = Math.min(Math.abs(analytic - left), Math.abs(analytic - right));
            return gap > 10 * tol && near <= Math.max(tol, gap / 4);
        }

        Report report() {
            // nothing compared (every element on a kink, or no variable) verifies nothing: not a pass
            boolean ok = checked > 0 && worstRatio <= 1;
            return new Report(ok, worst, checked, kinks, Math.max(worstRatio, 0));
        }
    }

    /** A parameter (perturbed in place) or an input (re-fed after each change) of the plan. */
    private static final class Variable {
        final String name;
        final Plan plan;
        final Tensor values;
        final boolean isParam;
        final double[] original;

        private Variable(String name, Plan plan, Tensor values, boolean isParam) {
            this.name = name;
            this.plan = plan;
            this.values = values;
            this.isParam = isParam;
            this.original = new double[values.numel()];
            for (int i = 0; i < original.length; i++) original[i] = values.getFlat(i);
        }

        static Variable of(Plan plan, String name, Object fed, java.util.Set<String> feedKeys) {
            if (plan.params().containsKey(name)) return new Variable(name, plan, plan.param(name).value(), true);
            Tensor t;
            Shape s = plan.grad(name).shape();
            switch (fed) {
                case null -> throw new IllegalArgumentException("gradcheck: float input '" + name + "' was not fed; give its"
                        + " values in feeds (its keys are " + feedKeys + ")");
                case Tensor x -> t = x.to(plan.dtype());
                case float[] f -> t = Tensor.of(f, s.dims()).to(plan.dtype());
                case double[] d -> t = Tensor.of(d, s.dims()).to(plan.dtype());
                default -> throw new IllegalArgumentException("gradcheck: no float feed for input '" + name + "'");
            }
            return new Variable(name, plan, t, false);
        }

        int size() {
            return values.numel();
        }

        double get(int i) {
            return values.getFlat(i);
        }

        /** Stores {@code v} (rounded to the dtype) and returns the value actually stored. */
        double set(int i, double v) {
            values.setFlat(i, v);
            if (!isParam) plan.feed(name, values);
            return values.getFlat(i);
        }

        double[] values() {
            double[] c = new double[size()];
            for (int i = 0; i < c.length; i++) c[i] = values.getFlat(i);
            return c;
        }

        void setAll(double[] base, double[] dir, double step) {
            for (int i = 0; i < base.length; i++) values.setFlat(i, base[i] + step * dir[i]);
            if (!isParam) plan.feed(name, values);
        }

        double[] gradient() {
            Tensor g = plan.grad(name);
            double[] c = new double[g.numel()];
            for (int i = 0; i < c.length; i++) c[i] = g.getFlat(i);
            return c;
        }

        void restore() {
            for (int i = 0; i < original.length; i++) values.setFlat(i, original[i]);
            if (!isParam) plan.feed(name, values);
        }
    }
}
