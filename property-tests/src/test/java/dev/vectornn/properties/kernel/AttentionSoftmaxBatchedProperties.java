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
 * The batched attention softmax and its VJP give every matrix exactly the bits of a single
 * {@code attentionSoftmax} / {@code attentionSoftmaxBackward} call of the same implementation,
 * with each matrix's key mask row chosen by {@code i / matricesPerMask}; nothing outside the
 * matrices is written. With {@link AttentionSoftmaxProperties} (single calls, vector vs scalar)
 * this carries the vector-vs-scalar tolerances over to the batched kernels.
 */
class AttentionSoftmaxBatchedProperties {

    record Case(int batch, int rows, int cols, int perMask, float scale, boolean causal, float[] masks, Vec x, Vec dy) {
        int maskRows() {
            return (batch + perMask - 1) / perMask;
        }
    }

    private static final int YO = 3;

    @Provide
    Arbitrary<Case> cases() {
        Arbitrary<Integer> cols = Arbitraries.frequencyOf(Tuple.of(6, Gen.extents()), Tuple.of(1, Arbitraries.integers().between(100, 300)));
        return Combinators.combine(Arbitraries.integers().between(1, 4), Arbitraries.integers().between(0, 9), cols,
                        Arbitraries.integers().between(1, 4), Arbitraries.of(false, true))
                .flatAs((batch, rows, c, perMask, causal) -> {
                    int n = batch * rows * c;
                    int maskRows = (batch + perMask - 1) / perMask;
                    Arbitrary<float[]> masks = Arbitraries.frequencyOf(Tuple.of(1, Arbitraries.just((float[]) null)),
                            Tuple.of(2, Arbitraries.of(0f, 0f, 0f, 1f, Float.NaN).list().ofSize(maskRows * c)
                                    .map(l -> Gen.toArray(l))));
                    return Combinators.combine(AttentionSoftmaxProperties.scales(), masks,
                                    Gen.vec(n, SoftmaxProperties.values()), Gen.vec(n, Gen.moderate(4f)))
                            .as((scale, m, x, dy) -> new Case(batch, rows, c, perMask, scale, causal, m, x, dy));
                });
    }

    private static float[] padded(int n) {
        float[] a = new float[YO + n + 2];
        Arrays.fill(a, Gen.PAD);
        return a;
    }

    private static void check(Kernels k, String name, Case c) {
        int m = c.rows() * c.cols(), n = c.batch() * m;
        float[] y = padded(n), want = padded(n);
        k.attentionSoftmaxBatched(c.batch(), c.rows(), c.cols(), c.scale(), c.causal(), c.x().copy(), c.x().off(),
                c.masks(), 0, c.perMask(), y, YO);
        for (int i = 0; i < c.batch(); i++) {
            k.attentionSoftmax(c.rows(), c.cols(), c.scale(), c.causal(), c.x().data(), c.x().off() + i * m,
                    c.masks(), (i / c.perMask()) * c.cols(), want, YO + i * m);
        }
        Check.exact(name + " attentionSoftmaxBatched vs single calls " + c.batch() + "x" + c.rows() + "x" + c.cols(), want, y);

        float[] dx = padded(n), wantDx = padded(n);
        k.attentionSoftmaxBackwardBatched(c.batch(), c.rows(), c.cols(), c.scale(), c.causal(), y, YO, c.dy().copy(),
                c.dy().off(), c.masks(), 0, c.perMask(), dx, YO);
        for (int i = 0; i < c.batch(); i++) {
            k.attentionSoftmaxBackward(c.rows(), c.cols(), c.scale(), c.causal(), y, YO + i * m, c.dy().data(),
                    c.dy().off() + i * m, c.masks(), (i / c.perMask()) * c.cols(), wantDx, YO + i * m);
        }
        Check.exact(name + " attentionSoftmaxBackwardBatched vs single calls " + c.batch() + "x" + c.rows() + "x" + c.cols(), wantDx, dx);
    }

    @Property
    void batchedIsSingleCallsMatrixByMatrix(@ForAll("cases") Case c) {
        Statistics.label("batch").collect(c.batch());
        check(vector(), "vector", c);
        check(scalar(), "scalar", c);
    }
}
