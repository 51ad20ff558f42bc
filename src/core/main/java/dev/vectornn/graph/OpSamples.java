package dev.vectornn.graph;

import dev.vectornn.kernel.Triangle;
import dev.vectornn.kernel.UnaryOp;
import dev.vectornn.tensor.DType;
import dev.vectornn.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Sample graphs for every registered op, PyTorch's OpInfo idea: each sample builds a small
 * graph whose output exercises one op (broadcast dimensions, size-1 dimensions, transposes,
 * repeated inputs) and draws its inputs away from the op's kinks and domain edges, so that
 * {@link GradCheck} is expected to pass on every one of them in both dtypes. The unit tests,
 * the property tests' coverage check and {@code vectornn gradcheck} all iterate this one list,
 * so an op added to {@link Ops} without a sample is noticed.
 *
 * <pre>{@code
 * for (OpSamples.Sample s : OpSamples.of(Ops.SOFTMAX)) {
 *     OpSamples.Built b = s.build(42);
 *     GradCheck.Report r = GradCheck.check(b.graph(), b.output(), b.feeds(), GradCheck.f64());
 * }
 * }</pre>
 *
 * <p>Samples are immutable and may be built from any thread; each build makes a new graph.
 */
public final class OpSamples {
    private OpSamples() {}

    /** Adds one sample's nodes to a graph, drawing its input values from {@code f}. */
    @FunctionalInterface
    public interface Builder {
        /**
         * @param g the graph to add nodes to
         * @param f where the inputs' values are drawn and recorded
         * @return the node whose gradients are checked
         */
        Node build(Graph g, Feeds f);
    }

