package dev.vectornn.properties.kernel;

import static dev.vectornn.properties.kernel.Gen.scalar;
import static dev.vectornn.properties.kernel.Gen.vector;

import dev.vectornn.kernel.Kernels;
import dev.vectornn.properties.kernel.Gen.Vec;
import java.util.Arrays;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;

/**
 * The fused attention softmax, vector vs scalar, forward and backward, with and without the
 * causal rule and a key mask (blind rows included). What must be exact: the masked entries
 * (+0 in the output and in the gradient), the uniform rows of queries that see no key, every
 * element outside the matrix, the oracle's agreement with its own {@code scale} then
 * {@code softmax} on a seen row, and in-place calls. The causally hidden half of {@code x} and {@code dy} holds
 * {@link Gen#PAD} (NaN): a read of it poisons the row. The rest follows {@link SoftmaxProperties}'
 * tolerances over the {@code n} keys a row sees, times {@code |scale|} for the gradient.
 */
class AttentionSoftmaxProperties {

    record Case(int rows, int cols, float scale, boolean causal, float[] mask, Vec x, Vec dy) {
        int seen(int r) {
            return causal ? Math.min(r + 1, cols) : cols;
        }

        boolean masked(int j) {
            return mask != null && mask[MO + j] != 0;
        }

        /** Whether row {@code r} sees no key. */
        boolean blind(int r) {
            for (int j = 0; j < seen(r); j++) if (!masked(j)) return false;
            return true;
        }

        @Override
        public String toString() {
            return "Case[" + rows + "x" + cols + ", scale " + scale + (causal ? ", causal" : "") + ", mask "
                    + (mask == null ? "none" : Arrays.toString(Arrays.copyOfRange(mask, MO, MO + cols))) + ", x " + x + ", dy " + dy + "]";
        }
    }

    /** Offsets of the mask, the output and dx in their padded arrays. */
    private static final int MO = 2, YO = 3, DXO = 1;

