package dev.vectornn.nn;

import dev.vectornn.graph.Graph;
import dev.vectornn.graph.Node;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * A multi-layer perceptron: {@link Linear} layers with an activation between them and none
 * after the last (the output is logits or a regression value).
 *
 * <p>Names: the linear layers are {@code layers.0}, {@code layers.1}, ... (a PyTorch
 * {@code nn.ModuleList} of {@code nn.Linear} named {@code layers}), so the state dict holds
 * {@code layers.0.weight}, {@code layers.0.bias}, ...
 */
public class MLP extends Module {
    private final List<Linear> layers = new ArrayList<>();
    private final Activation activation;

    /**
     * An MLP with layer sizes {@code sizes[0] -> sizes[1] -> ... -> sizes[n-1]}.
     *
     * @throws IllegalArgumentException with fewer than two sizes
     */
    @SuppressWarnings("this-escape") // add only registers children in this module's own map
    public MLP(int[] sizes, Activation activation, RandomGenerator rng) {
        if (sizes.length < 2) throw new IllegalArgumentException("MLP: needs at least 2 sizes, got " + sizes.length);
        this.activation = activation;
        Module list = add("layers", new Module());
        for (int i = 0; i + 1 < sizes.length; i++) layers.add(list.add(Integer.toString(i), new Linear(sizes[i], sizes[i + 1], rng)));
    }

    /** The linear layers in order. */
    public List<Linear> layers() {
        return Collections.unmodifiableList(layers);
    }

    /** The activation used between layers. */
    public Activation activation() {
        return activation;
    }

    /** Adds the MLP on {@code x [..., sizes[0]]} to {@code g}; returns {@code [..., sizes[n-1]]}. */
    public Node forward(Graph g, Node x) {
        Node h = x;
        for (int i = 0; i < layers.size(); i++) {
            h = layers.get(i).forward(g, h);
            if (i + 1 < layers.size()) h = activation.apply(g, h);
        }
        return h;
    }
}
