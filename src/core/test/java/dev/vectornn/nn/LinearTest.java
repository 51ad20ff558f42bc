package dev.vectornn.nn;

import static org.junit.jupiter.api.Assertions.*;

import dev.vectornn.graph.Graph;
import dev.vectornn.graph.Node;
import dev.vectornn.graph.Plan;
import dev.vectornn.graph.PlanOptions;
import dev.vectornn.tensor.Shape;
import dev.vectornn.tensor.ShapeException;
import dev.vectornn.tensor.Tensor;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LinearTest {

    @Test
    void forwardIsXWTransposedPlusBiasOnAnyLeadingShape() {
        Linear l = new Linear(2, 3, new SplittableRandom(1));
        System.arraycopy(new float[] {1, 2, 3, 4, 5, 6}, 0, l.weight().floats(), 0, 6); // rows are outputs
        System.arraycopy(new float[] {0.5f, -1, 0}, 0, l.bias().floats(), 0, 3);
        Graph g = new Graph();
        Node x = g.input("x", 2, 1, 2);
        Node y = l.forward(g, x);
        assertEquals(Shape.of(2, 1, 3), y.shape());
        Plan p = g.compile(PlanOptions.forInference(), y);
        p.feed("x", new float[] {1, 0, -1, 2});
        p.forward();
        assertArrayEquals(new float[] {1.5f, 2, 5, 3.5f, 4, 7}, p.output(y).floats());
    }

    @Test
    void wrongInputSizeIsAShapeError() {
        Linear l = new Linear(4, 3, new SplittableRandom(1));
        Graph g = new Graph();
        var e = assertThrows(ShapeException.class, () -> l.forward(g, g.input("x", 2, 5)));
        assertTrue(e.getMessage().contains("[2, 5]") && e.getMessage().contains("[3, 4]"), e.getMessage());
    }

    @Test
    void gradcheck() {
        Linear l = new Linear(3, 2, new SplittableRandom(2));
        Linear nb = new Linear(2, 2, false, new SplittableRandom(3));
        Module root = new Module();
        root.add("a", l);
        root.add("b", nb);
        Graph g = new Graph();
        Node x = g.input("x", 2, 2, 3);
        Node y = nb.forward(g, l.forward(g, x));
        NnTesting.assertGradCheck(g, y, Map.of("x", NnTesting.randomDoubles(12, 4)));
    }

    @Test
    void mlpShapesNamesAndGradcheck() {
        for (Activation a : Activation.values()) {
            MLP m = new MLP(new int[] {3, 5, 4, 2}, a, new SplittableRandom(7));
            assertEquals(java.util.List.of("layers.0.weight", "layers.0.bias", "layers.1.weight", "layers.1.bias",
                    "layers.2.weight", "layers.2.bias"), java.util.List.copyOf(m.stateDict().keySet()));
            assertEquals(Shape.of(4, 5), m.stateDict().get("layers.1.weight").shape());
            Graph g = new Graph();
            Node x = g.input("x", 3, 3);
            Node y = m.forward(g, x);
            assertEquals(Shape.of(3, 2), y.shape());
            NnTesting.assertGradCheck(g, y, Map.of("x", NnTesting.randomDoubles(9, 5)));
        }
    }

    @Test
    void mlpForwardMatchesHandComputation() {
        MLP m = new MLP(new int[] {1, 2, 1}, Activation.RELU, new SplittableRandom(1));
        Tensor w0 = m.layers().get(0).weight(), b0 = m.layers().get(0).bias();
        Tensor w1 = m.layers().get(1).weight(), b1 = m.layers().get(1).bias();
        w0.setFlat(0, 2); w0.setFlat(1, -1); b0.setFlat(0, 0); b0.setFlat(1, 0.5);
        w1.setFlat(0, 3); w1.setFlat(1, 4); b1.setFlat(0, -1);
        Graph g = new Graph();
        Node x = g.input("x", 2, 1);
        Node y = m.forward(g, x);
        Plan p = g.compile(PlanOptions.forInference(), y);
        p.feed("x", new float[] {1, -2});
        p.forward();
        // x=1: h = relu(2, -0.5) = (2, 0) -> 6 - 1 = 5; x=-2: h = relu(-4, 2.5) = (0, 2.5) -> 10 - 1 = 9
        assertArrayEquals(new float[] {5, 9}, p.output(y).floats());
    }
}
