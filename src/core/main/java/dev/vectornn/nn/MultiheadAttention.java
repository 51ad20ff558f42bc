package dev.vectornn.nn;

import dev.vectornn.graph.Graph;
import dev.vectornn.graph.Node;
import dev.vectornn.kernel.Triangle;
import dev.vectornn.tensor.DType;
import dev.vectornn.tensor.ShapeException;
import dev.vectornn.tensor.Tensor;
import java.util.random.RandomGenerator;

/**
 * Multi-head scaled dot-product attention, PyTorch's {@code nn.MultiheadAttention(E, heads,
 * batch_first=True)} with equal query, key and value sizes and biases.
 *
 * <p>Parameters: {@code in_proj_weight [3E, E]} (the query, key and value projections stacked
 * in that order; xavier-uniform), {@code in_proj_bias [3E]} (zeros), and the child
 * {@code out_proj} ({@code out_proj.weight [E, E]} initialized as {@link Linear},
 * {@code out_proj.bias [E]} zeros), as PyTorch's {@code _reset_parameters}.
 *
 * <p>Per head {@code h} of size {@code d = E / heads}:
 * {@code softmax(Q_h K_h^T / sqrt(d) + masks) V_h}; the heads are concatenated and projected
 * by {@code out_proj}. The scale, the masks and the softmax are one op
 * ({@link Graph#attentionSoftmax}): masked keys get weight exactly 0, as with PyTorch's
 * {@code -inf}, except for a query that may attend to nothing, which gets a uniform average over
 * the keys the causal mask allows it (and no gradient) here, NaN in PyTorch. Attention-weight
 * dropout (training plans) as PyTorch's {@code dropout} argument. With the causal mask both
 * products skip the future's triangle ({@link Triangle}): about half their multiply-adds, and
 * the same bits as the full products. Self-attention without dropout runs as one
 * {@link Graph#packedAttention} op on the packed projection (heads read and written in place,
 * no head split or merge copies; the same bits as the composed ops it replaces).
 */
public class MultiheadAttention extends Module {
    private final int embedDim;
    private final int numHeads;
    private final double dropout;
    private final Linear outProj;
    private final boolean bias;

    /** Attention over {@code embedDim} features in {@code numHeads} heads, without dropout. */
    public MultiheadAttention(int embedDim, int numHeads, RandomGenerator rng) {
        this(embedDim, numHeads, 0.0, rng);
    }

    /**
     * Attention.
     *
     * @param dropout drop probability of the attention weights, in {@code [0, 1]}
     * @throws IllegalArgumentException if {@code numHeads} does not divide {@code embedDim}, a size is below 1 or the dropout is invalid
     */
    public MultiheadAttention(int embedDim, int numHeads, double dropout, RandomGenerator rng) {
        this(embedDim, numHeads, dropout, true, rng);
    }

    /**
     * Attention, with or without biases ({@code in_proj_bias} and {@code out_proj.bias}; PyTorch's
     * {@code bias} argument).
     *
     * @param dropout drop probability of the attention weights, in {@code [0, 1]}
     * @throws IllegalArgumentException if {@code numHeads} does not divide {@code embedDim}, a size is below 1 or the dropout is invalid
     */
    @SuppressWarnings("this-escape") // registerParameter and add only store into this module's own maps
    public MultiheadAttention(int embedDim, int numHeads, double dropout, boolean bias, RandomGenerator rng) {
        if (embedDim < 1 || numHeads < 1 || embedDim % numHeads != 0) {
            throw new IllegalArgumentException("MultiheadAttention: embed_dim " + embedDim + " must be a positive multiple of"
                    + " num_heads " + numHeads);
        }
        if (!(dropout >= 0 && dropout <= 1)) throw new IllegalArgumentException("MultiheadAttention: dropout must be in [0, 1], got " + dropout);
        this.embedDim = embedDim;
        this.numHeads = numHeads;
        this.dropout = dropout;
        this.bias = bias;
        registerParameter("in_proj_weight", Init.xavierUniform(3 * embedDim, embedDim, rng));
        if (bias) registerParameter("in_proj_bias", Tensor.zeros(DType.F32, 3 * embedDim));
        outProj = add("out_proj", new Linear(embedDim, embedDim, bias, rng));
        if (bias) java.util.Arrays.fill(outProj.bias().floats(), 0f);
    }

    /** The model width {@code E}. */
    public int embedDim() {
        return embedDim;
    }

    /** The number of heads. */
    public int numHeads() {
        return numHeads;
    }

    /** Self-attention of {@code x [B, T, E]}, optionally causal (position {@code t} sees {@code 0..t}); returns {@code [B, T, E]}. */
    public Node forward(Graph g, Node x, boolean causal) {
        return forward(g, x, x, x, null, causal);
    }

