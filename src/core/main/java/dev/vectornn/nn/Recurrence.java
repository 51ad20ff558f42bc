package dev.vectornn.nn;

import dev.vectornn.graph.Graph;
import dev.vectornn.graph.Node;
import dev.vectornn.tensor.ShapeException;
import java.util.List;

/** Shape plumbing shared by {@link RNN} and {@link LSTM}: layouts, initial states, parameter names, final states. */
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
