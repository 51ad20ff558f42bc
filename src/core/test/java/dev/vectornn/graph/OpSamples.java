package dev.vectornn.graph;

import dev.vectornn.tensor.DType;
import dev.vectornn.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Sample graphs for every registered op (PyTorch's OpInfo idea): each builds a small graph whose
 * output exercises the op (broadcast dimensions, size-1 dimensions, transposes, repeated inputs)
 * with inputs drawn away from the op's kinks and outside its domain edges.
 */
final class OpSamples {
    private OpSamples() {}

    /** Builds a graph for one op and fills the feeds. */
    interface Builder {
        Node build(Graph g, Feeds f);
    }

    /** A named sample. */
    record Sample(String name, Builder builder) {}

    /** Random feeds for a sample. */
    static final class Feeds {
        final Map<String, Object> values = new LinkedHashMap<>();
        final SplittableRandom r;

        Feeds(long seed) {
            r = new SplittableRandom(seed);
        }

        /** A float input with values uniform in [lo, hi). */
        Node in(Graph g, String name, double lo, double hi, int... dims) {
            Node n = g.input(name, dims);
            double[] v = new double[n.shape().numel()];
            for (int i = 0; i < v.length; i++) v[i] = lo + (hi - lo) * r.nextDouble();
            values.put(name, v);
            return n;
        }

        /** A float input with |values| in [0.1, 1.5): away from 0, where ReLU and friends have kinks. */
        Node awayFromZero(Graph g, String name, int... dims) {
            Node n = in(g, name, 0.1, 1.5, dims);
            double[] v = (double[]) values.get(name);
            for (int i = 0; i < v.length; i++) if (r.nextBoolean()) v[i] = -v[i];
            return n;
        }

        /** An index input with the given values. */
        Node idx(Graph g, String name, int[] v, int... dims) {
            Node n = g.indexInput(name, dims);
            values.put(name, v);
            return n;
        }

        /** A parameter with values uniform in [lo, hi). */
        Node param(Graph g, String name, double lo, double hi, int... dims) {
            return g.param(name, Tensor.uniform(DType.F64, dev.vectornn.tensor.Shape.of(dims), lo, hi, r.nextLong()));
        }
    }

    private static final Map<OpDef, List<Sample>> SAMPLES = new LinkedHashMap<>();

    private static void add(OpDef op, String name, Builder b) {
        SAMPLES.computeIfAbsent(op, k -> new ArrayList<>()).add(new Sample(op.name() + ": " + name, b));
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
        add(Ops.MATMUL, "[3,4] @ [4,5]", (g, f) -> g.matmul(f.in(g, "a", -1, 1, 3, 4), f.param(g, "w", -1, 1, 4, 5)));
        add(Ops.MATMUL, "[4,3]^T @ [5,4]^T", (g, f) ->
                g.matmul(f.in(g, "a", -1, 1, 4, 3), f.in(g, "b", -1, 1, 5, 4), true, true));
        add(Ops.MATMUL, "[3,4] @ [5,4]^T", (g, f) ->
                g.matmul(f.in(g, "a", -1, 1, 3, 4), f.in(g, "b", -1, 1, 5, 4), false, true));
        add(Ops.MATMUL, "[2,3,4] @ [2,4,5]", (g, f) -> g.matmul(f.in(g, "a", -1, 1, 2, 3, 4), f.in(g, "b", -1, 1, 2, 4, 5)));
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
        add(Ops.CROSS_ENTROPY, "[4,5] with an ignored row", (g, f) ->
                g.crossEntropy(f.in(g, "logits", -2, 2, 4, 5), f.idx(g, "t", new int[] {1, -100, 4, 0}, 4)));
        add(Ops.CROSS_ENTROPY, "[2,2,3] targets [2,2]", (g, f) ->
                g.crossEntropy(f.in(g, "logits", -2, 2, 2, 2, 3), f.idx(g, "t", new int[] {2, 0, 1, 1}, 2, 2)));
        add(Ops.MSE, "[3,4]", (g, f) -> g.mse(f.in(g, "pred", -1, 1, 3, 4), f.in(g, "target", -1, 1, 3, 4)));
        add(Ops.BCE_WITH_LOGITS, "[3,4]", (g, f) ->
                g.bceWithLogits(f.in(g, "logits", -3, 3, 3, 4), f.in(g, "target", 0, 1, 3, 4)));
    }

    /** Every sample of every op that has one, in registry order. */
    static Map<OpDef, List<Sample>> all() {
        return SAMPLES;
    }
}
