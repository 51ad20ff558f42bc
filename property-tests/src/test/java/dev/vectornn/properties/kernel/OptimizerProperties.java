package dev.vectornn.properties.kernel;

import static dev.vectornn.properties.kernel.Gen.scalar;
import static dev.vectornn.properties.kernel.Gen.vector;

import dev.vectornn.kernel.Kernels;
import dev.vectornn.properties.kernel.Gen.Vec;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;

/**
 * Fused SGD-momentum and Adam/AdamW steps, vector vs scalar. An implementation may fuse
 * multiply-adds or reassociate the per-element formula, so each output is held to a running
 * error bound: {@code |v - s| <= 8 U M}, where {@code M} is the formula evaluated in double on
 * absolute values (every subtraction turned into an addition), i.e. the size of the terms whose
 * roundings make up the error ({@code U = 2^-24}). For Adam's parameter the division by
 * {@code sqrt(vHat)/c2 + eps} (all positive terms, so relatively accurate) carries m's error
 * through unchanged. Overflow of an intermediate that the contract's order does not overflow is
 * a difference, not a rounding: it fails.
 */
class OptimizerProperties {

    static Arbitrary<Float> values() {
        return Arbitraries.frequencyOf(Tuple.of(20, Gen.moderate(3f)), Tuple.of(3, Gen.summable(1e15f)), Tuple.of(1, Gen.anyFloat()));
    }

    static Arbitrary<Float> nonNegative() {
        return values().map(f -> Float.isNaN(f) ? f : Math.abs(f));
    }

    static Arbitrary<List<Vec>> operands(int count, Arbitrary<Float> values) {
        return Gen.vecs(count, values);
    }

    // ------------------------------------------------------------------ SGD

    record Sgd(List<Vec> v, float lr, float momentum, float dampening, float weightDecay, boolean nesterov, boolean firstStep) {}

    @Provide
    Arbitrary<Sgd> sgdCases() {
        Arbitrary<Float> momentum = Arbitraries.of(0f, 0.9f, 0.5f, 0.99f);
        return Combinators.combine(operands(3, values()), Arbitraries.of(0.1f, 1e-3f, 1f, 0f), momentum,
                        Arbitraries.of(0f, 0.1f, 0.5f), Arbitraries.of(0f, 1e-4f, 0.01f), Arbitraries.of(false, true), Arbitraries.of(false, true))
                // Nesterov needs momentum > 0 and dampening 0 (the boundary rejects the rest)
                .as((v, lr, mom, damp, wd, nest, first) -> new Sgd(v, lr, mom, nest && mom > 0 ? 0f : damp, wd, nest && mom > 0, first));
    }

    @Property
    void sgdWithinRunningErrorBound(@ForAll("sgdCases") Sgd c) {
        Vec p = c.v().get(0), g = c.v().get(1), buf = c.v().get(2);
        Gen.collectSize(p.n());
        Statistics.label("variant").collect((c.momentum() == 0 ? "plain" : c.nesterov() ? "nesterov" : "momentum") + (c.firstStep() ? " first" : ""));
        float[][] s = runSgd(scalar(), c);
        float[][] v = runSgd(vector(), c);
        for (int i = 0; i < s[0].length; i++) {
            if (i < p.off() || i >= p.off() + p.n()) Check.exact("sgdUpdate outside param, element " + i, s[0][i], v[0][i]);
        }
        for (int i = 0; i < s[1].length; i++) {
            if (i < buf.off() || i >= buf.off() + buf.n()) Check.exact("sgdUpdate outside buf, element " + i, s[1][i], v[1][i]);
        }
        double mom = c.momentum(), lr = c.lr();
        String prefix = "sgdUpdate lr=" + c.lr() + " momentum=" + c.momentum() + " dampening=" + c.dampening() + " wd="
                + c.weightDecay() + " nesterov=" + c.nesterov() + " firstStep=" + c.firstStep() + " n=" + p.n() + " element ";
        for (int i = 0; i < p.n(); i++) {
            double pi = p.get(i), gi = g.get(i), bi = buf.get(i);
            double dMag = Math.abs(gi) + Math.abs(c.weightDecay() * pi);
            double bufMag = 0;
            if (mom != 0) {
                bufMag = c.firstStep() ? dMag : Math.abs(mom * bi) + Math.abs(1 - c.dampening()) * dMag;
                dMag = c.nesterov() ? dMag + mom * bufMag : bufMag;
            }
            double pMag = Math.abs(pi) + Math.abs(lr) * dMag;
            String at = prefix + i + " p=" + pi + " g=" + gi + " buf=" + bi;
            Check.close(at + " param", s[0][p.off() + i], v[0][p.off() + i], 2, 8 * Check.U * pMag);
            if (mom != 0) Check.close(at + " buf", s[1][buf.off() + i], v[1][buf.off() + i], 2, 8 * Check.U * bufMag);
        }
    }

    private static float[][] runSgd(Kernels k, Sgd c) {
        Vec p = c.v().get(0), g = c.v().get(1), buf = c.v().get(2);
        float[] pd = p.copy(), bd = buf.copy();
        k.sgdUpdate(p.n(), pd, p.off(), g.copy(), g.off(), c.momentum() == 0 ? null : bd, buf.off(),
                c.lr(), c.momentum(), c.dampening(), c.weightDecay(), c.nesterov(), c.firstStep());
        return new float[][] {pd, bd};
    }

