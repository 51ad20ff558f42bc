package dev.vectornn.graph;

import dev.vectornn.tensor.DType;
import dev.vectornn.tensor.Shape;
import dev.vectornn.tensor.ShapeException;
import dev.vectornn.tensor.Tensor;
import java.util.List;
import java.util.Map;

/**
 * A graph compiled for fixed shapes and one dtype (see {@link Graph#compile}): ops in
 * topological order, every intermediate value, gradient and saved state packed into one arena
 * array by liveness, so a steady {@link #forward()} + {@link #backward()} step allocates nothing.
 * Reshapes and contiguous slices are views of their input; an intermediate whose only gradient
 * passes through an identity VJP (an add of its own shape, a reshape, a scalar add) shares its
 * consumer's gradient storage rather than receiving a copy.
 *
 * <p>Use: {@link #feed} every input, {@link #forward()}, read {@link #output}/{@link #scalar},
 * then (training plans) {@link #backward()}, which seeds the loss gradient with 1 and
 * <b>accumulates</b> into every parameter's {@link Parameter#grad()}; call {@link #zeroGrad()}
 * between steps as in PyTorch.
 *
 * <p>Parameters: a plan of the parameter's own dtype uses the graph's {@link Parameter} (value
 * and gradient shared with the graph and with other plans of that dtype); a plan of the other
 * dtype trains a converted copy taken at compile time, reachable through {@link #param}.
 *
 * <p>Not thread-safe: one thread drives a plan (the kernels may use their own pool inside a
 * step; results do not depend on it).
 */
public final class Plan {
    /** Where a fed input is stored. */
    record Feed(Node node, Object arr, int off, int[] ints) {}

    private final PlanOptions options;
    private final Backend b;
    private final Node[] outputs;
    private Object arena;
    private Frame[] frames;
    private Frame[] bwd;
    private Object[] valArr;
    private int[] valOff;
    private Object[] gArr;
    private int[] gOff;
    private Node loss;
    private Map<String, Feed> feeds;
    private boolean[] fed;
    private List<String> feedNames;
    private Map<String, Parameter> params;
    private Parameter[] paramArray;
    private Map<String, Object[]> inputGrads;
    private long rng;
    private boolean forwardDone;

    Plan(PlanOptions options, Backend b, Node[] outputs) {
        this.options = options;
        this.b = b;
        this.outputs = outputs.clone();
        this.rng = options.seed();
    }

    void init(Object arena, Frame[] frames, Frame[] bwd, Object[] valArr, int[] valOff, Object[] gArr, int[] gOff,
              Node loss, Map<String, Feed> feeds, Map<String, Parameter> params, Map<String, Object[]> inputGrads) {
        this.arena = arena;
        this.frames = frames;
        this.bwd = bwd;
        this.valArr = valArr;
        this.valOff = valOff;
        this.gArr = gArr;
        this.gOff = gOff;
        this.loss = loss;
        this.feeds = feeds;
        this.feedNames = List.copyOf(feeds.keySet());
        this.fed = new boolean[feeds.size()];
        this.params = params;
        this.paramArray = params.values().toArray(new Parameter[0]);
        this.inputGrads = inputGrads;
    }

    /** The options this plan was compiled with. */
    public PlanOptions options() {
        return options;
    }

    /** The execution dtype. */
    public DType dtype() {
        return options.dtype();
    }

    /** Elements in the arena (values, gradients, saved state, scratch), a measure of liveness packing. */
    public int arenaSize() {
        return java.lang.reflect.Array.getLength(arena);
    }

    /** Names of the inputs this plan reads, in build order. */
    public List<String> inputNames() {
        return feedNames;
    }

    // ---------------------------------------------------------------- feeding

    private Feed feedFor(String name) {
        Feed f = feeds.get(name);
        if (f == null) {
            throw new IllegalArgumentException("feed: no input named '" + name + "' in this plan; inputs are " + feedNames);
        }
        return f;
    }