    static Arbitrary<Float> scales() {
        return Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.of(0.125f, 1f, -0.7f, 0f)), Tuple.of(5, Gen.moderate(3f)));
    }

    static Arbitrary<float[]> masks(int cols) {
        // mostly none; else each key masked with probability 1/3 (NaN and -0 among the values), or every key
        Arbitrary<Float> entry = Arbitraries.frequencyOf(Tuple.of(8, Arbitraries.just(0f)), Tuple.of(1, Arbitraries.just(-0f)),
                Tuple.of(3, Arbitraries.of(1f, -2f, Float.NaN, Float.MIN_VALUE)));
        Arbitrary<float[]> some = entry.list().ofSize(cols).map(l -> {
            float[] m = new float[MO + cols + 1];
            Arrays.fill(m, Gen.PAD);
            for (int j = 0; j < cols; j++) m[MO + j] = l.get(j);
            return m;
        });
        Arbitrary<float[]> all = Arbitraries.just(cols).map(c -> {
            float[] m = new float[MO + c + 1];
            Arrays.fill(m, 1f);
            return m;
        });
        return Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.just(null)), Tuple.of(4, some), Tuple.of(1, all));
    }

    @Provide
    Arbitrary<Case> cases() {
        return Combinators.combine(SoftmaxProperties.rows(), SoftmaxProperties.cols(), Arbitraries.of(false, true)).flatAs((r, c, causal) ->
                Combinators.combine(scales(), masks(c), Gen.vec(r * c, SoftmaxProperties.values()),
                                // |dy| <= 1e30, as SoftmaxProperties: float row sums of dy*y cannot overflow
                                Gen.vec(r * c, Arbitraries.frequencyOf(Tuple.of(30, Gen.moderate(4f)), Tuple.of(1, Gen.summable(1e30f)))))
                        .as((scale, mask, x, dy) -> new Case(r, c, scale, causal, mask, hideCausal(x, r, c, causal), hideCausal(dy, r, c, causal))));
    }

    /** {@code v} with the entries after the diagonal replaced by {@link Gen#PAD} when causal. */
    private static Vec hideCausal(Vec v, int rows, int cols, boolean causal) {
        if (!causal) return v;
        float[] d = v.copy();
        for (int r = 0; r < rows; r++) for (int j = r + 1; j < cols; j++) d[v.off() + r * cols + j] = Gen.PAD;
        return new Vec(d, v.off(), v.n());
    }

    private static float[] padded(int off, int n) {
        float[] a = new float[off + n + 2];
        Arrays.fill(a, Gen.PAD);
        return a;
    }

    static float[] forward(Kernels k, Case c) {
        float[] y = padded(YO, c.rows() * c.cols());
        k.attentionSoftmax(c.rows(), c.cols(), c.scale(), c.causal(), c.x().copy(), c.x().off(), c.mask(), MO, y, YO);
        return y;
    }

    @Property
    void forwardWithinToleranceAndMasksExact(@ForAll("cases") Case c) {
        Statistics.label("cols").collect(Gen.sizeClass(c.cols()));
        Statistics.label("mask").collect(c.mask() == null ? "none" : c.rows() > 0 && c.blind(c.rows() - 1) ? "blind last row" : "some");
        float[] s = forward(scalar(), c), v = forward(vector(), c);
        String at = "attentionSoftmax " + c.rows() + "x" + c.cols() + (c.causal() ? " causal" : "");
        Check.exact(at + " before the matrix", Arrays.copyOfRange(s, 0, YO), Arrays.copyOfRange(v, 0, YO));
        Check.exact(at + " after the matrix", Arrays.copyOfRange(s, YO + c.rows() * c.cols(), s.length),
                Arrays.copyOfRange(v, YO + c.rows() * c.cols(), v.length));
        for (int r = 0; r < c.rows(); r++) {
            int n = c.seen(r);
            boolean blind = c.blind(r);
            for (int j = 0; j < c.cols(); j++) {
                int i = YO + r * c.cols() + j;
                String where = at + " at [" + r + "," + j + "]";
                if (j >= n || (!blind && c.masked(j))) {
                    Check.exact(where + " (a masked key)", 0f, s[i]);
                    Check.exact(where + " (a masked key)", 0f, v[i]);
                } else if (blind) {
                    Check.exact(where + " (a blind row)", (float) (1.0 / n), s[i]);
                    Check.exact(where + " (a blind row)", s[i], v[i]);
                } else {
                    double tol = (2.0 * n + 12) * Check.U * Math.abs(s[i]) + 16 * Check.TINY;
                    Check.close(where + " x=" + c.x().get(r * c.cols() + j), s[i], v[i], TranscendentalProperties.ULPS, tol);
                }
            }
        }
    }

    /**
     * The oracle's seen row is, at its seen keys, exactly its own scale then softmax with masked
     * scores at -inf (the vector twin sums its exps in its own order: the property above).
     */
    @Property
    void theOraclesSeenRowIsItsScaleThenSoftmax(@ForAll("cases") Case c) {
        for (Kernels k : new Kernels[] {scalar()}) {
            float[] y = forward(k, c);
            for (int r = 0; r < c.rows(); r++) {
                if (c.blind(r)) continue;
                int n = c.seen(r);
                float[] row = new float[n], want = new float[n];
                k.scale(n, c.scale(), c.x().data(), c.x().off() + r * c.cols(), row, 0);
                for (int j = 0; j < n; j++) if (c.masked(j)) row[j] = Float.NEGATIVE_INFINITY;
                k.softmax(1, n, row, 0, n, want, 0, n);
                // (at the seen keys: in a row that is NaN, softmax's masked keys are NaN too, the kernel's 0)
                for (int j = 0; j < n; j++) {
                    if (!c.masked(j)) Check.exact(k.name() + " row " + r + " key " + j + " of " + c, want[j], y[YO + r * c.cols() + j]);
                }
            }
        }
    }

    @Property
    void inPlaceIsTheSame(@ForAll("cases") Case c) {
        for (Kernels k : new Kernels[] {scalar(), vector()}) {
            float[] want = forward(k, c);
            float[] x = c.x().copy();
            k.attentionSoftmax(c.rows(), c.cols(), c.scale(), c.causal(), x, c.x().off(), c.mask(), MO, x, c.x().off());
            int n = c.rows() * c.cols();
            Check.exact(k.name() + " in place " + c, Arrays.copyOfRange(want, YO, YO + n), Arrays.copyOfRange(x, c.x().off(), c.x().off() + n));
        }
    }

    private static float[] backward(Kernels k, Case c, float[] y, boolean inPlace) {
        int n = c.rows() * c.cols();
        float[] dy = c.dy().copy();
        float[] dx = inPlace ? dy : padded(DXO, n);
        int dxo = inPlace ? c.dy().off() : DXO;
        k.attentionSoftmaxBackward(c.rows(), c.cols(), c.scale(), c.causal(), y, YO, dy, c.dy().off(), c.mask(), MO, dx, dxo);
        return inPlace ? Arrays.copyOfRange(dx, dxo, dxo + n) : dx;
    }

    @Property
    void backwardWithinToleranceAndMasksExact(@ForAll("cases") Case c) {
        Statistics.label("cols").collect(Gen.sizeClass(c.cols()));
        float[] y = forward(scalar(), c);   // the true forward output
        float[] s = backward(scalar(), c, y.clone(), false), v = backward(vector(), c, y.clone(), false);
        String at = "attentionSoftmaxBackward " + c.rows() + "x" + c.cols() + (c.causal() ? " causal" : "") + " scale " + c.scale();
        int cols = c.cols();
        Check.exact(at + " before dx", Arrays.copyOfRange(s, 0, DXO), Arrays.copyOfRange(v, 0, DXO));
        Check.exact(at + " after dx", Arrays.copyOfRange(s, DXO + c.rows() * cols, s.length),
                Arrays.copyOfRange(v, DXO + c.rows() * cols, v.length));
        for (int r = 0; r < c.rows(); r++) {
            int n = c.seen(r);
            boolean blind = c.blind(r);
            double sumAbs = 0;
            for (int j = 0; j < n; j++) sumAbs += Math.abs((double) c.dy().get(r * cols + j) * y[YO + r * cols + j]);
            for (int j = 0; j < cols; j++) {
                int i = DXO + r * cols + j;
                String where = at + " at [" + r + "," + j + "]";
                if (blind || j >= n || c.masked(j)) {
                    Check.exact(where + " (no gradient)", 0f, s[i]);
                    Check.exact(where + " (no gradient)", 0f, v[i]);
                } else {
                    double yj = y[YO + r * cols + j], dyj = c.dy().get(r * cols + j);
                    double tol = Math.abs(c.scale()) * (Math.abs(yj) * ((n + 4) * 0x1p-23 * sumAbs + 4 * Check.U * Math.abs(dyj))
                            + 4 * Check.TINY) + 2 * Check.U * Math.abs(s[i]);
                    Check.close(where + " y=" + yj + " dy=" + dyj, s[i], v[i], TranscendentalProperties.ULPS, tol);
                }
            }
        }
        // dx may be dy: the same bits as into a separate array
        for (Kernels k : new Kernels[] {scalar(), vector()}) {
            float[] sep = k == scalar() ? s : v;
            Check.exact(k.name() + " backward in place", Arrays.copyOfRange(sep, DXO, DXO + c.rows() * cols), backward(k, c, y.clone(), true));
        }
    }
}
