package dev.vectornn.nn;

import dev.vectornn.graph.Graph;
import dev.vectornn.graph.Node;
import dev.vectornn.tensor.DType;
import dev.vectornn.tensor.ShapeException;
import dev.vectornn.tensor.Tensor;

/**
 * The fixed positional encoding of Vaswani et al. (2017), added to a sequence of embeddings:
 * {@code PE[pos, 2i] = sin(pos / 10000^(2i/d))}, {@code PE[pos, 2i+1] = cos(pos / 10000^(2i/d))}.
 * It has no parameters (nothing in the state dict); the table enters graphs as a constant.
 */
public class SinusoidalPositionalEncoding extends Module {
    private final int maxLen;
    private final int dim;
    private final Tensor table;

    /**
     * An encoding for sequences of up to {@code maxLen} positions of {@code dim} features.
     *
     * @throws IllegalArgumentException for sizes below 1
     */
    public SinusoidalPositionalEncoding(int maxLen, int dim) {
        this.maxLen = maxLen;
        this.dim = dim;
        this.table = table(maxLen, dim);
    }

    /**
     * The table {@code [len, dim]} (F32, computed in double, rounded once). An odd {@code dim}
     * ends with a sine column.
     *
     * @throws IllegalArgumentException for sizes below 1
     */
    public static Tensor table(int len, int dim) {
        if (len < 1 || dim < 1) throw new IllegalArgumentException("positional encoding: sizes must be >= 1, got " + len + ", " + dim);
        Tensor t = Tensor.zeros(DType.F32, len, dim);
        for (int pos = 0; pos < len; pos++) {
            for (int j = 0; j < dim; j++) {
                int twoI = j - (j & 1);
                double angle = pos / Math.pow(10000.0, (double) twoI / dim);
                t.setFlat(pos * dim + j, (j & 1) == 0 ? Math.sin(angle) : Math.cos(angle));
            }
        }
        return t;
    }

    /**
     * Adds {@code x + PE[:T]} to {@code g} for {@code x [..., T, dim]} (batch-first).
     *
     * @throws ShapeException if {@code x}'s last dimension is not {@code dim} or {@code T > maxLen}
     */
    public Node forward(Graph g, Node x) {
        int t = checkSequence(x, maxLen, dim, "SinusoidalPositionalEncoding");
        float[] rows = java.util.Arrays.copyOf(table.floats(), t * dim); // row-major: the first T rows
        return g.add(x, g.constant(Tensor.of(rows, t, dim)));
    }

    /** Checks {@code x [..., T, dim]} with {@code T <= maxLen}; returns {@code T}. */
    static int checkSequence(Node x, int maxLen, int dim, String who) {
        var s = x.shape();
        if (s.rank() < 2 || s.dim(-1) != dim || s.dim(-2) > maxLen) {
            throw new ShapeException(who + ": x is " + s + "; expected [..., T, " + dim + "] with T <= " + maxLen);
        }
        return s.dim(-2);
    }
}
