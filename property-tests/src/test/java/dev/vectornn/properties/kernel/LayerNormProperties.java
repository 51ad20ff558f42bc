package dev.vectornn.properties.kernel;

import static dev.vectornn.properties.kernel.Gen.scalar;
import static dev.vectornn.properties.kernel.Gen.vector;

import dev.vectornn.kernel.Kernels;
import dev.vectornn.properties.kernel.Gen.Vec;
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
 * Layer norm forward and backward, vector vs scalar. The contract accumulates row statistics in
 * double, but a float accumulation of a two-pass (mean, then squared deviations) is tolerated:
 * with {@code c = cols}, {@code R = (c + 8) 2^-23} bounds the relative error of a float sum of c
 * terms, so {@code |dmean| <= R mean|x|} and {@code |drstd| <= R rstd}, giving for
 * {@code y = xhat * gamma + beta}:
 * {@code |dy| <= |gamma| (rstd R mean|x| + |xhat| R) + 4 U (|gamma xhat| + |beta|)}.
 * A one-pass {@code E[x^2] - mean^2} in float is not within this (it cancels when the mean is large
 * against the spread; the generator makes such rows), nor is a float sum of squares that
 * overflows for |x| ~ 1e20.
 *
 * <p>Backward, with {@code g = dy * gamma}, {@code A = mean|g|}, {@code B = mean|g xhat|}:
 * {@code |d dx| <= rstd (R (A + |xhat| B) + 8 U (|g| + A + |xhat| B))}; dgamma and dbeta are sums
 * over rows, held to {@code (rows + 8) 2^-23 sum|terms| + 8 U sum|terms|} (xhat's own rounding).
 */
class LayerNormProperties {

    record Case(int rows, int cols, Vec x, Vec gamma, Vec beta, float eps, Vec y, Vec mean, Vec rstd,
                boolean affine, boolean stats, boolean inPlace) {}

    /** Row values: ordinary, offset by a large mean (catches a cancelling variance), or huge; rarely non-finite. */
    static Arbitrary<Float> values() {
        return Arbitraries.frequencyOf(
                Tuple.of(10, Gen.moderate(4f)),
                Tuple.of(3, Gen.moderate(1f).map(f -> 1000f + f)),
                Tuple.of(2, Gen.summable(1e30f)),
                Tuple.of(1, Arbitraries.of(1e20f, -1e20f, 3e25f)));
    }

    static Arbitrary<Integer> cols() {
        return Arbitraries.frequencyOf(Tuple.of(6, Gen.extents()), Tuple.of(1, Arbitraries.integers().between(300, 2100)));
    }

    @Provide
    Arbitrary<Case> cases() {
        return Combinators.combine(Arbitraries.integers().between(0, 5), cols()).flatAs((rows, cols) ->
                Combinators.combine(
                        Gen.vec(rows * cols, values()),
                        Gen.vec(cols, Gen.moderate(2f)),
                        Gen.vec(cols, Gen.moderate(2f)),
                        Arbitraries.of(1e-5f, 0f, 1e-12f, 0.1f),
                        Gen.vec(rows * cols, Gen.anyFloat()),
                        Gen.vec(rows, Gen.anyFloat()),
                        Gen.vec(rows, Gen.anyFloat()),
                        Combinators.combine(Arbitraries.of(false, true), Arbitraries.of(false, true), Arbitraries.of(false, true)).as(Flags::new))
                        .as((x, g, b, eps, y, mean, rstd, fl) -> new Case(rows, cols, x, g, b, eps, y, mean, rstd, fl.a(), fl.b(), fl.c())));
    }

    record Flags(boolean a, boolean b, boolean c) {}

    /** Outputs of one forward call: y's array, mean's and rstd's arrays (null when not requested). */
    record Out(float[] y, float[] mean, float[] rstd) {}

    static Out forward(Kernels k, Case c) {
        float[] xd = c.x().copy();
        float[] yd = c.inPlace() ? xd : c.y().copy();
        int yOff = c.inPlace() ? c.x().off() : c.y().off();
        float[] md = c.stats() ? c.mean().copy() : null;
        float[] rd = c.stats() ? c.rstd().copy() : null;
        k.layerNorm(c.rows(), c.cols(), xd, c.x().off(), c.affine() ? c.gamma().copy() : null, c.gamma().off(),
                c.affine() ? c.beta().copy() : null, c.beta().off(), c.eps(), yd, yOff, md, c.mean().off(), rd, c.rstd().off());
        return new Out(yd, md, rd);
    }

    @Property
    void forwardWithinTolerance(@ForAll("cases") Case c) {
        Statistics.label("cols").collect(Gen.sizeClass(c.cols()));
        Out s = forward(scalar(), c);
        Out v = forward(vector(), c);
        int cols = c.cols();
        double rel = (cols + 8) * 0x1p-23;
        int yOff = c.inPlace() ? c.x().off() : c.y().off();
        for (int i = 0; i < s.y().length; i++) {
            if (i < yOff || i >= yOff + c.rows() * cols) Check.exact("layerNorm outside y, element " + i, s.y()[i], v.y()[i]);
        }
        for (int r = 0; r < c.rows(); r++) {
            double sum = 0, sumAbs = 0;
            for (int j = 0; j < cols; j++) {
                sum += c.x().get(r * cols + j);
                sumAbs += Math.abs(c.x().get(r * cols + j));
            }
            double mean = sum / cols, meanAbs = sumAbs / cols, var = 0;
            for (int j = 0; j < cols; j++) {
                double d = c.x().get(r * cols + j) - mean;
                var += d * d;
            }
            var /= cols;
            double rstd = 1 / Math.sqrt(var + c.eps());
            String at = "layerNorm " + c.rows() + "x" + cols + " eps=" + c.eps() + " row " + r;
            if (c.stats()) {
                Check.close(at + " mean", s.mean()[c.mean().off() + r], v.mean()[c.mean().off() + r], 1, rel * meanAbs);
                Check.close(at + " rstd", s.rstd()[c.rstd().off() + r], v.rstd()[c.rstd().off() + r], 2, rel * rstd);
            }
            for (int j = 0; j < cols; j++) {
                double xhat = (c.x().get(r * cols + j) - mean) * rstd;
                double g = c.affine() ? c.gamma().get(j) : 1, b = c.affine() ? c.beta().get(j) : 0;
                double tol = Math.abs(g) * (rstd * rel * meanAbs + Math.abs(xhat) * rel) + 4 * Check.U * (Math.abs(g * xhat) + Math.abs(b));
                Check.close(at + " col " + j + " x=" + c.x().get(r * cols + j), s.y()[yOff + r * cols + j], v.y()[yOff + r * cols + j], 2, tol);
            }
        }
        if (c.stats()) {
            Check.exact("layerNorm mean array outside the rows", outside(s.mean(), c.mean()), outside(v.mean(), c.mean()));
            Check.exact("layerNorm rstd array outside the rows", outside(s.rstd(), c.rstd()), outside(v.rstd(), c.rstd()));
        }
    }

    private static float[] outside(float[] a, Vec region) {
        float[] copy = a.clone();
        for (int i = 0; i < region.n(); i++) copy[region.off() + i] = 0;
        return copy;
    }

    // ------------------------------------------------------------------ backward

    record BackCase(Case fwd, Vec dy, Vec dx, Vec dgamma, Vec dbeta, boolean gamma, boolean accumulate, boolean inPlace) {}

    @Provide
    Arbitrary<BackCase> backCases() {
        return cases().flatMap(c -> Combinators.combine(
                // |dy| <= 1e30: row sums of dy stay finite even in float, which the backward may use
                Gen.vec(c.rows() * c.cols(), Arbitraries.frequencyOf(Tuple.of(30, Gen.moderate(4f)), Tuple.of(1, Gen.summable(1e30f)))),
                Gen.vec(c.rows() * c.cols(), Gen.anyFloat()),
                Gen.vec(c.cols(), Gen.moderate(3f)),
                Gen.vec(c.cols(), Gen.moderate(3f)),
                Arbitraries.of(false, true), Arbitraries.of(false, true), Arbitraries.of(false, true))
                .as((dy, dx, dg, db, gamma, acc, inPlace) -> new BackCase(c, dy, dx, dg, db, gamma, acc, inPlace)));
    }

    @Property
    void backwardWithinTolerance(@ForAll("backCases") BackCase b) {
        Case c = b.fwd();
        int rows = c.rows(), cols = c.cols();
        Statistics.label("cols").collect(Gen.sizeClass(cols));
        // statistics from the scalar forward, as a training step would have them
        float[] mean = new float[rows], rstd = new float[rows], y = new float[rows * cols];
        scalar().layerNorm(rows, cols, c.x().copy(), c.x().off(), null, 0, null, 0, c.eps(), y, 0, mean, 0, rstd, 0);
        float[][] s = backward(scalar(), b, mean, rstd);
        float[][] v = backward(vector(), b, mean, rstd);
        double rel = (cols + 8) * 0x1p-23;
        Vec dxv = b.inPlace() ? b.dy() : b.dx();
        for (int i = 0; i < s[0].length; i++) {
            if (i < dxv.off() || i >= dxv.off() + rows * cols) Check.exact("layerNormBackward outside dx, element " + i, s[0][i], v[0][i]);
        }
        double[] dgTerms = new double[cols], dbTerms = new double[cols];
        for (int r = 0; r < rows; r++) {
            double a = 0, bsum = 0;
            double[] xhat = new double[cols], g = new double[cols];
            for (int j = 0; j < cols; j++) {
                xhat[j] = ((double) c.x().get(r * cols + j) - mean[r]) * rstd[r];
                double gam = b.gamma() ? c.gamma().get(j) : 1;
                g[j] = b.dy().get(r * cols + j) * gam;
                a += Math.abs(g[j]);
                bsum += Math.abs(g[j] * xhat[j]);
                dgTerms[j] += Math.abs(b.dy().get(r * cols + j) * xhat[j]);
                dbTerms[j] += Math.abs(b.dy().get(r * cols + j));
            }
            a /= cols;
            bsum /= cols;
            for (int j = 0; j < cols; j++) {
                double tol = rstd[r] * (rel * (a + Math.abs(xhat[j]) * bsum) + 8 * Check.U * (Math.abs(g[j]) + a + Math.abs(xhat[j]) * bsum));
                int at = dxv.off() + r * cols + j;
                Check.close("layerNormBackward " + rows + "x" + cols + " dx[" + r + "," + j + "]", s[0][at], v[0][at], 2, tol);
            }
        }
        double relRows = (rows + 8) * 0x1p-23 + 8 * Check.U;
        if (b.accumulate()) {
            for (int j = 0; j < cols; j++) {
                int gi = b.dgamma().off() + j, bi = b.dbeta().off() + j;
                Check.close("layerNormBackward dgamma[" + j + "]", s[1][gi], v[1][gi], 2, relRows * (dgTerms[j] + Math.abs(b.dgamma().get(j))));
                Check.close("layerNormBackward dbeta[" + j + "]", s[2][bi], v[2][bi], 2, relRows * (dbTerms[j] + Math.abs(b.dbeta().get(j))));
            }
            Check.exact("dgamma outside its region", outside(s[1], b.dgamma()), outside(v[1], b.dgamma()));
            Check.exact("dbeta outside its region", outside(s[2], b.dbeta()), outside(v[2], b.dbeta()));
        }
    }

    private static float[][] backward(Kernels k, BackCase b, float[] mean, float[] rstd) {
        Case c = b.fwd();
        float[] dyd = b.dy().copy();
        float[] dxd = b.inPlace() ? dyd : b.dx().copy();
        int dxOff = b.inPlace() ? b.dy().off() : b.dx().off();
        float[] dg = b.accumulate() ? b.dgamma().copy() : null;
        float[] db = b.accumulate() ? b.dbeta().copy() : null;
        k.layerNormBackward(c.rows(), c.cols(), dyd, b.dy().off(), c.x().copy(), c.x().off(), mean.clone(), 0, rstd.clone(), 0,
                b.gamma() ? c.gamma().copy() : null, c.gamma().off(), dxd, dxOff, dg, b.dgamma().off(), db, b.dbeta().off());
        return new float[][] {dxd, dg, db};
    }

    /** A row with a large mean and a small spread: a one-pass float variance would be all rounding error. */
    @Example
    void largeMeanSmallSpread() {
        int cols = 4 * Gen.LANES + 3;
        float[] x = new float[cols];
        for (int j = 0; j < cols; j++) x[j] = 10000f + (j % 2 == 0 ? 0.5f : -0.5f);
        float[] ys = new float[cols], yv = new float[cols];
        scalar().layerNorm(1, cols, x, 0, null, 0, null, 0, 0f, ys, 0, null, 0, null, 0);
        vector().layerNorm(1, cols, x, 0, null, 0, null, 0, 0f, yv, 0, null, 0, null, 0);
        for (int j = 0; j < cols; j++) {
            Check.close("layerNorm large mean, element " + j, ys[j], yv[j], 4, 1e-5);
        }
    }
}
