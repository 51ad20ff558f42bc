package dev.vectornn.graph;

import dev.vectornn.tensor.Shape;
import dev.vectornn.tensor.Tensor;
import java.util.List;

/**
 * One value in a {@link Graph}: an input fed per run, a parameter, a constant or the output of
 * an op. Nodes are immutable once built and belong to exactly one graph; they carry the shape
 * inferred at build time and the line of user code that built them, which error messages quote.
 */
public final class Node {
    /** What kind of value a node is. */
    public enum Kind {
        /** A floating-point input fed before each run. */
        INPUT,
        /** An integer input (token ids, class targets) fed before each run. */
        INDEX_INPUT,
        /** A trainable {@link Parameter}. */
        PARAM,
        /** A fixed tensor. */
        CONSTANT,
        /** The output of an op. */
        OP
    }

    final Graph graph;
    final int id;
    final Kind kind;
    final OpDef op;
    final Node[] inputs;
    final Shape shape;
    final Object attrs;
    final String name;
    final String callSite;
    /** The value of a constant, or the parameter of a PARAM node; null otherwise. */
    final Tensor constant;
    final Parameter param;

    Node(Graph graph, int id, Kind kind, OpDef op, Node[] inputs, Shape shape, Object attrs,
         String name, String callSite, Tensor constant, Parameter param) {
        this.graph = graph;
        this.id = id;
        this.kind = kind;
        this.op = op;
        this.inputs = inputs;
        this.shape = shape;
        this.attrs = attrs;
        this.name = name;
        this.callSite = callSite;
        this.constant = constant;
        this.param = param;
    }

    /** Position in its graph (build order, which is a topological order). */
    public int id() {
        return id;
    }

    /** The kind of value. */
    public Kind kind() {
        return kind;
    }

    /** The op that computes this node, or {@code null} for inputs, parameters and constants. */
    public OpDef op() {
        return op;
    }

    /** The op's arguments in order (empty for leaves). */
    public List<Node> inputs() {
        return List.of(inputs);
    }

    /** The shape inferred when the node was built. */
    public Shape shape() {
        return shape;
    }

    /** The op's attributes (an op-specific immutable record), or {@code null} if it has none. */
    public Object attrs() {
        return attrs;
    }

    /** The user-given name (inputs, parameters), or a generated one like {@code "matmul#5"}. */
    public String name() {
        return name;
    }

    /** The user code that built this node, as {@code "Model.java:42"}, or {@code "unknown"}. */
    public String callSite() {
        return callSite;
    }

    /** Whether this node holds integer indices rather than floating-point values. */
    public boolean isIndex() {
        return kind == Kind.INDEX_INPUT;
    }

    /** {@code name shape (built at site)}, e.g. {@code matmul#5 [32, 256] (built at Model.java:42)}. */
    @Override
    public String toString() {
        return name + " " + shape + " (built at " + callSite + ")";
    }
}