    private void markFed(String name) {
        fed[feedNames.indexOf(name)] = true;
    }

    private static void checkCount(Feed f, int n) {
        if (n != f.node.shape.numel()) {
            throw new ShapeException("feed '" + f.node.name + "': expected " + f.node.shape.numel()
                    + " values for shape " + f.node.shape + ", got " + n + " (input built at " + f.node.callSite + ")");
        }
    }

    /**
     * Copies {@code values} (row-major, exactly the input's element count) into float input
     * {@code name}. Allowed for F32 and F64 plans (widening is exact).
     *
     * @throws IllegalArgumentException for an unknown name or an index input
     * @throws ShapeException if the count differs from the input's shape
     */
    public void feed(String name, float[] values) {
        Feed f = feedFor(name);
        requireFloat(f, "float[]");
        checkCount(f, values.length);
        if (f.arr instanceof float[] dst) {
            System.arraycopy(values, 0, dst, f.off, values.length);
        } else {
            double[] dst = (double[]) f.arr;
            for (int i = 0; i < values.length; i++) dst[f.off + i] = values[i];
        }
        markFed(name);
    }

    /**
     * Copies {@code values} into float input {@code name} of an F64 plan.
     *
     * @throws IllegalArgumentException for an F32 plan (the values would be rounded; convert
     *     explicitly), an unknown name or an index input
     * @throws ShapeException if the count differs from the input's shape
     */
    public void feed(String name, double[] values) {
        Feed f = feedFor(name);
        requireFloat(f, "double[]");
        if (dtype() != DType.F64) {
            throw new IllegalArgumentException("feed '" + name + "': the plan is F32 and a double[] would be rounded;"
                    + " feed a float[] or compile with dtype F64");
        }
        checkCount(f, values.length);
        System.arraycopy(values, 0, f.arr, f.off, values.length);
        markFed(name);
    }

    /**
     * Copies indices into index input {@code name} (token ids, class targets). Range checks
     * happen in the op that reads them (gather, cross-entropy), which knows the valid range.
     *
     * @throws IllegalArgumentException for an unknown name or a float input
     * @throws ShapeException if the count differs from the input's shape
     */
    public void feed(String name, int[] indices) {
        Feed f = feedFor(name);
        if (f.ints == null) {
            throw new IllegalArgumentException("feed '" + name + "': a float input was fed an int[]; feed float[] or"
                    + " declare it with graph.indexInput");
        }
        checkCount(f, indices.length);
        System.arraycopy(indices, 0, f.ints, 0, indices.length);
        markFed(name);
    }

    /**
     * Copies a tensor into float input {@code name}; its shape must equal the input's, and its
     * dtype must be the plan's or F32 into an F64 plan (exact widening).
     */
    public void feed(String name, Tensor t) {
        Feed f = feeds.get(name);
        if (f != null && !t.shape().equals(f.node.shape)) {
            throw new ShapeException("feed '" + name + "': expected shape " + f.node.shape + ", got " + t.shape()
                    + " (input built at " + f.node.callSite + ")");
        }
        if (t.dtype() == DType.F32) feed(name, t.floats());
        else feed(name, t.doubles());
    }

    private void requireFloat(Feed f, String what) {
        if (f.ints != null) {
            throw new IllegalArgumentException("feed '" + f.node.name + "': an index input was fed a " + what
                    + "; feed an int[]");
        }
    }

    // ---------------------------------------------------------------- running

    /**
     * Runs every op in order.
     *
     * @throws IllegalStateException if an input has never been fed
     * @throws AnomalyException in anomaly mode, at the first op whose output is not finite
     */
    public void forward() {
        for (int i = 0; i < fed.length; i++) {
            if (!fed[i]) throw new IllegalStateException("forward: input '" + feedNames.get(i) + "' was never fed");
        }
        Frame[] fs = frames;
        boolean anomaly = options.anomaly();
        for (int i = 0; i < fs.length; i++) {
            Frame f = fs[i];
            f.op.forward(f);
            if (anomaly) Anomalies.checkForward(f);
        }
        forwardDone = true;
    }

