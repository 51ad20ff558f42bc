package dev.vectornn.graph;

import dev.vectornn.tensor.Shape;
import dev.vectornn.tensor.ShapeException;

/**
 * One entry of the op table: name, arity, shape rule, forward and vector-Jacobian product (VJP),
 * in the spirit of PyTorch's {@code derivatives.yaml}. Every op the library offers is listed in
 * {@link Ops#all()}; its forward and VJP are written next to each other in one family file.
 *
 * <p>The execution hooks are package-private on purpose: ops run against the internal
 * {@code Backend} (one implementation per dtype), which is not public API, so this class cannot
 * be subclassed outside {@code dev.vectornn.graph}. Users compose existing ops with
 * {@link Graph}, and check a gradient they derive themselves with
 * {@link GradCheck#checkClaimed} (a scalar function) or {@link GradCheck#checkVjp} (an op-shaped
 * function and its hand-written VJP); the public surface of an op is its name, arity and
 * argument names.
 *
 * <p><b>Contract for the hooks</b> (all called by {@link Plan}, single-threaded):
 * <ul>
 *   <li>{@link #forward} writes the whole output; it may write the frame's saved buffer, which
 *       stays intact until the op's VJP has run.</li>
 *   <li>{@link #vjp} reads the output gradient and, for every input slot {@code i} with
 *       {@code f.needGrad(i)}, <b>overwrites</b> the input gradient when {@code f.acc(i)} is
 *       false and <b>adds</b> to it when true. Slots whose gradient is not needed must not be
 *       touched.</li>
 *   <li>Neither allocates: everything is precomputed in {@link #prepare}.</li>
 * </ul>
 */
public abstract class OpDef {
    private final String name;
    private final String[] argNames;

    /**
     * @param name     the op's name in messages and reports
     * @param argNames the argument names in order; their count is the arity
     */
    OpDef(String name, String... argNames) {
        this.name = name;
        this.argNames = argNames;
    }

    /** The op's name, e.g. {@code "matmul"}. */
    public final String name() {
        return name;
    }

    /** Number of inputs, or -1 for a variadic op (concat). */
    public int arity() {
        return argNames.length;
    }

    /** The name of argument {@code i}, as used in error messages. */
    public String argName(int i) {
        return i < argNames.length ? argNames[i] : "inputs[" + i + "]";
    }

    @Override
    public String toString() {
        return name;
    }

    // ---------------------------------------------------------------- build time

    /**
     * The output shape for these input shapes and attributes.
     *
     * @throws ShapeException with a message naming the argument(s) and shapes (without the op
     *     name and call site, which {@link Graph} adds)
     */
    abstract Shape inferShape(Shape[] in, Object attrs);

    /** Whether input slot {@code i} must be (true) or must not be (false) an integer index node. */
    boolean wantsIndex(int i) {
        return false;
    }

    /** Whether the op is differentiable in input slot {@code i}; index inputs never are. */
    boolean differentiable(int i) {
        return !wantsIndex(i);
    }

    // ---------------------------------------------------------------- compile time

    /** Whether the VJP reads input {@code i}'s value (keeps it alive until the VJP). */
    boolean vjpReadsInput(int i) {
        return true;
    }

    /** Whether the VJP reads this op's own output value. */
    boolean vjpReadsOutput() {
        return true;
    }

    /**
     * Input slot whose storage the output shares (a zero-copy view: a reshape, or a slice whose
     * elements are contiguous in its input), or -1, for these input shapes and attributes. Such
     * an op's forward does nothing; its VJP still moves the gradient, which is never shared.
     */
    int aliasOf(Shape[] in, Object attrs) {
        return -1;
    }

    /**
     * Whether the VJP's gradient for input slot {@code i} is the output gradient itself, element
     * for element (an add whose input has the output's shape, a reshape). When that input gets
     * no other gradient, the planner gives it the output gradient's storage, and the VJP must
     * then leave that slot alone ({@link Frame#sharesGrad}): the copy it would make is already
     * there.
     */
    boolean vjpIdentity(int i, Shape[] in, Shape out, Object attrs) {
        return false;
    }

    /** Where the view of {@link #aliasOf} starts in the aliased input's storage, in elements. */
    int aliasOffset(Shape[] in, Object attrs) {
        return 0;
    }

    /** Elements of the saved buffer kept from forward to VJP (training only). */
    int savedSize(Frame f) {
        return 0;
    }

    /** Elements of scratch the op needs during forward or VJP. */
    int scratchSize(Frame f) {
        return 0;
    }

    /** Precomputes what forward and VJP need (index geometry, sizes) into {@code f.prep}. */
    void prepare(Frame f) {}

    // ---------------------------------------------------------------- run time

    /** Computes the output from the inputs. */
    abstract void forward(Frame f);

    /** Computes the input gradients from the output gradient (see the class contract). */
    abstract void vjp(Frame f);
}
