package dev.vectornn.properties.kernel;

import static dev.vectornn.properties.kernel.Gen.scalar;
import static dev.vectornn.properties.kernel.Gen.vector;

import dev.vectornn.kernel.BinaryOp;
import dev.vectornn.kernel.Kernels;
import dev.vectornn.kernel.UnaryOp;
import dev.vectornn.properties.kernel.Gen.Mat;
import dev.vectornn.properties.kernel.Gen.Vec;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.statistics.StatisticsReport;

/**
 * Vector ≡ scalar, bit for bit (NaN payloads aside, see {@link Check}), for the kernels whose
 * every output element is one correctly rounded IEEE operation (or a copy or a sign/zero
 * decision) on its inputs: binary, binaryRow, binaryCol, scale, axpy (two roundings, no FMA),
 * fill, and NEG, SQUARE, RELU with their derivatives. Any difference is a bug; the whole output
 * array is compared, so writes into the padding around the region are caught too.
 */
class ElementwiseProperties {

    /** Where the output goes: its own array, or in place over one of the inputs. */
    enum Alias { NONE, FIRST, SECOND }

    // ------------------------------------------------------------------ binary

    record BinaryCase(BinaryOp op, List<Vec> v, Alias alias) {}

    @Provide
    Arbitrary<BinaryCase> binaryCases() {
        return Combinators.combine(Arbitraries.of(BinaryOp.class), Gen.vecs(3, Gen.anyFloat()), Arbitraries.of(Alias.class))
                .as(BinaryCase::new);
    }

    @Property
    @StatisticsReport(onFailureOnly = false)
    void binaryIsExact(@ForAll("binaryCases") BinaryCase c) {
        Vec a = c.v().get(0), b = c.v().get(1), out = c.v().get(2);
        Gen.collectSize(a.n());
        Statistics.label("n").coverage(cov -> {
            for (String k : new String[] {"0", "1", "lanes-1", "lanes", "lanes+1"}) {
                cov.check(k).count(cnt -> cnt > 0);
            }
        });
        float[][] s = runBinary(scalar(), c, a, b, out);
        float[][] v = runBinary(vector(), c, a, b, out);
        Check.exact("binary(" + c.op() + ") a", s[0], v[0]);
        Check.exact("binary(" + c.op() + ") b", s[1], v[1]);
        Check.exact("binary(" + c.op() + ") c", s[2], v[2]);
    }

    private static float[][] runBinary(Kernels k, BinaryCase c, Vec a, Vec b, Vec out) {
        float[] ad = a.copy(), bd = b.copy(), cd = out.copy();
        switch (c.alias()) {
            case NONE -> k.binary(c.op(), a.n(), ad, a.off(), bd, b.off(), cd, out.off());
            case FIRST -> k.binary(c.op(), a.n(), ad, a.off(), bd, b.off(), ad, a.off());
            case SECOND -> k.binary(c.op(), a.n(), ad, a.off(), bd, b.off(), bd, b.off());
        }
        return new float[][] {ad, bd, cd};
    }

    // ------------------------------------------------------------------ broadcasts

    record BroadcastCase(BinaryOp op, boolean row, Mat a, Vec b, Mat c, boolean inPlace) {}

    @Provide
    Arbitrary<BroadcastCase> broadcastCases() {
        return Combinators.combine(Gen.extents(), Gen.extents(), Arbitraries.of(false, true)).flatAs((rows, cols, row) ->
                Combinators.combine(Arbitraries.of(BinaryOp.class),
                        Gen.mat(rows, cols, Gen.anyFloat()),
                        Gen.vec(row ? cols : rows, Gen.anyFloat()),
                        Gen.mat(rows, cols, Gen.anyFloat()),
                        Arbitraries.of(false, true))
                        .as((op, a, b, c, inPlace) -> new BroadcastCase(op, row, a, b, c, inPlace)));
    }

    @Property
    void broadcastIsExact(@ForAll("broadcastCases") BroadcastCase c) {
        Statistics.label("cols").collect(Gen.sizeClass(c.a().cols()));
        float[][] s = runBroadcast(scalar(), c);
        float[][] v = runBroadcast(vector(), c);
        String what = (c.row() ? "binaryRow(" : "binaryCol(") + c.op() + ")";
        Check.exact(what + " a", s[0], v[0]);
        Check.exact(what + " c", s[1], v[1]);
    }

