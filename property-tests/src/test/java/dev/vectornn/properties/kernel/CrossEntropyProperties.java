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

    /**
     * The form that reads the logits and 3 saved floats per row ({@code logSoftmaxStats}) gives
     * the bits of the form that reads a saved log-softmax, when that log-softmax is the one the
     * statistics describe: the vector kernels' own {@code logSoftmax}, and for the scalar kernels
     * {@code ((x - m) - hi) - lo} in float. Both kernels' statistics agree (max exactly, the
     * log-sum within {@link #logSumSlack}).
     */
    @Property
    void fromLogitsEqualsFromSavedLogSoftmax(@ForAll("cases") Case c) {
        Statistics.label("classes").collect(Gen.sizeClass(c.classes()));
        int rows = c.rows(), classes = c.classes();
        float[] x = c.logits().data();
        int xo = c.logits().off();
        String what = "crossEntropyBackward from logits " + rows + "x" + classes + " smoothing=" + c.smoothing()
                + " acc=" + c.accumulate();
        float[][] stats = new float[2][];
        for (int which = 0; which < 2; which++) {
            Kernels k = which == 0 ? vector() : scalar();
            float[] st = new float[3 * rows + 1];
            k.logSoftmaxStats(rows, classes, x, xo, classes, st, 1);
            stats[which] = st;
            float[] lp = new float[rows * classes];
            if (which == 0) {
                k.logSoftmax(rows, classes, x, xo, classes, lp, 0, classes);
            } else {
                for (int i = 0; i < lp.length; i++) {
                    int r = i / classes;
                    lp[i] = ((x[xo + i] - st[1 + 3 * r]) - st[2 + 3 * r]) - st[3 + 3 * r];
                }
            }
            float[] want = run(k, c, lp);
            float[] got = c.dx().data().clone();
            k.crossEntropyBackward(rows, classes, x, xo, st, 1, c.targets(), 0, -100, c.smoothing(), c.scale(), got,
                    c.dx().off(), c.accumulate());
            for (int i = 0; i < want.length; i++) {
                Check.exact(what + (which == 0 ? " vector" : " scalar") + ", element " + i, want[i], got[i]);
            }
        }
        for (int r = 0; r < rows; r++) {
            int o = 1 + 3 * r;
            Check.exact(what + " max of row " + r, stats[1][o], stats[0][o]);
            double v = (double) stats[0][o + 1] + stats[0][o + 2], sc = (double) stats[1][o + 1] + stats[1][o + 2];
            Check.close(what + " log-sum of row " + r, (float) sc, (float) v, 4,
                    4 * Check.U * Math.abs(sc) + logSumSlack(classes));
        }
    }

    /**
     * How far the vector log-sum of a row of {@code n} may be from the scalar one, which sums
     * exact-enough double exponentials: an absolute error in {@code log s} is the relative error
     * of {@code s}. The vector sum takes each exp within {@value TranscendentalProperties#ULPS} ulp
     * (up to twice as many U, relatively), adds {@code ceil(n / lanes)} of them per lane in float,
     * one rounding each, then reduces the lanes in a {@code log2(lanes)}-level tree; 2 more U cover
     * the double accumulation and the hi/lo split. A flat 1e-6 (17 U) failed in CI for a 157-class
     * row at 4 lanes: 40 float adds per lane, 18 U off.
     */
    static double logSumSlack(int n) {
        int lanes = Math.max(1, Gen.LANES);
        int treeLevels = 31 - Integer.numberOfLeadingZeros(lanes);
        return (2.0 * TranscendentalProperties.ULPS + (n + lanes - 1) / lanes + treeLevels + 2) * Check.U;
    }
}
