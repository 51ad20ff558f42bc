package dev.vectornn.properties.graph;

import static dev.vectornn.properties.graph.GraphGen.assertGradients;

import dev.vectornn.graph.Graph;
import dev.vectornn.graph.Node;
import dev.vectornn.kernel.Triangle;
import dev.vectornn.kernel.UnaryOp;
import dev.vectornn.properties.graph.GraphGen.Feeds;
import dev.vectornn.tensor.DType;
import dev.vectornn.tensor.Shape;
import dev.vectornn.tensor.Tensor;
import java.util.function.BiFunction;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * One F64 gradcheck property per registered op, named exactly as the op
 * ({@link OpCoverageTest} fails when an op has none), over generated shapes (with size-1 and
 * broadcast dimensions) and seeded values drawn inside each op's domain and away from its kinks.
 */
class OpGradientProperties {
    private static final int TRIES = 40;

    @Provide
    Arbitrary<int[]> shapes() {
        return GraphGen.shape(1, 3);
    }

    @Provide
    Arbitrary<int[][]> pairs() {
        return GraphGen.broadcastPair();
    }

    private static void binary(int[][] p, long seed, double lo, double hi, BiFunction<Graph, Node[], Node> op) {
        Graph g = new Graph();
        Feeds f = new Feeds(seed);
        Node a = f.in(g, "a", -2, 2, p[0]);
        Node b = f.in(g, "b", lo, hi, p[1]);
        assertGradients(g, op.apply(g, new Node[] {a, b}), f);
    }

    private static void unary(int[] dims, long seed, double lo, double hi, java.util.function.BiFunction<Graph, Node, Node> op) {
        Graph g = new Graph();
        Feeds f = new Feeds(seed);
        assertGradients(g, op.apply(g, f.in(g, "x", lo, hi, dims)), f);
    }

    @Property(tries = TRIES) void add(@ForAll("pairs") int[][] p, @ForAll long s) { binary(p, s, -2, 2, (g, x) -> g.add(x[0], x[1])); }

    @Property(tries = TRIES) void sub(@ForAll("pairs") int[][] p, @ForAll long s) { binary(p, s, -2, 2, (g, x) -> g.sub(x[0], x[1])); }

    @Property(tries = TRIES) void mul(@ForAll("pairs") int[][] p, @ForAll long s) { binary(p, s, -2, 2, (g, x) -> g.mul(x[0], x[1])); }

    @Property(tries = TRIES) void div(@ForAll("pairs") int[][] p, @ForAll long s) { binary(p, s, 0.5, 2, (g, x) -> g.div(x[0], x[1])); }

    @Property(tries = TRIES) void mulScalar(@ForAll("shapes") int[] d, @ForAll long s, @ForAll @IntRange(min = -3, max = 3) int k) {
        unary(d, s, -2, 2, (g, x) -> g.mul(x, k * 0.7));
    }

    @Property(tries = TRIES) void addScalar(@ForAll("shapes") int[] d, @ForAll long s, @ForAll @IntRange(min = -3, max = 3) int k) {
        unary(d, s, -2, 2, (g, x) -> g.add(x, k * 0.7));
    }

    @Property(tries = TRIES) void pow(@ForAll("shapes") int[] d, @ForAll long s, @ForAll @IntRange(min = -4, max = 6) int k) {
        unary(d, s, 0.5, 2, (g, x) -> g.pow(x, k * 0.5));
    }

    @Property(tries = TRIES) void neg(@ForAll("shapes") int[] d, @ForAll long s) { unary(d, s, -2, 2, Graph::neg); }

    @Property(tries = TRIES) void square(@ForAll("shapes") int[] d, @ForAll long s) { unary(d, s, -2, 2, Graph::square); }

    @Property(tries = TRIES) void sqrt(@ForAll("shapes") int[] d, @ForAll long s) { unary(d, s, 0.2, 3, Graph::sqrt); }

    @Property(tries = TRIES) void exp(@ForAll("shapes") int[] d, @ForAll long s) { unary(d, s, -2, 2, Graph::exp); }

    @Property(tries = TRIES) void log(@ForAll("shapes") int[] d, @ForAll long s) { unary(d, s, 0.2, 3, Graph::log); }

