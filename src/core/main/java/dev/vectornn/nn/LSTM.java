package dev.vectornn.nn;

import dev.vectornn.graph.Graph;
import dev.vectornn.graph.Node;
import dev.vectornn.graph.Plan;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * A multi-layer long short-term memory network, PyTorch's {@code nn.LSTM} (with biases, uni- or
 * bidirectional), unrolled over the fixed sequence length of its input.
 *
 * <p>Per layer {@code k} and step {@code t}, with PyTorch's gate order (input, forget, cell,
 * output) stacked in the weights:
 * <pre>
 *   [i f g o] = x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh
 *   i, f, o = sigmoid(.), g = tanh(.), c_t = f * c_{t-1} + i * g, h_t = o * tanh(c_t)
 * </pre>
 * Parameters {@code weight_ih_l{k} [4H, I_k]} ({@code I_0 = inputSize}, else {@code H}),
 * {@code weight_hh_l{k} [4H, H]}, {@code bias_ih_l{k} [4H]}, {@code bias_hh_l{k} [4H]}, all
 * initialized {@code U(-1/sqrt(H), 1/sqrt(H))} as PyTorch. Dropout (training plans) is applied to
 * the output of every layer but the last.
 *
 * <p><b>Bidirectional</b> ({@code bidirectional = true}, PyTorch's layout throughout): every
 * layer also runs a reverse direction over {@code t = T-1 .. 0} with its own parameters
 * {@code weight_ih_l{k}_reverse}, {@code weight_hh_l{k}_reverse}, {@code bias_ih_l{k}_reverse},
 * {@code bias_hh_l{k}_reverse} (registered after the forward direction's of the same layer); a
 * layer's output at step {@code t} is {@code [h_fwd_t, h_rev_t]} ({@code 2H} wide, the input of
 * the next layer, so {@code I_k = 2H} for {@code k > 0}); the states {@code h0}, {@code c0},
 * {@code hn}, {@code cn} are {@code [2L, B, H]} with layer {@code k}'s forward direction at
 * {@code 2k} and its reverse at {@code 2k + 1}; the reverse direction's final state is the one
 * after it has read step 0.
 *
 * <p><b>Cost.</b> Each layer projects the whole input sequence with one matrix product
 * ({@code [T*B, I] x [I, 4H]}), then runs its recurrence as one {@link Graph#lstmLayer} op: per
 * step one {@code [B, H] x [H, 4H]} product and the fused cell (gate nonlinearities and state
 * update, forward and VJP in one pass each), with {@code W_hh}'s gradient summed over all steps
 * in one matrix product.
 *
 * <p><b>Truncated back-propagation through time.</b> Declare the initial state as graph inputs,
 * return the final state as plan outputs, and carry it from one segment to the next. Inputs have
 * no gradient path into the previous segment, so the carried state is detached, as
 * {@code h.detach()} in PyTorch:
 * <pre>{@code
 * Node x = g.input("x", T, B, I), h0 = g.input("h0", L, B, H), c0 = g.input("c0", L, B, H);
 * LSTM.Output o = lstm.forward(g, x, h0, c0);
 * Plan plan = g.compile(PlanOptions.forTraining(), loss(o.output()), o.hn(), o.cn());
 * plan.feed("h0", new float[L * B * H]);  plan.feed("c0", new float[L * B * H]);   // zeros
 * for (each segment) {
 *     plan.feed("x", segment);  opt.zeroGrad();  plan.forward();  plan.backward();  opt.step();
 *     o.carry(plan, "h0", "c0");    // h0 <- hn, c0 <- cn for the next segment
 * }
 * }</pre>
 */
public class LSTM extends Module {
    private final int inputSize;
    private final int hiddenSize;
    private final int numLayers;
    private final boolean batchFirst;
    private final double dropout;
    private final boolean bidirectional;

    /**
     * The result of {@link #forward}.
     *
     * @param output the last layer's {@code h_t} for every step: {@code [T, B, D*H]}, or
     *               {@code [B, T, D*H]} when batch-first ({@code D} = 2 when bidirectional, else 1)
     * @param hn     every layer's (and direction's) final hidden state {@code [D*L, B, H]}
     * @param cn     every layer's (and direction's) final cell state {@code [D*L, B, H]}
     */
    public record Output(Node output, Node hn, Node cn) {
        /**
         * For truncated BPTT: feeds the plan's {@code hn} and {@code cn} (which must be outputs of
         * {@code plan}, after a forward pass) into its inputs {@code h0Name} and {@code c0Name},
         * without allocating.
         */
        public void carry(Plan plan, String h0Name, String c0Name) {
            plan.copyOutputToInput(hn, h0Name);
            plan.copyOutputToInput(cn, c0Name);
        }
    }

    /** A one-layer, sequence-first LSTM without dropout. */
    public LSTM(int inputSize, int hiddenSize, RandomGenerator rng) {
        this(inputSize, hiddenSize, 1, false, 0.0, rng);
    }

    /**
     * A unidirectional LSTM.
     *
     * @param batchFirst inputs and outputs {@code [B, T, .]} instead of {@code [T, B, .]} (states stay {@code [L, B, H]})
     * @param dropout    drop probability between layers, in {@code [0, 1]}
     * @throws IllegalArgumentException for sizes below 1 or an invalid dropout
     */
    public LSTM(int inputSize, int hiddenSize, int numLayers, boolean batchFirst, double dropout, RandomGenerator rng) {
        this(inputSize, hiddenSize, numLayers, batchFirst, dropout, false, rng);
    }

    /**
     * An LSTM, PyTorch's {@code nn.LSTM(inputSize, hiddenSize, numLayers, batch_first=batchFirst,
     * dropout=dropout, bidirectional=bidirectional)}.
     *
     * @param batchFirst    inputs and outputs {@code [B, T, .]} instead of {@code [T, B, .]} (states stay {@code [D*L, B, H]})
     * @param dropout       drop probability between layers, in {@code [0, 1]}
     * @param bidirectional also run every layer backwards in time (see the class comment)
     * @throws IllegalArgumentException for sizes below 1 or an invalid dropout
     */
    @SuppressWarnings("this-escape") // registerParameter only stores into this module's own map
    public LSTM(int inputSize, int hiddenSize, int numLayers, boolean batchFirst, double dropout, boolean bidirectional,
                RandomGenerator rng) {
        if (inputSize < 1 || hiddenSize < 1 || numLayers < 1) {
            throw new IllegalArgumentException("LSTM: sizes must be >= 1, got input " + inputSize + ", hidden "
                    + hiddenSize + ", layers " + numLayers);
        }
        if (!(dropout >= 0 && dropout <= 1)) throw new IllegalArgumentException("LSTM: dropout must be in [0, 1], got " + dropout);
        this.inputSize = inputSize;
        this.hiddenSize = hiddenSize;
        this.numLayers = numLayers;
        this.batchFirst = batchFirst;
        this.dropout = dropout;
        this.bidirectional = bidirectional;
        double k = 1.0 / Math.sqrt(hiddenSize);
        for (int l = 0; l < numLayers; l++) {
            int in = l == 0 ? inputSize : directions() * hiddenSize;
            for (int dir = 0; dir < directions(); dir++) {
                String s = Recurrence.suffix(l, dir);
                registerParameter("weight_ih" + s, Init.uniform(k, rng, 4 * hiddenSize, in));
                registerParameter("weight_hh" + s, Init.uniform(k, rng, 4 * hiddenSize, hiddenSize));
                registerParameter("bias_ih" + s, Init.uniform(k, rng, 4 * hiddenSize));
                registerParameter("bias_hh" + s, Init.uniform(k, rng, 4 * hiddenSize));
            }
        }
    }

    /** Hidden size {@code H}. */
    public int hiddenSize() {
        return hiddenSize;
    }

    /** Number of stacked layers {@code L}. */
    public int numLayers() {
        return numLayers;
    }

    /** Whether every layer also runs backwards in time. */
    public boolean bidirectional() {
        return bidirectional;
    }

    /** Number of directions {@code D}: 2 when bidirectional, else 1. */
    public int directions() {
        return bidirectional ? 2 : 1;
    }

    /** Adds the LSTM on {@code x} to {@code g}, starting from zero states. */
    public Output forward(Graph g, Node x) {
        return forward(g, x, null, null);
    }

    /**
     * Adds the LSTM on {@code x} ({@code [T, B, I]}, or {@code [B, T, I]} when batch-first) to
     * {@code g}, starting from {@code h0} and {@code c0} ({@code [D*L, B, H]} each, both or
     * neither null for zeros).
     *
     * @throws dev.vectornn.tensor.ShapeException if a shape does not fit
     * @throws IllegalArgumentException if exactly one of {@code h0} and {@code c0} is null
     */
    public Output forward(Graph g, Node x, Node h0, Node c0) {
        if ((h0 == null) != (c0 == null)) throw new IllegalArgumentException("LSTM: give both h0 and c0, or neither");
        Recurrence.Dims d = Recurrence.check("LSTM", x, inputSize, batchFirst);
        int dirs = directions();
        Recurrence.checkState("LSTM", "h0", h0, dirs * numLayers, d.batch(), hiddenSize);
        Recurrence.checkState("LSTM", "c0", c0, dirs * numLayers, d.batch(), hiddenSize);
        int steps = d.steps();
        List<Node> hFinal = new ArrayList<>(), cFinal = new ArrayList<>();
        Node output = Recurrence.layers(g, x, batchFirst, numLayers, dirs, dropout, name -> param(g, name),
                (proj, whh, k, reverse) -> {
                    Node out = g.lstmLayer(proj, whh, Recurrence.layerState(g, h0, k), Recurrence.layerState(g, c0, k),
                            reverse);
                    // out is [T+1, B, H]: every step's h, then the last cell state; all views
                    hFinal.add(g.select(out, 0, reverse ? 0 : steps - 1));
                    cFinal.add(g.select(out, 0, steps));
                    return g.slice(out, 0, 0, steps);
                });
        return new Output(output, Recurrence.stack(g, hFinal), Recurrence.stack(g, cFinal));
    }
}
