package dev.vectornn.graph;

import dev.vectornn.kernel.Triangle;
import dev.vectornn.kernel.UnaryOp;
import dev.vectornn.tensor.Shape;
import dev.vectornn.tensor.ShapeException;
import dev.vectornn.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Builds a graph of tensor ops. Declare inputs (fed per run), parameters and constants, combine
 * them with the op methods, then {@link #compile} the outputs you want into a {@link Plan}.
 *
 * <pre>{@code
 * Graph g = new Graph();
 * Node x = g.input("x", 32, 784);
 * Node w = g.param("fc.weight", Tensor.randn(DType.F32, Shape.of(784, 10), 0.05, 1));
 * Node y = g.indexInput("y", 32);
 * Node loss = g.crossEntropy(g.matmul(x, w), y);
 * Plan plan = g.compile(PlanOptions.forTraining(), loss);
 * }</pre>
 *
 * <p><b>Shapes are inferred and checked as each op is built.</b> A mismatch throws
 * {@link ShapeException} naming the op, the arguments, their shapes and the line of user code
 * that built the op, e.g. {@code matmul: a is [32, 128], b is [64, 256]; inner dimensions 128 and
 * 64 differ (built at Model.java:42)}. That line is the first stack frame outside this class.
 *
 * <p>Not thread-safe; build a graph on one thread. Nodes are immutable.
 */
public final class Graph {
    private static final StackWalker WALKER = StackWalker.getInstance();

    private final List<Node> nodes = new ArrayList<>();
    private final Map<String, Node> named = new LinkedHashMap<>();

    /** An empty graph. */
    public Graph() {}

    /** All nodes in build order (a topological order). */
    public List<Node> nodes() {
        return Collections.unmodifiableList(nodes);
    }

    List<Node> nodeList() {
        return nodes;
    }

    Node inputNode(String name) {
        return named.get(name);
    }

    /** The graph's parameters in declaration order. */
    public List<Parameter> parameters() {
        List<Parameter> ps = new ArrayList<>();
        for (Node n : nodes) if (n.kind == Node.Kind.PARAM) ps.add(n.param);
        return ps;
    }

    /**
     * Compiles the given outputs (see {@link Plan}). A training plan's first output is the loss:
     * {@link Plan#backward()} needs it to have one element, {@link Plan#backward(dev.vectornn.tensor.Tensor)}
     * takes the gradient of a larger one.
     *
     * @throws dev.vectornn.tensor.ShapeException if a matmul, linear, softmax, layer norm,
     *     attention, recurrent or loss op the outputs need reads or produces an empty tensor (a
     *     zero-size dimension): their kernels do not take empty operands
     */
    public Plan compile(PlanOptions options, Node... outputs) {
        return PlanCompiler.compile(this, options, outputs);
    }

    // ---------------------------------------------------------------- leaves

    private static String callSite() {
        return WALKER.walk(s -> s.filter(f -> !isGraphFrame(f.getClassName()))
                .findFirst()
                .map(f -> f.getFileName() + ":" + f.getLineNumber())
                .orElse("unknown"));
    }

    private static boolean isGraphFrame(String cls) {
        return cls.equals(Graph.class.getName()) || cls.startsWith(Graph.class.getName() + "$");
    }

    private Node leaf(Node.Kind kind, String name, Shape shape, Tensor constant, Parameter p) {
        if (name != null && named.containsKey(name)) {
            throw new IllegalArgumentException("the name '" + name + "' is already used by " + named.get(name));
        }
        String n = name != null ? name : "constant#" + nodes.size();
        Node node = new Node(this, nodes.size(), kind, null, new Node[0], shape, null, n, callSite(), constant, p);
        nodes.add(node);
        if (name != null) named.put(name, node);
        return node;
    }

    /** A float input of the given shape, fed before each run with {@link Plan#feed}. */
    public Node input(String name, int... dims) {
        return leaf(Node.Kind.INPUT, Objects.requireNonNull(name, "input: name"), Shape.of(dims), null, null);
    }

    /** An integer input (token ids, class targets) of the given shape, fed with {@code int[]}. */
    public Node indexInput(String name, int... dims) {
        return leaf(Node.Kind.INDEX_INPUT, Objects.requireNonNull(name, "indexInput: name"), Shape.of(dims), null, null);
    }

    /**
     * A trainable parameter initialized to {@code init} (used in place, not copied: plans of its
     * dtype train it directly). Its gradient starts at zero.
     */
    public Node param(String name, Tensor init) {
        Parameter p = new Parameter(name, init, Tensor.zeros(init.dtype(), init.shape()));
        return leaf(Node.Kind.PARAM, name, init.shape(), null, p);
    }

    /** A constant (copied now, converted to each plan's dtype at compile time). */
    public Node constant(Tensor value) {
        return leaf(Node.Kind.CONSTANT, null, value.shape(), value.copy(), null);
    }

    // ---------------------------------------------------------------- the one way ops are added

    /** Adds an op node after checking ownership, arity, index-ness and shapes. */
    Node apply(OpDef op, Object attrs, Node... inputs) {
        String site = callSite();
        if (op.arity() >= 0 && inputs.length != op.arity()) {
            throw new IllegalArgumentException(op.name() + ": takes " + op.arity() + " inputs, got " + inputs.length
                    + " (built at " + site + ")");
        }
        Shape[] shapes = new Shape[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            Node in = inputs[i];
            if (in == null) throw new NullPointerException(op.name() + ": " + op.argName(i) + " is null (built at " + site + ")");
            if (in.graph != this) {
                throw new IllegalArgumentException(op.name() + ": " + op.argName(i) + " (" + in + ") belongs to another graph"
                        + " (built at " + site + ")");
            }
            if (in.isIndex() != op.wantsIndex(i)) {
                throw new IllegalArgumentException(op.name() + ": " + op.argName(i) + " must be "
                        + (op.wantsIndex(i) ? "an index input (graph.indexInput)" : "a float value, not an index input")
                        + ", got " + in + " (built at " + site + ")");
            }
            shapes[i] = in.shape;
        }
        Shape out;
        try {
            out = op.inferShape(shapes, attrs);
        } catch (ShapeException e) {
            throw new ShapeException(op.name() + ": " + e.getMessage() + " (built at " + site + ")");
        }
        Node node = new Node(this, nodes.size(), Node.Kind.OP, op, inputs.clone(), out, attrs,
                op.name() + "#" + nodes.size(), site, null, null);
        nodes.add(node);
        return node;
    }

    private static ElementwiseOps.Scalar scalar(double v) {
        return new ElementwiseOps.Scalar(v);
    }

    // ---------------------------------------------------------------- arithmetic

    /** {@code a + b} with NumPy broadcasting. */
    public Node add(Node a, Node b) { return apply(Ops.ADD, null, a, b); }

    /** {@code a - b} with NumPy broadcasting. */
    public Node sub(Node a, Node b) { return apply(Ops.SUB, null, a, b); }

    /** {@code a * b} (element-wise) with NumPy broadcasting. */
    public Node mul(Node a, Node b) { return apply(Ops.MUL, null, a, b); }

    /** {@code a / b} with NumPy broadcasting. */
    public Node div(Node a, Node b) { return apply(Ops.DIV, null, a, b); }

    /** {@code x * s}. */
    public Node mul(Node x, double s) { return apply(Ops.MUL_SCALAR, scalar(s), x); }

    /** {@code x + s}. */
    public Node add(Node x, double s) { return apply(Ops.ADD_SCALAR, scalar(s), x); }

    /** {@code x ^ p} element-wise (for non-integer {@code p}, negative {@code x} gives NaN). */
    public Node pow(Node x, double p) { return apply(Ops.POW, scalar(p), x); }

    /** {@code -x}. */
    public Node neg(Node x) { return apply(Ops.NEG, null, x); }

    /** {@code x^2}. */
    public Node square(Node x) { return apply(Ops.SQUARE, null, x); }

    /** {@code sqrt(x)}. */
    public Node sqrt(Node x) { return apply(Ops.SQRT, null, x); }

    /** {@code e^x}. */
    public Node exp(Node x) { return apply(Ops.EXP, null, x); }

    /** Natural logarithm. */
    public Node log(Node x) { return apply(Ops.LOG, null, x); }

    // ---------------------------------------------------------------- activations

    /** Hyperbolic tangent. */
    public Node tanh(Node x) { return apply(Ops.TANH, null, x); }

    /** Logistic sigmoid. */
    public Node sigmoid(Node x) { return apply(Ops.SIGMOID, null, x); }

    /** {@code max(x, 0)}; gradient 0 at 0, as PyTorch. */
    public Node relu(Node x) { return apply(Ops.RELU, null, x); }

    /**
     * Exact GELU, PyTorch's default. Training plans keep its derivative from the forward (one
     * buffer of x's size, {@code Kernels.geluWithDerivative}), which makes forward + backward
     * about a third cheaper than recomputing it; inference plans do not.
     */
    public Node gelu(Node x) { return apply(Ops.GELU, null, x); }

    /** tanh-approximated GELU, PyTorch's {@code approximate='tanh'}. */
    public Node geluTanh(Node x) { return apply(Ops.GELU_TANH, null, x); }

    // ---------------------------------------------------------------- linear algebra and reductions

    /** {@code a @ b}: 2-D, or batched 3-D ({@code [B,m,k] @ [B,k,n]}, or one side 2-D and shared). */
    public Node matmul(Node a, Node b) { return matmul(a, b, false, false); }

    /** {@code op(a) @ op(b)} where {@code op} transposes the last two dimensions when asked. */
    public Node matmul(Node a, Node b, boolean transA, boolean transB) {
        return apply(Ops.MATMUL, new MatmulOps.Attrs(transA, transB), a, b);
    }

    /**
     * A product with a triangle known to be zero, skipped by the kernel (about half the work when
     * the matrices are square): causal attention's scores and weighted sum.
     * {@link Triangle#LOWER_RESULT}: {@code tril(a @ b^T)} (transA false, transB true), the scores
     * of queries by keys with the future cut off. {@link Triangle#LOWER_A}: {@code op(tril(a)) @ b}
     * (transB false), a weighted sum whose weights are zero above the diagonal; a's upper triangle
     * is ignored, whatever it holds. {@code tril} keeps row index {@code >=} column index of the
     * last two dimensions; {@link Triangle#FULL} is the plain product.
     *
     * @throws dev.vectornn.tensor.ShapeException if the shapes do not fit, or the triangle does
     *         not allow the transposes
     */
    public Node matmul(Node a, Node b, boolean transA, boolean transB, Triangle triangle) {
        return apply(Ops.MATMUL, new MatmulOps.Attrs(transA, transB, java.util.Objects.requireNonNull(triangle,
                "matmul: triangle")), a, b);
    }

    /**
     * {@code x @ w^T + b}, a linear layer on a batch of rows: x {@code [n, in]}, w
     * {@code [out, in]} (PyTorch's layout), b {@code [out]}. The same values and gradients, bit
     * for bit, as {@code add(matmul(x, w, false, true), b)}, from one GEMM that adds the bias as
     * it writes its result instead of a second pass over it.
     *
     * @throws dev.vectornn.tensor.ShapeException if the shapes do not fit
     */
    public Node linear(Node x, Node w, Node b) { return apply(Ops.LINEAR, null, x, w, b); }

    /** Sum over {@code axes} (all axes if none given), dropping them. */
    public Node sum(Node x, int... axes) { return reduce(Ops.SUM, x, false, axes); }

    /** Sum over {@code axes} (all if none), keeping them as size 1 when {@code keepDims}. */
    public Node sum(Node x, boolean keepDims, int... axes) { return reduce(Ops.SUM, x, keepDims, axes); }

    /** Mean over {@code axes} (all axes if none given), dropping them. */
    public Node mean(Node x, int... axes) { return reduce(Ops.MEAN, x, false, axes); }

    /** Mean over {@code axes} (all if none), keeping them as size 1 when {@code keepDims}. */
    public Node mean(Node x, boolean keepDims, int... axes) { return reduce(Ops.MEAN, x, keepDims, axes); }

    private Node reduce(OpDef op, Node x, boolean keepDims, int[] axes) {
        int[] norm = new int[axes.length];
        for (int i = 0; i < axes.length; i++) {
            try {
                norm[i] = x.shape.axis(axes[i]);
            } catch (ShapeException e) {
                throw new ShapeException(op.name() + ": x is " + x.shape + "; " + e.getMessage() + " (built at " + callSite() + ")");
            }
        }
        norm = Arrays.stream(norm).sorted().distinct().toArray();
        return apply(op, new ReduceOps.Axes(norm, keepDims), x);
    }

    // ---------------------------------------------------------------- movement

    /** The same elements in a new shape (one dimension may be -1: inferred). A view, no copy. */
    public Node reshape(Node x, int... dims) {
        int[] d = dims.clone();
        int infer = -1, known = 1;
        for (int i = 0; i < d.length; i++) {
            if (d[i] == -1 && infer < 0) infer = i;
            else known *= d[i];
        }
        if (infer >= 0 && known > 0 && x.shape.numel() % known == 0) d[infer] = x.shape.numel() / known;
        Shape target;
        try {
            target = Shape.of(d);
        } catch (ShapeException e) {
            throw new ShapeException("reshape: x is " + x.shape + "; cannot become " + Arrays.toString(dims)
                    + " (built at " + callSite() + ")");
        }
        return apply(Ops.RESHAPE, target, x);
    }

    /** Reorders dimensions: output dimension {@code i} is input dimension {@code perm[i]}. */
    public Node permute(Node x, int... perm) {
        return apply(Ops.PERMUTE, new ShapeOps.Perm(perm.clone()), x);
    }

    /** Swaps two dimensions (negative counts from the end). */
    public Node transpose(Node x, int dim0, int dim1) {
        int r = x.shape.rank();
        int[] p = new int[r];
        for (int i = 0; i < r; i++) p[i] = i;
        int a = dim0 < 0 ? dim0 + r : dim0, b = dim1 < 0 ? dim1 + r : dim1;
        if (a < 0 || a >= r || b < 0 || b >= r) {
            throw new ShapeException("transpose: x is " + x.shape + "; dimensions " + dim0 + " and " + dim1
                    + " are not both in range (built at " + callSite() + ")");
        }
        p[a] = b;
        p[b] = a;
        return permute(x, p);
    }

    /** Elements {@code [start, end)} along {@code axis}. */
    public Node slice(Node x, int axis, int start, int end) {
        int a;
        try {
            a = x.shape.axis(axis);
        } catch (ShapeException e) {
            throw new ShapeException("slice: x is " + x.shape + "; " + e.getMessage() + " (built at " + callSite() + ")");
        }
        return apply(Ops.SLICE, new ShapeOps.SliceAttrs(a, start, end), x);
    }

    /**
     * Splits {@code x} along {@code axis} into consecutive pieces of the given sizes, which must
     * add up to that dimension (one slice node per piece).
     */
    public Node[] split(Node x, int axis, int... sizes) {
        int total = 0;
        for (int s : sizes) total += s;
        int a = x.shape.axis(axis);
        if (total != x.shape.dim(a)) {
            throw new ShapeException("split: x is " + x.shape + "; sizes " + Arrays.toString(sizes) + " add up to "
                    + total + ", not " + x.shape.dim(a) + " (built at " + callSite() + ")");
        }
        Node[] out = new Node[sizes.length];
        int at = 0;
        for (int i = 0; i < sizes.length; i++) {
            out[i] = slice(x, a, at, at + sizes[i]);
            at += sizes[i];
        }
        return out;
    }

    /**
     * Element {@code index} along {@code axis}, that axis removed: PyTorch's
     * {@code x.select(axis, index)}, e.g. {@code x[index]} for axis 0. A slice and a reshape; both
     * are zero-copy views when every dimension before {@code axis} is 1 or {@code axis} is 0.
     *
     * @throws ShapeException if {@code axis} or {@code index} is out of range for {@code x}
     */
    public Node select(Node x, int axis, int index) {
        int a;
        try {
            a = x.shape.axis(axis);
        } catch (ShapeException e) {
            throw new ShapeException("select: x is " + x.shape + "; " + e.getMessage() + " (built at " + callSite() + ")");
        }
        if (index < 0 || index >= x.shape.dim(a)) {
            throw new ShapeException("select: x is " + x.shape + "; index " + index + " is out of range [0, "
                    + x.shape.dim(a) + ") along axis " + a + " (built at " + callSite() + ")");
        }
        int[] dims = new int[x.shape.rank() - 1];
        for (int d = 0, k = 0; d < x.shape.rank(); d++) if (d != a) dims[k++] = x.shape.dim(d);
        Node s = x.shape.dim(a) == 1 ? x : slice(x, a, index, index + 1);
        return reshape(s, dims);
    }

    /** Joins the inputs along {@code axis}; every other dimension must agree. */
    public Node concat(int axis, Node... xs) {
        int a = xs.length == 0 ? 0 : xs[0].shape.rank() == 0 ? axis : (axis < 0 ? axis + xs[0].shape.rank() : axis);
        return apply(Ops.CONCAT, new ShapeOps.Axis(a), xs);
    }

    // ---------------------------------------------------------------- softmax, normalization, masks

    /** Softmax over the last axis. */
    public Node softmax(Node x) { return apply(Ops.SOFTMAX, null, x); }

    /** Log-softmax over the last axis. */
    public Node logSoftmax(Node x) { return apply(Ops.LOG_SOFTMAX, null, x); }

    /**
     * Softmax over {@code axis} (negative counts from the end, as in PyTorch's {@code dim}). The
     * row kernels work on the last axis, so another axis is moved there and back with two
     * permutes (copies); prefer laying data out with the softmax axis last.
     *
     * @throws dev.vectornn.tensor.ShapeException if {@code axis} is out of range for {@code x}
     */
    public Node softmax(Node x, int axis) {
        return overAxis(x, axis, "softmax", false);
    }

    /** Log-softmax over {@code axis}; see {@link #softmax(Node, int)}. */
    public Node logSoftmax(Node x, int axis) {
        return overAxis(x, axis, "logSoftmax", true);
    }

    private Node overAxis(Node x, int axis, String op, boolean log) {
        int rank = x.shape().rank();
        int a = axis < 0 ? axis + rank : axis;
        if (rank == 0 || a < 0 || a >= rank) {
            throw new dev.vectornn.tensor.ShapeException(op + ": axis " + axis + " is out of range for x of shape "
                    + x.shape() + " (built at " + callSite() + ")");
        }
        if (a == rank - 1) {
            return log ? logSoftmax(x) : softmax(x);
        }
        int[] perm = new int[rank];
        for (int i = 0; i < rank; i++) perm[i] = i;
        perm[a] = rank - 1;
        perm[rank - 1] = a;   // a swap is its own inverse
        Node moved = permute(x, perm);
        return permute(log ? logSoftmax(moved) : softmax(moved), perm);
    }

    /** Layer norm over the last axis with affine {@code gamma}, {@code beta} of that size and {@code eps}. */
    public Node layerNorm(Node x, Node gamma, Node beta, double eps) {
        if (!(eps > 0)) throw new IllegalArgumentException("layerNorm: eps must be > 0, got " + eps);
        return apply(Ops.LAYER_NORM, scalar(eps), x, gamma, beta);
    }

    /** Inverted dropout with drop probability {@code p} in {@code [0, 1]}; identity in inference plans. */
    public Node dropout(Node x, double p) {
        if (!(p >= 0 && p <= 1)) throw new IllegalArgumentException("dropout: p must be in [0, 1], got " + p);
        return apply(Ops.DROPOUT, scalar(p), x);
    }

    /** Rows of {@code table} picked by the index input {@code indices}: shape {@code indices.shape + table.shape[1:]}. */
    public Node gather(Node table, Node indices) { return apply(Ops.GATHER, null, table, indices); }

    /**
     * {@link #gather(Node, Node)} with PyTorch's {@code padding_idx}: rows picked by
     * {@code paddingIdx} are looked up as stored but pass no gradient back to the table.
     *
     * @throws IllegalArgumentException if {@code paddingIdx} is negative or not a row of {@code table}
     */
    public Node gather(Node table, Node indices, int paddingIdx) {
        if (paddingIdx < 0 || table.shape.rank() > 0 && paddingIdx >= table.shape.dim(0)) {
            throw new IllegalArgumentException("gather: padding index must be a row of the table " + table + ", got "
                    + paddingIdx);
        }
        return apply(Ops.GATHER, paddingIdx, table, indices);
    }

    /** {@code value} where {@code mask != 0}, else {@code x}; the mask broadcasts to {@code x}. */
    public Node maskedFill(Node x, Node mask, double value) {
        return apply(Ops.MASKED_FILL, scalar(value), x, mask);
    }

    /** Masks attention scores {@code [..., T, T]} above the diagonal (see {@link Ops#CAUSAL_MASK}). */
    public Node causalMask(Node scores) { return apply(Ops.CAUSAL_MASK, null, scores); }

    /**
     * Attention weights from raw scores in one op: {@code softmax(scale * scores)} over the last
     * axis, with the causal mask and an optional key-padding mask applied as exact zeros. The
     * same values as
     * <pre>{@code
     * Node s = g.mul(scores, scale);
     * if (causal) s = g.causalMask(s);
     * // with a mask: g.maskedFill over [B, H, T, S] with the mask as [B, 1, 1, S], value -Float.MAX_VALUE
     * Node attn = g.softmax(s);
     * }</pre>
     * without the intermediate buffers and passes; with {@code causal}, query {@code t} touches
     * only its first {@code t + 1} scores. Its VJP is
     * {@code dx = scale * y * (dy - sum(dy * y))} with masked entries 0.
     *
     * <p>A query that sees no key (all the keys the causal rule allows it are padded) gets the
     * uniform average over the keys the causal rule allows, and no gradient; PyTorch gives NaN
     * there.
     *
     * @param scores {@code [..., T, S]}: query-by-key scores, e.g. {@code Q K^T} as {@code [B*H, T, S]}
     * @param scale the factor on the scores, e.g. {@code 1 / sqrt(headDim)}; finite
     * @param causal mask key {@code j} for query {@code t < j} (needs {@code T == S})
     * @param keyPaddingMask null, or {@code [B, S]} whose nonzero entries mark keys to ignore
     *     (PyTorch's {@code key_padding_mask}, true as 1); the {@code N} score matrices form
     *     {@code B} consecutive groups, so row {@code b} applies to batch {@code b} of
     *     {@code [B, H, T, S]} scores or of their {@code [B*H, T, S]} reshape. Gets no gradient.
     * @throws ShapeException if {@code scores} has rank below 2, is not square while
     *     {@code causal}, or the mask's shape does not fit
     * @throws IllegalArgumentException if {@code scale} is not finite
     */
    public Node attentionSoftmax(Node scores, double scale, boolean causal, Node keyPaddingMask) {
        if (!Double.isFinite(scale)) {
            throw new IllegalArgumentException("attentionSoftmax: scale must be finite, got " + scale + " (built at "
                    + callSite() + ")");
        }
        SoftmaxOps.AttentionAttrs a = new SoftmaxOps.AttentionAttrs(scale, causal);
        return keyPaddingMask == null ? apply(Ops.ATTENTION_SOFTMAX, a, scores)
                : apply(Ops.ATTENTION_SOFTMAX, a, scores, keyPaddingMask);
    }

    /** {@link #attentionSoftmax(Node, double, boolean, Node)} without a key-padding mask. */
    public Node attentionSoftmax(Node scores, double scale, boolean causal) {
        return attentionSoftmax(scores, scale, causal, null);
    }

    /**
     * Multi-head self-attention from a packed projection: {@code qkv [B, T, 3E]} holds the
     * queries, keys and values side by side (each {@code E} columns, split into {@code heads}
     * heads of {@code d = E / heads} columns, the layout of {@code nn.MultiheadAttention}'s
     * {@code in_proj}); per batch entry and head,
     * {@code attentionSoftmax(Q K^T, scale, causal, keyPaddingMask) V}, heads side by side in a
     * {@code [B, T, E]} result. The same values, to the bit, and the same gradient as
     * <pre>{@code
     * Node h = g.reshape(g.permute(g.reshape(qkv, B, T, 3, heads, d), 2, 0, 3, 1, 4), 3, B * heads, T, d);
     * Node s = g.matmul(g.select(h, 0, 0), g.select(h, 0, 1), false, true, tri);   // tri: LOWER_RESULT if causal
     * Node p = g.attentionSoftmax(s, scale, causal, keyPaddingMask);
     * Node c = g.matmul(p, g.select(h, 0, 2), false, false, tri2);                 // tri2: LOWER_A if causal
     * g.reshape(g.permute(g.reshape(c, B, heads, T, d), 0, 2, 1, 3), B, T, E);
     * }</pre>
     * but each head's products read its columns of {@code qkv} in place and write their columns
     * of the result and of {@code qkv}'s gradient in place: no head split or merge copies, no
     * per-slice gradient fills. Training plans keep the {@code [B, heads, T, T]} attention
     * weights for the VJP. No dropout on the weights: compose the ops for that.
     *
     * @param qkv {@code [B, T, 3E]}, {@code E} a positive multiple of {@code heads}
     * @param heads number of heads, at least 1
     * @param scale the factor on the scores, e.g. {@code 1 / sqrt(d)}; finite
     * @param causal mask key {@code j} for query {@code t < j}
     * @param keyPaddingMask null, or {@code [B, T]} whose nonzero entries mark keys to ignore;
     *     gets no gradient
     * @throws ShapeException if a shape does not fit
     * @throws IllegalArgumentException if {@code heads < 1} or {@code scale} is not finite
     */
    public Node packedAttention(Node qkv, int heads, double scale, boolean causal, Node keyPaddingMask) {
        if (heads < 1 || !Double.isFinite(scale)) {
            throw new IllegalArgumentException("packedAttention: heads must be at least 1 and scale finite, got heads "
                    + heads + ", scale " + scale + " (built at " + callSite() + ")");
        }
        AttentionOps.PackedAttrs a = new AttentionOps.PackedAttrs(heads, scale, causal);
        return keyPaddingMask == null ? apply(Ops.PACKED_ATTENTION, a, qkv)
                : apply(Ops.PACKED_ATTENTION, a, qkv, keyPaddingMask);
    }

    // ---------------------------------------------------------------- recurrent cells

    /**
     * The LSTM cell's gate nonlinearities and state update, fused into one op with a hand-written
     * VJP (PyTorch's {@code LSTMCell} after its two matrix products):
     * <pre>
     *   [i f g o] = gates      i, f, o = sigmoid(.)   g = tanh(.)
     *   c = f * cPrev + i * g  h = o * tanh(c)
     * </pre>
     * Returns {@code [2, B, H]} holding {@code h} at index 0 and {@code c} at index 1; take them
     * with {@code select(cell, 0, 0)} and {@code select(cell, 0, 1)} (zero-copy views):
     * <pre>{@code
     * Node gates = g.add(xProj, g.matmul(h, whh, false, true));   // [B, 4H]
     * Node cell = g.lstmCell(gates, c);
     * h = g.select(cell, 0, 0);
     * c = g.select(cell, 0, 1);
     * }</pre>
     *
     * @param gates {@code [B, 4H]}: the pre-activations {@code x W_ih^T + b_ih + h W_hh^T + b_hh}
     *              in PyTorch's gate order input, forget, cell, output
     * @param cPrev {@code [B, H]}: the previous cell state, or null for a zero state
     * @throws ShapeException if {@code gates} is not {@code [B, 4H]} or {@code cPrev} not {@code [B, H]}
     */
    public Node lstmCell(Node gates, Node cPrev) {
        return cPrev == null ? apply(Ops.LSTM_CELL, null, gates) : apply(Ops.LSTM_CELL, null, gates, cPrev);
    }

    /**
     * A whole LSTM layer's recurrence as one op (what PyTorch's {@code nn.LSTM} runs for one layer
     * and direction, after the input projection): for each step {@code t}, in time order or
     * backwards when {@code reverse},
     * <pre>
     *   gates_t = proj_t + h_{t-1} whh^T      (h_t, c_t) = lstmCell(gates_t, c_{t-1})
     * </pre>
     * starting from {@code h0}, {@code c0} (or zeros). Returns {@code [T+1, B, H]}: {@code h_t} at
     * index {@code t}, and the cell state after the last step run at index {@code T}. Take the
     * hidden states with {@code slice(out, 0, 0, T)} and the final states with {@code select}
     * (zero-copy views):
     * <pre>{@code
     * Node proj = g.add(g.matmul(x, wih, false, true), bias);   // [T, B, 4H], one GEMM
     * Node out = g.lstmLayer(proj, whh, null, null, false);
     * Node hs = g.slice(out, 0, 0, T);
     * Node hT = g.select(out, 0, T - 1), cT = g.select(out, 0, T);
     * }</pre>
     * Same values as composing {@link #matmul}, {@link #add} and {@link #lstmCell} per step, but
     * faster to train: {@code whh}'s gradient is one matrix product over all steps, and no
     * per-step slices, sums or concatenations are planned.
     *
     * @param proj    {@code [T, B, 4H]}: every step's {@code x_t W_ih^T + b_ih + b_hh}, gates in
     *                PyTorch's order input, forget, cell, output
     * @param whh     {@code [4H, H]}: the recurrent weight, PyTorch's {@code weight_hh_l*}
     * @param h0      {@code [B, H]} initial hidden state, or null (with {@code c0}) for zeros
     * @param c0      {@code [B, H]} initial cell state, or null (with {@code h0}) for zeros
     * @param reverse run from step {@code T-1} down to 0 (a bidirectional layer's second direction)
     * @throws ShapeException if a shape does not fit
     * @throws IllegalArgumentException if exactly one of {@code h0} and {@code c0} is null
     */
    public Node lstmLayer(Node proj, Node whh, Node h0, Node c0, boolean reverse) {
        if ((h0 == null) != (c0 == null)) {
            throw new IllegalArgumentException("lstmLayer: give both h0 and c0, or neither (built at " + callSite() + ")");
        }
        return h0 == null ? apply(Ops.LSTM_LAYER, reverse, proj, whh) : apply(Ops.LSTM_LAYER, reverse, proj, whh, h0, c0);
    }

    /**
     * A whole Elman RNN layer's recurrence as one op (PyTorch's {@code nn.RNN} for one layer and
     * direction, after the input projection): for each step {@code t}, in time order or
     * backwards when {@code reverse},
     * <pre>
     *   h_t = act(proj_t + h_{t-1} whh^T)
     * </pre>
     * from {@code h0} (or zeros). Returns every {@code h_t} as {@code [T, B, H]}. Same values as
     * composing {@link #matmul}, {@link #add} and {@link #tanh} (or {@link #relu}) per step, and
     * like {@link #lstmLayer} faster to train: whh is packed once per pass and its gradient is
     * one matrix product over all steps.
     *
     * @param proj          {@code [T, B, H]}: every step's {@code x_t W_ih^T + b_ih + b_hh}
     * @param whh           {@code [H, H]}: PyTorch's {@code weight_hh_l*}
     * @param h0            {@code [B, H]} initial hidden state, or null for zeros
     * @param nonlinearity  {@link UnaryOp#TANH} or {@link UnaryOp#RELU}
     * @param reverse       run from step {@code T-1} down to 0 (a bidirectional layer's second direction)
     * @throws ShapeException if a shape does not fit
     * @throws IllegalArgumentException for another nonlinearity
     */
    public Node rnnLayer(Node proj, Node whh, Node h0, UnaryOp nonlinearity, boolean reverse) {
        if (nonlinearity != UnaryOp.TANH && nonlinearity != UnaryOp.RELU) {
            throw new IllegalArgumentException("rnnLayer: the nonlinearity is " + nonlinearity
                    + "; an RNN takes TANH or RELU (built at " + callSite() + ")");
        }
        RecurrentOps.RnnAttrs a = new RecurrentOps.RnnAttrs(nonlinearity, reverse);
        return h0 == null ? apply(Ops.RNN_LAYER, a, proj, whh) : apply(Ops.RNN_LAYER, a, proj, whh, h0);
    }

    // ---------------------------------------------------------------- losses

    /** Cross-entropy from logits {@code [..., C]} and class targets {@code [...]}, ignore index -100, mean. */
    public Node crossEntropy(Node logits, Node targets) { return crossEntropy(logits, targets, -100); }

    /** Cross-entropy, skipping rows whose target is {@code ignoreIndex}; mean over the others. */
    public Node crossEntropy(Node logits, Node targets, int ignoreIndex) {
        return crossEntropy(logits, targets, ignoreIndex, 0.0);
    }

    /**
     * Cross-entropy with label smoothing, PyTorch's
     * {@code F.cross_entropy(logits, targets, ignore_index=ignoreIndex, label_smoothing=eps)}:
     * each row not ignored is scored against the target distribution
     * {@code (1 - eps) * onehot(target) + eps / C} over the {@code C} classes of the last axis,
     * and the loss is the mean over rows whose target is not {@code ignoreIndex} (NaN if every
     * row is ignored, as in PyTorch). {@code eps = 0} is the plain cross-entropy.
     *
     * @param logits         {@code [..., C]}
     * @param targets        index input {@code [...]}, each in {@code [0, C)} or {@code ignoreIndex}
     * @param ignoreIndex    the target value whose rows are skipped (PyTorch's default is -100)
     * @param labelSmoothing {@code eps} in {@code [0, 1]}
     * @throws IllegalArgumentException if {@code labelSmoothing} is outside {@code [0, 1]} or NaN
     * @throws ShapeException if {@code targets} is not the logits' shape without the last axis
     */
    public Node crossEntropy(Node logits, Node targets, int ignoreIndex, double labelSmoothing) {
        if (!(labelSmoothing >= 0 && labelSmoothing <= 1)) {
            throw new IllegalArgumentException("crossEntropy: label smoothing must be in [0, 1], got " + labelSmoothing
                    + " (built at " + callSite() + ")");
        }
        return apply(Ops.CROSS_ENTROPY, new LossOps.CrossEntropyAttrs(ignoreIndex, labelSmoothing), logits, targets);
    }

    /** Mean squared error. */
    public Node mse(Node pred, Node target) { return apply(Ops.MSE, null, pred, target); }

    /** Binary cross-entropy with logits, mean. */
    public Node bceWithLogits(Node logits, Node target) { return apply(Ops.BCE_WITH_LOGITS, null, logits, target); }
}
