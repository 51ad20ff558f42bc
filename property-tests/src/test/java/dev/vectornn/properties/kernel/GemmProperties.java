package dev.vectornn.properties.kernel;

import static dev.vectornn.properties.kernel.Gen.scalar;
import static dev.vectornn.properties.kernel.Gen.vector;

import dev.vectornn.kernel.KernelThreads;
import dev.vectornn.kernel.Kernels;
import dev.vectornn.kernel.Transpose;
import dev.vectornn.kernel.Triangle;
import dev.vectornn.properties.kernel.Gen.Mat;
import dev.vectornn.properties.kernel.Gen.Vec;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;

/**
 * GEMM, batched GEMM and GEMV, both implementations, against a naive triple loop in double.
 * Each element of {@code alpha op(A) op(B) + beta C} must be within
 * {@code (k + 4) 2^-23 (|alpha| sum_p |a_ip b_pj| + |beta c_ij|)}
 * of the double result, plus {@link #underflowSlack} for products that underflow: any summation
 * order (blocked, packed, FMA or not) is within {@code k 2^-24} of the magnitude sum, the factor 2
 * and the +4 cover the scaling by alpha and beta and the final rounding. Outside the
 * {@code m x n} region C must be untouched, and A and B must not be written. {@code beta = 0}
 * must overwrite C even where it holds NaN. With NaN and infinities in A, B or C, the result is
 * NaN or an infinity exactly where the double reference says so (its classification does not
 * depend on the order once the finite values cannot overflow).
 *
 * <p>Shapes include 0, 1, the lane counts, and sizes up to ~300, which are not multiples of any
 * register or cache block. The vector GEMM must also give identical bits for 1, 2 and 3 threads.
 */
class GemmProperties {