    // ------------------------------------------------------------------ Adam

    record Adam(List<Vec> pg, List<Vec> mv, float lr, float[] betas, float eps, float weightDecay, boolean decoupled,
                long step, boolean amsgrad) {}

    @Provide
    Arbitrary<Adam> adamCases() {
        Arbitrary<float[]> betas = Arbitraries.of(new float[] {0.9f, 0.999f}, new float[] {0f, 0f}, new float[] {0.5f, 0.9f},
                new float[] {0.99f, 0.9999f});
        return Gen.lengths().flatMap(n -> Combinators.combine(
                Gen.vec(n, values()).list().ofSize(3), Gen.vec(n, nonNegative()).list().ofSize(2),
                Arbitraries.of(1e-3f, 0.1f, 1f), betas, Arbitraries.of(1e-8f, 0f, 1e-3f), Arbitraries.of(0f, 0.01f, 0.1f),
                Arbitraries.of(false, true),
                Combinators.combine(Arbitraries.of(1L, 2L, 10L, 1000L, 1_000_000L), Arbitraries.of(false, true)).as(Tuple::of))
                .as((pgm, vv, lr, b, eps, wd, dec, sa) -> new Adam(pgm, vv, lr, b, eps, wd, dec, sa.get1(), sa.get2())));
    }

    @Property
    void adamWithinRunningErrorBound(@ForAll("adamCases") Adam c) {
        Vec p = c.pg().get(0), g = c.pg().get(1), m = c.pg().get(2), v = c.mv().get(0), vMax = c.mv().get(1);
        Gen.collectSize(p.n());
        Statistics.label("variant").collect((c.decoupled() ? "AdamW" : "Adam") + (c.amsgrad() ? " amsgrad" : ""));
        float[][] s = runAdam(scalar(), c);
        float[][] r = runAdam(vector(), c);
        Vec[] regions = {p, m, v, vMax};
        String[] names = {"param", "m", "v", "vMax"};
        for (int a = 0; a < 4; a++) {
            for (int i = 0; i < s[a].length; i++) {
                if (i < regions[a].off() || i >= regions[a].off() + p.n()) {
                    Check.exact("adamUpdate outside " + names[a] + ", element " + i, s[a][i], r[a][i]);
                }
            }
        }
        double b1 = c.betas()[0], b2 = c.betas()[1], lr = c.lr(), wd = c.weightDecay();
        double bc1 = 1 - Math.pow(b1, c.step()), bc2 = Math.sqrt(1 - Math.pow(b2, c.step()));
        for (int i = 0; i < p.n(); i++) {
            double pi = p.get(i), gi = g.get(i);
            double pMag0 = Math.abs(pi), gMag = Math.abs(gi);
            if (c.decoupled()) pMag0 = Math.abs(pi) * (1 + Math.abs(lr * wd));
            else gMag = Math.abs(gi) + Math.abs(wd * pi);
            double mMag = Math.abs(b1 * m.get(i)) + (1 - b1) * gMag;
            double vMag = Math.abs(b2 * v.get(i)) + (1 - b2) * gMag * gMag;
            double vHat = c.amsgrad() ? Math.max(vMax.get(i), vMag) : vMag;
            // the true vHat (from the scalar's own v) bounds the denominator from below
            double vTrue = c.amsgrad() ? s[3][vMax.off() + i] : s[2][v.off() + i];
            double denom = Math.sqrt(Math.max(0, vTrue)) / bc2 + c.eps();
            double upd = Math.abs(lr) / bc1 * mMag / denom;
            String at = "adamUpdate " + (c.decoupled() ? "AdamW" : "Adam") + " lr=" + lr + " betas=(" + b1 + "," + b2 + ") eps=" + c.eps()
                    + " wd=" + wd + " step=" + c.step() + " amsgrad=" + c.amsgrad() + " element " + i
                    + " p=" + pi + " g=" + gi + " m=" + m.get(i) + " v=" + v.get(i) + " vMax=" + vMax.get(i);
            Check.close(at + " m", s[1][m.off() + i], r[1][m.off() + i], 2, 8 * Check.U * mMag);
            Check.close(at + " v", s[2][v.off() + i], r[2][v.off() + i], 2, 8 * Check.U * vMag);
            if (c.amsgrad()) Check.close(at + " vMax", s[3][vMax.off() + i], r[3][vMax.off() + i], 2, 8 * Check.U * vHat);
            Check.close(at + " param", s[0][p.off() + i], r[0][p.off() + i], 4, 8 * Check.U * (pMag0 + upd));
        }
    }

    private static float[][] runAdam(Kernels k, Adam c) {
        Vec p = c.pg().get(0), g = c.pg().get(1), m = c.pg().get(2), v = c.mv().get(0), vMax = c.mv().get(1);
        float[] pd = p.copy(), md = m.copy(), vd = v.copy(), xd = vMax.copy();
        k.adamUpdate(p.n(), pd, p.off(), g.copy(), g.off(), md, m.off(), vd, v.off(), c.amsgrad() ? xd : null, vMax.off(),
                c.lr(), c.betas()[0], c.betas()[1], c.eps(), c.weightDecay(), c.decoupled(), c.step());
        return new float[][] {pd, md, vd, xd};
    }
}
