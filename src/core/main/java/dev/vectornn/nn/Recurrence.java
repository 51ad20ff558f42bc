package dev.vectornn.nn;

import dev.vectornn.graph.Graph;
import dev.vectornn.graph.Node;
import dev.vectornn.tensor.ShapeException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * What {@link RNN} and {@link LSTM} share: input checks, the stack of layers and directions
 * with their input projections and parameter names, initial and final states.
 */
final class Recurrence {
    private Recurrence() {}

    /** Sizes of an input sequence. */
    record Dims(int steps, int batch) {}

    static Dims check(String who, Node x, int inputSize, boolean batchFirst) {
        var s = x.shape();
        if (s.rank() != 3 || s.dim(2) != inputSize) {
            throw new ShapeException(who + ": x is " + s + "; expected " + (batchFirst ? "[B, T, " : "[T, B, ")
                    + inputSize + "]");
        }
        return batchFirst ? new Dims(s.dim(1), s.dim(0)) : new Dims(s.dim(0), s.dim(1));
    }

    static void checkState(String who, String name, Node state, int layers, int batch, int hidden) {
        if (state == null) return;
        var s = state.shape();
        if (s.rank() != 3 || s.dim(0) != layers || s.dim(1) != batch || s.dim(2) != hidden) {
            throw new ShapeException(who + ": " + name + " is " + s + "; expected [" + layers + ", " + batch + ", "
                    + hidden + "]");
        }
    }

    /** Layer {@code l}'s slice {@code [B, H]} of a state {@code [L, B, H]}, or null for a zero state. */
    static Node layerState(Graph g, Node state, int l) {
        if (state == null) return null;
        Node s = state.shape().dim(0) == 1 ? state : g.slice(state, 0, l, l + 1);
        return g.reshape(s, state.shape().dim(1), state.shape().dim(2));
    }

    /** One layer and direction of a stacked recurrent network. */
    @FunctionalInterface
    interface Direction {
        /**
         * The direction's hidden states {@code [T, B, H]}, from its input projection {@code proj}
         * ({@code [T, B, G*H]}, biases included) and its {@code weight_hh}; {@code k = l * D + dir}
         * indexes its initial and final states, {@code reverse} is the second direction.
         */
        Node run(Node proj, Node whh, int k, boolean reverse);
    }

    /**
     * {@code numLayers} layers of {@code dirs} directions over {@code x} ({@code [T, B, I]}, or
     * batch-first): each direction projects its layer's input with one GEMM ({@code weight_ih}
     * and {@code bias_ih + bias_hh}, PyTorch's names with {@link #suffix}) and runs {@code
     * direction}; a layer's directions are joined along the features ({@code [.., .., 2H]},
     * forward first, as PyTorch lays out a bidirectional layer) and dropout applies between
     * layers. Returns the last layer's output in x's layout.
     */
    static Node layers(Graph g, Node x, boolean batchFirst, int numLayers, int dirs, double dropout,
                       Function<String, Node> param, Direction direction) {
        Node layerIn = batchFirst ? g.transpose(x, 0, 1) : x; // time-major, so each step is a contiguous slice
        Node layerOut = null;
        for (int l = 0; l < numLayers; l++) {
            List<Node> seqs = new ArrayList<>(dirs);
            for (int dir = 0; dir < dirs; dir++) {
                String s = suffix(l, dir);
                Node whh = param.apply("weight_hh" + s);
                Node bias = g.add(param.apply("bias_ih" + s), param.apply("bias_hh" + s));
                Node proj = Linear.apply(g, layerIn, param.apply("weight_ih" + s), bias); // one GEMM for all steps
                seqs.add(direction.run(proj, whh, l * dirs + dir, dir == 1));
            }
            layerOut = seqs.size() == 1 ? seqs.get(0) : g.concat(2, seqs.get(0), seqs.get(1));
            if (l + 1 < numLayers) {
                layerIn = dropout > 0 ? g.dropout(layerOut, dropout) : layerOut;
            }
        }
        return batchFirst ? g.transpose(layerOut, 0, 1) : layerOut;
    }

    /** PyTorch's parameter-name suffix of layer {@code l}, direction {@code dir} (1 = reverse): {@code _l0}, {@code _l0_reverse}. */
    static String suffix(int l, int dir) {
        return "_l" + l + (dir == 1 ? "_reverse" : "");
    }

    /** Per-layer final states {@code [B, H]} stacked to {@code [L, B, H]}. */
    static Node stack(Graph g, List<Node> finals) {
        int b = finals.get(0).shape().dim(0), h = finals.get(0).shape().dim(1);
        Node[] parts = new Node[finals.size()];
        for (int l = 0; l < parts.length; l++) parts[l] = g.reshape(finals.get(l), 1, b, h);
        return parts.length == 1 ? parts[0] : g.concat(0, parts);
    }
}
