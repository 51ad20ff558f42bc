package dev.vectornn.optim;

import dev.vectornn.graph.Parameter;
import dev.vectornn.kernel.KernelProvider;
import dev.vectornn.kernel.Kernels;
import dev.vectornn.tensor.DType;
import dev.vectornn.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Base of the optimizers: parameter groups with their own hyperparameters, per-parameter state
 * and step counters, {@link #step()}, {@link #zeroGrad()}, and a state dictionary for checkpoints.
 *
 * <p><b>State.</b> Each parameter's state tensors (named as in PyTorch, e.g. {@code exp_avg}) have
 * the parameter's dtype and shape and are allocated once, at the first {@link #step()} (or by
 * {@link #loadStateDict}); later steps allocate nothing. Each parameter has its own step counter,
 * incremented before its update as PyTorch does, so an update sees {@code step >= 1}.
 *
 * <p><b>Difference from PyTorch.</b> A {@link Parameter} always has a gradient tensor, so every
 * parameter is updated on every step; PyTorch skips parameters whose {@code .grad} is
 * {@code None}. A parameter that received no gradient here gets a zero gradient (weight decay and
 * momentum still act on it).
 *
 * <p><b>Hyperparameters</b> are immutable per group except the learning rate ({@link #setLr},
 * for schedules). Invalid values are rejected with an {@link IllegalArgumentException} naming
 * the optimizer, the group, the hyperparameter and the value.
 *
 * <p><b>Thread safety:</b> none. Use an optimizer from one thread at a time, and never while a
 * backward pass is writing the gradients. The update of one tensor may use the kernel thread pool.
 *
 * @param <H> the optimizer's hyperparameter record
 */
public abstract class Optimizer<H extends Hyperparameters<H>> {
    private static final Kernels K = KernelProvider.get();
    private final String name;
    private final Parameter[] params;
    private final List<Parameter> paramList;
    private final int[] groupOf;
    private final List<List<Parameter>> groupParams;
    private final Object[] options; // H per group as given; the lr in it may be stale
    private final double[] lrs;     // current lr per group: setLr must not allocate (schedules run every step)
    private final Map<String, Integer> index = new HashMap<>();
    private final long[] steps;
    private final Tensor[][] state;
    private boolean stateAllocated;
    private boolean hasState; // false before the first step and after loading a state-less dict

    /**
     * Builds an optimizer over {@code groups}, validating every group's hyperparameters.
     *
     * @param name   the optimizer's name for messages ({@code "Adam"})
     * @param groups at least one parameter overall; a parameter may appear in one group only and
     *               names must be unique (they key the state dictionary)
     * @throws IllegalArgumentException for an empty parameter list, a duplicate parameter or name,
     *                                  a gradient whose dtype or shape differs from its value, or
     *                                  an invalid hyperparameter
     */
    @SuppressWarnings("this-escape") // validate() is documented to read only its arguments
    protected Optimizer(String name, List<ParamGroup<H>> groups) {
        this.name = name;
        List<Parameter> all = new ArrayList<>();
        List<Integer> owner = new ArrayList<>();
        List<List<Parameter>> gp = new ArrayList<>();
        Map<Parameter, Integer> seen = new IdentityHashMap<>();
        options = new Object[groups.size()];
        lrs = new double[groups.size()];
        for (int g = 0; g < groups.size(); g++) {
            ParamGroup<H> group = groups.get(g);
            validate(group.options(), g);
            options[g] = group.options();
            lrs[g] = group.options().lr();
            for (Parameter p : group.params()) {
                Integer prev = seen.put(p, g);
                if (prev != null) {
                    throw new IllegalArgumentException(name + ": parameter '" + p.name()
                            + "' appears in param groups " + prev + " and " + g);
                }
                checkParameter(p);
                if (index.put(p.name(), all.size()) != null) {
                    throw new IllegalArgumentException(name + ": two parameters are named '" + p.name()
                            + "'; names key the optimizer state and must be unique");
                }
                all.add(p);
                owner.add(g);
            }
            gp.add(group.params());
        }
        if (all.isEmpty()) throw new IllegalArgumentException(name + ": got an empty parameter list");
        params = all.toArray(new Parameter[0]);
        paramList = List.of(params);
        groupOf = owner.stream().mapToInt(Integer::intValue).toArray();
        groupParams = Collections.unmodifiableList(gp);
        steps = new long[params.length];
        state = new Tensor[params.length][];
    }

    private void checkParameter(Parameter p) {
        Tensor v = p.value(), g = p.grad();
        if (v.dtype() != g.dtype() || !v.shape().equals(g.shape())) {
            throw new IllegalArgumentException(name + ": parameter '" + p.name() + "' has value "
                    + v.dtype() + " " + v.shape() + " but gradient " + g.dtype() + " " + g.shape());
        }
    }

    // ------------------------------------------------------------------ subclass contract

    /**
     * Rejects invalid hyperparameters of group {@code group}, using {@link #require}. Called from
     * the constructor (so it must not read subclass fields) and by {@link #setLr}.
     */
    protected abstract void validate(H options, int group);

    /**
     * The names of the state tensors a parameter of a group with {@code options} needs, in a
     * fixed order (PyTorch's names); the same array may be returned every time.
     */
    protected abstract String[] stateNames(H options);

    /**
     * Sets the initial contents of a state tensor, which arrives zeroed; the default keeps the
     * zeros (Adagrad overrides it for {@code initial_accumulator_value}).
     */
    protected void initState(H options, String stateName, Tensor tensor) {
        // zeros are the right start for every state but Adagrad's sum
    }

    /**
     * Updates {@code value} in place from {@code grad} with learning rate {@code lr} (the group's
     * current one; {@code options.lr()} may be stale). {@code state} holds the tensors named by
     * {@link #stateNames}, in that order; {@code step >= 1} counts this update. Must not allocate.
     */
    protected abstract void update(Tensor value, Tensor grad, Tensor[] state, long step, H options, double lr);

    /**
     * Throws an {@link IllegalArgumentException} unless {@code ok}: {@code "Adam: param group 0:
     * invalid eps -1.0 (must be >= 0)"}.
     */
    protected final void require(boolean ok, int group, String hyper, Object value, String rule) {
        if (!ok) {
            throw new IllegalArgumentException(name + ": param group " + group + ": invalid " + hyper
                    + " " + value + " (must be " + rule + ")");
        }
    }

    /** Throws unless {@code lr} is finite and {@code >= 0}. */
    protected final void requireLr(double lr, int group) {
        require(lr >= 0 && lr < Double.POSITIVE_INFINITY, group, "lr", lr, "finite and >= 0");
    }

    // ------------------------------------------------------------------ stepping

    /**
     * One update of every parameter from its current gradient. The first call allocates the state;
     * later calls allocate nothing.
     */
    public final void step() {
        if (!stateAllocated) allocateState();
        hasState = true;
        for (int i = 0; i < params.length; i++) {
            Parameter p = params[i];
            int g = groupOf[i];
            update(p.value(), p.grad(), state[i], ++steps[i], stored(g), lrs[g]);
        }
    }

    /**
     * Sets every gradient to zero (PyTorch's {@code zero_grad}; gradients here are tensors that
     * persist, so there is no {@code set_to_none}). Float gradients are zeroed by
     * {@link Kernels#fill}, which splits a large tensor over the kernel threads: a word LM's
     * embedding and decoder gradients (6.7 M floats each) made this a serial 3.6 % of its
     * 2-thread step.
     */
    public final void zeroGrad() {
        for (Parameter p : params) {
            Object s = p.grad().storage();
            if (s instanceof float[] f) K.fill(f.length, 0f, f, 0);
            else Arrays.fill((double[]) s, 0.0);
        }
    }

    private void allocateState() {
        for (int i = 0; i < params.length; i++) {
            H h = stored(groupOf[i]);
            String[] names = stateNames(h);
            Tensor[] t = new Tensor[names.length];
            for (int k = 0; k < names.length; k++) t[k] = Tensor.zeros(params[i].value().dtype(), params[i].value().shape());
            state[i] = t;
        }
        resetState();
        stateAllocated = true;
    }

    private void resetState() {
        for (int i = 0; i < params.length; i++) {
            H h = stored(groupOf[i]);
            String[] names = stateNames(h);
            for (int k = 0; k < names.length; k++) {
                Tensor t = state[i][k];
                if (t.dtype() == DType.F32) Arrays.fill(t.floats(), 0f);
                else Arrays.fill(t.doubles(), 0.0);
                initState(h, names[k], t);
            }
            steps[i] = 0;
        }
    }

    // ------------------------------------------------------------------ groups and lr

    /** The optimizer's name, e.g. {@code "AdamW"}. */
    public final String name() {
        return name;
    }

    /** Number of parameter groups. */
    public final int groupCount() {
        return options.length;
    }

    /** The parameters of group {@code group}, unmodifiable. */
    public final List<Parameter> groupParams(int group) {
        return groupParams.get(group);
    }

    /**
     * All parameters, group by group, unmodifiable; the same list every call, so passing it to
     * {@link GradClipping} each step allocates nothing.
     */
    public final List<Parameter> parameters() {
        return paramList;
    }

    /** The current hyperparameters of group {@code group}, with the current lr. */
    public final H options(int group) {
        H h = stored(group);
        return h.lr() == lrs[group] ? h : h.withLr(lrs[group]);
    }

    @SuppressWarnings("unchecked")
    private H stored(int group) {
        return (H) options[group];
    }

    /** The current learning rate of group {@code group}. */
    public final double lr(int group) {
        return lrs[group];
    }

    /**
     * Sets the learning rate of group {@code group} (what schedules call).
     *
     * @throws IllegalArgumentException if {@code lr} is negative, NaN or infinite
     * @throws IndexOutOfBoundsException for a bad group index
     */
    public final void setLr(int group, double lr) {
        java.util.Objects.checkIndex(group, lrs.length);
        requireLr(lr, group);
        lrs[group] = lr;
    }

    /**
     * The number of steps taken by the parameter named {@code paramName} (0 before the first).
     *
     * @throws IllegalArgumentException for an unknown name
     */
    public final long stepCount(String paramName) {
        return steps[indexOf(paramName)];
    }

    private int indexOf(String paramName) {
        Integer i = index.get(paramName);
        if (i == null) throw new IllegalArgumentException(name + ": no parameter named '" + paramName + "'");
        return i;
    }

    // ------------------------------------------------------------------ state dict

    /**
     * A copy of the optimizer's mutable state, keyed by stable names: {@code
     * "param_groups.<g>.lr"} (scalar F64) for every group, and once state exists, for every
     * parameter {@code "state.<param name>.step"} (scalar F64 holding the integer count) and
     * {@code "state.<param name>.<state name>"} (the parameter's dtype and shape; e.g.
     * {@code exp_avg}). Before the first step there are no {@code state.} entries, as PyTorch's
     * state is empty then. The tensors are copies: later steps do not change them.
     */
    public final Map<String, Tensor> stateDict() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (int g = 0; g < options.length; g++) out.put(lrKey(g), Tensor.scalar(DType.F64, lr(g)));
        if (!hasState) return out;
        for (int i = 0; i < params.length; i++) {
            String prefix = "state." + params[i].name() + ".";
            out.put(prefix + "step", Tensor.scalar(DType.F64, steps[i]));
            String[] names = stateNames(stored(groupOf[i]));
            for (int k = 0; k < names.length; k++) out.put(prefix + names[k], state[i][k].copy());
        }
        return out;
    }

    /**
     * Restores what {@link #stateDict()} returned (from this optimizer or an identically built
     * one): all keys must be present and no others, with matching shapes and dtypes (the step
     * may be any dtype holding a non-negative integer). Everything is checked before anything
     * changes. A dictionary without {@code state.} entries resets the state to "no step taken".
     * Values are copied in; continuing afterwards is bit-identical to never having stopped.
     *
     * @throws IllegalArgumentException naming the first missing, unexpected or mismatched key
     */
    public final void loadStateDict(Map<String, Tensor> dict) {
        boolean withState = dict.keySet().stream().anyMatch(k -> k.startsWith("state."));
        TreeSet<String> expected = new TreeSet<>();
        for (int g = 0; g < options.length; g++) {
            expected.add(lrKey(g));
            Tensor t = require(dict, lrKey(g));
            double lr = scalarValue(t, lrKey(g));
            requireLr(lr, g);
        }
        if (withState) {
            for (int i = 0; i < params.length; i++) {
                String prefix = "state." + params[i].name() + ".";
                expected.add(prefix + "step");
                double s = scalarValue(require(dict, prefix + "step"), prefix + "step");
                if (!(s >= 0 && s == Math.rint(s) && s <= 0x1p53)) {
                    throw new IllegalArgumentException(name + ": state dict entry '" + prefix
                            + "step' must be a non-negative integer, got " + s);
                }
                Tensor v = params[i].value();
                for (String sn : stateNames(stored(groupOf[i]))) {
                    expected.add(prefix + sn);
                    Tensor t = require(dict, prefix + sn);
                    if (t.dtype() != v.dtype() || !t.shape().equals(v.shape())) {
                        throw new IllegalArgumentException(name + ": state dict entry '" + prefix + sn
                                + "' is " + t.dtype() + " " + t.shape() + ", parameter is " + v.dtype() + " " + v.shape());
                    }
                }
            }
        }
        for (String k : dict.keySet()) {
            if (!expected.contains(k)) {
                throw new IllegalArgumentException(name + ": unexpected state dict entry '" + k + "'");
            }
        }
        for (int g = 0; g < options.length; g++) setLr(g, dict.get(lrKey(g)).getFlat(0));
        if (!stateAllocated) allocateState();
        hasState = withState;
        if (!withState) {
            resetState();
            return;
        }
        for (int i = 0; i < params.length; i++) {
            String prefix = "state." + params[i].name() + ".";
            steps[i] = (long) dict.get(prefix + "step").getFlat(0);
            String[] names = stateNames(stored(groupOf[i]));
            for (int k = 0; k < names.length; k++) {
                Object src = dict.get(prefix + names[k]).storage();
                System.arraycopy(src, 0, state[i][k].storage(), 0, state[i][k].numel());
            }
        }
    }

    private Tensor require(Map<String, Tensor> dict, String key) {
        Tensor t = dict.get(key);
        if (t == null) throw new IllegalArgumentException(name + ": state dict lacks entry '" + key + "'");
        return t;
    }

    private double scalarValue(Tensor t, String key) {
        if (t.numel() != 1) {
            throw new IllegalArgumentException(name + ": state dict entry '" + key + "' must hold one value, has shape " + t.shape());
        }
        return t.getFlat(0);
    }

    private static String lrKey(int group) {
        return "param_groups." + group + ".lr";
    }
}
