package dev.vectornn.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vectornn.tensor.DType;
import dev.vectornn.tensor.Shape;
import dev.vectornn.tensor.ShapeException;
import dev.vectornn.tensor.Tensor;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Softmax and log-softmax over an axis other than the last. */
class SoftmaxAxisTest {

    private static final double[] X = {0.5, -1.0, 2.0, 0.25, 1.5, 0.0, -0.5, 3.0, -2.0, 1.0, 0.75, -0.25};

    @Test
    void softmaxOverTheFirstAxisNormalizesColumns() {
        Graph g = new Graph();
        Node x = g.input("x", 3, 4);
        Node y = g.softmax(x, 0);
        Node ly = g.logSoftmax(x, -2);
        assertEquals(Shape.of(3, 4), y.shape());
        Plan p = g.compile(new PlanOptions(DType.F64, false, false, 1, java.util.Set.of()), y, ly);
        p.feed("x", X);
        p.forward();
        Tensor out = p.output(y), lout = p.output(ly);
        for (int j = 0; j < 4; j++) {
            double z = 0;
            for (int i = 0; i < 3; i++) z += Math.exp(X[i * 4 + j]);
            for (int i = 0; i < 3; i++) {
                assertEquals(Math.exp(X[i * 4 + j]) / z, out.get(i, j), 1e-15);
                assertEquals(X[i * 4 + j] - Math.log(z), lout.get(i, j), 1e-14);
            }
        }
    }

    @Test
    void gradientsThroughTheMovedAxisPassGradCheck() {
        Graph g = new Graph();
        Node x = g.input("x", 2, 3, 2);
        Node w = g.input("w", 2, 3, 2);
        Node loss = g.sum(g.mul(g.logSoftmax(g.softmax(x, 1), 0), w));
        double[] wv = {0.3, -0.7, 1.1, 0.2, -0.4, 0.9, 0.5, -1.2, 0.8, 0.1, -0.6, 0.4};
        GradCheck.Report r = GradCheck.check(g, loss, Map.of("x", X, "w", wv), GradCheck.f64());
        assertTrue(r.passed(), r.toString());
    }

    @Test
    void anAxisOutOfRangeNamesTheShape() {
        Graph g = new Graph();
        Node x = g.input("x", 3, 4);
        ShapeException e = assertThrows(ShapeException.class, () -> g.softmax(x, 2));
        assertTrue(e.getMessage().startsWith("softmax: axis 2 is out of range for x of shape [3, 4] (built at SoftmaxAxisTest.java:"),
                e.getMessage());
    }
}
