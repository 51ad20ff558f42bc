package dev.vectornn.properties.kernel;

import static dev.vectornn.properties.kernel.Gen.scalar;
import static dev.vectornn.properties.kernel.Gen.vector;

import dev.vectornn.kernel.Kernels;
import dev.vectornn.kernel.UnaryOp;
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
 * The fused LSTM cell, vector vs scalar. Forward: the activated gates are the unary kernels'
 * sigmoid and tanh (within their documented 2 and 1 ulp of the oracle), and everything after
 * them is float arithmetic that the vector kernel must do exactly as the contract writes it:
 * {@code c}, {@code tanh(c)} and {@code h} are recomputed from the vector kernel's own
 * activations and compared bit for bit ({@code tanh(c)} within 1 ulp of the oracle's tanh of
 * that {@code c}). Backward is pure arithmetic and must be bit-identical, padding included, for
 * any floats, NaN and infinities too.
 */
class LstmCellProperties {

    record Case(int rows, int hidden, Vec gates, Vec cPrev, boolean zeroState, Vec dh, Vec dc) {}

    static Arbitrary<Float> values() {
        return Arbitraries.frequencyOf(Tuple.of(20, Gen.moderate(6f)), Tuple.of(3, Gen.anyFloat()));
    }

    @Provide
    Arbitrary<Case> cases() {
        Arbitrary<Integer> hidden = Arbitraries.frequencyOf(Tuple.of(5, Gen.extents()),
                Tuple.of(1, Arbitraries.integers().between(300, 700)));
        return Combinators.combine(Arbitraries.integers().between(0, 4), hidden).flatAs((rows, h) ->
                Combinators.combine(Gen.vec(rows * 4 * h, values()), Gen.vec(rows * h, values()), Arbitraries.of(false, true),
                                Gen.vec(rows * h, values()), Gen.vec(rows * h, values()))
                        .as((g, c, zero, dh, dc) -> new Case(rows, h, g, c, zero, dh, dc)));
    }

    /** act, tanhC, h, c of one forward call, each padded with {@link Gen#PAD} around an offset region. */
    record Out(float[] act, float[] tanhC, float[] h, float[] c) {}

    private static final int OA = 3, OT = 1, OH = 2, OC = 5;

    private static float[] padded(int off, int n) {
        float[] a = new float[off + n + 2];
        java.util.Arrays.fill(a, Gen.PAD);
        return a;
    }

    static Out forward(Kernels k, Case c) {
        int n = c.rows() * c.hidden();
        Out o = new Out(padded(OA, 4 * n), padded(OT, n), padded(OH, n), padded(OC, n));
        k.lstmCell(c.rows(), c.hidden(), c.gates().copy(), c.gates().off(), c.zeroState() ? null : c.cPrev().copy(),
                c.cPrev().off(), o.act(), OA, o.tanhC(), OT, o.h(), OH, o.c(), OC);
        return o;
    }

    @Property
    void forwardIsTheUnaryKernelsThenExactArithmetic(@ForAll("cases") Case c) {
        Statistics.label("hidden").collect(Gen.sizeClass(c.hidden()));
        Out s = forward(scalar(), c);
        Out v = forward(vector(), c);
        int hs = c.hidden();
        String at = "lstmCell " + c.rows() + "x" + hs + (c.zeroState() ? " zero state" : "");
        Check.ulps(at + " act", s.act(), v.act(), 2);
        // expected arrays: PAD outside the regions (a write there is caught), recomputed values inside
        int n = c.rows() * hs;
        float[] c2 = padded(OC, n), tc2 = padded(OT, n), h2 = padded(OH, n);
        for (int r = 0; r < c.rows(); r++) {
            for (int j = 0; j < hs; j++) {
                int a = OA + r * 4 * hs + j, k = r * hs + j;
                float i = v.act()[a], f = v.act()[a + hs], g = v.act()[a + 2 * hs], o = v.act()[a + 3 * hs];
                float cv = c.zeroState() ? i * g : f * c.cPrev().get(k) + i * g;
                c2[OC + k] = cv;
                float oracleTanh = (float) Math.tanh(cv);
                Check.close(at + " tanh(c) at " + k, oracleTanh, v.tanhC()[OT + k], 1, 0);
                tc2[OT + k] = v.tanhC()[OT + k];
                h2[OH + k] = o * v.tanhC()[OT + k];
            }
        }
        Check.exact(at + " c", c2, v.c());
        Check.exact(at + " h", h2, v.h());
        Check.exact(at + " padding of tanhC", tc2, v.tanhC());
    }

    @Property
    void backwardIsBitExact(@ForAll("cases") Case c) {
        // the saved activations and tanh(c) are arbitrary floats of the right length
        int n = c.rows() * c.hidden();
        float[] act = new float[4 * n + 1], tc = new float[n + 2];
        for (int i = 0; i < 4 * n; i++) act[1 + i] = c.gates().get(i) * 0.25f;
        for (int i = 0; i < n; i++) tc[2 + i] = c.dc().get(i) * 0.5f;
        float[][] dg = new float[2][], dcp = new float[2][];
        Kernels[] ks = {scalar(), vector()};
        for (int q = 0; q < 2; q++) {
            dg[q] = padded(2, 4 * n);
            dcp[q] = c.zeroState() ? null : padded(1, n);
            ks[q].lstmCellBackward(c.rows(), c.hidden(), act, 1, tc, 2, c.zeroState() ? null : c.cPrev().copy(),
                    c.cPrev().off(), c.dh().copy(), c.dh().off(), c.dc().copy(), c.dc().off(), dg[q], 2, dcp[q], 1);
        }
        String at = "lstmCellBackward " + c.rows() + "x" + c.hidden() + (c.zeroState() ? " zero state" : "");
        Check.exact(at + " dGates", dg[0], dg[1]);
        if (!c.zeroState()) Check.exact(at + " dcPrev", dcp[0], dcp[1]);
    }

    /** The activations the forward writes are exactly those of the unary kernels of the same implementation. */
    @Property
    void activationsAreTheUnaryKernels(@ForAll("cases") Case c) {
        int hs = c.hidden();
        for (Kernels k : new Kernels[] {scalar(), vector()}) {
            Out o = forward(k, c);
            for (int r = 0; r < c.rows(); r++) {
                float[] want = new float[4 * hs];
                int go = c.gates().off() + r * 4 * hs;
                k.unary(UnaryOp.SIGMOID, 4 * hs, c.gates().data(), go, want, 0);
                k.unary(UnaryOp.TANH, hs, c.gates().data(), go + 2 * hs, want, 2 * hs);
                float[] got = java.util.Arrays.copyOfRange(o.act(), OA + r * 4 * hs, OA + (r + 1) * 4 * hs);
                Check.exact(k.name() + " lstmCell activations row " + r, want, got);
            }
        }
    }
}
