package dev.vectornn.lm;

import dev.vectornn.graph.Graph;
import dev.vectornn.graph.Node;
import dev.vectornn.nn.Module;
import dev.vectornn.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A next-token language model: {@link GptLanguageModel} or {@link LstmLanguageModel}. Its
 * parameters follow the PyTorch reference modules' names (nanoGPT's {@code GPT} and
 * pytorch/examples' {@code RNNModel}), so {@link #stateDict()} maps onto them.
 */
public abstract sealed class LanguageModel extends Module permits GptLanguageModel, LstmLanguageModel {
    private final ModelConfig config;

    LanguageModel(ModelConfig config) {
        this.config = config;
    }

    /**
     * A freshly initialized model.
     *
     * @param config the architecture and sizes
     * @param seed   seeds the initialization: the same seed gives the same weights
     */
    public static LanguageModel create(ModelConfig config, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        return switch (config.architecture()) {
            case GPT -> new GptLanguageModel(config, rng);
            case LSTM -> new LstmLanguageModel(config, rng);
        };
    }

    /** The configuration the model was built from. */
    public final ModelConfig config() {
        return config;
    }

    /**
     * Adds the model for {@code batch} sequences of {@code length} tokens to a new graph.
     *
     * @param batch  sequences
     * @param length tokens per sequence (at most the GPT's block size)
     * @return the graph and its named nodes
     * @throws IllegalArgumentException if a size is below 1 or {@code length} exceeds the GPT's context
     */
    public abstract LmGraph build(int batch, int length);

    /**
     * The parameter count a configuration gives, computed without building the model, so that a
     * checkpoint's claim can be checked against the tensors it holds before anything is allocated.
     */
    public static long parameterCount(ModelConfig c) {
        long v = c.vocabSize(), d = c.dModel(), n = 0;
        if (c.architecture() == ModelConfig.Architecture.GPT) {
            // ln_1, attn (in_proj 3d x d, out_proj d x d), ln_2, mlp (4d x d, d x 4d); biases: 11 d and the norms' d + d
            long block = 12 * d * d + (c.bias() ? 13 * d : 2 * d);
            n = v * d + (long) c.context() * d + c.layers() * block + (c.bias() ? 2 * d : d) + (c.tiedWeights() ? 0 : v * d);
        } else {
            long h = c.hidden();
            n = v * d;
            for (int l = 0; l < c.layers(); l++) n += 4 * h * ((l == 0 ? d : h) + h + 2);
            n += (c.tiedWeights() ? 0 : v * h) + v;
        }
        return n;
    }

    /**
     * The state dict as PyTorch's reference module has it: {@link #stateDict()} plus, when the
     * weights are tied, the output layer's key naming the shared embedding (PyTorch lists a tied
     * parameter under both names; {@code load_state_dict(strict=True)} expects both).
     */
    public Map<String, Tensor> torchStateDict() {
        Map<String, Tensor> m = new LinkedHashMap<>(stateDict());
        if (config.tiedWeights()) m.put(tiedOutputKey(), m.get(embeddingKey()));
        return m;
    }

    /** The state-dict key of the token embedding. */
    abstract String embeddingKey();

    /** The key PyTorch gives the output layer's weight. */
    abstract String tiedOutputKey();

    /**
     * The nodes of one graph built by {@link #build}.
     *
     * @param graph   the graph
     * @param tokens  index input {@code "tokens"}: {@code [batch, length]} (GPT) or {@code [length, batch]} (LSTM, time-major)
     * @param targets index input {@code "targets"}, same shape: the next token of each position
     * @param logits  {@code tokens.shape + [vocab]}
     * @param loss    mean cross-entropy of the logits against the targets
     * @param h0      LSTM: input {@code "h0"} {@code [layers, batch, hidden]}, the initial hidden state; GPT: null
     * @param c0      LSTM: input {@code "c0"}, the initial cell state; GPT: null
     * @param hn      LSTM: the final hidden state; GPT: null
     * @param cn      LSTM: the final cell state; GPT: null
     */
    public record LmGraph(Graph graph, Node tokens, Node targets, Node logits, Node loss, Node h0, Node c0, Node hn, Node cn) {
        /** Whether the model carries recurrent state between segments. */
        public boolean recurrent() {
            return h0 != null;
        }
    }
}
