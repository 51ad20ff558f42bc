package dev.vectornn.nn;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vectornn.graph.GradCheck;
import dev.vectornn.graph.Graph;
import dev.vectornn.graph.Node;
import dev.vectornn.tensor.Tensor;
import java.util.Map;
import java.util.SplittableRandom;

/** Shared helpers of the nn tests. */
final class NnTesting {
    private NnTesting() {}

    static double[] randomDoubles(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] d = new double[n];
        for (int i = 0; i < n; i++) d[i] = r.nextDouble(-1, 1);
        return d;
    }

    static float[] randomFloats(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] d = new float[n];
        for (int i = 0; i < n; i++) d[i] = (float) r.nextDouble(-1, 1);
        return d;
    }

    /** F64 gradcheck (PyTorch's defaults) of every parameter and float input of {@code out}; asserts it passes. */
    static GradCheck.Report assertGradCheck(Graph g, Node out, Map<String, ?> feeds) {
        GradCheck.Report r = GradCheck.check(g, out, feeds, GradCheck.f64());
        assertTrue(r.passed(), r.toString());
        assertTrue(r.checked() > 0, "nothing compared: " + r);
        return r;
    }

    static void assertClose(double expected, double actual, double tol, String what) {
        assertTrue(Math.abs(expected - actual) <= tol, what + ": expected " + expected + ", got " + actual);
    }

    static void assertAllWithin(Tensor t, double lo, double hi, String what) {
        for (int i = 0; i < t.numel(); i++) {
            double v = t.getFlat(i);
            assertTrue(v >= lo && v <= hi, what + "[" + i + "] = " + v + " not in [" + lo + ", " + hi + "]");
        }
    }
}
