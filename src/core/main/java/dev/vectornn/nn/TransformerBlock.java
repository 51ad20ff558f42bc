package dev.vectornn.nn;

import dev.vectornn.graph.Graph;
import dev.vectornn.graph.Node;
import java.util.random.RandomGenerator;

/**
 * A pre-LayerNorm Transformer block (GPT-2 style):
 * <pre>
 *   x = x + dropout(attn(ln_1(x)))
 *   x = x + dropout(mlp.c_proj(gelu(mlp.c_fc(ln_2(x)))))
 * </pre>
 * with exact GELU and an MLP of width {@code 4E}.
 *
 * <p>Names (GPT-2's module names, with PyTorch layouts): {@code ln_1.weight}, {@code ln_1.bias},
 * {@code attn.in_proj_weight}, {@code attn.in_proj_bias}, {@code attn.out_proj.weight},
 * {@code attn.out_proj.bias}, {@code ln_2.*}, {@code mlp.c_fc.weight [4E, E]},
 * {@code mlp.c_fc.bias}, {@code mlp.c_proj.weight [E, 4E]}, {@code mlp.c_proj.bias}. The
 * matching PyTorch module uses {@code nn.LayerNorm}, {@code nn.MultiheadAttention(batch_first=True)}
 * and {@code nn.Linear} under those names (GPT-2 checkpoints store {@code c_fc}/{@code c_proj}
 * transposed, as Conv1D, and a separate {@code c_attn}; convert when loading them).
 */
public class TransformerBlock extends Module {
    private final LayerNorm ln1;
    private final MultiheadAttention attn;
    private final LayerNorm ln2;
    private final Linear fc;
    private final Linear proj;
    private final double dropout;

    /** A block of width {@code embedDim} with {@code numHeads} heads, no dropout. */
    public TransformerBlock(int embedDim, int numHeads, RandomGenerator rng) {
        this(embedDim, numHeads, 0.0, rng);
    }

    /**
     * A block.
     *
     * @param dropout drop probability on the attention weights and on both residual branches
     * @throws IllegalArgumentException as {@link MultiheadAttention}
     */
    public TransformerBlock(int embedDim, int numHeads, double dropout, RandomGenerator rng) {
        this(embedDim, numHeads, dropout, true, rng);
    }

    /**
     * A block with or without biases in its LayerNorms, attention and MLP (nanoGPT's
     * {@code bias} setting; without them only the weights above exist).
     *
     * @throws IllegalArgumentException as {@link MultiheadAttention}
     */
    @SuppressWarnings("this-escape") // add only stores into this module's own map
    public TransformerBlock(int embedDim, int numHeads, double dropout, boolean bias, RandomGenerator rng) {
        ln1 = add("ln_1", new LayerNorm(embedDim, LayerNorm.DEFAULT_EPS, bias));
        attn = add("attn", new MultiheadAttention(embedDim, numHeads, dropout, bias, rng));
        ln2 = add("ln_2", new LayerNorm(embedDim, LayerNorm.DEFAULT_EPS, bias));
        Module mlp = add("mlp", new Module());
        fc = mlp.add("c_fc", new Linear(embedDim, 4 * embedDim, bias, rng));
        proj = mlp.add("c_proj", new Linear(4 * embedDim, embedDim, bias, rng));
        this.dropout = dropout;
    }

    /** The attention sub-layer. */
    public MultiheadAttention attention() {
        return attn;
    }

    /**
     * Adds the block on {@code x [B, T, E]} to {@code g}.
     *
     * @param causal whether position {@code t} may attend only to {@code 0..t} (a decoder)
     * @return {@code [B, T, E]}
     */
    public Node forward(Graph g, Node x, boolean causal) {
        return forward(g, x, null, causal);
    }

    /** As {@link #forward(Graph, Node, boolean)} with a key-padding mask {@code [B, T]} (nonzero: ignore), or null. */
    public Node forward(Graph g, Node x, Node keyPaddingMask, boolean causal) {
        Node h = ln1.forward(g, x);
        x = g.add(x, drop(g, attn.forward(g, h, h, h, keyPaddingMask, causal)));
        Node m = proj.forward(g, g.gelu(fc.forward(g, ln2.forward(g, x))));
        return g.add(x, drop(g, m));
    }

    private Node drop(Graph g, Node x) {
        return dropout > 0 ? g.dropout(x, dropout) : x;
    }
}
