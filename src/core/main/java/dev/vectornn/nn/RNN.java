package dev.vectornn.nn;

import dev.vectornn.graph.Graph;
import dev.vectornn.graph.Node;
import dev.vectornn.graph.Plan;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * A multi-layer Elman RNN, PyTorch's {@code nn.RNN} (unidirectional, with biases), unrolled over
 * the input's fixed sequence length:
 * {@code h_t = act(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh)} with {@code act} tanh (default) or
 * ReLU. Parameters {@code weight_ih_l{k} [H, I_k]}, {@code weight_hh_l{k} [H, H]},
 * {@code bias_ih_l{k} [H]}, {@code bias_hh_l{k} [H]}, all {@code U(-1/sqrt(H), 1/sqrt(H))}.
 * Layouts, dropout between layers and truncated BPTT work as in {@link LSTM} (without a cell state).
 */
public class RNN extends Module {
    private final int inputSize;
    private final int hiddenSize;
    private final int numLayers;
    private final boolean batchFirst;
    private final double dropout;
    private final Activation nonlinearity;

    /**
     * The result of {@link #forward}.
     *
     * @param output the last layer's {@code h_t} for every step ({@code [T, B, H]} or batch-first {@code [B, T, H]})
     * @param hn     every layer's final hidden state {@code [L, B, H]}
     */
    public record Output(Node output, Node hn) {
        /** For truncated BPTT: feeds the plan's output {@code hn} into its input {@code h0Name}. */
        public void carry(Plan plan, String h0Name) {
            plan.feed(h0Name, plan.output(hn));
        }
    }

    /** A one-layer, sequence-first tanh RNN. */
    public RNN(int inputSize, int hiddenSize, RandomGenerator rng) {
        this(inputSize, hiddenSize, 1, Activation.TANH, false, 0.0, rng);
    }

    /**
     * An RNN.
     *
     * @param nonlinearity {@link Activation#TANH} or {@link Activation#RELU}
     * @throws IllegalArgumentException for sizes below 1, another nonlinearity or an invalid dropout
     */
    @SuppressWarnings("this-escape") // registerParameter only stores into this module's own map
    public RNN(int inputSize, int hiddenSize, int numLayers, Activation nonlinearity, boolean batchFirst, double dropout,
               RandomGenerator rng) {
        if (inputSize < 1 || hiddenSize < 1 || numLayers < 1) {
            throw new IllegalArgumentException("RNN: sizes must be >= 1, got input " + inputSize + ", hidden "
                    + hiddenSize + ", layers " + numLayers);
        }
        if (nonlinearity != Activation.TANH && nonlinearity != Activation.RELU) {
            throw new IllegalArgumentException("RNN: nonlinearity must be TANH or RELU, got " + nonlinearity);
        }
        if (!(dropout >= 0 && dropout <= 1)) throw new IllegalArgumentException("RNN: dropout must be in [0, 1], got " + dropout);
        this.inputSize = inputSize;
        this.hiddenSize = hiddenSize;
        this.numLayers = numLayers;
        this.batchFirst = batchFirst;
        this.dropout = dropout;
        this.nonlinearity = nonlinearity;
        double k = 1.0 / Math.sqrt(hiddenSize);
        for (int l = 0; l < numLayers; l++) {
            registerParameter("weight_ih_l" + l, Init.uniform(k, rng, hiddenSize, l == 0 ? inputSize : hiddenSize));
            registerParameter("weight_hh_l" + l, Init.uniform(k, rng, hiddenSize, hiddenSize));
            registerParameter("bias_ih_l" + l, Init.uniform(k, rng, hiddenSize));
            registerParameter("bias_hh_l" + l, Init.uniform(k, rng, hiddenSize));
        }
    }

    /** Hidden size {@code H}. */
    public int hiddenSize() {
        return hiddenSize;
    }

    /** Adds the RNN on {@code x} to {@code g}, starting from a zero state. */
    public Output forward(Graph g, Node x) {
        return forward(g, x, null);
    }

    /**
     * Adds the RNN on {@code x} ({@code [T, B, I]}, or {@code [B, T, I]} when batch-first) to
     * {@code g}, starting from {@code h0 [L, B, H]} (null for zeros).
     *
     * @throws dev.vectornn.tensor.ShapeException if a shape does not fit
     */
    public Output forward(Graph g, Node x, Node h0) {
        Recurrence.Dims d = Recurrence.check("RNN", x, inputSize, batchFirst);
        Recurrence.checkState("RNN", "h0", h0, numLayers, d.batch(), hiddenSize);
        Node layerIn = batchFirst ? g.transpose(x, 0, 1) : x;
        List<Node> finals = new ArrayList<>();
        List<Node> outs = null;
        for (int l = 0; l < numLayers; l++) {
            Node whh = param(g, "weight_hh_l" + l);
            Node bias = g.add(param(g, "bias_ih_l" + l), param(g, "bias_hh_l" + l));
            Node proj = Linear.apply(g, layerIn, param(g, "weight_ih_l" + l), bias);
            Node h = Recurrence.layerState(g, h0, l);
            outs = new ArrayList<>(d.steps());
            for (int t = 0; t < d.steps(); t++) {
                Node pre = Recurrence.step(g, proj, t);
                if (h != null) pre = g.add(pre, g.matmul(h, whh, false, true));
                h = nonlinearity.apply(g, pre);
                outs.add(h);
            }
            finals.add(h);
            if (l + 1 < numLayers) {
                layerIn = Recurrence.sequence(g, outs, false);
                if (dropout > 0) layerIn = g.dropout(layerIn, dropout);
            }
        }
        return new Output(Recurrence.sequence(g, outs, batchFirst), Recurrence.stack(g, finals));
    }
}
