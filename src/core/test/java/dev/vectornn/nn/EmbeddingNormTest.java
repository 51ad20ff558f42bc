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

/** Embedding, positional encodings, LayerNorm and Dropout. */
class EmbeddingNormTest {

    @Test
    void embeddingLooksUpRowsAndPaddingRowGetsNoGradient() {
        Embedding e = new Embedding(5, 3, 2, new SplittableRandom(1));
        assertEquals(Shape.of(5, 3), e.stateDict().get("weight").shape());
        for (int j = 0; j < 3; j++) assertEquals(0f, e.weight().floats()[2 * 3 + j]);
        Graph g = new Graph();
        Node idx = g.indexInput("idx", 2, 2);
        Node y = e.forward(g, idx);
        assertEquals(Shape.of(2, 2, 3), y.shape());
        Node loss = g.sum(g.square(y));
        Plan p = g.compile(PlanOptions.forTraining(), loss, y);
        p.feed("idx", new int[] {4, 2, 2, 0});
        p.forward();
        Tensor out = p.output(y);
        for (int j = 0; j < 3; j++) {
            assertEquals(e.weight().get(4, j), out.get(0, 0, j));
            assertEquals(0.0, out.get(0, 1, j));
            assertEquals(e.weight().get(0, j), out.get(1, 1, j));
        }
        p.backward();
        Tensor gr = p.grad("weight");
        for (int j = 0; j < 3; j++) {
            assertEquals(0.0, gr.get(2, j), "padding row");
            assertEquals(2 * e.weight().get(4, j), gr.get(4, j), 1e-6);
            assertEquals(0.0, gr.get(1, j), "unused row");
        }
    }

    @Test
    void embeddingGradcheckAndInitIsStandardNormal() {
        Embedding e = new Embedding(4, 2, new SplittableRandom(2));
        Graph g = new Graph();
        Node idx = g.indexInput("idx", 3);
        NnTesting.assertGradCheck(g, e.forward(g, idx), Map.of("idx", new int[] {1, 3, 1}));
        Embedding big = new Embedding(100, 100, new SplittableRandom(3));
        double s = 0, s2 = 0;
        for (float v : big.weight().floats()) {
            s += v;
            s2 += v * v;
        }
        assertEquals(0, s / 10000, 0.05);
        assertEquals(1, s2 / 10000, 0.05);
        assertThrows(IllegalArgumentException.class, () -> new Embedding(4, 2, 4, new SplittableRandom(1)));
    }

    @Test
    void sinusoidalTableIsVaswanis() {
        Tensor t = SinusoidalPositionalEncoding.table(7, 6);
        for (int pos = 0; pos < 7; pos++) {
            for (int i = 0; i < 3; i++) {
                double angle = pos / Math.pow(10000, 2.0 * i / 6);
                assertEquals((float) Math.sin(angle), t.get(pos, 2 * i));
                assertEquals((float) Math.cos(angle), t.get(pos, 2 * i + 1));
            }
        }
        var pe = new SinusoidalPositionalEncoding(7, 6);
        assertTrue(pe.stateDict().isEmpty());
        Graph g = new Graph();
        Node x = g.input("x", 2, 3, 6);
        Node y = pe.forward(g, x);
        Plan p = g.compile(PlanOptions.forInference(), y);
        p.feed("x", new float[36]);
        p.forward();
        Tensor out = p.output(y);
        assertEquals(t.get(2, 3), out.get(1, 2, 3));
        assertThrows(ShapeException.class, () -> pe.forward(g, g.input("long", 1, 8, 6)));
        assertThrows(ShapeException.class, () -> pe.forward(g, g.input("wide", 1, 3, 5)));
    }

    @Test
    void learnedPositionalEmbeddingAddsRowsAndGradchecks() {
        var pe = new LearnedPositionalEmbedding(5, 2, new SplittableRandom(4));
        assertEquals(Shape.of(5, 2), pe.stateDict().get("weight").shape());
        Graph g = new Graph();
        Node x = g.input("x", 2, 3, 2);
        NnTesting.assertGradCheck(g, pe.forward(g, x), Map.of("x", NnTesting.randomDoubles(12, 5)));
    }

    @Test
    void layerNormNormalizesAndGradchecks() {
        LayerNorm ln = new LayerNorm(4);
        assertEquals(1e-5, ln.eps());
        assertArrayEquals(new float[] {1, 1, 1, 1}, ln.stateDict().get("weight").floats());
        assertArrayEquals(new float[4], ln.stateDict().get("bias").floats());
        Graph g = new Graph();
        Node x = g.input("x", 1, 4);
        Node y = ln.forward(g, x);
        Plan p = g.compile(PlanOptions.forInference(), y);
        p.feed("x", new float[] {1, 2, 3, 4});
        p.forward();
        double sd = Math.sqrt(1.25 + 1e-5);
        Tensor out = p.output(y);
        for (int i = 0; i < 4; i++) assertEquals((i + 1 - 2.5) / sd, out.getFlat(i), 1e-6);
        Init.uniform(ln.stateDict().get("weight"), 0.5, 1.5, new SplittableRandom(1));
        Init.uniform(ln.stateDict().get("bias"), -1, 1, new SplittableRandom(2));
        Graph g2 = new Graph();
        Node x2 = g2.input("x", 3, 4);
        NnTesting.assertGradCheck(g2, ln.forward(g2, x2), Map.of("x", NnTesting.randomDoubles(12, 6)));
    }

    @Test
    void dropoutZeroesInTrainingOnlyAndIsSeeded() {
        Dropout d = new Dropout(0.5);
        Graph g = new Graph();
        Node x = g.input("x", 1000);
        Node y = d.forward(g, x);
        Node loss = g.sum(y);
        float[] ones = new float[1000];
        java.util.Arrays.fill(ones, 1f);
        Plan train = g.compile(PlanOptions.forTraining().withSeed(7), loss, y);
        train.feed("x", ones);
        train.forward();
        Tensor a = train.output(y);
        int zeros = 0;
        for (int i = 0; i < 1000; i++) {
            assertTrue(a.getFlat(i) == 0 || a.getFlat(i) == 2);
            if (a.getFlat(i) == 0) zeros++;
        }
        assertTrue(zeros > 430 && zeros < 570, "zeros " + zeros);
        train.setSeed(7);
        train.forward();
        assertArrayEquals(a.floats(), train.output(y).floats());
        Plan inf = g.compile(PlanOptions.forInference(), y);
        inf.feed("x", ones);
        inf.forward();
        assertArrayEquals(ones, inf.output(y).floats());
        assertSame(x, new Dropout(0).forward(g, x));
        assertThrows(IllegalArgumentException.class, () -> new Dropout(1.5));
    }
}
