package dev.vectornn.graph;

import static org.junit.jupiter.api.Assertions.*;

import dev.vectornn.tensor.DType;
import dev.vectornn.tensor.Shape;
import dev.vectornn.tensor.ShapeException;
import dev.vectornn.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Build-time checks: shapes inferred, mismatches reported with op, argument, shapes and call site. */
class GraphBuildTest {

    private static int line() {
        return StackWalker.getInstance().walk(s -> s.skip(1).findFirst().orElseThrow()).getLineNumber();
    }

    @Test
    void matmulInnerDimensionMessageNamesEverything() {
        Graph g = new Graph();
        Node a = g.input("a", 32, 128);
        Node b = g.input("b", 64, 256);
        int line = line() + 1;
        ShapeException e = assertThrows(ShapeException.class, () -> g.matmul(a, b));
        assertEquals("matmul: a is [32, 128], b is [64, 256]; inner dimensions 128 and 64 differ (built at GraphBuildTest.java:"
                + line + ")", e.getMessage());
    }

    @Test
    void broadcastMismatchNamesBothShapes() {
        Graph g = new Graph();
        ShapeException e = assertThrows(ShapeException.class, () -> g.add(g.input("x", 4, 3), g.input("y", 4)));
        assertTrue(e.getMessage().startsWith("add: a is [4, 3], b is [4]; they do not broadcast (dimension -1 is 3 vs 4)"),
                e.getMessage());
        assertTrue(e.getMessage().contains("(built at GraphBuildTest.java:"), e.getMessage());
    }

    @Test
    void shapesAreInferred() {
        Graph g = new Graph();
        Node x = g.input("x", 2, 3, 4);
        assertEquals(Shape.of(2, 4, 3), g.permute(x, 0, 2, 1).shape());
        assertEquals(Shape.of(2, 3, 5), g.matmul(x, g.input("w", 4, 5)).shape());
        assertEquals(Shape.of(2, 4), g.sum(x, 1).shape());
        assertEquals(Shape.of(1, 3, 1), g.mean(x, true, 0, -1).shape());
        assertEquals(Shape.scalar(), g.sum(x).shape());
        assertEquals(Shape.of(6, 4), g.reshape(x, -1, 4).shape());
        assertEquals(Shape.of(2, 3, 8), g.concat(-1, x, x).shape());
        Node[] parts = g.split(x, 1, 1, 2);
        assertEquals(Shape.of(2, 2, 4), parts[1].shape());
        Node ids = g.indexInput("ids", 5, 7);
        assertEquals(Shape.of(5, 7, 16), g.gather(g.input("emb", 100, 16), ids).shape());
        assertEquals(Shape.scalar(), g.crossEntropy(g.input("logits", 5, 7, 10), ids).shape());
        assertEquals(Shape.of(3, 2, 5), g.matmul(g.input("p", 3, 4, 2), g.input("q", 3, 4, 5), true, false).shape());
    }

