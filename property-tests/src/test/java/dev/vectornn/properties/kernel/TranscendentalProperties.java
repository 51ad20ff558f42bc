package dev.vectornn.properties.kernel;

import static dev.vectornn.properties.kernel.Gen.scalar;
import static dev.vectornn.properties.kernel.Gen.vector;

import dev.vectornn.kernel.Kernels;
import dev.vectornn.kernel.UnaryOp;
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
 * Vector ≡ scalar for the functions that are not one IEEE operation: SQRT, EXP, LOG, TANH,
 * SIGMOID, GELU, GELU_TANH, forward and backward. The scalar oracle computes in double and
 * rounds once, so it is within 1 ulp of the truth; the tolerances below are what a correct
 * float implementation can be held to:
 * <ul>
 *   <li>SQRT: exact (IEEE square root is correctly rounded in float and via double alike).</li>
 *   <li>EXP, LOG, TANH, SIGMOID: {@value #ULPS} ulp, the target the issue sets and VectorMath
 *       documents. NaN must stay NaN and the documented special values (exp(-inf)=0, log(0)=-inf,
 *       tanh(+-inf)=+-1, ...) must match exactly; ulp distance counts subnormals, so flushing
 *       tiny results to zero fails.</li>
 *   <li>GELU and GELU_TANH: {@value #ULPS} ulp ({@value #GELU_ULPS} for GELU, the bound VectorMath
 *       documents) <i>or</i> {@code 4 * 2^-24 * |x|} absolutely.
 *       Both are {@code 0.5x(1 + g(x))} with {@code g} in [-1, 1]; for negative x, {@code 1 + g}
 *       cancels, so an accurate {@code g} still leaves an error of a few {@code 2^-24 |x|} in
 *       float (PyTorch's float kernel has the same), which is tiny next to the size of x.</li>
 * </ul>
 * Backward: {@code dx = dy * f'}. EXP (dy*y) is one multiply: exact. LOG (dy/x) and SQRT
 * (dy*0.5/y) allow a second rounding: {@value #ULPS} ulp. TANH, SIGMOID, GELU, GELU_TANH compute
 * {@code f'} from a difference ({@code 1 - y^2}, {@code y(1-y)}, {@code Phi + x phi}) whose
 * rounding is absolute, not relative: {@value #ULPS} ulp or {@code c * 2^-24 * |dy| * scale}
 * with {@code scale} the size of the terms of {@code f'} (see {@link #backwardTolerance}).
 */
class TranscendentalProperties {

    static final int ULPS = 4;

    /** VectorMath.gelu documents a measured 6 ulp (|x| in [1.5, 3], erfc's reduction and three products): above the 4-ulp target, and held to it. */
    static final int GELU_ULPS = 6;

    static final UnaryOp[] OPS = {UnaryOp.SQRT, UnaryOp.EXP, UnaryOp.LOG, UnaryOp.TANH, UnaryOp.SIGMOID,
        UnaryOp.GELU, UnaryOp.GELU_TANH};

    /** Every kind of float, plus the ranges where these functions change character (exp's overflow and underflow, tanh's saturation). */
    static Arbitrary<Float> inputs() {
        return Arbitraries.frequencyOf(
                Tuple.of(6, Gen.anyFloat()),
                Tuple.of(3, Gen.moderate(110f)),
                Tuple.of(1, Gen.moderate(1e-3f)),
                Tuple.of(1, Arbitraries.of(-87.4f, -87.3f, -103.9f, -104f, 88.7f, 88.8f, 9f, -9f, 0.625f, -0.625f,
                        5.5f, -5.5f, 1e-8f, -1e-8f)));
    }

    record Case(UnaryOp op, List<Vec> v, boolean inPlace) {}

    @Provide
    Arbitrary<Case> cases() {
        return Combinators.combine(Arbitraries.of(OPS), Gen.vecs(4, inputs()), Arbitraries.of(false, true)).as(Case::new);
    }

    @Property
    void forwardWithinUlps(@ForAll("cases") Case c) {
        Vec x = c.v().get(0), y = c.v().get(1);
        Gen.collectSize(x.n());
        Statistics.label("op").collect(c.op());
        float[] s = ElementwiseProperties.runUnary(scalar(), c.op(), x, y, c.inPlace());
        float[] v = ElementwiseProperties.runUnary(vector(), c.op(), x, y, c.inPlace());
        int outOff = c.inPlace() ? x.off() : y.off();
        String what = "unary(" + c.op() + ")";
        // Outside the region the arrays must be untouched: compare exactly.
        for (int i = 0; i < s.length; i++) {
            if (i < outOff || i >= outOff + x.n()) {
                Check.exact(what + " padding element " + i, s[i], v[i]);
            }
        }
        for (int i = 0; i < x.n(); i++) {
            float xi = x.get(i);
            double tol = switch (c.op()) {
                case GELU, GELU_TANH -> 4 * Check.U * Math.abs(xi);
                default -> 0;
            };
            int ulps = switch (c.op()) {
                case SQRT -> 0;
                case GELU -> GELU_ULPS;
                default -> ULPS;
            };
            Check.close(what + " at x=" + Check.show(xi) + " (element " + i + ")", s[outOff + i], v[outOff + i], ulps, tol);
        }
    }

    @Property
    void backwardWithinTolerance(@ForAll("cases") Case c) {
        Vec x = c.v().get(0), dy = c.v().get(2), dx = c.v().get(3);
        Gen.collectSize(x.n());
        Statistics.label("op").collect(c.op());
        float[] y = new float[x.n()];
        scalar().unary(c.op(), x.n(), x.copy(), x.off(), y, 0);
        float[] s = ElementwiseProperties.runBackward(scalar(), c.op(), x, y, dy, dx, c.inPlace());
        float[] v = ElementwiseProperties.runBackward(vector(), c.op(), x, y, dy, dx, c.inPlace());
        int outOff = c.inPlace() ? dy.off() : dx.off();
        String what = "unaryBackward(" + c.op() + ")";
        for (int i = 0; i < s.length; i++) {
            if (i < outOff || i >= outOff + x.n()) {
                Check.exact(what + " padding element " + i, s[i], v[i]);
            }
        }
        int ulps = c.op() == UnaryOp.EXP ? 0 : ULPS;
        for (int i = 0; i < x.n(); i++) {
            float xi = x.get(i), dyi = dy.get(i);
            if (Float.isInfinite(dyi) && !Float.isFinite(s[outOff + i]) && !Float.isFinite(v[outOff + i])) {
                // +-inf times a derivative that is exactly 0 in one evaluation and a tiny number in the
                // other (e.g. GELU_TANH'(-8): 0 in double, -5e-20 exactly) is NaN or an infinity:
                // which one is a rounding, not a bug. A finite result would still fail below.
                Statistics.label("dy infinite, result non-finite").collect(c.op());
                continue;
            }
            Check.close(what + " at x=" + Check.show(xi) + ", y=" + Check.show(y[i]) + ", dy=" + Check.show(dyi)
                    + " (element " + i + ")", s[outOff + i], v[outOff + i], ulps, backwardTolerance(c.op(), xi, y[i], dyi));
        }
    }

    @Provide
    Arbitrary<List<Vec>> geluInputs() {
        return Gen.vecs(1, inputs());
    }

    /**
     * {@code geluWithDerivative} is {@code unary(GELU)} and {@code unaryBackward(GELU)} at
     * {@code dy = 1}, bit for bit, in each implementation, in place or not (the graph's GELU
     * keeps this derivative for its VJP in training plans); and vector against scalar within
     * the forward's and the backward's tolerances above.
     */
    @Property
    void geluWithDerivativeIsTheForwardAndTheUnitBackward(@ForAll("geluInputs") List<Vec> v, @ForAll boolean inPlace) {
        Vec x = v.get(0);
        int n = x.n();
        Gen.collectSize(n);
        float[] ones = new float[n];
        java.util.Arrays.fill(ones, 1f);
        float[] ys = new float[n], ds = new float[n], yv = new float[n], dv = new float[n];
        scalar().geluWithDerivative(n, x.copy(), x.off(), ys, 0, ds, 0);
        vector().geluWithDerivative(n, x.copy(), x.off(), yv, 0, dv, 0);
        for (int i = 0; i < n; i++) {
            float xi = x.get(i);
            String at = " at x=" + Check.show(xi) + " (element " + i + ")";
            Check.close("geluWithDerivative y" + at, ys[i], yv[i], GELU_ULPS, 4 * Check.U * Math.abs(xi));
            Check.close("geluWithDerivative d" + at, ds[i], dv[i], ULPS, backwardTolerance(UnaryOp.GELU, xi, ys[i], 1f));
        }
        for (Kernels k : new Kernels[] {scalar(), vector()}) {
            float[] want = new float[n], wantD = new float[n];
            k.unary(UnaryOp.GELU, n, x.copy(), x.off(), want, 0);
            k.unaryBackward(UnaryOp.GELU, n, x.copy(), x.off(), want, 0, ones, 0, wantD, 0);
            float[] xs = x.copy(), y = inPlace ? xs : new float[n + 1], d = new float[n + 3];
            int yo = inPlace ? x.off() : 1;
            k.geluWithDerivative(n, xs, x.off(), y, yo, d, 3);
            for (int i = 0; i < n; i++) {
                String at = k.name() + " at x=" + Check.show(x.get(i)) + " (element " + i + ")";
                Check.exact("geluWithDerivative y " + at, want[i], y[yo + i]);
                Check.exact("geluWithDerivative d " + at, wantD[i], d[3 + i]);
            }
        }
    }

    private static final double K_BETA = Math.sqrt(2 / Math.PI);
    private static final double K_KAPPA = 0.044715;

    /** Absolute slack for {@code dx = dy * f'(x)} beyond the ulp bound; see the class comment. */
    static double backwardTolerance(UnaryOp op, float x, float y, float dy) {
        double ady = Math.abs((double) dy);
        return switch (op) {
            case TANH -> 4 * Check.U * ady * (1 + (double) y * y);
            case SIGMOID -> 4 * Check.U * ady * (Math.abs((double) y) + (double) y * y);
            // Phi(x) <= 1 and |x phi(x)| <= 0.25; each computed within a few ulp
            case GELU -> 16 * Check.U * ady;
            // 0.5(1+t) + 0.5x(1-t^2) kBeta (1+3 kappa x^2): the second term's size, where 1-t^2 can
            // still be non-zero in float (|x| < 12; beyond, t is exactly +-1 in float and double alike)
            case GELU_TANH -> {
                double ax = Math.abs((double) x);
                double second = ax < 12 ? 0.5 * ax * K_BETA * (1 + 3 * K_KAPPA * ax * ax) : 0;
                yield 8 * Check.U * ady * (1 + second);
            }
            default -> 0;
        };
    }

    /** The special values the shared semantics fix, in every lane position and the tail. */
    @Example
    void specialValuesAreExact() {
        Object[][] table = {
            {UnaryOp.EXP, Float.NEGATIVE_INFINITY, 0f}, {UnaryOp.EXP, Float.POSITIVE_INFINITY, Float.POSITIVE_INFINITY},
            {UnaryOp.EXP, 0f, 1f}, {UnaryOp.EXP, -0f, 1f}, {UnaryOp.EXP, Float.NaN, Float.NaN},
            {UnaryOp.LOG, 0f, Float.NEGATIVE_INFINITY}, {UnaryOp.LOG, -0f, Float.NEGATIVE_INFINITY},
            {UnaryOp.LOG, -1f, Float.NaN}, {UnaryOp.LOG, 1f, 0f}, {UnaryOp.LOG, Float.POSITIVE_INFINITY, Float.POSITIVE_INFINITY},
            {UnaryOp.LOG, Float.NaN, Float.NaN},
            {UnaryOp.TANH, Float.POSITIVE_INFINITY, 1f}, {UnaryOp.TANH, Float.NEGATIVE_INFINITY, -1f},
            {UnaryOp.TANH, 0f, 0f}, {UnaryOp.TANH, Float.NaN, Float.NaN},
            {UnaryOp.SIGMOID, Float.NEGATIVE_INFINITY, 0f}, {UnaryOp.SIGMOID, Float.POSITIVE_INFINITY, 1f},
            {UnaryOp.SIGMOID, 0f, 0.5f}, {UnaryOp.SIGMOID, Float.NaN, Float.NaN},
            {UnaryOp.GELU, 0f, 0f}, {UnaryOp.GELU, Float.POSITIVE_INFINITY, Float.POSITIVE_INFINITY}, {UnaryOp.GELU, Float.NaN, Float.NaN},
            {UnaryOp.GELU_TANH, 0f, 0f}, {UnaryOp.GELU_TANH, Float.POSITIVE_INFINITY, Float.POSITIVE_INFINITY},
            {UnaryOp.GELU_TANH, Float.NaN, Float.NaN},
            {UnaryOp.SQRT, -1f, Float.NaN}, {UnaryOp.SQRT, -0f, -0f}, {UnaryOp.SQRT, Float.POSITIVE_INFINITY, Float.POSITIVE_INFINITY},
        };
        int n = 3 * Gen.LANES + 1;
        for (Object[] row : table) {
            UnaryOp op = (UnaryOp) row[0];
            float in = (Float) row[1], want = (Float) row[2];
            float[] x = new float[n];
            java.util.Arrays.fill(x, in);
            for (Kernels k : new Kernels[] {scalar(), vector()}) {
                float[] y = new float[n];
                k.unary(op, n, x, 0, y, 0);
                for (int i = 0; i < n; i++) {
                    Check.exact(k.name() + " " + op + "(" + in + ") at element " + i, want, y[i]);
                }
            }
        }
    }
}