    @Property(tries = TRIES) void tanh(@ForAll("shapes") int[] d, @ForAll long s) { unary(d, s, -3, 3, Graph::tanh); }

    @Property(tries = TRIES) void sigmoid(@ForAll("shapes") int[] d, @ForAll long s) { unary(d, s, -4, 4, Graph::sigmoid); }

    @Property(tries = TRIES) void gelu(@ForAll("shapes") int[] d, @ForAll long s) { unary(d, s, -4, 4, Graph::gelu); }

    @Property(tries = TRIES) void geluTanh(@ForAll("shapes") int[] d, @ForAll long s) { unary(d, s, -4, 4, Graph::geluTanh); }

    @Property(tries = TRIES)
    void relu(@ForAll("shapes") int[] d, @ForAll long s) {
        Graph g = new Graph();
        Feeds f = new Feeds(s);
        assertGradients(g, g.relu(f.awayFromZero(g, "x", d)), f);
    }

    @Property(tries = TRIES)
    void matmul(@ForAll @IntRange(min = 1, max = 4) int m, @ForAll @IntRange(min = 1, max = 4) int k,
                @ForAll @IntRange(min = 1, max = 4) int n, @ForAll @IntRange(min = 0, max = 3) int batch,
                @ForAll boolean ta, @ForAll boolean tb, @ForAll boolean sharedB, @ForAll long s) {
        Graph g = new Graph();
        Feeds f = new Feeds(s);
        int[][] d = matmulOperands(m, k, n, batch, ta, tb, sharedB);
        assertGradients(g, g.matmul(f.in(g, "a", -1, 1, d[0]), f.in(g, "b", -1, 1, d[1]), ta, tb), f);
    }

    /** A linear layer, {@code x [m, k] @ w [n, k]^T + b [n]}, in one op. */
    @Property(tries = TRIES)
    void linear(@ForAll @IntRange(min = 1, max = 5) int m, @ForAll @IntRange(min = 1, max = 5) int k,
                @ForAll @IntRange(min = 1, max = 5) int n, @ForAll long s) {
        Graph g = new Graph();
        Feeds f = new Feeds(s);
        assertGradients(g, g.linear(f.in(g, "x", -1, 1, m, k), f.in(g, "w", -1, 1, n, k), f.in(g, "b", -1, 1, n)), f);
    }

    /** The stored dims of a and b for an m x k by k x n product, batched (batch > 0) unless b is shared. */
    private static int[][] matmulOperands(int m, int k, int n, int batch, boolean ta, boolean tb, boolean sharedB) {
        int[] ad = ta ? new int[] {k, m} : new int[] {m, k};
        int[] bd = tb ? new int[] {n, k} : new int[] {k, n};
        if (batch > 0) {
            ad = new int[] {batch, ad[0], ad[1]};
            if (!sharedB) bd = new int[] {batch, bd[0], bd[1]};
        }
        return new int[][] {ad, bd};
    }

    /** Causal products: tril(a @ b^T), and op(tril(a)) @ b with a's upper triangle ignored. */
    @Property(tries = TRIES)
    void triangularMatmul(@ForAll @IntRange(min = 1, max = 5) int m, @ForAll @IntRange(min = 1, max = 5) int k,
                          @ForAll @IntRange(min = 1, max = 4) int n, @ForAll @IntRange(min = 0, max = 3) int batch,
                          @ForAll boolean lowerResult, @ForAll boolean ta, @ForAll boolean sharedB, @ForAll long s) {
        Graph g = new Graph();
        Feeds f = new Feeds(s);
        boolean transA = !lowerResult && ta, transB = lowerResult;
        int[][] d = matmulOperands(m, k, n, batch, transA, transB, sharedB);
        Triangle tri = lowerResult ? Triangle.LOWER_RESULT : Triangle.LOWER_A;
        assertGradients(g, g.matmul(f.in(g, "a", -1, 1, d[0]), f.in(g, "b", -1, 1, d[1]), transA, transB, tri), f);
    }

    private static int[] axes(int[] d, int mask) {
        return java.util.stream.IntStream.range(0, d.length).filter(i -> (mask >> i & 1) == 1).toArray();
    }