    @Test
    void otherShapeErrors() {
        Graph g = new Graph();
        Node x = g.input("x", 2, 3);
        assertMessage(() -> g.reshape(x, 4, 2), "reshape: x is [2, 3] (6 elements), cannot become [4, 2] (8 elements)");
        assertMessage(() -> g.permute(x, 0, 0), "permute: x is [2, 3]; [0, 0] is not a permutation of 0..1");
        assertMessage(() -> g.slice(x, 1, 2, 5), "slice: x is [2, 3]; range [2, 5) is not within [0, 3] along axis 1");
        assertMessage(() -> g.concat(0, x, g.input("y", 2, 4)), "concat: inputs[0] is [2, 3], inputs[1] is [2, 4]");
        assertMessage(() -> g.concat(5, x, x), "concat: axis 5 is out of range for inputs[0] [2, 3] of rank 2");
        Node huge = g.input("huge", Integer.MAX_VALUE - 1, 0);
        assertMessage(() -> g.concat(0, huge, huge), "concat: the inputs' sizes along axis 0 add up to 4294967292, more than 2^31-1");
        assertMessage(() -> g.sum(x, 2), "sum: x is [2, 3]; axis 2 is out of range");
        assertMessage(() -> g.layerNorm(x, g.input("gm", 2), g.input("bt", 3), 1e-5),
                "layerNorm: x is [2, 3], gamma is [2]; gamma must be [3]");
        assertMessage(() -> g.mse(x, g.input("t", 3, 2)), "mse: pred is [2, 3], target is [3, 2]; they must be equal");
        assertMessage(() -> g.crossEntropy(x, g.indexInput("c", 3)), "crossEntropy: logits is [2, 3], targets is [3]");
        assertMessage(() -> g.matmul(g.input("b3", 2, 3, 4), g.input("c3", 5, 4, 2)), "batch dimensions 2 and 5 differ");
        assertMessage(() -> g.causalMask(x), "causalMask: scores is [2, 3]; it must end in a square [T, T]");
        assertMessage(() -> g.maskedFill(x, g.input("m", 3, 3), 0), "maskedFill: x is [2, 3], mask is [3, 3]");
    }

    @Test
    void labelSmoothingOutsideTheUnitIntervalIsRejected() {
        Graph g = new Graph();
        Node x = g.input("x", 2, 3);
        Node t = g.indexInput("t", 2);
        for (double eps : new double[] {-0.1, 1.5, Double.NaN}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> g.crossEntropy(x, t, -100, eps));
            assertTrue(e.getMessage().startsWith("crossEntropy: label smoothing must be in [0, 1], got " + eps
                    + " (built at GraphBuildTest.java:"), e.getMessage());
        }
        assertEquals(Shape.scalar(), g.crossEntropy(x, t, -100, 1.0).shape());
    }

    private static void assertMessage(org.junit.jupiter.api.function.Executable e, String expected) {
        ShapeException ex = assertThrows(ShapeException.class, e);
        assertTrue(ex.getMessage().contains(expected), "expected <" + expected + "> in <" + ex.getMessage() + ">");
        assertTrue(ex.getMessage().contains("(built at GraphBuildTest.java:"), ex.getMessage());
    }

    @Test
    void argumentKindsAndOwnershipAreChecked() {
        Graph g = new Graph();
        Node x = g.input("x", 4, 3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> g.gather(x, x));
        assertTrue(e.getMessage().startsWith("gather: indices must be an index input"), e.getMessage());
        Node ids = g.indexInput("ids", 4);
        assertThrows(IllegalArgumentException.class, () -> g.relu(ids));
        Graph other = new Graph();
        e = assertThrows(IllegalArgumentException.class, () -> g.add(x, other.input("y", 4, 3)));
        assertTrue(e.getMessage().contains("b (y [4, 3]"), e.getMessage());
        assertTrue(e.getMessage().contains("belongs to another graph"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> g.input("x", 1));
        assertThrows(IllegalArgumentException.class, () -> g.dropout(x, 1.5));
    }

    @Test
    void nodesRecordTheirCallSite() {
        Graph g = new Graph();
        int line = line() + 1;
        Node n = g.tanh(g.param("w", Tensor.zeros(DType.F32, 2)));
        assertEquals("GraphBuildTest.java:" + line, n.callSite());
        assertEquals("tanh#1 [2] (built at GraphBuildTest.java:" + line + ")", n.toString());
        assertEquals(Ops.TANH, n.op());
        assertEquals(1, g.parameters().size());
    }

    @Test
    void registryIsConsistent() {
        java.util.Set<String> names = new java.util.HashSet<>();
        for (OpDef op : Ops.all()) assertTrue(names.add(op.name()), "duplicate op name " + op.name());
        assertSame(Ops.MATMUL, Ops.byName("matmul"));
        assertThrows(IllegalArgumentException.class, () -> Ops.byName("nope"));
    }
}
