package dev.vectornn.nn;

import dev.vectornn.graph.Graph;
import dev.vectornn.graph.Node;
import dev.vectornn.tensor.DType;
import dev.vectornn.tensor.Tensor;
import java.util.random.RandomGenerator;

/**
 * A lookup table of {@code num} vectors of size {@code dim}, PyTorch's {@code nn.Embedding}:
 * parameter {@code weight [num, dim]} initialized {@code N(0, 1)}.
 *
 * <p>With a padding index, that row starts at zero and receives no gradient, so it stays as it is
 * under any optimizer without weight decay; as in PyTorch, it is looked up as stored, so a
 * loaded non-zero padding row is returned as it is.
 */
public class Embedding extends Module {
    private final int num;
    private final int dim;
    private final int paddingIdx;

    /** An embedding without padding index. */
    public Embedding(int num, int dim, RandomGenerator rng) {
        this(num, dim, -1, rng);
    }

    /**
     * An embedding.
     *
     * @param paddingIdx the padding row in {@code [0, num)}, or {@link #NO_PADDING}; other negative
     *     values are rejected (PyTorch counts them from the end: pass {@code num + idx})
     * @throws IllegalArgumentException for sizes below 1 or a padding index out of range
     */
    @SuppressWarnings("this-escape") // registerParameter only stores into this module's own map
    public Embedding(int num, int dim, int paddingIdx, RandomGenerator rng) {
        if (num < 1 || dim < 1) throw new IllegalArgumentException("Embedding: sizes must be >= 1, got " + num + ", " + dim);
        if (paddingIdx != NO_PADDING && (paddingIdx < 0 || paddingIdx >= num)) {
            throw new IllegalArgumentException("Embedding: padding index " + paddingIdx + " is not in [0, " + num + ")");
        }
        this.num = num;
        this.dim = dim;
        this.paddingIdx = paddingIdx;
        Tensor w = Init.normal(Tensor.zeros(DType.F32, num, dim), 0, 1, rng);
        if (paddingIdx != NO_PADDING) for (int j = 0; j < dim; j++) w.setFlat(paddingIdx * dim + j, 0);
        registerParameter("weight", w);
    }

    /** Marks an embedding without padding index. */
    public static final int NO_PADDING = -1;

    /** Number of rows. */
    public int numEmbeddings() {
        return num;
    }

    /** Row size. */
    public int embeddingDim() {
        return dim;
    }

    /** The padding row, or {@link #NO_PADDING}. */
    public int paddingIdx() {
        return paddingIdx;
    }

    /** The live table {@code [num, dim]}. */
    public Tensor weight() {
        return parameter("weight");
    }

    /**
     * The table as a node of {@code g} (the same node {@link #forward} uses), for weight tying: a
     * language model's output layer can multiply by it, so both uses train one tensor.
     */
    public Node weightNode(Graph g) {
        return param(g, "weight");
    }

    /**
     * Adds the lookup of {@code indices} (an index input of any shape; values in {@code [0, num)},
     * checked when the plan runs) to {@code g}.
     *
     * @return {@code indices.shape + [dim]}
     * @throws IllegalArgumentException if {@code indices} is not an index input
     */
    public Node forward(Graph g, Node indices) {
        Node table = param(g, "weight");
        return paddingIdx == NO_PADDING ? g.gather(table, indices) : g.gather(table, indices, paddingIdx);
    }
}