    /**
     * Back-propagates from the loss (the first output, which must have one element; its gradient
     * is seeded with 1) through the activations of the last {@link #forward()}, accumulating into
     * parameter gradients.
     *
     * @throws IllegalStateException for an inference plan, before any forward, when the first
     *     output has more than one element (use {@link #backward(Tensor)}), or when it depends on no
     *     parameter and no input that needs a gradient
     * @throws AnomalyException in anomaly mode, at the first VJP that writes a non-finite gradient
     */
    public void backward() {
        checkBackward();
        if (loss.shape.numel() != 1) {
            throw new IllegalStateException("backward: the first output " + loss + " has " + loss.shape.numel()
                    + " elements; pass its gradient to backward(Tensor)");
        }
        b.fill(1, 1.0, gArr[loss.id], gOff[loss.id]);
        runBackward();
    }

    /**
     * Back-propagates the given gradient of the first output (the vector of the vector-Jacobian
     * product, as PyTorch's {@code y.backward(gradient)}), accumulating into parameter gradients.
     *
     * @throws IllegalStateException for an inference plan, before any forward, or when the first
     *     output depends on no parameter and no input that needs a gradient
     * @throws ShapeException if {@code outputGrad}'s shape differs from the first output's
     * @throws IllegalArgumentException if its dtype is F64 and the plan's F32
     */
    public void backward(Tensor outputGrad) {
        checkBackward();
        if (!outputGrad.shape().equals(loss.shape)) {
            throw new ShapeException("backward: the gradient is " + outputGrad.shape() + " but the output " + loss
                    + " is " + loss.shape);
        }
        Object dst = gArr[loss.id];
        int off = gOff[loss.id];
        if (outputGrad.dtype() == dtype()) {
            System.arraycopy(outputGrad.storage(), 0, dst, off, loss.shape.numel());
        } else if (dtype() == DType.F64) {
            for (int i = 0; i < loss.shape.numel(); i++) b.set(dst, off + i, outputGrad.getFlat(i));
        } else {
            throw new IllegalArgumentException("backward: an F64 gradient for an F32 plan would be rounded; convert it");
        }
        runBackward();
    }

    private void checkBackward() {
        if (loss == null) throw new IllegalStateException("backward: this plan was compiled for inference");
        if (!forwardDone) throw new IllegalStateException("backward: call forward() first");
        if (gArr[loss.id] == null) {
            throw new IllegalStateException("backward: " + loss + " depends on no parameter and no input that needs a"
                    + " gradient: nothing to back-propagate");
        }
    }

    private void runBackward() {
        Frame[] fs = bwd;
        boolean anomaly = options.anomaly();
        for (int i = 0; i < fs.length; i++) {
            Frame f = fs[i];
            int[] z = f.zeroSlots;
            for (int j = 0; j < z.length; j++) b.fill(f.inShapes[z[j]].numel(), 0.0, f.gIn[z[j]], f.gInOff[z[j]]);
            f.op.vjp(f);
            if (anomaly) Anomalies.checkBackward(f);
        }
    }

    /** Sets every parameter gradient of this plan to zero. */
    public void zeroGrad() {
        Parameter[] ps = paramArray; // an array, not the map's iterator: zeroGrad runs every step
        for (int i = 0; i < ps.length; i++) b.fill(ps[i].grad().numel(), 0.0, ps[i].grad().storage(), 0);
    }

    /** Restarts the random generator (dropout masks) from {@code seed}: the same seed gives the same masks. */
    public void setSeed(long seed) {
        rng = seed;
    }

    /**
     * The random generator's state, to save with a checkpoint: {@link #setSeed} with it restores
     * the masks that would have followed.
     */
    public long rngState() {
        return rng;
    }

