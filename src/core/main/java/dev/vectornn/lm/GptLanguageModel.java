package dev.vectornn.lm;

import dev.vectornn.graph.Graph;
import dev.vectornn.graph.Node;
import dev.vectornn.nn.Embedding;
import dev.vectornn.nn.Init;
import dev.vectornn.nn.LayerNorm;
import dev.vectornn.nn.LearnedPositionalEmbedding;
import dev.vectornn.nn.Linear;
import dev.vectornn.nn.Module;
import dev.vectornn.nn.TransformerBlock;
import dev.vectornn.tensor.Tensor;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * A GPT-style decoder (nanoGPT's {@code GPT}): token and learned position embeddings, dropout,
 * {@code layers} pre-LayerNorm {@link TransformerBlock}s with causal attention, a final
 * LayerNorm and a bias-free LM head, optionally tied to the token embedding.
 *
 * <p>Names: {@code wte.weight}, {@code wpe.weight}, {@code h.<i>.*} (see {@link TransformerBlock}),
 * {@code ln_f.*}, {@code lm_head.weight} (absent when tied). Initialization as nanoGPT (GPT-2):
 * every matrix and embedding {@code N(0, 0.02)}, the residual output projections
 * ({@code attn.out_proj}, {@code mlp.c_proj}) {@code N(0, 0.02 / sqrt(2 * layers))}, biases 0,
 * LayerNorms 1 and 0. With {@code bias} off ({@link ModelConfig#bias()}), as nanoGPT's default, the
 * LayerNorms, attention and MLP have weights only.
 */
public final class GptLanguageModel extends LanguageModel {
    private final Embedding wte;
    private final LearnedPositionalEmbedding wpe;
    private final TransformerBlock[] blocks;
    private final LayerNorm lnF;
    private final Linear lmHead;

    @SuppressWarnings("this-escape") // add only stores into this module's own map
    GptLanguageModel(ModelConfig c, RandomGenerator rng) {
        super(c);
        int d = c.dModel();
        wte = add("wte", new Embedding(c.vocabSize(), d, rng));
        wpe = add("wpe", new LearnedPositionalEmbedding(c.context(), d, rng));
        Module h = add("h", new Module());
        blocks = new TransformerBlock[c.layers()];
        for (int l = 0; l < blocks.length; l++) blocks[l] = h.add(Integer.toString(l), new TransformerBlock(d, c.heads(), c.dropout(), c.bias(), rng));
        lnF = add("ln_f", new LayerNorm(d, LayerNorm.DEFAULT_EPS, c.bias()));
        lmHead = c.tiedWeights() ? null : add("lm_head", new Linear(d, c.vocabSize(), false, rng));
        double projStd = 0.02 / Math.sqrt(2.0 * c.layers());
        for (Map.Entry<String, Tensor> e : namedParameters().entrySet()) {
            String k = e.getKey();
            Tensor t = e.getValue();
            if (k.startsWith("ln_") || k.contains(".ln_")) continue; // LayerNorm keeps 1 and 0
            if (k.endsWith("bias")) {
                java.util.Arrays.fill(t.floats(), 0f);
            } else {
                boolean residualOut = k.endsWith("out_proj.weight") || k.endsWith("c_proj.weight");
                Init.normal(t, 0, residualOut ? projStd : 0.02, rng);
            }
        }
    }

    @Override
    public LmGraph build(int batch, int length) {
        if (batch < 1 || length < 1 || length > config().context()) {
            throw new IllegalArgumentException("GPT: batch must be >= 1 and length in [1, " + config().context()
                    + "] (the block size), got batch " + batch + ", length " + length);
        }
        Graph g = new Graph();
        Node tokens = g.indexInput("tokens", batch, length);
        Node targets = g.indexInput("targets", batch, length);
        Node x = wpe.forward(g, wte.forward(g, tokens)); // [B, T, D]
        if (config().dropout() > 0) x = g.dropout(x, config().dropout());
        for (TransformerBlock b : blocks) x = b.forward(g, x, true);
        x = lnF.forward(g, x);
        Node logits = lmHead != null ? lmHead.forward(g, x) : g.matmul(x, wte.weightNode(g), false, true);
        Node loss = g.crossEntropy(logits, targets);
        return new LmGraph(g, tokens, targets, logits, loss, null, null, null, null);
    }

    @Override
    String embeddingKey() {
        return "wte.weight";
    }

    @Override
    String tiedOutputKey() {
        return "lm_head.weight";
    }
}