    /**
     * Attention of {@code query [B, T, E]} over {@code key} and {@code value} {@code [B, S, E]}.
     *
     * @param keyPaddingMask null, or a float node {@code [B, S]} whose nonzero entries mark keys
     *     to ignore (PyTorch's {@code key_padding_mask} with {@code True} as 1)
     * @param causal mask keys after each query's position (needs {@code T == S})
     * @return {@code [B, T, E]}
     * @throws ShapeException if a shape does not fit
     */
    public Node forward(Graph g, Node query, Node key, Node value, Node keyPaddingMask, boolean causal) {
        int e = embedDim, heads = numHeads, hd = e / heads;
        checkSeq("query", query);
        checkSeq("key", key);
        checkSeq("value", value);
        int b = query.shape().dim(0), t = query.shape().dim(1), s = key.shape().dim(1);
        if (key.shape().dim(0) != b || !key.shape().equals(value.shape())) {
            throw new ShapeException("MultiheadAttention: query " + query.shape() + ", key " + key.shape() + " and value "
                    + value.shape() + " disagree");
        }
        if (causal && t != s) throw new ShapeException("MultiheadAttention: a causal mask needs T == S, got " + t + " and " + s);
        if (keyPaddingMask != null && !keyPaddingMask.shape().equals(dev.vectornn.tensor.Shape.of(b, s))) {
            throw new ShapeException("MultiheadAttention: key_padding_mask is " + keyPaddingMask.shape() + "; expected [" + b + ", " + s + "]");
        }
        Node w = param(g, "in_proj_weight"), b3 = this.bias ? param(g, "in_proj_bias") : null;
        Node qh, kh, vh; // [B*H, T or S, d]
        if (query == key && key == value) { // self-attention: one projection for all three
            Node qkv = Linear.apply(g, query, w, b3);
            if (dropout == 0) {
                // the heads' products read q, k and v in place and write the [B, T, E] context:
                // the same bits as the composed ops below, without the head split and merge
                return outProj.forward(g, g.packedAttention(qkv, heads, 1.0 / Math.sqrt(hd), causal, keyPaddingMask));
            }
            // [B, T, 3, H, d] -> [3, B, H, T, d] in one copy, of which q, k and v are views
            Node byHead = g.reshape(g.permute(g.reshape(qkv, b, t, 3, heads, hd), 2, 0, 3, 1, 4), 3, b * heads, t, hd);
            qh = g.select(byHead, 0, 0);
            kh = g.select(byHead, 0, 1);
            vh = g.select(byHead, 0, 2);
        } else {
            Node[] ws = g.split(w, 0, e, e, e), bs = b3 == null ? new Node[3] : g.split(b3, 0, e, e, e);
            qh = splitHeads(g, Linear.apply(g, query, ws[0], bs[0]));
            kh = splitHeads(g, Linear.apply(g, key, ws[1], bs[1]));
            vh = splitHeads(g, Linear.apply(g, value, ws[2], bs[2]));
        }
        // causal: the products skip the future's triangle, which the softmax zeroes anyway
        Triangle tri = causal ? Triangle.LOWER_RESULT : Triangle.FULL;
        Node scores = g.matmul(qh, kh, false, true, tri); // [B*H, T, S]
        // scale, both masks and the softmax in one op: the [B*H, T, S] matrices are batch-major,
        // so the mask's row b covers matrices b*H .. b*H + H-1
        Node attn = g.attentionSoftmax(scores, 1.0 / Math.sqrt(hd), causal, keyPaddingMask);
        if (dropout > 0) attn = g.dropout(attn, dropout);
        Node ctx = g.matmul(attn, vh, false, false, causal ? Triangle.LOWER_A : Triangle.FULL); // [B*H, T, d]
        if (heads > 1) ctx = g.permute(g.reshape(ctx, b, heads, t, hd), 0, 2, 1, 3);
        return outProj.forward(g, g.reshape(ctx, b, t, e));
    }

    /** {@code [B, T, E] -> [B*H, T, d]}. */
    private Node splitHeads(Graph g, Node x) {
        int b = x.shape().dim(0), t = x.shape().dim(1), hd = embedDim / numHeads;
        if (numHeads == 1) return x;
        return g.reshape(g.permute(g.reshape(x, b, t, numHeads, hd), 0, 2, 1, 3), b * numHeads, t, hd);
    }

    private void checkSeq(String name, Node x) {
        if (x.shape().rank() != 3 || x.shape().dim(2) != embedDim) {
            throw new ShapeException("MultiheadAttention: " + name + " is " + x.shape() + "; expected [B, T, " + embedDim + "]");
        }
    }
}
