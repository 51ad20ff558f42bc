package dev.vectornn.nn;

import dev.vectornn.graph.Graph;
import dev.vectornn.graph.Node;
import dev.vectornn.tensor.DType;
import dev.vectornn.tensor.Tensor;
import java.util.random.RandomGenerator;

/**
 * A trained positional embedding (as GPT's {@code wpe}): an {@code nn.Embedding(maxLen, dim)}
 * whose rows {@code 0..T-1} are added to a sequence. Parameter {@code weight [maxLen, dim]},
 * initialized {@code N(0, 1)} as {@code nn.Embedding}.
 */
public class LearnedPositionalEmbedding extends Module {
    private final int maxLen;
    private final int dim;

    /** An embedding for up to {@code maxLen} positions of {@code dim} features. */
    @SuppressWarnings("this-escape") // registerParameter only stores into this module's own map
    public LearnedPositionalEmbedding(int maxLen, int dim, RandomGenerator rng) {
        if (maxLen < 1 || dim < 1) {
            throw new IllegalArgumentException("LearnedPositionalEmbedding: sizes must be >= 1, got " + maxLen + ", " + dim);
        }
        this.maxLen = maxLen;
        this.dim = dim;
        registerParameter("weight", Init.normal(Tensor.zeros(DType.F32, maxLen, dim), 0, 1, rng));
    }

    /** The live table {@code [maxLen, dim]}. */
    public Tensor weight() {
        return parameter("weight");
    }

    /**
     * Adds {@code x + weight[:T]} to {@code g} for {@code x [..., T, dim]}.
     *
     * @throws dev.vectornn.tensor.ShapeException if the shape does not fit
     */
    public Node forward(Graph g, Node x) {
        int t = SinusoidalPositionalEncoding.checkSequence(x, maxLen, dim, "LearnedPositionalEmbedding");
        Node w = param(g, "weight");
        return g.add(x, t == maxLen ? w : g.slice(w, 0, 0, t));
    }
}
