package dev.vectornn.properties.kernel;

import static dev.vectornn.properties.kernel.Gen.scalar;
import static dev.vectornn.properties.kernel.Gen.vector;

import dev.vectornn.kernel.Kernels;
import dev.vectornn.properties.kernel.Gen.Vec;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

/**
 * The row gather ({@code Kernels.gatherRows}) is exact: vector and scalar give the bits of its
 * definition, row by row from random (repeated, out-of-order) source offsets, contiguous or
 * strided, copying or accumulating, and leave everything outside dst's rows alone.
 */
class GatherRowsProperties {

    record Case(int rows, int cols, int inc, Vec src, int srcOff, int[] offsets, Vec dst, boolean accumulate) {}

    @Provide
    Arbitrary<Case> cases() {
        return Combinators.combine(Gen.extents(), Gen.extents(), Arbitraries.of(1, 1, 1, 0, 2, 3))
                .flatAs((rows, cols, inc) -> {
                    int span = cols == 0 ? 1 : (cols - 1) * inc + 1;
                    int srcLen = span + 3 * Gen.LANES + 5;
                    Arbitrary<int[]> offsets = Arbitraries.integers().between(0, srcLen - span).list().ofSize(rows)
                            .map(l -> l.stream().mapToInt(Integer::intValue).toArray());
                    return Combinators.combine(Gen.vec(srcLen, Gen.moderate(8f)), offsets,
                                    Gen.vec(rows * cols, Gen.moderate(8f)), Arbitraries.of(false, true))
                            .as((src, offs, dst, acc) -> new Case(rows, cols, inc, src, src.off(), offs, dst, acc));
                });
    }

    private static float[] run(Kernels k, Case c) {
        float[] d = c.dst().data().clone();
        k.gatherRows(c.rows(), c.cols(), c.src().data(), c.srcOff(), c.offsets(), c.inc(), d, c.dst().off(), c.accumulate());
        return d;
    }

    @Property
    void vectorAndScalarGiveTheDefinitionsBits(@ForAll("cases") Case c) {
        Statistics.label("rows*cols").collect(Gen.sizeClass(c.rows() * c.cols()));
        float[] want = c.dst().data().clone();
        float[] src = c.src().data();
        for (int r = 0; r < c.rows(); r++) {
            for (int i = 0; i < c.cols(); i++) {
                int d = c.dst().off() + r * c.cols() + i;
                float x = src[c.srcOff() + c.offsets()[r] + i * c.inc()];
                want[d] = c.accumulate() ? want[d] + x : x;
            }
        }
        String what = "gatherRows " + c.rows() + "x" + c.cols() + " inc=" + c.inc() + " acc=" + c.accumulate();
        Check.exact(what + " scalar", want, run(scalar(), c));
        Check.exact(what + " vector", want, run(vector(), c));
    }
}