    /** Next value of the plan's SplitMix64 generator, uniform in [0, 1). No allocation. */
    double nextUniform() {
        long z = (rng += 0x9E3779B97F4A7C15L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z = z ^ (z >>> 31);
        return (z >>> 11) * 0x1.0p-53;
    }

    // ---------------------------------------------------------------- results

    private int outputIndex(Node n) {
        for (int i = 0; i < outputs.length; i++) if (outputs[i] == n) return i;
        throw new IllegalArgumentException(n + " is not an output of this plan (only outputs outlive a step)");
    }

    /**
     * A copy of an output's value after {@link #forward()}.
     *
     * @throws IllegalArgumentException if {@code n} is not an output of this plan
     * @throws IllegalStateException before the first {@link #forward()} (there is no value yet)
     */
    public Tensor output(Node n) {
        outputIndex(n);
        if (!forwardDone) throw new IllegalStateException("output: call forward() first");
        Tensor t = Tensor.zeros(dtype(), n.shape);
        System.arraycopy(valArr[n.id], valOff[n.id], t.storage(), 0, n.shape.numel());
        return t;
    }

    /**
     * Copies output {@code n}'s value (after {@link #forward()}) into float input {@code input}
     * without allocating: the step that carries a recurrent state into the next segment
     * (truncated BPTT). The input has no gradient path into the step that produced the value, so
     * the state is detached. Call it after {@link #backward()}: the step's VJPs read the input's
     * current value (views of an input, such as a layer's slice of a stacked state, share its
     * storage).
     *
     * @throws IllegalArgumentException if {@code n} is not an output, {@code input} is not a
     *     float input of this plan, or their element counts differ
     * @throws IllegalStateException before the first {@link #forward()}
     */
    public void copyOutputToInput(Node n, String input) {
        outputIndex(n);
        Feed f = feedFor(input);
        requireFloat(f, "output");
        if (f.node.shape.numel() != n.shape.numel()) {
            throw new IllegalArgumentException("copyOutputToInput: output " + n + " has " + n.shape.numel()
                    + " elements, input '" + input + "' " + f.node.shape);
        }
        if (!forwardDone) throw new IllegalStateException("copyOutputToInput: call forward() first");
        System.arraycopy(valArr[n.id], valOff[n.id], f.arr, f.off, n.shape.numel());
        markFed(input);
    }

    /** The value of a one-element output (e.g. the loss), without allocating. */
    public double scalar(Node n) {
        outputIndex(n);
        if (n.shape.numel() != 1) throw new ShapeException("scalar: " + n + " has " + n.shape.numel() + " elements");
        return b.get(valArr[n.id], valOff[n.id]);
    }

    /** The parameters this plan trains, by name (see the class comment on dtypes). */
    public Map<String, Parameter> params() {
        return java.util.Collections.unmodifiableMap(params);
    }

    /**
     * The parameter {@code name} as this plan trains it.
     *
     * @throws IllegalArgumentException if the plan does not use it
     */
    public Parameter param(String name) {
        Parameter p = params.get(name);
        if (p == null) throw new IllegalArgumentException("no parameter '" + name + "' in this plan; it has " + params.keySet());
        return p;
    }

    /**
     * The gradient of the loss w.r.t. a parameter (the live accumulated {@link Parameter#grad()})
     * or an input listed in {@link PlanOptions#gradInputs} (a copy; zeros if the loss does not
     * depend on it), after {@link #backward()}.
     */
    public Tensor grad(String name) {
        Parameter p = params.get(name);
        if (p != null) return p.grad();
        if (!options.gradInputs().contains(name)) {
            throw new IllegalArgumentException("grad: '" + name + "' is neither a parameter of this plan nor in gradInputs "
                    + options.gradInputs());
        }
        Shape s = feeds.get(name).node.shape;
        Tensor t = Tensor.zeros(dtype(), s);
        Object[] loc = inputGrads.get(name);
        if (loc != null) System.arraycopy(loc[0], (int) loc[1], t.storage(), 0, s.numel());
        return t;
    }
}
