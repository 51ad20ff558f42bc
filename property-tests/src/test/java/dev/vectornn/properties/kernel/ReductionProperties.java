package dev.vectornn.properties.kernel;

import static dev.vectornn.properties.kernel.Gen.scalar;
import static dev.vectornn.properties.kernel.Gen.vector;

import dev.vectornn.properties.kernel.Gen.Vec;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;

/**
 * Reductions. max and argmax are exact (order cannot matter for them). sum and dot may sum in
 * any order, so they are held to the bound {@code Kernels#dot} documents,
 * {@code |v - s| <= (n + 2) * 2^-23 * sum|t_i| + n * 2^-148}: each of the two results is within
 * about {@code n * 2^-24 * sum|t_i|} of the exact sum (recursive summation; an FMA only removes
 * roundings), and the second term covers products that underflow. Non-finite results are
 * order-independent as long as no partial sum can overflow: the generators keep
 * {@code sum|t_i|} far below {@code Float.MAX_VALUE}, and when it is not (a rare huge product),
 * only the NaN-ness and sign of infinities that the terms themselves force are checked.
 */
class ReductionProperties {

    @Provide
    Arbitrary<List<Vec>> summables() {
        return Gen.vecs(2, Gen.summable(1e30f));
    }

    /** Products of two such values stay below 1e36 (far from MAX_VALUE) even in huge sums. */
    @Provide
    Arbitrary<List<Vec>> dottables() {
        return Gen.vecs(2, Gen.summable(1e16f));
    }

    @Property
    void sumWithinOrderBound(@ForAll("summables") List<Vec> v) {
        Vec x = v.get(0);
        Gen.collectSize(x.n());
        Statistics.label("n").coverage(cov -> {
            for (String k : new String[] {"0", "1", "lanes-1", "lanes", "lanes+1"}) {
                cov.check(k).count(cnt -> cnt > 0);
            }
        });
        float s = scalar().sum(x.n(), x.copy(), x.off());
        float r = vector().sum(x.n(), x.copy(), x.off());
        double[] t = new double[x.n()];
        for (int i = 0; i < x.n(); i++) t[i] = x.get(i);
        checkSum("sum", x.n(), t, s, r);
    }

    @Property
    void dotWithinOrderBound(@ForAll("dottables") List<Vec> v) {
        Vec x = v.get(0), y = v.get(1);
        Gen.collectSize(x.n());
        float s = scalar().dot(x.n(), x.copy(), x.off(), y.copy(), y.off());
        float r = vector().dot(x.n(), x.copy(), x.off(), y.copy(), y.off());
        double[] t = new double[x.n()];
        for (int i = 0; i < x.n(); i++) t[i] = (double) x.get(i) * y.get(i); // exact in double
        checkSum("dot", x.n(), t, s, r);
    }

    /** Shared check for sum and dot, given the exact terms {@code t}. */
    static void checkSum(String what, int n, double[] t, float s, float v) {
        boolean nan = false, posInf = false, negInf = false;
        double mag = 0;
        for (double d : t) {
            if (Double.isNaN(d)) nan = true;
            else if (d == Double.POSITIVE_INFINITY) posInf = true;
            else if (d == Double.NEGATIVE_INFINITY) negInf = true;
            else mag += Math.abs(d);
        }
        boolean canOverflow = mag >= 0x1p126; // a partial sum or a float product may reach MAX_VALUE
        Statistics.label("terms").collect(nan || (posInf && negInf) ? "NaN" : posInf || negInf ? "Inf" : canOverflow ? "may overflow" : "finite");
        if (nan || (posInf && negInf)) {
            Check.exact(what + " of terms holding NaN or both infinities", Float.NaN, v);
            Check.exact(what + " (scalar) of terms holding NaN or both infinities", Float.NaN, s);
            return;
        }
        if (canOverflow) {
            return; // the result depends on the order; see the class comment
        }
        if (posInf || negInf) {
            float inf = posInf ? Float.POSITIVE_INFINITY : Float.NEGATIVE_INFINITY;
            Check.exact(what + " with an infinite term", inf, v);
            Check.exact(what + " (scalar) with an infinite term", inf, s);
            return;
        }
        double tol = (n + 2) * 0x1p-23 * mag + n * 0x1p-148;
        Check.close(what + " n=" + n + " sum|t|=" + mag, s, v, 0, tol);
    }

