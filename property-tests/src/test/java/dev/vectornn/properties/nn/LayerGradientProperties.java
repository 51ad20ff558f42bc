package dev.vectornn.properties.nn;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vectornn.graph.GradCheck;
import dev.vectornn.graph.Graph;
import dev.vectornn.graph.Node;
import dev.vectornn.nn.Activation;
import dev.vectornn.nn.Embedding;
import dev.vectornn.nn.LSTM;
import dev.vectornn.nn.LayerNorm;
import dev.vectornn.nn.LearnedPositionalEmbedding;
import dev.vectornn.nn.Linear;
import dev.vectornn.nn.MLP;
import dev.vectornn.nn.MultiheadAttention;
import dev.vectornn.nn.RNN;
import dev.vectornn.nn.TransformerBlock;
import dev.vectornn.tensor.Tensor;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * One F64 gradcheck property per nn layer (PyTorch's gradcheck tolerances), over random small
 * sizes, layouts and seeds: every parameter and float input of the layer is checked.
 */
class LayerGradientProperties {
    private static final int TRIES = 25;

    /** Random inputs in [-1, 1), fed by name, and the gradcheck assertion. */
    private static final class Feeds {
        final SplittableRandom r;
        final Map<String, Object> values = new HashMap<>();

        Feeds(long seed) {
            r = new SplittableRandom(seed);
        }

        Node in(Graph g, String name, int... dims) {
            int n = 1;
            for (int d : dims) n *= d;
            double[] v = new double[n];
            for (int i = 0; i < n; i++) v[i] = r.nextDouble(-1, 1);
            values.put(name, v);
            return g.input(name, dims);
        }

        void check(Graph g, Node out) {
            GradCheck.Report rep = GradCheck.check(g, out, values, GradCheck.f64());
            assertTrue(rep.passed(), rep.toString());
        }
    }

    @Property(tries = TRIES)
    void linear(@ForAll @IntRange(min = 1, max = 4) int in, @ForAll @IntRange(min = 1, max = 4) int out,
                @ForAll @IntRange(min = 1, max = 3) int rows, @ForAll boolean sequence, @ForAll boolean bias, @ForAll long seed) {
        Linear l = new Linear(in, out, bias, new SplittableRandom(seed));
        Graph g = new Graph();
        Feeds f = new Feeds(seed);
        f.check(g, l.forward(g, sequence ? f.in(g, "x", rows, 2, in) : f.in(g, "x", rows, in)));
    }

    @Property(tries = TRIES)
    void mlp(@ForAll @IntRange(min = 1, max = 3) int depth, @ForAll @IntRange(min = 1, max = 4) int width,
             @ForAll @IntRange(min = 0, max = 2) int act, @ForAll long seed) {
        int[] sizes = new int[depth + 1];
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < sizes.length; i++) sizes[i] = 1 + r.nextInt(width);
        Activation a = new Activation[] {Activation.TANH, Activation.GELU, Activation.SIGMOID}[act]; // smooth: no kinks
        MLP m = new MLP(sizes, a, new SplittableRandom(seed + 1));
        Graph g = new Graph();
        Feeds f = new Feeds(seed);
        f.check(g, m.forward(g, f.in(g, "x", 2, sizes[0])));
    }

    @Property(tries = TRIES)
    void embedding(@ForAll @IntRange(min = 1, max = 5) int num, @ForAll @IntRange(min = 1, max = 3) int dim,
                   @ForAll @IntRange(min = 1, max = 4) int count, @ForAll boolean padding, @ForAll long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        // The padding row is looked up as stored but, as in PyTorch, gets no gradient: it is not a
        // derivative, so the gradcheck draws indices that avoid it (EmbeddingNormTest covers it).
        int pad = padding && num > 1 ? r.nextInt(num) : Embedding.NO_PADDING;
        Embedding e = new Embedding(num, dim, pad, r);
        int[] idx = new int[count];
        for (int i = 0; i < count; i++) {
            int k = r.nextInt(pad == Embedding.NO_PADDING ? num : num - 1);
            idx[i] = pad != Embedding.NO_PADDING && k >= pad ? k + 1 : k;
        }
        Graph g = new Graph();
        Node y = g.mul(e.forward(g, g.indexInput("idx", count)), g.input("s", count, dim)); // non-trivial upstream gradient
        Feeds f = new Feeds(seed);
        f.values.put("idx", idx);
        f.values.put("s", randoms(r, count * dim));
        f.check(g, y);
    }

    @Property(tries = TRIES)
    void positionalEmbeddingAndLayerNorm(@ForAll @IntRange(min = 1, max = 4) int t, @ForAll @IntRange(min = 1, max = 4) int dim,
                                         @ForAll long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        LearnedPositionalEmbedding pe = new LearnedPositionalEmbedding(4, dim, r);
        LayerNorm ln = new LayerNorm(dim);
        dev.vectornn.nn.Module root = new dev.vectornn.nn.Module();
        root.add("wpe", pe);
        root.add("ln", ln);
        for (Tensor p : ln.stateDict().values()) for (int i = 0; i < p.numel(); i++) p.setFlat(i, p.getFlat(i) + r.nextDouble(-0.5, 0.5));
        Graph g = new Graph();
        Feeds f = new Feeds(seed);
        f.check(g, ln.forward(g, pe.forward(g, f.in(g, "x", 2, t, dim))));
    }

    @Property(tries = TRIES)
    void rnn(@ForAll @IntRange(min = 1, max = 3) int steps, @ForAll @IntRange(min = 1, max = 2) int batch,
             @ForAll @IntRange(min = 1, max = 3) int in, @ForAll @IntRange(min = 1, max = 3) int hidden,
             @ForAll @IntRange(min = 1, max = 2) int layers, @ForAll boolean batchFirst, @ForAll boolean withState, @ForAll long seed) {
        RNN m = new RNN(in, hidden, layers, Activation.TANH, batchFirst, 0.0, new SplittableRandom(seed));
        Graph g = new Graph();
        Feeds f = new Feeds(seed);
        Node x = batchFirst ? f.in(g, "x", batch, steps, in) : f.in(g, "x", steps, batch, in);
        RNN.Output o = m.forward(g, x, withState ? f.in(g, "h0", layers, batch, hidden) : null);
        f.check(g, g.concat(0, g.reshape(o.output(), -1), g.reshape(o.hn(), -1)));
    }

    @Property(tries = TRIES)
    void lstm(@ForAll @IntRange(min = 1, max = 3) int steps, @ForAll @IntRange(min = 1, max = 2) int batch,
              @ForAll @IntRange(min = 1, max = 3) int in, @ForAll @IntRange(min = 1, max = 3) int hidden,
              @ForAll @IntRange(min = 1, max = 2) int layers, @ForAll boolean batchFirst, @ForAll boolean withState, @ForAll long seed) {
        LSTM m = new LSTM(in, hidden, layers, batchFirst, 0.0, new SplittableRandom(seed));
        Graph g = new Graph();
        Feeds f = new Feeds(seed);
        Node x = batchFirst ? f.in(g, "x", batch, steps, in) : f.in(g, "x", steps, batch, in);
        Node h0 = withState ? f.in(g, "h0", layers, batch, hidden) : null;
        Node c0 = withState ? f.in(g, "c0", layers, batch, hidden) : null;
        LSTM.Output o = m.forward(g, x, h0, c0);
        f.check(g, g.concat(0, g.reshape(o.output(), -1), g.reshape(o.hn(), -1), g.reshape(o.cn(), -1)));
    }

    @Property(tries = TRIES)
    void multiheadAttention(@ForAll @IntRange(min = 1, max = 2) int heads, @ForAll @IntRange(min = 1, max = 2) int headDim,
                            @ForAll @IntRange(min = 1, max = 3) int t, @ForAll @IntRange(min = 1, max = 2) int batch,
                            @ForAll boolean causal, @ForAll boolean padded, @ForAll long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int e = heads * headDim;
        MultiheadAttention m = new MultiheadAttention(e, heads, r);
        for (Tensor p : m.stateDict().values()) for (int i = 0; i < p.numel(); i++) p.setFlat(i, p.getFlat(i) + r.nextDouble(-0.3, 0.3));
        Graph g = new Graph();
        Feeds f = new Feeds(seed);
        Node x = f.in(g, "x", batch, t, e);
        Node mask = padded ? g.constant(paddingMask(r, batch, t)) : null;
        f.check(g, m.forward(g, x, x, x, mask, causal));
    }

    @Property(tries = TRIES)
    void transformerBlock(@ForAll @IntRange(min = 1, max = 2) int heads, @ForAll @IntRange(min = 1, max = 3) int t,
                          @ForAll boolean causal, @ForAll long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        TransformerBlock b = new TransformerBlock(2 * heads, heads, r);
        for (Tensor p : b.stateDict().values()) for (int i = 0; i < p.numel(); i++) p.setFlat(i, p.getFlat(i) + r.nextDouble(-0.2, 0.2));
        Graph g = new Graph();
        Feeds f = new Feeds(seed);
        f.check(g, b.forward(g, f.in(g, "x", 1, t, 2 * heads), causal));
    }

    /** Ones mark ignored keys; key 0 always stays visible so every query can attend somewhere (causal included). */
    private static Tensor paddingMask(SplittableRandom r, int batch, int s) {
        float[] m = new float[batch * s];
        for (int b = 0; b < batch; b++) for (int j = 1; j < s; j++) m[b * s + j] = r.nextBoolean() ? 1 : 0;
        return Tensor.of(m, batch, s);
    }

    private static double[] randoms(SplittableRandom r, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = r.nextDouble(-1, 1);
        return v;
    }
}