    /**
     * A named sample of one op.
     *
     * @param op      the op it exercises
     * @param name    {@code "<op>: <what>"}, e.g. {@code "add: [3,4] + [4]"}
     * @param builder builds the sample's graph
     */
    public record Sample(OpDef op, String name, Builder builder) {
        /**
         * Builds the sample into a new graph with input values drawn from {@code seed} (the same
         * seed gives the same values).
         */
        public Built build(long seed) {
            Graph g = new Graph();
            Feeds f = new Feeds(seed);
            Node out = builder.build(g, f);
            return new Built(g, out, f.values());
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /**
     * A built sample: pass its parts to {@link GradCheck#check}.
     *
     * @param graph  the graph
     * @param output the node to check
     * @param feeds  a value ({@code double[]} or {@code int[]}) for every input, by name
     */
    public record Built(Graph graph, Node output, Map<String, Object> feeds) {}

    /** Seeded random values for a sample's inputs and parameters, recorded by input name. */
    public static final class Feeds {
        private final Map<String, Object> values = new LinkedHashMap<>();
        private final SplittableRandom r;

        /** Values drawn from a generator seeded with {@code seed}. */
        public Feeds(long seed) {
            r = new SplittableRandom(seed);
        }

        /** The recorded feeds by input name (live: later inputs appear as they are declared). */
        public Map<String, Object> values() {
            return values;
        }

        /** A float input with values uniform in [lo, hi). */
        public Node in(Graph g, String name, double lo, double hi, int... dims) {
            Node n = g.input(name, dims);
            double[] v = new double[n.shape().numel()];
            for (int i = 0; i < v.length; i++) v[i] = lo + (hi - lo) * r.nextDouble();
            values.put(name, v);
            return n;
        }

        /** A float input with |values| in [0.1, 1.5) and random signs: away from 0, where ReLU and friends have kinks. */
        public Node awayFromZero(Graph g, String name, int... dims) {
            Node n = in(g, name, 0.1, 1.5, dims);
            double[] v = (double[]) values.get(name);
            for (int i = 0; i < v.length; i++) if (r.nextBoolean()) v[i] = -v[i];
            return n;
        }

        /** An index input holding {@code v}. */
        public Node idx(Graph g, String name, int[] v, int... dims) {
            Node n = g.indexInput(name, dims);
            values.put(name, v.clone());
            return n;
        }

        /** An F64 parameter with values uniform in [lo, hi). */
        public Node param(Graph g, String name, double lo, double hi, int... dims) {
            return g.param(name, Tensor.uniform(DType.F64, dev.vectornn.tensor.Shape.of(dims), lo, hi, r.nextLong()));
        }
    }

    private static final Map<OpDef, List<Sample>> SAMPLES = new LinkedHashMap<>();

    private static void add(OpDef op, String name, Builder b) {
        SAMPLES.computeIfAbsent(op, k -> new ArrayList<>()).add(new Sample(op, op.name() + ": " + name, b));
    }

    static {
        add(Ops.ADD, "[3,4] + [4]", (g, f) -> g.add(f.in(g, "a", -1, 1, 3, 4), f.in(g, "b", -1, 1, 4)));
        add(Ops.ADD, "[1] + [2,3]", (g, f) -> g.add(f.in(g, "a", -1, 1, 1), f.in(g, "b", -1, 1, 2, 3)));
        add(Ops.SUB, "[3,1] - [1,4]", (g, f) -> g.sub(f.in(g, "a", -1, 1, 3, 1), f.in(g, "b", -1, 1, 1, 4)));
        add(Ops.SUB, "[2,3] - [2,1]", (g, f) -> g.sub(f.in(g, "a", -1, 1, 2, 3), f.in(g, "b", -1, 1, 2, 1)));
        add(Ops.MUL, "[2,3,4] * [3,1]", (g, f) -> g.mul(f.in(g, "a", -1, 1, 2, 3, 4), f.in(g, "b", -1, 1, 3, 1)));
        add(Ops.MUL, "x * x", (g, f) -> {
            Node x = f.in(g, "x", -1, 1, 2, 3);
            return g.mul(x, x);
        });
        add(Ops.DIV, "[3,4] / [4]", (g, f) -> g.div(f.in(g, "a", -1, 1, 3, 4), f.in(g, "b", 0.5, 2, 4)));
        add(Ops.DIV, "[4] / [3,4]", (g, f) -> g.div(f.in(g, "a", -1, 1, 4), f.in(g, "b", 0.5, 2, 3, 4)));
        add(Ops.MUL_SCALAR, "x * 2.5", (g, f) -> g.mul(f.in(g, "x", -1, 1, 3, 4), 2.5));
        add(Ops.ADD_SCALAR, "x + 1.5", (g, f) -> g.add(f.in(g, "x", -1, 1, 3, 4), 1.5));
        add(Ops.POW, "x ^ 2.5", (g, f) -> g.pow(f.in(g, "x", 0.5, 2, 3, 4), 2.5));
        add(Ops.POW, "x ^ -1", (g, f) -> g.pow(f.in(g, "x", 0.5, 2, 5), -1));
        add(Ops.NEG, "[3,4]", (g, f) -> g.neg(f.in(g, "x", -1, 1, 3, 4)));
        add(Ops.SQUARE, "[3,4]", (g, f) -> g.square(f.in(g, "x", -1, 1, 3, 4)));
        add(Ops.SQRT, "[3,4]", (g, f) -> g.sqrt(f.in(g, "x", 0.5, 2, 3, 4)));
        add(Ops.EXP, "[3,4]", (g, f) -> g.exp(f.in(g, "x", -1, 1, 3, 4)));
        add(Ops.LOG, "[3,4]", (g, f) -> g.log(f.in(g, "x", 0.5, 2, 3, 4)));
        add(Ops.TANH, "[3,4]", (g, f) -> g.tanh(f.in(g, "x", -2, 2, 3, 4)));
        add(Ops.SIGMOID, "[3,4]", (g, f) -> g.sigmoid(f.in(g, "x", -3, 3, 3, 4)));
        add(Ops.RELU, "[3,4] away from 0", (g, f) -> g.relu(f.awayFromZero(g, "x", 3, 4)));
        add(Ops.GELU, "[3,4]", (g, f) -> g.gelu(f.in(g, "x", -3, 3, 3, 4)));
        add(Ops.GELU_TANH, "[3,4]", (g, f) -> g.geluTanh(f.in(g, "x", -3, 3, 3, 4)));
        add(Ops.LINEAR, "[3,4] @ [5,4]^T + [5]", (g, f) -> g.linear(f.in(g, "x", -1, 1, 3, 4),
                f.param(g, "w", -1, 1, 5, 4), f.param(g, "b", -1, 1, 5)));
        add(Ops.LINEAR, "[1,3] @ [1,3]^T + [1] (one row, one output)", (g, f) -> g.linear(f.in(g, "x", -1, 1, 1, 3),
                f.param(g, "w", -1, 1, 1, 3), f.param(g, "b", -1, 1, 1)));
        add(Ops.MATMUL, "[3,4] @ [4,5]", (g, f) -> g.matmul(f.in(g, "a", -1, 1, 3, 4), f.param(g, "w", -1, 1, 4, 5)));
        add(Ops.MATMUL, "[4,3]^T @ [5,4]^T", (g, f) ->
                g.matmul(f.in(g, "a", -1, 1, 4, 3), f.in(g, "b", -1, 1, 5, 4), true, true));
        add(Ops.MATMUL, "[3,4] @ [5,4]^T", (g, f) ->
                g.matmul(f.in(g, "a", -1, 1, 3, 4), f.in(g, "b", -1, 1, 5, 4), false, true));
        add(Ops.MATMUL, "tril([2,5,3] @ [2,4,3]^T)", (g, f) -> g.matmul(f.in(g, "a", -1, 1, 2, 5, 3),
                f.in(g, "b", -1, 1, 2, 4, 3), false, true, Triangle.LOWER_RESULT));
        add(Ops.MATMUL, "tril([2,4,4]) @ [2,4,3]", (g, f) -> g.matmul(f.in(g, "a", -1, 1, 2, 4, 4),
                f.in(g, "b", -1, 1, 2, 4, 3), false, false, Triangle.LOWER_A));
        add(Ops.MATMUL, "tril([5,3])^T @ [5,2]", (g, f) -> g.matmul(f.in(g, "a", -1, 1, 5, 3),
                f.in(g, "b", -1, 1, 5, 2), true, false, Triangle.LOWER_A));
        add(Ops.MATMUL, "[2,3,4] @ [2,4,5]", (g, f) -> g.matmul(f.in(g, "a", -1, 1, 2, 3, 4), f.in(g, "b", -1, 1, 2, 4, 5)));
        add(Ops.MATMUL, "[2,4,3]^T @ [2,5,4]^T", (g, f) ->
                g.matmul(f.in(g, "a", -1, 1, 2, 4, 3), f.in(g, "b", -1, 1, 2, 5, 4), true, true));
        add(Ops.MATMUL, "[2,3,4] @ [2,5,4]^T", (g, f) ->
                g.matmul(f.in(g, "a", -1, 1, 2, 3, 4), f.in(g, "b", -1, 1, 2, 5, 4), false, true));
        add(Ops.MATMUL, "[2,4,3]^T @ [2,4,5]", (g, f) ->
                g.matmul(f.in(g, "a", -1, 1, 2, 4, 3), f.in(g, "b", -1, 1, 2, 4, 5), true, false));
        add(Ops.MATMUL, "[2,3,4] @ [4,5] (shared b)", (g, f) ->
                g.matmul(f.in(g, "a", -1, 1, 2, 3, 4), f.in(g, "b", -1, 1, 4, 5)));
        add(Ops.MATMUL, "[4,3] @ [2,4,5]^T.. (shared a^T, b^T)", (g, f) ->
                g.matmul(f.in(g, "a", -1, 1, 4, 3), f.in(g, "b", -1, 1, 2, 5, 4), true, true));
        add(Ops.MATMUL, "[2,4,3]^T @ [4,5] (batched a^T, shared b)", (g, f) ->
                g.matmul(f.in(g, "a", -1, 1, 2, 4, 3), f.in(g, "b", -1, 1, 4, 5), true, false));
        add(Ops.SUM, "[2,3,4] axis 1", (g, f) -> g.sum(f.in(g, "x", -1, 1, 2, 3, 4), 1));
        add(Ops.SUM, "all", (g, f) -> g.sum(f.in(g, "x", -1, 1, 2, 3)));
        add(Ops.SUM, "[2,3,4] axes 0,2 keepDims", (g, f) -> g.sum(f.in(g, "x", -1, 1, 2, 3, 4), true, 0, 2));
        add(Ops.MEAN, "[2,3,4] axis -1", (g, f) -> g.mean(f.in(g, "x", -1, 1, 2, 3, 4), -1));
        add(Ops.MEAN, "[3,4] axis 0 keepDims", (g, f) -> g.mean(f.in(g, "x", -1, 1, 3, 4), true, 0));
        add(Ops.RESHAPE, "[2,6] -> [3,4] then * w", (g, f) ->
                g.mul(g.reshape(f.in(g, "x", -1, 1, 2, 6), 3, -1), f.in(g, "w", -1, 1, 3, 4)));
        add(Ops.PERMUTE, "[2,3,4] (2,0,1)", (g, f) -> g.permute(f.in(g, "x", -1, 1, 2, 3, 4), 2, 0, 1));
        add(Ops.PERMUTE, "transpose [3,5]", (g, f) -> g.transpose(f.in(g, "x", -1, 1, 3, 5), 0, 1));
        add(Ops.SLICE, "[3,5] axis 1 [1,4)", (g, f) -> g.slice(f.in(g, "x", -1, 1, 3, 5), 1, 1, 4));
        add(Ops.SLICE, "split [4,3] axis 0 into 1,3 -> second", (g, f) -> g.split(f.in(g, "x", -1, 1, 4, 3), 0, 1, 3)[1]);
        add(Ops.CONCAT, "[2,3] ++ [1,3] axis 0", (g, f) ->
                g.concat(0, f.in(g, "a", -1, 1, 2, 3), f.in(g, "b", -1, 1, 1, 3)));
        add(Ops.CONCAT, "x ++ x axis 1", (g, f) -> {
            Node x = f.in(g, "x", -1, 1, 2, 3);
            return g.concat(1, x, x);
        });
        add(Ops.SOFTMAX, "[3,5]", (g, f) -> g.softmax(f.in(g, "x", -2, 2, 3, 5)));
        add(Ops.LOG_SOFTMAX, "[2,2,4]", (g, f) -> g.logSoftmax(f.in(g, "x", -2, 2, 2, 2, 4)));
        add(Ops.LAYER_NORM, "[3,6] affine", (g, f) -> g.layerNorm(f.in(g, "x", -2, 2, 3, 6),
                f.param(g, "gamma", 0.5, 1.5, 6), f.param(g, "beta", -0.5, 0.5, 6), 1e-5));
        add(Ops.DROPOUT, "[4,5] p=0.3", (g, f) -> g.dropout(f.in(g, "x", -1, 1, 4, 5), 0.3));
        add(Ops.GATHER, "table [5,3], ids [2,2]", (g, f) ->
                g.gather(f.param(g, "table", -1, 1, 5, 3), f.idx(g, "ids", new int[] {0, 3, 3, 1}, 2, 2)));
        add(Ops.MASKED_FILL, "[3,4] mask [1,4]", (g, f) -> g.maskedFill(f.in(g, "x", -1, 1, 3, 4),
                g.constant(Tensor.of(new float[] {0, 1, 0, 1}, 1, 4)), -2.0));
        add(Ops.CAUSAL_MASK, "softmax(causal [2,3,3])", (g, f) -> g.softmax(g.causalMask(f.in(g, "s", -2, 2, 2, 3, 3))));
        add(Ops.ATTENTION_SOFTMAX, "[2,3,4] scale 0.7", (g, f) -> g.attentionSoftmax(f.in(g, "s", -2, 2, 2, 3, 4), 0.7, false));
        add(Ops.ATTENTION_SOFTMAX, "causal [2,4,4] scale -1.3", (g, f) ->
                g.attentionSoftmax(f.in(g, "s", -2, 2, 2, 4, 4), -1.3, true));
        // two batches of two heads; batch 1 pads key 0, so its query 0 sees no key at all (a
        // uniform row with a zero gradient) and its other queries lose one key
        add(Ops.ATTENTION_SOFTMAX, "causal [4,3,3], key padding [2,3]", (g, f) ->
                g.attentionSoftmax(f.in(g, "s", -2, 2, 4, 3, 3), 0.5, true,
                        g.constant(Tensor.of(new float[] {0, 0, 1, 1, 0, 0}, 2, 3))));
        add(Ops.ATTENTION_SOFTMAX, "[2,2,2,5] key padding [2,5]", (g, f) ->
                g.attentionSoftmax(f.in(g, "s", -2, 2, 2, 2, 2, 5), 1.0, false,
                        g.constant(Tensor.of(new float[] {0, 1, 0, 0, 1, 1, 1, 0, 1, 1}, 2, 5))));
        add(Ops.PACKED_ATTENTION, "qkv [2,3,12], 2 heads, causal", (g, f) ->
                g.packedAttention(f.in(g, "qkv", -1.5, 1.5, 2, 3, 12), 2, 0.7, true, null));
        add(Ops.PACKED_ATTENTION, "qkv [2,4,6], 1 head, key padding [2,4]", (g, f) ->
                g.packedAttention(f.in(g, "qkv", -1.5, 1.5, 2, 4, 6), 1, 1.1, false,
                        g.constant(Tensor.of(new float[] {0, 1, 0, 0, 1, 0, 0, 1}, 2, 4))));
        // batch 1 pads key 0: its query 0 sees no key (uniform weights, no gradient through them)
        add(Ops.PACKED_ATTENTION, "qkv [2,3,18], 3 heads, causal, key padding [2,3]", (g, f) ->
                g.packedAttention(f.in(g, "qkv", -1.5, 1.5, 2, 3, 18), 3, -0.8, true,
                        g.constant(Tensor.of(new float[] {0, 0, 1, 1, 0, 0}, 2, 3))));
        add(Ops.LSTM_CELL, "gates [3,8], cPrev [3,2], h and c weighted", (g, f) -> {
            Node cell = g.lstmCell(f.in(g, "gates", -2, 2, 3, 8), f.in(g, "cPrev", -1.5, 1.5, 3, 2));
            // weighting h and c differently checks both halves of the output gradient
            return g.mul(cell, f.in(g, "w", -1, 1, 2, 3, 2));
        });
        add(Ops.LSTM_CELL, "gates [2,12], zero state", (g, f) -> g.lstmCell(f.in(g, "gates", -2, 2, 2, 12), null));
        add(Ops.LSTM_CELL, "two steps sharing cPrev's cell", (g, f) -> {
            Node c0 = f.in(g, "c0", -1, 1, 2, 3);
            Node c1 = g.select(g.lstmCell(f.in(g, "g1", -2, 2, 2, 12), c0), 0, 1);
            return g.add(g.lstmCell(f.in(g, "g2", -2, 2, 2, 12), c1), g.mul(c1, 0.5));
        });
        // the output is weighted so that every h_t and the final c get distinct gradients
        add(Ops.LSTM_LAYER, "T 3, B 2, H 2 from h0, c0", (g, f) -> {
            Node out = g.lstmLayer(f.in(g, "proj", -2, 2, 3, 2, 8), f.in(g, "whh", -1, 1, 8, 2),
                    f.in(g, "h0", -1, 1, 2, 2), f.in(g, "c0", -1.5, 1.5, 2, 2), false);
            return g.mul(out, f.in(g, "w", -1, 1, 4, 2, 2));
        });
        add(Ops.LSTM_LAYER, "T 4, B 2, H 3, zero state, reversed", (g, f) -> {
            Node out = g.lstmLayer(f.in(g, "proj", -2, 2, 4, 2, 12), f.in(g, "whh", -1, 1, 12, 3), null, null, true);
            return g.mul(out, f.in(g, "w", -1, 1, 5, 2, 3));
        });
        add(Ops.LSTM_LAYER, "T 1, zero state: whh gets no gradient", (g, f) ->
                g.lstmLayer(f.in(g, "proj", -2, 2, 1, 3, 8), f.in(g, "whh", -1, 1, 8, 2), null, null, false));
        add(Ops.LSTM_LAYER, "T 3 reversed from h0, c0; every input also used outside", (g, f) -> {
            Node proj = f.in(g, "proj", -2, 2, 3, 1, 8), whh = f.in(g, "whh", -1, 1, 8, 2);
            Node h0 = f.in(g, "h0", -1, 1, 1, 2), c0 = f.in(g, "c0", -1, 1, 1, 2);
            Node out = g.lstmLayer(proj, whh, h0, c0, true);
            Node outside = g.add(g.add(g.sum(g.mul(proj, 0.25)), g.sum(g.mul(whh, 0.5))),
                    g.add(g.sum(g.mul(h0, -0.5)), g.sum(g.mul(c0, 0.75))));
            return g.add(g.sum(g.mul(out, f.in(g, "w", -1, 1, 4, 1, 2))), outside);
        });
        add(Ops.RNN_LAYER, "tanh, T 3, B 2, H 3 from h0", (g, f) -> g.mul(g.rnnLayer(f.in(g, "proj", -2, 2, 3, 2, 3),
                f.in(g, "whh", -1, 1, 3, 3), f.in(g, "h0", -1, 1, 2, 3), UnaryOp.TANH, false), f.in(g, "w", -1, 1, 3, 2, 3)));
        add(Ops.RNN_LAYER, "relu, T 4, B 2, H 2, zero state, reversed", (g, f) -> g.mul(g.rnnLayer(
                f.in(g, "proj", -2, 2, 4, 2, 2), f.in(g, "whh", -1, 1, 2, 2), null, UnaryOp.RELU, true),
                f.in(g, "w", -1, 1, 4, 2, 2)));
        add(Ops.RNN_LAYER, "tanh, T 2 reversed from h0; every input also used outside", (g, f) -> {
            Node proj = f.in(g, "proj", -2, 2, 2, 1, 3), whh = f.in(g, "whh", -1, 1, 3, 3), h0 = f.in(g, "h0", -1, 1, 1, 3);
            Node out = g.rnnLayer(proj, whh, h0, UnaryOp.TANH, true);
            return g.add(g.sum(g.mul(out, f.in(g, "w", -1, 1, 2, 1, 3))),
                    g.add(g.sum(g.mul(proj, 0.25)), g.add(g.sum(g.mul(whh, 0.5)), g.sum(g.mul(h0, -0.5)))));
        });
        add(Ops.CROSS_ENTROPY, "[4,5] with an ignored row", (g, f) ->
                g.crossEntropy(f.in(g, "logits", -2, 2, 4, 5), f.idx(g, "t", new int[] {1, -100, 4, 0}, 4)));
        add(Ops.CROSS_ENTROPY, "[2,2,3] targets [2,2]", (g, f) ->
                g.crossEntropy(f.in(g, "logits", -2, 2, 2, 2, 3), f.idx(g, "t", new int[] {2, 0, 1, 1}, 2, 2)));
        add(Ops.CROSS_ENTROPY, "[5,4] label smoothing 0.2, ignore index 2", (g, f) -> g.crossEntropy(
                f.in(g, "logits", -2, 2, 5, 4), f.idx(g, "t", new int[] {0, 2, 3, 2, 1}, 5), 2, 0.2));
        add(Ops.MSE, "[3,4]", (g, f) -> g.mse(f.in(g, "pred", -1, 1, 3, 4), f.in(g, "target", -1, 1, 3, 4)));
        add(Ops.BCE_WITH_LOGITS, "[3,4]", (g, f) ->
                g.bceWithLogits(f.in(g, "logits", -3, 3, 3, 4), f.in(g, "target", 0, 1, 3, 4)));
    }

    private static final Map<OpDef, List<Sample>> VIEW;

    static {
        Map<OpDef, List<Sample>> m = new LinkedHashMap<>();
        SAMPLES.forEach((op, list) -> m.put(op, List.copyOf(list)));
        VIEW = java.util.Collections.unmodifiableMap(m);
    }

    /** Every sample of every op that has one, in registry order (unmodifiable). */
    public static Map<OpDef, List<Sample>> all() {
        return VIEW;
    }

    /** The samples of {@code op} (empty if it has none). */
    public static List<Sample> of(OpDef op) {
        return VIEW.getOrDefault(op, List.of());
    }
}