    @Property(tries = TRIES)
    void sum(@ForAll("shapes") int[] d, @ForAll @IntRange(min = 0, max = 7) int mask, @ForAll boolean keep, @ForAll long s) {
        unary(d, s, -2, 2, (g, x) -> g.sum(x, keep, axes(d, mask)));
    }

    @Property(tries = TRIES)
    void mean(@ForAll("shapes") int[] d, @ForAll @IntRange(min = 0, max = 7) int mask, @ForAll boolean keep, @ForAll long s) {
        unary(d, s, -2, 2, (g, x) -> g.mean(x, keep, axes(d, mask)));
    }

    @Property(tries = TRIES)
    void reshape(@ForAll("shapes") int[] d, @ForAll long s) {
        int n = java.util.Arrays.stream(d).reduce(1, (a, b) -> a * b);
        unary(d, s, -2, 2, (g, x) -> g.mul(g.reshape(x, n, 1), g.constant(Tensor.uniform(DType.F64, Shape.of(n, 1), -1, 1, s))));
    }

    @Property(tries = TRIES)
    void permute(@ForAll("shapes") int[] d, @ForAll long s, @ForAll @IntRange(min = 0, max = 5) int which) {
        int[][] perms3 = {{0, 1, 2}, {0, 2, 1}, {1, 0, 2}, {1, 2, 0}, {2, 0, 1}, {2, 1, 0}};
        int[] p = d.length == 3 ? perms3[which] : d.length == 2 ? (which % 2 == 0 ? new int[] {1, 0} : new int[] {0, 1}) : new int[] {0};
        unary(d, s, -2, 2, (g, x) -> g.permute(x, p));
    }

    @Property(tries = TRIES)
    void slice(@ForAll("shapes") int[] d, @ForAll long s, @ForAll @IntRange(min = 0, max = 2) int ax,
               @ForAll @IntRange(min = 0, max = 3) int a, @ForAll @IntRange(min = 0, max = 3) int len) {
        int axis = ax % d.length, start = a % d[axis], end = Math.min(d[axis], start + len);
        unary(d, s, -2, 2, (g, x) -> g.slice(x, axis, start, end));
    }

    @Property(tries = TRIES)
    void concat(@ForAll("shapes") int[] d, @ForAll long s, @ForAll @IntRange(min = 0, max = 2) int ax,
                @ForAll @IntRange(min = 1, max = 3) int other, @ForAll boolean repeat) {
        int axis = ax % d.length;
        Graph g = new Graph();
        Feeds f = new Feeds(s);
        Node x = f.in(g, "x", -2, 2, d);
        int[] od = d.clone();
        od[axis] = other;
        Node y = repeat ? x : f.in(g, "y", -2, 2, od);
        assertGradients(g, g.concat(axis, x, y, x), f);
    }

    @Property(tries = TRIES) void softmax(@ForAll("shapes") int[] d, @ForAll long s) { unary(d, s, -3, 3, Graph::softmax); }

    @Property(tries = TRIES) void logSoftmax(@ForAll("shapes") int[] d, @ForAll long s) { unary(d, s, -3, 3, Graph::logSoftmax); }

    @Property(tries = TRIES)
    void layerNorm(@ForAll("shapes") int[] d, @ForAll long s) {
        Graph g = new Graph();
        Feeds f = new Feeds(s);
        int c = d[d.length - 1];
        Node x = f.in(g, "x", -2, 2, d);
        Node gamma = f.in(g, "gamma", 0.5, 1.5, c);
        Node beta = f.in(g, "beta", -1, 1, c);
        // a row of length 1 normalizes to 0 whatever x is: still a valid (zero) gradient to check
        assertGradients(g, g.layerNorm(x, gamma, beta, 1e-5), f);
    }

    @Property(tries = TRIES)
    void dropout(@ForAll("shapes") int[] d, @ForAll long s, @ForAll @IntRange(min = 0, max = 9) int tenths) {
        unary(d, s, -2, 2, (g, x) -> g.dropout(x, tenths / 10.0));
    }