    static Arbitrary<Integer> dims() {
        int l = Gen.LANES;
        return Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.of(1, 2, 3, l - 1, l, l + 1, 0)),
                Tuple.of(6, Arbitraries.integers().between(1, 40)),
                Tuple.of(2, Arbitraries.integers().between(41, 130)),
                Tuple.of(1, Arbitraries.integers().between(131, 300)));
    }

    static Arbitrary<Float> alphas() {
        return Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.of(1f, -1f, 0.5f, 0f)), Tuple.of(1, Gen.moderate(3f)));
    }

    static Arbitrary<Float> betas() {
        return Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.of(0f, 1f, -1f, 0.25f)), Tuple.of(1, Gen.moderate(3f)));
    }

    record Shape(Transpose ta, Transpose tb, int m, int n, int k) {
        int aRows() { return ta == Transpose.N ? m : k; }
        int aCols() { return ta == Transpose.N ? k : m; }
        int bRows() { return tb == Transpose.N ? k : n; }
        int bCols() { return tb == Transpose.N ? n : k; }
    }

    record Case(Shape s, float alpha, Mat a, Mat b, float beta, Mat c) {}

    static Arbitrary<Shape> shapes(Arbitrary<Integer> dims) {
        return Combinators.combine(Arbitraries.of(Transpose.class), Arbitraries.of(Transpose.class), dims, dims, dims).as(Shape::new);
    }

    /** C's initial values: with beta = 0 half of them NaN (they must be overwritten). */
    static Arbitrary<Float> cValues(float beta, Arbitrary<Float> values) {
        return beta == 0 ? Arbitraries.frequencyOf(Tuple.of(1, values), Tuple.of(1, Arbitraries.just(Float.NaN))) : values;
    }

    static Arbitrary<Case> cases(Arbitrary<Shape> shapes, Arbitrary<Float> values, Arbitrary<Float> alphas) {
        return Combinators.combine(shapes, betas()).flatAs((s, beta) -> Combinators.combine(alphas,
                        Gen.mat(s.aRows(), s.aCols(), values), Gen.mat(s.bRows(), s.bCols(), values), Gen.mat(s.m(), s.n(), cValues(beta, values)))
                .as((alpha, a, b, c) -> new Case(s, alpha, a, b, beta, c)));
    }

    @Provide
    Arbitrary<Case> finiteCases() {
        return cases(shapes(dims()), Gen.finite(1e15f), alphas());
    }

    @Provide
    Arbitrary<Case> nonFiniteCases() {
        Arbitrary<Float> values = Arbitraries.frequencyOf(Tuple.of(30, Gen.moderate(2f)), Tuple.of(1, Gen.nonFinite()));
        // alpha = 0 is left out: whether A and B are then read at all (BLAS: not) is not part of the contract
        return cases(shapes(Arbitraries.integers().between(1, 40)), values, Arbitraries.of(1f, -1f, 0.5f, 2.5f));
    }

    static float[] run(Kernels k, Case c) {
        Shape s = c.s();
        float[] ad = c.a().data().clone(), bd = c.b().data().clone(), cd = c.c().data().clone();
        k.gemm(s.ta(), s.tb(), s.m(), s.n(), s.k(), c.alpha(), ad, c.a().off(), c.a().ld(), bd, c.b().off(), c.b().ld(),
                c.beta(), cd, c.c().off(), c.c().ld());
        Check.exact(k.name() + " gemm must not write a", c.a().data(), ad);
        Check.exact(k.name() + " gemm must not write b", c.b().data(), bd);
        return cd;
    }

    @Property(tries = 120)
    void gemmMatchesDoubleReference(@ForAll("finiteCases") Case c) {
        Shape s = c.s();
        Statistics.label("shape").collect(s.ta() + "" + s.tb(), s.m() > 130 || s.n() > 130 || s.k() > 130 ? "large" : "small");
        Statistics.label("alpha,beta").collect(c.alpha() == 0 ? "alpha=0" : "alpha!=0", c.beta() == 0 ? "beta=0" : "beta!=0");
        for (Kernels k : new Kernels[] {scalar(), vector()}) {
            checkAgainstReference(k.name() + " gemm", c, run(k, c));
        }
    }

    @Property(tries = 60)
    void gemmPropagatesNaNAndInfinityLikeTheReference(@ForAll("nonFiniteCases") Case c) {
        for (Kernels k : new Kernels[] {scalar(), vector()}) {
            checkAgainstReference(k.name() + " gemm (non-finite inputs)", c, run(k, c));
        }
    }

    /**
     * {@code gemm} with an addend D (a full matrix with a padded stride, or one bias row with
     * {@code ldd = 0}, at an offset): exactly the bits of {@code gemm} followed by an element-wise
     * float add of D, in both implementations, at 1 to 3 threads; D is not written.
     */
    @Property(tries = 120)
    void gemmWithAddendIsGemmThenAdd(@ForAll("finiteCases") Case c, @ForAll boolean biasRow,
                                     @ForAll @IntRange(min = 0, max = 5) int pad, @ForAll long seed) {
        Shape s = c.s();
        int ldd = biasRow ? 0 : s.n() + pad, off = pad;
        float[] d = new float[off + (biasRow ? s.n() : Math.max(0, (s.m() - 1) * ldd + s.n())) + 1];
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
        for (int i = 0; i < d.length; i++) d[i] = (float) r.nextDouble(-1e3, 1e3);
        for (Kernels k : new Kernels[] {scalar(), vector()}) {
            float[] want = run(k, c);
            for (int i = 0; i < s.m(); i++) {
                for (int j = 0; j < s.n(); j++) want[c.c().off() + i * c.c().ld() + j] += d[off + i * ldd + j];
            }
            int before = KernelThreads.threads();
            try {
                for (int t = 1; t <= 3; t++) {
                    KernelThreads.setThreads(t);
                    float[] out = c.c().data().clone(), dd = d.clone();
                    k.gemm(s.ta(), s.tb(), s.m(), s.n(), s.k(), c.alpha(), c.a().data(), c.a().off(), c.a().ld(),
                            c.b().data(), c.b().off(), c.b().ld(), c.beta(), out, c.c().off(), c.c().ld(), dd, off, ldd);
                    Check.exact(k.name() + " gemm with addend must not write d", d, dd);
                    Check.exact(k.name() + " gemm with addend (" + (biasRow ? "bias row" : "ldd " + ldd) + ") at "
                            + t + " threads against gemm then add", want, out);
                }
            } finally {
                KernelThreads.setThreads(before);
            }
        }
    }

    /**
     * {@code gemmPacked} on a B packed by {@code packB} at an offset: within the reference's
     * bound, and with {@code gemm}'s bits wherever the contract promises them (scalar: always;
     * vector: {@code m, n > 1} with A not transposed).
     */
    @Property(tries = 120)
    void packedGemmMatchesGemm(@ForAll("finiteCases") Case c, @ForAll @IntRange(min = 0, max = 7) int off) {
        Shape s = c.s();
        for (Kernels k : new Kernels[] {scalar(), vector()}) {
            float[] packed = new float[off + k.packedBSize(s.k(), s.n())];
            Arrays.fill(packed, Float.NaN);
            k.packB(s.tb(), s.k(), s.n(), c.b().data(), c.b().off(), c.b().ld(), packed, off);
            float[] out = c.c().data().clone(), ad = c.a().data().clone(), pd = packed.clone();
            k.gemmPacked(s.ta(), s.tb(), s.m(), s.n(), s.k(), c.alpha(), ad, c.a().off(), c.a().ld(),
                    pd, off, c.beta(), out, c.c().off(), c.c().ld());
            Check.exact(k.name() + " gemmPacked must not write a", c.a().data(), ad);
            Check.exact(k.name() + " gemmPacked must not write the packed B", packed, pd);
            checkAgainstReference(k.name() + " gemmPacked", c, out);
            if (k.vectorBits() == 0 || s.m() > 1 && s.n() > 1 && s.ta() == Transpose.N) {
                Check.exact(k.name() + " gemmPacked against gemm", run(k, c), out);
            }
        }
    }

    /** Checks {@code out} (C's whole array after the call) against the double reference. */
    static void checkAgainstReference(String what, Case c, float[] out) {
        Shape s = c.s();
        Mat cm = c.c();
        for (int i = 0; i < out.length; i++) {
            if (!cm.inBody(i)) Check.exact(what + " " + s + ": C outside the m x n region, element " + i, cm.data()[i], out[i]);
        }
        for (int i = 0; i < s.m(); i++) {
            for (int j = 0; j < s.n(); j++) {
                double acc = 0, mag = 0, under = 0;
                for (int p = 0; p < s.k(); p++) {
                    double a = s.ta() == Transpose.N ? c.a().get(i, p) : c.a().get(p, i);
                    double b = s.tb() == Transpose.N ? c.b().get(p, j) : c.b().get(j, p);
                    acc += a * b;
                    mag += Math.abs(a * b);
                    under += Math.abs(a) + Math.abs(b);
                }
                double c0 = cm.get(i, j);
                double want = c.alpha() * acc + (c.beta() == 0 ? 0 : c.beta() * c0);
                double tol = (s.k() + 4) * 0x1p-23 * (Math.abs(c.alpha()) * mag + (c.beta() == 0 ? 0 : Math.abs(c.beta() * c0)))
                        + underflowSlack(s.k(), c.alpha(), under, c.beta());
                float got = out[cm.off() + i * cm.ld() + j];
                String at = what + " " + s + " alpha=" + c.alpha() + " beta=" + c.beta() + " lda=" + c.a().ld() + " ldb=" + c.b().ld()
                        + " ldc=" + cm.ld() + " at [" + i + "," + j + "] (C was " + c0 + ")";
                if (Double.isNaN(want) || Double.isInfinite(want)) {
                    Check.exact(at + " reference " + want, (float) want, got);
                } else if (!(Math.abs(got - want) <= tol)) {
                    throw new AssertionError(at + ": got " + got + ", want " + want + " +- " + tol);
                }
            }
        }
    }

    /**
     * Absolute error from intermediates that fall into the subnormal range, where a rounding costs
     * up to 2^-150 absolutely, not relatively. A product {@code alpha a b} may be formed in any
     * association (packing often scales A or B by alpha first), so one underflowing partial product
     * is then multiplied by the remaining factor: the slack is 2^-149 times the sum of the factors'
     * magnitudes over the k terms, plus the beta term and the final rounding.
     */
    static double underflowSlack(int k, float alpha, double sumAbsFactors, float beta) {
        return 0x1p-149 * (sumAbsFactors + k * (1 + Math.abs(alpha)) + 2 + Math.abs(beta));
    }

    // ------------------------------------------------------------------ triangles

    /**
     * Triangular products ({@link Triangle}), both implementations: {@code LOWER_A} must match the
     * reference over A with its stored upper triangle zeroed, while that triangle holds NaN in the
     * call (it must not be used); {@code LOWER_RESULT} must leave {@code beta * C} (0 when
     * {@code beta = 0}) above C's diagonal and match the reference on and below it.
     */
    @Property(tries = 120)
    void triangularGemmMatchesTheReferenceOfItsTriangle(@ForAll("finiteCases") Case c, @ForAll boolean lowerResult) {
        Shape s = c.s();
        Mat a = c.a();
        Triangle tri = lowerResult ? Triangle.LOWER_RESULT : Triangle.LOWER_A;
        Statistics.label("triangle").collect(tri + " " + s.ta() + s.tb());
        float[] call = a.data().clone(), zeroed = a.data().clone();
        if (!lowerResult) {
            for (int r = 0; r < a.rows(); r++) {
                for (int col = r + 1; col < a.cols(); col++) {
                    call[a.off() + r * a.ld() + col] = Float.NaN;
                    zeroed[a.off() + r * a.ld() + col] = 0f;
                }
            }
        }
        Case reference = new Case(s, c.alpha(), new Mat(zeroed, a.off(), a.rows(), a.cols(), a.ld()), c.b(), c.beta(), c.c());
        Mat cm = c.c();
        for (Kernels k : new Kernels[] {scalar(), vector()}) {
            float[] bd = c.b().data().clone(), out = cm.data().clone();
            k.gemmBatched(tri, s.ta(), s.tb(), 1, s.m(), s.n(), s.k(), c.alpha(), call, a.off(), 0, a.ld(),
                    bd, c.b().off(), 0, c.b().ld(), c.beta(), out, cm.off(), 0, cm.ld());
            String what = k.name() + " gemmBatched " + tri;
            if (lowerResult) {
                // above the diagonal: beta * C; then the plain product's values stand in there, so
                // the reference check covers the rest of C
                float[] full = run(k, c);
                for (int i = 0; i < s.m(); i++) {
                    for (int j = i + 1; j < s.n(); j++) {
                        int at = cm.off() + i * cm.ld() + j;
                        float want = c.beta() == 0 ? 0f : c.beta() * cm.data()[at];
                        if (!(out[at] == want || Float.isNaN(want) && Float.isNaN(out[at]))) {
                            throw new AssertionError(what + " " + s + " at [" + i + "," + j + "] above the diagonal: got "
                                    + out[at] + ", want " + want);
                        }
                        out[at] = full[at];
                    }
                }
            }
            checkAgainstReference(what, reference, out);
        }
    }

    // ------------------------------------------------------------------ threads

    @Provide
    Arbitrary<Case> threadCases() {
        Arbitrary<Integer> dims = Arbitraries.frequencyOf(Tuple.of(1, Arbitraries.integers().between(1, 40)),
                Tuple.of(2, Arbitraries.integers().between(41, 300)));
        return cases(shapes(dims), Gen.moderate(2f), alphas());
    }

    /** The sum over k is never split across threads, so the bits cannot depend on the thread count. */
    @Property(tries = 25)
    void vectorGemmIsBitIdenticalForAnyThreadCount(@ForAll("threadCases") Case c) {
        int before = KernelThreads.threads();
        try {
            KernelThreads.setThreads(1);
            float[] one = run(vector(), c);
            for (int t : new int[] {2, 3}) {
                KernelThreads.setThreads(t);
                float[] many = run(vector(), c);
                for (int i = 0; i < one.length; i++) {
                    if (Float.floatToRawIntBits(one[i]) != Float.floatToRawIntBits(many[i])) {
                        throw new AssertionError("vector gemm " + c.s() + ": element " + i + " is " + Check.show(one[i])
                                + " on 1 thread, " + Check.show(many[i]) + " on " + t);
                    }
                }
            }
        } finally {
            KernelThreads.setThreads(before);
        }
    }

    // ------------------------------------------------------------------ batched

    record Batched(Shape s, int batch, float alpha, float beta, Mat a, Mat b, Mat c, int strideA, int strideB, int strideC) {}

    @Provide
    Arbitrary<Batched> batchedCases() {
        Arbitrary<Integer> small = Arbitraries.frequencyOf(Tuple.of(1, Arbitraries.of(1, Gen.LANES, Gen.LANES + 1)),
                Tuple.of(3, Arbitraries.integers().between(1, 37)));
        return Combinators.combine(shapes(small), Arbitraries.integers().between(0, 4), alphas(), betas(),
                        Arbitraries.of(0, 1, 2), Arbitraries.integers().between(0, 5))
                .flatAs((s, batch, alpha, beta, zeroStride, extra) -> {
                    // one "tall" matrix per operand holds every batch entry at its stride
                    int aSize = s.aRows() * s.aCols(), bSize = s.bRows() * s.bCols(), cSize = s.m() * s.n();
                    int strideA = zeroStride == 1 ? 0 : aSize + extra, strideB = zeroStride == 2 ? 0 : bSize + extra;
                    int strideC = cSize + extra;
                    int nb = Math.max(batch, 1);
                    return Combinators.combine(
                                    Gen.vec(strideA * (nb - 1) + aSize, Gen.finite(1e6f)),
                                    Gen.vec(strideB * (nb - 1) + bSize, Gen.finite(1e6f)),
                                    Gen.vec(strideC * (nb - 1) + cSize, cValues(beta, Gen.finite(1e6f))))
                            .as((a, b, c) -> new Batched(s, batch, alpha, beta,
                                    new Mat(a.data(), a.off(), s.aRows(), s.aCols(), s.aCols()),
                                    new Mat(b.data(), b.off(), s.bRows(), s.bCols(), s.bCols()),
                                    new Mat(c.data(), c.off(), s.m(), s.n(), s.n()), strideA, strideB, strideC));
                });
    }

    @Property(tries = 60)
    void gemmBatchedMatchesPerEntryReference(@ForAll("batchedCases") Batched bc) {
        Shape s = bc.s();
        Statistics.label("stride0").collect(bc.strideA() == 0 ? "A" : bc.strideB() == 0 ? "B" : "none");
        for (Kernels k : new Kernels[] {scalar(), vector()}) {
            float[] ad = bc.a().data().clone(), bd = bc.b().data().clone(), cd = bc.c().data().clone();
            k.gemmBatched(s.ta(), s.tb(), bc.batch(), s.m(), s.n(), s.k(), bc.alpha(), ad, bc.a().off(), bc.strideA(), bc.a().ld(),
                    bd, bc.b().off(), bc.strideB(), bc.b().ld(), bc.beta(), cd, bc.c().off(), bc.strideC(), bc.c().ld());
            boolean[] body = new boolean[cd.length];
            for (int e = 0; e < bc.batch(); e++) {
                Mat a = shift(bc.a(), e * bc.strideA()), b = shift(bc.b(), e * bc.strideB()), c = shift(bc.c(), e * bc.strideC());
                checkAgainstReference(k.name() + " gemmBatched entry " + e + " of " + bc.batch() + " strides (" + bc.strideA() + ","
                        + bc.strideB() + "," + bc.strideC() + ")", new Case(s, bc.alpha(), a, b, bc.beta(), c), maskOthers(cd, c, bc.c().data()));
                for (int i = 0; i < cd.length; i++) body[i] |= c.inBody(i);
            }
            for (int i = 0; i < cd.length; i++) {
                if (!body[i]) Check.exact(k.name() + " gemmBatched: C outside every entry, element " + i, bc.c().data()[i], cd[i]);
            }
        }
    }

    private static Mat shift(Mat m, int by) {
        return new Mat(m.data(), m.off() + by, m.rows(), m.cols(), m.ld());
    }

    /** {@code out} with every element outside {@code region} reset to {@code original}, so the reference check looks at one entry. */
    private static float[] maskOthers(float[] out, Mat region, float[] original) {
        float[] r = original.clone();
        for (int i = 0; i < out.length; i++) if (region.inBody(i)) r[i] = out[i];
        return r;
    }

    // ------------------------------------------------------------------ gemv

    record Gemv(Transpose ta, float alpha, float beta, Mat a, Vec x, Vec y) {}

    @Provide
    Arbitrary<Gemv> gemvCases() {
        Arbitrary<Integer> d = Arbitraries.frequencyOf(Tuple.of(5, dims()), Tuple.of(1, Arbitraries.integers().between(300, 1100)));
        return Combinators.combine(Arbitraries.of(Transpose.class), d, d, alphas(), betas()).flatAs((t, m, n, alpha, beta) ->
                Combinators.combine(Gen.mat(m, n, Gen.finite(1e15f)),
                                Gen.vec(t == Transpose.N ? n : m, Gen.finite(1e15f)),
                                Gen.vec(t == Transpose.N ? m : n, cValues(beta, Gen.finite(1e15f))))
                        .as((a, x, y) -> new Gemv(t, alpha, beta, a, x, y)));
    }

    @Property(tries = 150)
    void gemvMatchesDoubleReference(@ForAll("gemvCases") Gemv g) {
        Mat a = g.a();
        boolean t = g.ta() == Transpose.T;
        int outLen = t ? a.cols() : a.rows(), inner = t ? a.rows() : a.cols();
        Statistics.label("transA").collect(g.ta());
        for (Kernels k : new Kernels[] {scalar(), vector()}) {
            float[] ad = a.data().clone(), xd = g.x().copy(), yd = g.y().copy();
            k.gemv(g.ta(), a.rows(), a.cols(), g.alpha(), ad, a.off(), a.ld(), xd, g.x().off(), g.beta(), yd, g.y().off());
            Check.exact(k.name() + " gemv must not write a", a.data(), ad);
            Check.exact(k.name() + " gemv must not write x", g.x().data(), xd);
            for (int i = 0; i < yd.length; i++) {
                if (i < g.y().off() || i >= g.y().off() + outLen) Check.exact(k.name() + " gemv: y outside its region, element " + i, g.y().data()[i], yd[i]);
            }
            for (int i = 0; i < outLen; i++) {
                double acc = 0, mag = 0, under = 0;
                for (int p = 0; p < inner; p++) {
                    double av = t ? a.get(p, i) : a.get(i, p), xv = g.x().get(p);
                    acc += av * xv;
                    mag += Math.abs(av * xv);
                    under += Math.abs(av) + Math.abs(xv);
                }
                double y0 = g.y().get(i);
                double want = g.alpha() * acc + (g.beta() == 0 ? 0 : g.beta() * y0);
                double tol = (inner + 4) * 0x1p-23 * (Math.abs(g.alpha()) * mag + (g.beta() == 0 ? 0 : Math.abs(g.beta() * y0)))
                        + underflowSlack(inner, g.alpha(), under, g.beta());
                float got = yd[g.y().off() + i];
                if (!(Math.abs(got - want) <= tol)) {
                    throw new AssertionError(k.name() + " gemv " + g.ta() + " " + a.rows() + "x" + a.cols() + " lda=" + a.ld() + " alpha="
                            + g.alpha() + " beta=" + g.beta() + " y[" + i + "] (was " + y0 + "): got " + got + ", want " + want + " +- " + tol);
                }
            }
        }
    }

    // ------------------------------------------------------------------ examples

    /** BLAS semantics: beta = 0 means C is not read, so NaN and infinities in it disappear. */
    @Example
    void betaZeroOverwritesNaN() {
        for (Kernels k : new Kernels[] {scalar(), vector()}) {
            for (int size : new int[] {1, Gen.LANES + 1, 67}) {
                float[] a = new float[size * size], b = new float[size * size], c = new float[size * size];
                Arrays.fill(a, 1f);
                Arrays.fill(b, 2f);
                Arrays.fill(c, Float.NaN);
                c[0] = Float.POSITIVE_INFINITY;
                k.gemm(Transpose.N, Transpose.N, size, size, size, 1f, a, 0, size, b, 0, size, 0f, c, 0, size);
                for (float f : c) if (f != 2f * size) throw new AssertionError(k.name() + " gemm beta=0 size " + size + " left " + f);
                float[] y = new float[size];
                Arrays.fill(y, Float.NaN);
                k.gemv(Transpose.T, size, size, 1f, a, 0, size, b, 0, 0f, y, 0);
                for (float f : y) if (f != 2f * size) throw new AssertionError(k.name() + " gemv beta=0 size " + size + " left " + f);
            }
        }
    }
}