    /** Lengths chosen so each lane of a vector accumulator gets a share, and an 8-way unroll too. */
    @Example
    void dotOfOnesCountsExactly() {
        for (int n : new int[] {1, Gen.LANES - 1, Gen.LANES, 8 * Gen.LANES + 3, 70_001}) {
            float[] x = new float[n + 1];
            java.util.Arrays.fill(x, 1f);
            Check.exact("dot of " + n + " ones", n, vector().dot(n, x, 1, x, 0));
            Check.exact("sum of " + n + " ones", n, vector().sum(n, x, 1));
        }
    }

    // ------------------------------------------------------------------ max, argmax

    @Provide
    Arbitrary<Vec> nonEmpty() {
        // Few distinct values so ties are common (argmax must pick the first), plus the special ones.
        Arbitrary<Float> values = Arbitraries.frequencyOf(
                Tuple.of(5, Gen.anyFloat()),
                Tuple.of(3, Arbitraries.of(-2f, -1f, 0f, -0f, 1f, 2f)),
                Tuple.of(1, Arbitraries.of(Float.NEGATIVE_INFINITY, -Float.MAX_VALUE)));
        return Combinators.combine(Gen.lengths(), Arbitraries.integers().between(1, 4))
                .flatAs((n, extra) -> Gen.vec(n == 0 ? extra : n, values));
    }

    @Property
    void maxIsExact(@ForAll("nonEmpty") Vec x) {
        Gen.collectSize(x.n());
        float s = scalar().max(x.n(), x.copy(), x.off());
        float v = vector().max(x.n(), x.copy(), x.off());
        Statistics.label("result").collect(Float.isNaN(s) ? "NaN" : Float.isInfinite(s) ? "Inf" : "finite");
        Check.exact("max n=" + x.n(), s, v);
    }

    @Property
    void argmaxIsExact(@ForAll("nonEmpty") Vec x) {
        Gen.collectSize(x.n());
        int s = scalar().argmax(x.n(), x.copy(), x.off());
        int v = vector().argmax(x.n(), x.copy(), x.off());
        if (s != v) {
            throw new AssertionError("argmax n=" + x.n() + ": scalar " + s + " (" + x.get(s) + "), vector " + v
                    + " (" + (v >= 0 && v < x.n() ? x.get(v) : "out of range") + ")");
        }
    }

    /** The first NaN wins over a later NaN, over +Inf, and over an equal maximum in a later lane. */
    @Example
    void argmaxPicksFirstNaNThenFirstMax() {
        int n = 4 * Gen.LANES + 3;
        float[] x = new float[n];
        x[3] = Float.POSITIVE_INFINITY;
        x[Gen.LANES + 2] = Float.NaN;
        x[n - 1] = Float.NaN;
        for (var k : new dev.vectornn.kernel.Kernels[] {scalar(), vector()}) {
            if (k.argmax(n, x, 0) != Gen.LANES + 2) throw new AssertionError(k.name() + " argmax with NaN: " + k.argmax(n, x, 0));
            if (!Float.isNaN(k.max(n, x, 0))) throw new AssertionError(k.name() + " max with NaN: " + k.max(n, x, 0));
        }
        float[] ties = new float[n];
        java.util.Arrays.fill(ties, -1f);
        ties[Gen.LANES + 1] = 5f;
        ties[n - 2] = 5f;
        for (var k : new dev.vectornn.kernel.Kernels[] {scalar(), vector()}) {
            if (k.argmax(n, ties, 0) != Gen.LANES + 1) throw new AssertionError(k.name() + " argmax of ties: " + k.argmax(n, ties, 0));
        }
        // max(-0, +0): Math.max says +0 regardless of order
        float[] zeros = new float[n];
        java.util.Arrays.fill(zeros, -0f);
        zeros[n - 1] = 0f;
        for (var k : new dev.vectornn.kernel.Kernels[] {scalar(), vector()}) {
            Check.exact(k.name() + " max of -0 and +0", 0f, k.max(n, zeros, 0));
        }
    }
}