    @Property(tries = TRIES)
    void gather(@ForAll("shapes") int[] idx, @ForAll @IntRange(min = 1, max = 5) int rows, @ForAll @IntRange(min = 1, max = 3) int cols,
                @ForAll long s) {
        Graph g = new Graph();
        Feeds f = new Feeds(s);
        Node table = f.in(g, "table", -2, 2, rows, cols);
        assertGradients(g, g.gather(table, f.idx(g, "ids", rows, idx)), f);
    }

    @Property(tries = TRIES)
    void maskedFill(@ForAll("pairs") int[][] p, @ForAll long s) {
        // the mask must broadcast to x: take the pair's larger-rank-or-equal shape as x when possible
        int[] xd = p[0], md = p[1];
        if (!Shape.of(md).broadcastsTo(Shape.of(xd))) {
            xd = p[1];
            md = p[0];
        }
        if (!Shape.of(md).broadcastsTo(Shape.of(xd))) md = new int[] {1};
        Graph g = new Graph();
        Feeds f = new Feeds(s);
        Node x = f.in(g, "x", -2, 2, xd);
        Tensor mask = Tensor.zeros(DType.F64, Shape.of(md));
        for (int i = 0; i < mask.numel(); i++) mask.setFlat(i, f.r.nextBoolean() ? 1 : 0);
        assertGradients(g, g.maskedFill(x, g.constant(mask), -3.5), f);
    }

    @Property(tries = TRIES)
    void causalMask(@ForAll @IntRange(min = 1, max = 4) int t, @ForAll @IntRange(min = 0, max = 2) int batch, @ForAll long s) {
        int[] d = batch == 0 ? new int[] {t, t} : new int[] {batch, t, t};
        unary(d, s, -2, 2, (g, x) -> g.softmax(g.causalMask(x)));
    }

    @Property(tries = TRIES)
    void attentionSoftmax(@ForAll @IntRange(min = 1, max = 4) int t, @ForAll @IntRange(min = 1, max = 4) int keys,
                          @ForAll @IntRange(min = 1, max = 2) int batch, @ForAll @IntRange(min = 1, max = 2) int heads,
                          @ForAll boolean causal, @ForAll boolean padded, @ForAll @IntRange(min = -3, max = 3) int k,
                          @ForAll long s) {
        int sk = causal ? t : keys;
        Graph g = new Graph();
        Feeds f = new Feeds(s);
        Node scores = f.in(g, "s", -2, 2, batch * heads, t, sk);
        Node mask = padded ? paddingMask(g, f, batch, sk) : null;
        assertGradients(g, g.attentionSoftmax(scores, attentionScale(k), causal, mask), f);
    }

    /**
     * A random key-padding mask {@code [batch, keys]}, about a third of the keys padded, blind
     * queries included: their rows are constant, with zero gradient.
     */
    private static Node paddingMask(Graph g, Feeds f, int batch, int keys) {
        Tensor m = Tensor.zeros(DType.F64, Shape.of(batch, keys));
        for (int i = 0; i < m.numel(); i++) m.setFlat(i, f.r.nextInt(3) == 0 ? 1 : 0);
        return g.constant(m);
    }

    /** Score scales from -1.8 to 1.8, 0.25 for {@code k == 0}. */
    private static double attentionScale(int k) {
        return k == 0 ? 0.25 : k * 0.6;
    }

    @Property(tries = TRIES)
    void packedAttention(@ForAll @IntRange(min = 1, max = 4) int t, @ForAll @IntRange(min = 1, max = 2) int batch,
                         @ForAll @IntRange(min = 1, max = 3) int heads, @ForAll @IntRange(min = 1, max = 3) int hd,
                         @ForAll boolean causal, @ForAll boolean padded, @ForAll @IntRange(min = -3, max = 3) int k,
                         @ForAll long s) {
        Graph g = new Graph();
        Feeds f = new Feeds(s);
        Node qkv = f.in(g, "qkv", -1.5, 1.5, batch, t, 3 * heads * hd);
        Node mask = padded ? paddingMask(g, f, batch, t) : null;
        assertGradients(g, g.packedAttention(qkv, heads, attentionScale(k), causal, mask), f);
    }

