package dev.vectornn.properties.kernel;

import static dev.vectornn.properties.kernel.Gen.scalar;
import static dev.vectornn.properties.kernel.Gen.vector;

import dev.vectornn.kernel.Kernels;
import dev.vectornn.properties.kernel.Gen.Mat;
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
 * Row softmax and log-softmax, forward and backward, vector vs scalar. Tolerances follow the
 * error of a float implementation whose exp is within {@value TranscendentalProperties#ULPS}
 * ulp and whose row sums may run in any order ({@code c = cols}, {@code U = 2^-24}):
 * <ul>
 *   <li>softmax: relative {@code (2c + 12) U |y|}: exp's ulps plus the sum's relative error
 *       (positive terms), plus the division; an absolute {@code 16 * 2^-149} for subnormal results.</li>
 *   <li>log-softmax {@code (x - m) - log(s)}: absolute {@code (2c + 12) U (1 + |y|) + 2 U |m|}; the last
 *       term allows the PyTorch order {@code x - (m + log s)}.</li>
 *   <li>softmax backward {@code y (dy - sum dy_j y_j)}: {@code |y| ((c + 4) 2^-23 sum|dy_j y_j| + 4 U |dy|)}.</li>
 *   <li>log-softmax backward {@code dy - e^y sum dy_j}: {@code 4 U |dy| + e^y ((c + 4) 2^-23 sum|dy_j| + 8 U |sum dy_j|)}.</li>
 * </ul>
 * NaN and infinities must come out where the scalar twin puts them (compared as NaN-ness and exact
 * infinities).
 */
class SoftmaxProperties {

    record Case(Mat x, Mat y, boolean inPlace, boolean log) {}

    static Arbitrary<Float> values() {
        return Arbitraries.frequencyOf(
                Tuple.of(20, Gen.moderate(30f)),
                Tuple.of(3, Gen.anyFloat()),
                Tuple.of(1, Arbitraries.of(Float.NEGATIVE_INFINITY, -1e30f, 1e30f)));
    }

    static Arbitrary<Integer> rows() {
        return Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.integers().between(0, 3)), Tuple.of(1, Arbitraries.integers().between(4, 12)));
    }

    static Arbitrary<Integer> cols() {
        return Arbitraries.frequencyOf(Tuple.of(6, Gen.extents()), Tuple.of(1, Arbitraries.integers().between(300, 2100)));
    }

    @Provide
    Arbitrary<Case> cases() {
        return Combinators.combine(rows(), cols()).flatAs((r, c) ->
                Combinators.combine(Gen.mat(r, c, values()), Gen.mat(r, c, values()), Arbitraries.of(false, true),
                        Arbitraries.of(false, true)).as(Case::new));
    }

    private static float[] forward(Kernels k, Case c) {
        Mat x = c.x(), y = c.inPlace() ? c.x() : c.y();
        float[] xd = x.data().clone();
        float[] yd = c.inPlace() ? xd : c.y().data().clone();
        if (c.log()) k.logSoftmax(x.rows(), x.cols(), xd, x.off(), x.ld(), yd, y.off(), y.ld());
        else k.softmax(x.rows(), x.cols(), xd, x.off(), x.ld(), yd, y.off(), y.ld());
        return yd;
    }

    @Property
    void forwardWithinTolerance(@ForAll("cases") Case c) {
        Statistics.label("cols").collect(Gen.sizeClass(c.x().cols()));
        Mat x = c.x(), y = c.inPlace() ? c.x() : c.y();
        float[] s = forward(scalar(), c);
        float[] v = forward(vector(), c);
        String what = c.log() ? "logSoftmax" : "softmax";
        int cols = x.cols();
        for (int i = 0; i < s.length; i++) {
            if (!y.inBody(i)) {
                Check.exact(what + " outside the output matrix, element " + i, s[i], v[i]);
            }
        }
        for (int r = 0; r < x.rows(); r++) {
            double m = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < cols; j++) m = Math.max(m, x.get(r, j));
            for (int j = 0; j < cols; j++) {
                int at = y.off() + r * y.ld() + j;
                double sv = s[at];
                double tol = c.log()
                        ? (2.0 * cols + 12) * Check.U * (1 + Math.abs(sv)) + 2 * Check.U * Math.abs(m)
                        : (2.0 * cols + 12) * Check.U * Math.abs(sv) + 16 * Check.TINY;
                Check.close(what + " " + x.rows() + "x" + cols + " at [" + r + "," + j + "] x=" + x.get(r, j),
                        s[at], v[at], TranscendentalProperties.ULPS, tol);
            }
        }
    }

    record BackCase(Case fwd, Mat dy, Mat dx, boolean inPlace) {}

    @Provide
    Arbitrary<BackCase> backCases() {
        return Combinators.combine(rows(), cols()).flatAs((r, c) ->
                Combinators.combine(Gen.mat(r, c, values()), Gen.mat(r, c, values()), Arbitraries.of(false, true),
                                // |dy| <= 1e30: the row sums of dy cannot overflow in float, which the
                                // contract allows the vector twin to use (a float overflow is order-dependent)
                                Gen.mat(r, c, Arbitraries.frequencyOf(Tuple.of(30, Gen.moderate(4f)), Tuple.of(1, Gen.summable(1e30f)))),
                                Gen.mat(r, c, values()), Arbitraries.of(false, true))
                        .as((x, y, log, dy, dx, inPlace) -> new BackCase(new Case(x, y, false, log), dy, dx, inPlace)));
    }

    @Property
    void backwardWithinTolerance(@ForAll("backCases") BackCase c) {
        Case f = c.fwd();
        Statistics.label("cols").collect(Gen.sizeClass(f.x().cols()));
        Mat ym = f.y();
        float[] y = forward(scalar(), f); // the true forward output, in y's layout
        float[] s = backward(scalar(), c, y);
        float[] v = backward(vector(), c, y);
        Mat dx = c.inPlace() ? c.dy() : c.dx();
        String what = f.log() ? "logSoftmaxBackward" : "softmaxBackward";
        int rows = ym.rows(), cols = ym.cols();
        for (int i = 0; i < s.length; i++) {
            if (!dx.inBody(i)) Check.exact(what + " outside dx, element " + i, s[i], v[i]);
        }
        for (int r = 0; r < rows; r++) {
            double sumAbs = 0, sum = 0;
            for (int j = 0; j < cols; j++) {
                double dyj = c.dy().get(r, j), yj = y[ym.off() + r * ym.ld() + j];
                sumAbs += f.log() ? Math.abs(dyj) : Math.abs(dyj * yj);
                sum += dyj;
            }
            for (int j = 0; j < cols; j++) {
                double dyj = c.dy().get(r, j), yj = y[ym.off() + r * ym.ld() + j];
                double tol = f.log()
                        ? 4 * Check.U * Math.abs(dyj) + Math.exp(yj) * ((cols + 4) * 0x1p-23 * sumAbs + 8 * Check.U * Math.abs(sum))
                        : Math.abs(yj) * ((cols + 4) * 0x1p-23 * sumAbs + 4 * Check.U * Math.abs(dyj)) + 4 * Check.TINY;
                int at = dx.off() + r * dx.ld() + j;
                Check.close(what + " " + rows + "x" + cols + " at [" + r + "," + j + "] y=" + yj + " dy=" + dyj,
                        s[at], v[at], TranscendentalProperties.ULPS, tol);
            }
        }
    }

    private static float[] backward(Kernels k, BackCase c, float[] y) {
        Mat ym = c.fwd().y(), dy = c.dy(), dx = c.inPlace() ? c.dy() : c.dx();
        float[] dyd = dy.data().clone();
        float[] dxd = c.inPlace() ? dyd : c.dx().data().clone();
        if (c.fwd().log()) {
            k.logSoftmaxBackward(ym.rows(), ym.cols(), y.clone(), ym.off(), ym.ld(), dyd, dy.off(), dy.ld(), dxd, dx.off(), dx.ld());
        } else {
            k.softmaxBackward(ym.rows(), ym.cols(), y.clone(), ym.off(), ym.ld(), dyd, dy.off(), dy.ld(), dxd, dx.off(), dx.ld());
        }
        return dxd;
    }

    /** Large logits: the row maximum must be subtracted first, or exp overflows. */
    @Example
    void softmaxIsStableForHugeLogits() {
        int cols = 3 * Gen.LANES + 1;
        float[] x = new float[cols];
        for (int j = 0; j < cols; j++) x[j] = 1000f + j;
        for (Kernels k : new Kernels[] {scalar(), vector()}) {
            float[] y = new float[cols];
            k.softmax(1, cols, x, 0, cols, y, 0, cols);
            double total = 0;
            for (float f : y) {
                if (!Float.isFinite(f)) throw new AssertionError(k.name() + " softmax of large logits gave " + f);
                total += f;
            }
            if (Math.abs(total - 1) > 1e-5) throw new AssertionError(k.name() + " softmax row sums to " + total);
            k.logSoftmax(1, cols, x, 0, cols, y, 0, cols);
            // log-softmax of the largest is -log(sum_{i<cols} e^-i)
            double want = Math.log(1 - Math.exp(-1)) - Math.log(1 - Math.exp(-cols));
            if (Math.abs(y[cols - 1] - want) > 1e-5) {
                throw new AssertionError(k.name() + " logSoftmax of the largest logit " + y[cols - 1] + ", want " + want);
            }
        }
    }
}
