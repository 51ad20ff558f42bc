package dev.vectornn.nn;

import dev.vectornn.graph.Graph;
import dev.vectornn.graph.Node;
import dev.vectornn.graph.Plan;
import dev.vectornn.kernel.UnaryOp;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * A multi-layer Elman RNN, PyTorch's {@code nn.RNN} (with biases, uni- or bidirectional),
 * unrolled over the input's fixed sequence length:
 * {@code h_t = act(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh)} with {@code act} tanh (default) or
 * ReLU. Parameters {@code weight_ih_l{k} [H, I_k]}, {@code weight_hh_l{k} [H, H]},
 * {@code bias_ih_l{k} [H]}, {@code bias_hh_l{k} [H]}, all {@code U(-1/sqrt(H), 1/sqrt(H))}.
 * Layouts, dropout between layers, bidirectional layers ({@code _reverse} parameters, outputs
 * {@code 2H} wide, states {@code [2L, B, H]}) and truncated BPTT work as in {@link LSTM}
 * (without a cell state). Each layer projects the whole sequence with one matrix product and runs
 * its recurrence as one {@link Graph#rnnLayer} op.
 */
public class RNN extends Module {
    private final int inputSize;
    private final int hiddenSize;
    private final int numLayers;
    private final boolean batchFirst;
    private final double dropout;
    private final Activation nonlinearity;
    private final boolean bidirectional;

    /**
     * The result of {@link #forward}.
     *
     * @param output the last layer's {@code h_t} for every step ({@code [T, B, D*H]} or batch-first
     *               {@code [B, T, D*H]}; {@code D} = 2 when bidirectional, else 1)
     * @param hn     every layer's (and direction's) final hidden state {@code [D*L, B, H]}
     */
    public record Output(Node output, Node hn) {
        /**
         * For truncated BPTT: copies the plan's output {@code hn} (after a forward and backward
         * pass) into its input {@code h0Name}, without allocating.
         */
        public void carry(Plan plan, String h0Name) {
            plan.copyOutputToInput(hn, h0Name);
        }
    }

    /** A one-layer, sequence-first tanh RNN. */
    public RNN(int inputSize, int hiddenSize, RandomGenerator rng) {
        this(inputSize, hiddenSize, 1, Activation.TANH, false, 0.0, rng);
    }

    /**
     * A unidirectional RNN.
     *
     * @param nonlinearity {@link Activation#TANH} or {@link Activation#RELU}
     * @throws IllegalArgumentException for sizes below 1, another nonlinearity or an invalid dropout
     */
    public RNN(int inputSize, int hiddenSize, int numLayers, Activation nonlinearity, boolean batchFirst, double dropout,
               RandomGenerator rng) {
        this(inputSize, hiddenSize, numLayers, nonlinearity, batchFirst, dropout, false, rng);
    }

    /**
     * An RNN, PyTorch's {@code nn.RNN(inputSize, hiddenSize, numLayers, nonlinearity,
     * batch_first=batchFirst, dropout=dropout, bidirectional=bidirectional)}.
     *
     * @param nonlinearity  {@link Activation#TANH} or {@link Activation#RELU}
     * @param bidirectional also run every layer backwards in time (see {@link LSTM})
     * @throws IllegalArgumentException for sizes below 1, another nonlinearity or an invalid dropout
     */
    @SuppressWarnings("this-escape") // registerParameter only stores into this module's own map
    public RNN(int inputSize, int hiddenSize, int numLayers, Activation nonlinearity, boolean batchFirst, double dropout,
               boolean bidirectional, RandomGenerator rng) {
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
        this.bidirectional = bidirectional;
        double k = 1.0 / Math.sqrt(hiddenSize);
        for (int l = 0; l < numLayers; l++) {
            for (int dir = 0; dir < directions(); dir++) {
                String s = Recurrence.suffix(l, dir);
                registerParameter("weight_ih" + s, Init.uniform(k, rng, hiddenSize, l == 0 ? inputSize : directions() * hiddenSize));
                registerParameter("weight_hh" + s, Init.uniform(k, rng, hiddenSize, hiddenSize));
                registerParameter("bias_ih" + s, Init.uniform(k, rng, hiddenSize));
                registerParameter("bias_hh" + s, Init.uniform(k, rng, hiddenSize));
            }
        }
    }

    /** Hidden size {@code H}. */
    public int hiddenSize() {
        return hiddenSize;
    }

    /** Number of directions {@code D}: 2 when bidirectional, else 1. */
    public int directions() {
        return bidirectional ? 2 : 1;
    }

    /** Adds the RNN on {@code x} to {@code g}, starting from a zero state. */
    public Output forward(Graph g, Node x) {
        return forward(g, x, null);
    }

    /**
     * Adds the RNN on {@code x} ({@code [T, B, I]}, or {@code [B, T, I]} when batch-first) to
     * {@code g}, starting from {@code h0 [D*L, B, H]} (null for zeros).
     *
     * @throws dev.vectornn.tensor.ShapeException if a shape does not fit
     */
    public Output forward(Graph g, Node x, Node h0) {
        Recurrence.Dims d = Recurrence.check("RNN", x, inputSize, batchFirst);
        int dirs = directions();
        Recurrence.checkState("RNN", "h0", h0, dirs * numLayers, d.batch(), hiddenSize);
        UnaryOp act = nonlinearity == Activation.RELU ? UnaryOp.RELU : UnaryOp.TANH;
        int steps = d.steps();
        List<Node> finals = new ArrayList<>();
        Node output = Recurrence.layers(g, x, batchFirst, numLayers, dirs, dropout, name -> param(g, name),
                (proj, whh, k, reverse) -> {
                    Node out = g.rnnLayer(proj, whh, Recurrence.layerState(g, h0, k), act, reverse);
                    finals.add(g.select(out, 0, reverse ? 0 : steps - 1));
                    return out;
                });
        return new Output(output, Recurrence.stack(g, finals));
    }
}
