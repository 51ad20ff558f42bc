package dev.vectornn.properties.kernel;

import static dev.vectornn.properties.kernel.Gen.scalar;
import static dev.vectornn.properties.kernel.Gen.vector;

import dev.vectornn.kernel.Kernels;
import dev.vectornn.properties.kernel.Gen.Vec;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;

/**
 * Cross-entropy's fused VJP ({@code Kernels.crossEntropyBackward}), vector vs scalar, from a
 * true log-softmax, with ignored rows, label smoothing, overwrite and accumulate. The only
 * transcendental is exp (within {@value TranscendentalProperties#ULPS} ulp); the target element
 * subtracts up to 1 from a value up to 1, so its error is absolute: per element
 * {@code |scale| (ULPS + 2) U (|g| + 1)} plus, when accumulating, the add's {@code 2 U |dx|}.
 * Ignored rows and everything outside dx must match exactly.
 */
class CrossEntropyProperties {

    record Case(int rows, int classes, Vec logits, Vec dx, int[] targets, float smoothing, float scale,
                boolean accumulate) {}

    static Arbitrary<Integer> classes() {
        return Arbitraries.frequencyOf(Tuple.of(6, Gen.extents().filter(c -> c > 0)),
                Tuple.of(1, Arbitraries.integers().between(300, 2100)));
    }

    @Provide
    Arbitrary<Case> cases() {
        return Combinators.combine(Arbitraries.integers().between(0, 6), classes()).flatAs((rows, classes) -> {
            int n = rows * classes;
            Arbitrary<int[]> targets = Arbitraries.frequencyOf(
                            Tuple.of(5, Arbitraries.integers().between(0, classes - 1)),
                            Tuple.of(1, Arbitraries.just(-100)))
                    .list().ofSize(rows).map(l -> l.stream().mapToInt(Integer::intValue).toArray());
            Arbitrary<Float> smoothing = Arbitraries.frequencyOf(Tuple.of(2, Arbitraries.just(0f)),
                    Tuple.of(1, Arbitraries.floats().between(0f, 1f)));
            return Combinators.combine(Gen.vec(n, Gen.moderate(40f)), Gen.vec(n, Gen.moderate(4f)), targets,
                            smoothing, Gen.moderate(3f), Arbitraries.of(false, true))
                    .as((logits, dx, t, eps, scale, acc) -> new Case(rows, classes, logits, dx, t, eps, scale, acc));
        });
    }

    private static float[] run(Kernels k, Case c, float[] lp) {
        float[] dx = c.dx().data().clone();
        k.crossEntropyBackward(c.rows(), c.classes(), lp, 0, c.targets(), 0, -100, c.smoothing(), c.scale(), dx,
                c.dx().off(), c.accumulate());
        return dx;
    }

    @Property
    void vectorMatchesScalar(@ForAll("cases") Case c) {
        Statistics.label("classes").collect(Gen.sizeClass(c.classes()));
        int rows = c.rows(), classes = c.classes();
        float[] lp = new float[rows * classes];
        scalar().logSoftmax(rows, classes, c.logits().data(), c.logits().off(), classes, lp, 0, classes);
        float[] s = run(scalar(), c, lp);
        float[] v = run(vector(), c, lp);
        String what = "crossEntropyBackward " + rows + "x" + classes + " smoothing=" + c.smoothing() + " scale="
                + c.scale() + " acc=" + c.accumulate();
        int o = c.dx().off();
        float[] before = c.dx().data();
        for (int i = 0; i < s.length; i++) {
            int r = (i - o) / Math.max(1, classes);
            boolean inBody = i >= o && i < o + rows * classes;
            if (!inBody || c.targets()[r] == -100) {
                Check.exact(what + (inBody ? " ignored row " + r : " outside dx") + ", element " + i, s[i], v[i]);
                if (inBody && c.accumulate()) Check.exact(what + " ignored row kept, element " + i, before[i], v[i]);
                continue;
            }
            double g = Math.exp(lp[i - o]);
            double tol = Math.abs(c.scale()) * (TranscendentalProperties.ULPS + 2) * Check.U * (g + 1)
                    + (c.accumulate() ? 2 * Check.U * (Math.abs(before[i]) + Math.abs(s[i])) : 0);
            Check.close(what + " at [" + r + "," + (i - o - r * classes) + "] target " + c.targets()[r], s[i], v[i],
                    TranscendentalProperties.ULPS, tol);
        }
    }
}