    @Property(tries = TRIES)
    void lstmCell(@ForAll @IntRange(min = 1, max = 3) int batch, @ForAll @IntRange(min = 1, max = 5) int hidden,
                  @ForAll boolean zeroState, @ForAll long s) {
        Graph g = new Graph();
        Feeds f = new Feeds(s);
        Node gates = f.in(g, "gates", -3, 3, batch, 4 * hidden);
        Node cPrev = zeroState ? null : f.in(g, "cPrev", -2, 2, batch, hidden);
        // distinct weights on h and c so that both halves of the output gradient matter
        assertGradients(g, g.mul(g.lstmCell(gates, cPrev), f.in(g, "w", -1, 1, 2, batch, hidden)), f);
    }

    @Property(tries = TRIES)
    void lstmLayer(@ForAll @IntRange(min = 1, max = 4) int steps, @ForAll @IntRange(min = 1, max = 3) int batch,
                   @ForAll @IntRange(min = 1, max = 4) int hidden, @ForAll boolean zeroState, @ForAll boolean reverse,
                   @ForAll long s) {
        Graph g = new Graph();
        Feeds f = new Feeds(s);
        Node proj = f.in(g, "proj", -2, 2, steps, batch, 4 * hidden);
        Node whh = f.in(g, "whh", -1, 1, 4 * hidden, hidden);
        Node h0 = zeroState ? null : f.in(g, "h0", -1, 1, batch, hidden);
        Node c0 = zeroState ? null : f.in(g, "c0", -2, 2, batch, hidden);
        // distinct weights on every h_t and the final c so that each part of the output gradient matters
        Node out = g.lstmLayer(proj, whh, h0, c0, reverse);
        assertGradients(g, g.mul(out, f.in(g, "w", -1, 1, steps + 1, batch, hidden)), f);
    }

    @Property(tries = TRIES)
    void rnnLayer(@ForAll @IntRange(min = 1, max = 4) int steps, @ForAll @IntRange(min = 1, max = 3) int batch,
                  @ForAll @IntRange(min = 1, max = 4) int hidden, @ForAll boolean zeroState, @ForAll boolean reverse,
                  @ForAll boolean relu, @ForAll long s) {
        Graph g = new Graph();
        Feeds f = new Feeds(s);
        Node proj = f.in(g, "proj", -2, 2, steps, batch, hidden);
        Node whh = f.in(g, "whh", -1, 1, hidden, hidden);
        Node h0 = zeroState ? null : f.in(g, "h0", -1, 1, batch, hidden);
        Node out = g.rnnLayer(proj, whh, h0, relu ? UnaryOp.RELU : UnaryOp.TANH, reverse);
        assertGradients(g, g.mul(out, f.in(g, "w", -1, 1, steps, batch, hidden)), f);
    }

    @Property(tries = TRIES)
    void crossEntropy(@ForAll("shapes") int[] d, @ForAll @IntRange(min = 1, max = 5) int classes,
                      @ForAll @IntRange(min = 0, max = 4) int smoothing, @ForAll long s) {
        Graph g = new Graph();
        Feeds f = new Feeds(s);
        Node logits = f.in(g, "logits", -3, 3, GraphGen.concat(d, classes));
        Node t = f.idx(g, "t", classes, d);
        int[] tv = (int[]) f.values.get("t");
        if (tv.length > 1) tv[tv.length - 1] = -100; // one ignored row, when another one remains
        // label smoothing 0, 0.25, ..., 1: both ends of the valid range included
        assertGradients(g, g.crossEntropy(logits, t, -100, smoothing * 0.25), f);
    }

    @Property(tries = TRIES)
    void mse(@ForAll("shapes") int[] d, @ForAll long s) {
        Graph g = new Graph();
        Feeds f = new Feeds(s);
        assertGradients(g, g.mse(f.in(g, "pred", -2, 2, d), f.in(g, "target", -2, 2, d)), f);
    }

    @Property(tries = TRIES)
    void bceWithLogits(@ForAll("shapes") int[] d, @ForAll long s) {
        Graph g = new Graph();
        Feeds f = new Feeds(s);
        assertGradients(g, g.bceWithLogits(f.in(g, "logits", -4, 4, d), f.in(g, "target", 0, 1, d)), f);
    }
}
