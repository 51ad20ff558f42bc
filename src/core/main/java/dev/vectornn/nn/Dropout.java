package dev.vectornn.nn;

import dev.vectornn.graph.Graph;
import dev.vectornn.graph.Node;

/**
 * Inverted dropout, PyTorch's {@code nn.Dropout(p)}: in training plans each element is zeroed
 * with probability {@code p} and the rest scaled by {@code 1/(1-p)}; inference plans pass the
 * input through. Masks come from the plan's generator, seeded by
 * {@link dev.vectornn.graph.PlanOptions#withSeed} (or {@link dev.vectornn.graph.Plan#setSeed}),
 * so runs are reproducible. No parameters.
 */
public class Dropout extends Module {
    private final double p;

    /**
     * A dropout layer.
     *
     * @throws IllegalArgumentException unless {@code 0 <= p <= 1}
     */
    public Dropout(double p) {
        if (!(p >= 0 && p <= 1)) throw new IllegalArgumentException("Dropout: p must be in [0, 1], got " + p);
        this.p = p;
    }

    /** The drop probability. */
    public double p() {
        return p;
    }

    /** Adds dropout of {@code x} to {@code g} (nothing when {@code p == 0}). */
    public Node forward(Graph g, Node x) {
        return p == 0 ? x : g.dropout(x, p);
    }
}