    private static float[][] runBroadcast(Kernels k, BroadcastCase c) {
        Mat a = c.a(), out = c.inPlace() ? c.a() : c.c();
        float[] ad = a.data().clone(), bd = c.b().copy();
        float[] cd = c.inPlace() ? ad : c.c().data().clone();
        if (c.row()) {
            k.binaryRow(c.op(), a.rows(), a.cols(), ad, a.off(), a.ld(), bd, c.b().off(), cd, out.off(), out.ld());
        } else {
            k.binaryCol(c.op(), a.rows(), a.cols(), ad, a.off(), a.ld(), bd, c.b().off(), cd, out.off(), out.ld());
        }
        return new float[][] {ad, cd};
    }

    // ------------------------------------------------------------------ scale, axpy, fill

    record ScaleCase(float alpha, List<Vec> v, boolean inPlace) {}

    @Provide
    Arbitrary<ScaleCase> scaleCases() {
        return Combinators.combine(Gen.anyFloat(), Gen.vecs(2, Gen.anyFloat()), Arbitraries.of(false, true)).as(ScaleCase::new);
    }

    @Property
    void scaleIsExact(@ForAll("scaleCases") ScaleCase c) {
        Gen.collectSize(c.v().get(0).n());
        Check.exact("scale(alpha=" + c.alpha() + ")", runScale(scalar(), c), runScale(vector(), c));
    }

    private static float[] runScale(Kernels k, ScaleCase c) {
        Vec x = c.v().get(0), y = c.v().get(1);
        float[] xd = x.copy();
        if (c.inPlace()) {
            k.scale(x.n(), c.alpha(), xd, x.off(), xd, x.off());
            return xd;
        }
        float[] yd = y.copy();
        k.scale(x.n(), c.alpha(), xd, x.off(), yd, y.off());
        Check.exact("scale must not write x", x.data(), xd);
        return yd;
    }

    @Property
    void axpyIsExact(@ForAll("scaleCases") ScaleCase c) {
        Vec x = c.v().get(0), y = c.v().get(1);
        Gen.collectSize(x.n());
        float[] ys = y.copy(), yv = y.copy();
        scalar().axpy(x.n(), c.alpha(), x.copy(), x.off(), ys, y.off());
        vector().axpy(x.n(), c.alpha(), x.copy(), x.off(), yv, y.off());
        Check.exact("axpy(alpha=" + c.alpha() + ")", ys, yv);
    }

    record AddRowsCase(int rows, int cols, int ldExtra, int aOff, int yOff, float alpha, long seed) {}

    @Provide
    Arbitrary<AddRowsCase> addRowsCases() {
        return Combinators.combine(Gen.extents(), Gen.extents(), Gen.ldExtra(), Gen.offsets(), Gen.offsets(), Gen.anyFloat(),
                Arbitraries.longs()).as(AddRowsCase::new);
    }

    /** addRows is one axpy per row in row order, so it is exact too; the whole padded y is compared. */
    @Property
    void addRowsIsExact(@ForAll("addRowsCases") AddRowsCase c) {
        int lda = Math.max(1, c.cols()) + c.ldExtra();   // the kernel's rule: ld >= max(1, cols)
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(c.seed());
        float[] a = new float[c.aOff() + c.rows() * lda + 1];
        float[] y = new float[c.yOff() + c.cols() + 1];
        for (int i = 0; i < a.length; i++) a[i] = (float) rnd.nextDouble(-4, 4);
        for (int i = 0; i < y.length; i++) y[i] = (float) rnd.nextDouble(-4, 4);
        float[] ys = y.clone(), yv = y.clone();
        scalar().addRows(c.rows(), c.cols(), c.alpha(), a, c.aOff(), lda, ys, c.yOff());
        vector().addRows(c.rows(), c.cols(), c.alpha(), a.clone(), c.aOff(), lda, yv, c.yOff());
        Check.exact("addRows(" + c.rows() + "x" + c.cols() + ", alpha=" + c.alpha() + ")", ys, yv);
    }

