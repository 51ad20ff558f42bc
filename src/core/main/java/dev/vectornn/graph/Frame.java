package dev.vectornn.graph;

import dev.vectornn.tensor.Shape;

/**
 * Everything one op needs to run inside a compiled {@link Plan}, resolved at compile time: where
 * its inputs, output, gradients, saved state and scratch live (array plus element offset), the
 * shapes, the attributes and the op's own precomputed data ({@link #prep}). Ops read the fields
 * directly; nothing here is computed per step.
 *
 * <p>Index inputs ({@link Node.Kind#INDEX_INPUT}) appear in {@link #in} as {@code int[]}.
 */
final class Frame {
    final Node node;
    final OpDef op;
    final Object attrs;
    final Shape[] inShapes;
    final Shape outShape;
    final Backend b;
    final Plan plan;
    final boolean training;

    final Object[] in;
    final int[] inOff;
    Object out;
    int outOff;

    /** Output gradient (backward), null when this node gets no gradient. */
    Object gOut;
    int gOutOff;
    /** Input gradients; {@code needGrad[i]} says whether slot i is wanted, {@code acc[i]} whether to add. */
    final Object[] gIn;
    final int[] gInOff;
    final boolean[] needGrad;
    final boolean[] acc;
    /** Input slots whose gradient must be zeroed before the VJP (an input used twice, first written here). */
    int[] zeroSlots = new int[0];

    /** State kept from forward to VJP (training only) and per-op scratch. */
    Object saved;
    int savedOff;
    Object scratch;
    int scratchOff;
    /** Op-specific data computed by {@link OpDef#prepare}. */
    Object prep;

    Frame(Node node, Backend b, Plan plan, boolean training) {
        this.node = node;
        this.op = node.op;
        this.attrs = node.attrs;
        int n = node.inputs.length;
        this.inShapes = new Shape[n];
        for (int i = 0; i < n; i++) inShapes[i] = node.inputs[i].shape;
        this.outShape = node.shape;
        this.b = b;
        this.plan = plan;
        this.training = training;
        this.in = new Object[n];
        this.inOff = new int[n];
        this.gIn = new Object[n];
        this.gInOff = new int[n];
        this.needGrad = new boolean[n];
        this.acc = new boolean[n];
    }

    /**
     * Whether input slot {@code i}'s gradient is this node's own gradient storage (planned by
     * {@link OpDef#vjpIdentity}): the VJP has nothing to write there.
     */
    boolean sharesGrad(int i) {
        return gIn[i] == gOut && gInOff[i] == gOutOff;
    }

    /** Number of output elements. */
    int n() {
        return outShape.numel();
    }
}
