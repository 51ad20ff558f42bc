package dev.vectornn.properties.graph;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vectornn.graph.GradCheck;
import dev.vectornn.graph.Graph;
import dev.vectornn.graph.Node;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * Shared generators and the gradcheck assertion for the graph properties. Shapes are small
 * (dimensions 1..4, rank 1..3) so that a full element-wise gradcheck stays cheap, and include
 * size-1 dimensions, which are where broadcasting bugs live. Values come from a seeded generator
 * so a failing case replays exactly.
 */
final class GraphGen {
    private GraphGen() {}

    /** Dimensions of rank {@code minRank..maxRank}, each 1..4. */
    static Arbitrary<int[]> shape(int minRank, int maxRank) {
        return Arbitraries.integers().between(1, 4).array(int[].class).ofMinSize(minRank).ofMaxSize(maxRank);
    }

    /** A shape and a second shape that broadcasts with it (some dimensions set to 1, some leading ones dropped). */
    static Arbitrary<int[][]> broadcastPair() {
        Arbitrary<int[]> base = shape(1, 3);
        return base.flatMap(a -> Combinators.combine(
                Arbitraries.integers().between(0, a.length - 1),
                Arbitraries.integers().between(0, (1 << a.length) - 1),
                Arbitraries.of(true, false)).as((drop, ones, swap) -> {
                    int[] b = new int[a.length - drop];
                    for (int i = 0; i < b.length; i++) {
                        int d = a[i + drop];
                        b[i] = (ones >> i & 1) == 1 ? 1 : d;
                    }
                    return swap ? new int[][] {b, a} : new int[][] {a, b};
                }));
    }

    /** Feeds drawn from one seed. */
    static final class Feeds {
        final Map<String, Object> values = new LinkedHashMap<>();
        final SplittableRandom r;

        Feeds(long seed) {
            r = new SplittableRandom(seed);
        }

        Node in(Graph g, String name, double lo, double hi, int... dims) {
            Node n = g.input(name, dims);
            double[] v = new double[n.shape().numel()];
            for (int i = 0; i < v.length; i++) v[i] = lo + (hi - lo) * r.nextDouble();
            values.put(name, v);
            return n;
        }

        /** Values with |x| in [0.05, 2): kink-free for ReLU. */
        Node awayFromZero(Graph g, String name, int... dims) {
            Node n = in(g, name, 0.05, 2, dims);
            double[] v = (double[]) values.get(name);
            for (int i = 0; i < v.length; i++) if (r.nextBoolean()) v[i] = -v[i];
            return n;
        }

        Node idx(Graph g, String name, int bound, int... dims) {
            Node n = g.indexInput(name, dims);
            int[] v = new int[n.shape().numel()];
            for (int i = 0; i < v.length; i++) v[i] = r.nextInt(bound);
            values.put(name, v);
            return n;
        }
    }

    /** Asserts that the F64 gradcheck of {@code out} passes, with the report as the message. */
    static void assertGradients(Graph g, Node out, Feeds f) {
        GradCheck.Report r = GradCheck.check(g, out, f.values, GradCheck.f64());
        assertTrue(r.passed(), r.toString());
    }

    static int[] concat(int[] a, int... b) {
        int[] c = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