    /** axpy is y + alpha*x with two roundings: a fused multiply-add would round once and differ here. */
    @Example
    void axpyRoundsTheProductSeparately() {
        // (1+2^-12)^2 = 1 + 2^-11 + 2^-24: the 2^-24 is lost by rounding the product, kept by an FMA
        float x = 1f + 0x1p-12f;
        float y0 = -(1f + 0x1p-11f);
        for (Kernels k : new Kernels[] {scalar(), vector()}) {
            int n = 3 * Gen.LANES + 1;
            float[] xs = new float[n], ys = new float[n];
            java.util.Arrays.fill(xs, x);
            java.util.Arrays.fill(ys, y0);
            k.axpy(n, x, xs, 0, ys, 0);
            for (int i = 0; i < n; i++) {
                Check.exact(k.name() + " axpy element " + i, y0 + x * x, ys[i]);
            }
        }
    }

    @Property
    void fillIsExact(@ForAll("scaleCases") ScaleCase c) {
        Vec x = c.v().get(0);
        float[] s = x.copy(), v = x.copy();
        scalar().fill(x.n(), c.alpha(), s, x.off());
        vector().fill(x.n(), c.alpha(), v, x.off());
        Check.exact("fill(" + c.alpha() + ")", s, v);
    }

    // ------------------------------------------------------------------ exact unary ops

    record UnaryCase(UnaryOp op, List<Vec> v, boolean inPlace) {}

    @Provide
    Arbitrary<UnaryCase> exactUnaryCases() {
        return Combinators.combine(Arbitraries.of(UnaryOp.NEG, UnaryOp.SQUARE, UnaryOp.RELU),
                Gen.vecs(4, Gen.anyFloat()), Arbitraries.of(false, true)).as(UnaryCase::new);
    }

    @Property
    void exactUnaryIsExact(@ForAll("exactUnaryCases") UnaryCase c) {
        Vec x = c.v().get(0), y = c.v().get(1);
        Gen.collectSize(x.n());
        Check.exact("unary(" + c.op() + ")", runUnary(scalar(), c.op(), x, y, c.inPlace()), runUnary(vector(), c.op(), x, y, c.inPlace()));
    }

    static float[] runUnary(Kernels k, UnaryOp op, Vec x, Vec y, boolean inPlace) {
        float[] xd = x.copy();
        if (inPlace) {
            k.unary(op, x.n(), xd, x.off(), xd, x.off());
            return xd;
        }
        float[] yd = y.copy();
        k.unary(op, x.n(), xd, x.off(), yd, y.off());
        return yd;
    }

    /**
     * Backward of NEG, SQUARE, RELU: {@code y} is the true forward output (from the scalar
     * oracle), {@code dy} arbitrary. In place means {@code dx} over {@code dy}.
     */
    @Property
    void exactUnaryBackwardIsExact(@ForAll("exactUnaryCases") UnaryCase c) {
        Vec x = c.v().get(0), dy = c.v().get(2), dx = c.v().get(3);
        Gen.collectSize(x.n());
        float[] yd = new float[x.n()];
        scalar().unary(c.op(), x.n(), x.copy(), x.off(), yd, 0);
        Check.exact("unaryBackward(" + c.op() + ")", runBackward(scalar(), c.op(), x, yd, dy, dx, c.inPlace()),
                runBackward(vector(), c.op(), x, yd, dy, dx, c.inPlace()));
    }

    static float[] runBackward(Kernels k, UnaryOp op, Vec x, float[] y, Vec dy, Vec dx, boolean inPlace) {
        float[] dyd = dy.copy();
        float[] dxd = inPlace ? dyd : dx.copy();
        k.unaryBackward(op, x.n(), x.copy(), x.off(), y.clone(), 0, dyd, dy.off(), dxd, inPlace ? dy.off() : dx.off());
        return dxd;
    }

    /** relu(-0) is +0 and NaN propagates, as the shared semantics say; the vector twin must agree in every lane position. */
    @Example
    void reluOfSignedZeroAndNaN() {
        int n = 3 * Gen.LANES + 1;
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = switch (i % 4) { case 0 -> -0f; case 1 -> Float.NaN; case 2 -> -Float.MIN_VALUE; default -> Float.MIN_VALUE; };
        for (Kernels k : new Kernels[] {scalar(), vector()}) {
            float[] y = new float[n];
            k.unary(UnaryOp.RELU, n, x, 0, y, 0);
            for (int i = 0; i < n; i++) {
                float want = switch (i % 4) { case 0, 2 -> 0f; case 1 -> Float.NaN; default -> Float.MIN_VALUE; };
                Check.exact(k.name() + " relu(" + x[i] + ")", want, y[i]);
            }
        }
    }
}
