package dev.vectornn.properties.graph;

import static dev.vectornn.properties.graph.GraphGen.assertGradients;

import dev.vectornn.graph.Graph;
import dev.vectornn.graph.Node;
import dev.vectornn.properties.graph.GraphGen.Feeds;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Random compositions: DAGs of 2 to 6 ops over {@code [n, n]} values (so matmul, transpose and
 * keep-dims reductions compose freely, and reductions broadcast back), each op reading one or two
 * earlier nodes (so values fan out and gradients accumulate), gradchecked end to end in F64.
 * Only smooth ops are drawn, so no input sits on a kink.
 */
class RandomGraphProperties {

    @Property(tries = 150)
    void randomDagsPassGradcheck(@ForAll @Size(min = 2, max = 6) List<@IntRange(min = 0, max = 11) Integer> ops,
                                 @ForAll @Size(min = 12, max = 12) List<@IntRange(min = 0, max = 99) Integer> picks,
                                 @ForAll @IntRange(min = 1, max = 4) int n, @ForAll long seed) {
        Graph g = new Graph();
        Feeds f = new Feeds(seed);
        List<Node> nodes = new ArrayList<>();
        nodes.add(f.in(g, "x", -1, 1, n, n));
        nodes.add(f.in(g, "y", -1, 1, n, n));
        for (int i = 0; i < ops.size(); i++) {
            Node a = nodes.get(picks.get(2 * i) % nodes.size());
            Node b = nodes.get(picks.get(2 * i + 1) % nodes.size());
            Node r = switch (ops.get(i)) {
                case 0 -> g.add(a, b);
                case 1 -> g.sub(a, g.mul(b, 0.5));
                case 2 -> g.mul(a, b);
                case 3 -> g.tanh(a);
                case 4 -> g.sigmoid(g.add(a, b));
                case 5 -> g.gelu(a);
                case 6 -> g.matmul(a, b, picks.get(2 * i) % 2 == 0, picks.get(2 * i + 1) % 2 == 0);
                case 7 -> g.transpose(a, 0, 1);
                case 8 -> g.softmax(a);
                case 9 -> g.add(a, g.mean(b, true, 1)); // a [n,1] column broadcast back over rows
                case 10 -> g.mul(a, g.sum(b, true, 0)); // a [1,n] row broadcast
                default -> g.layerNorm(g.add(a, b), g.constant(ones(n)), g.constant(zeros(n)), 1e-5);
            };
            nodes.add(r);
        }
        assertGradients(g, nodes.get(nodes.size() - 1), f);
    }

    private static dev.vectornn.tensor.Tensor ones(int n) {
        return dev.vectornn.tensor.Tensor.full(dev.vectornn.tensor.DType.F64, dev.vectornn.tensor.Shape.of(n), 1);
    }

    private static dev.vectornn.tensor.Tensor zeros(int n) {
        return dev.vectornn.tensor.Tensor.zeros(dev.vectornn.tensor.DType.F64, n);
    }
}
