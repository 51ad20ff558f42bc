package dev.vectornn.properties.kernel;

import dev.vectornn.kernel.KernelProvider;
import dev.vectornn.kernel.Kernels;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;

/**
 * Generators shared by the kernel properties. Everything is built from {@link Arbitraries} and
 * combinators (no filters), so a failing case shrinks towards short arrays, offset 0 and the
 * value 0.
 *
 * <p>Lengths are drawn from three pools: the edge sizes around the vector width (0, 1, lanes-1,
 * lanes, lanes+1, 2*lanes, 3*lanes+1) that exercise the vector loop / scalar tail boundary, any
 * length up to 3*lanes+1, and long arrays (up to a few thousand, occasionally about 70K).
 */
final class Gen {
    private Gen() {}

    /** The vector implementation's lane count, or 16 when it is unavailable (its properties then fail on {@link #vector()}). */
    static final int LANES = lanesOrDefault();

    /** The value every input array holds outside the region a kernel may read (a read of it poisons the result). */
    static final float PAD = Float.NaN;

    private static int lanesOrDefault() {
        try {
            return KernelProvider.vector().lanes();
        } catch (RuntimeException | LinkageError e) {
            return 16;
        }
    }

    static Kernels scalar() {
        return KernelProvider.scalar();
    }

    static Kernels vector() {
        return KernelProvider.vector();
    }

    // ------------------------------------------------------------------ sizes

    /** Lengths for 1-D kernels; see the class comment. */
    static Arbitrary<Integer> lengths() {
        int l = LANES;
        return Arbitraries.frequencyOf(
                Tuple.of(38, Arbitraries.of(0, 1, l - 1, l, l + 1, 2 * l, 3 * l + 1)),
                Tuple.of(38, Arbitraries.integers().between(0, 3 * l + 1)),
                Tuple.of(22, Arbitraries.integers().between(3 * l + 2, 4000)),
                Tuple.of(2, Arbitraries.integers().between(65_000, 72_000)));
    }

    /** Matrix extents (rows or columns): edge sizes, small, occasionally a few hundred. */
    static Arbitrary<Integer> extents() {
        int l = LANES;
        return Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.of(1, l - 1, l, l + 1, 0)),
                Tuple.of(5, Arbitraries.integers().between(0, 3 * l + 1)),
                Tuple.of(1, Arbitraries.integers().between(3 * l + 2, 300)));
    }

    static Arbitrary<Integer> offsets() {
        return Arbitraries.integers().between(0, 2 * LANES + 1);
    }

    /** Extra elements between rows (leading dimension minus columns). */
    static Arbitrary<Integer> ldExtra() {
        return Arbitraries.frequencyOf(Tuple.of(2, Arbitraries.just(0)), Tuple.of(1, Arbitraries.integers().between(1, LANES + 1)));
    }

    /** The size class of n, for {@link Statistics}. */
    static String sizeClass(int n) {
        int l = LANES;
        if (n == 0) return "0";
        if (n == 1) return "1";
        if (n == l - 1) return "lanes-1";
        if (n == l) return "lanes";
        if (n == l + 1) return "lanes+1";
        if (n <= 3 * l + 1) return "<= 3*lanes+1";
        if (n <= 4000) return "long";
        return "~70K";
    }

    static void collectSize(int n) {
        Statistics.label("n").collect(sizeClass(n));
    }

    // ------------------------------------------------------------------ values

    /** Special floats: signed zeros, subnormals, the normal boundary, huge and unit values. */
    static Arbitrary<Float> specialFinite() {
        return Arbitraries.of(0f, -0f, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL, -Float.MIN_NORMAL,
                1e-40f, -3e-39f, 1f, -1f, 0.5f, Float.MAX_VALUE, -Float.MAX_VALUE, 1e30f, -1e30f, 3e38f);
    }

    static Arbitrary<Float> nonFinite() {
        return Arbitraries.of(Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY);
    }

    /** Any finite float, uniform over bit patterns (so every binade, subnormals included, is as likely). */
    static Arbitrary<Float> anyFiniteBits() {
        return Combinators.combine(Arbitraries.integers().between(0, 0x7f7f_ffff), Arbitraries.of(false, true))
                .as((bits, neg) -> neg ? -Float.intBitsToFloat(bits) : Float.intBitsToFloat(bits));
    }

    /** Ordinary values in [-lim, lim]. */
    static Arbitrary<Float> moderate(float lim) {
        return Arbitraries.floats().between(-lim, lim).ofScale(7);
    }

    /** Every kind of float: ordinary, any binade, the special finite values, NaN and the infinities. */
    static Arbitrary<Float> anyFloat() {
        return Arbitraries.frequencyOf(
                Tuple.of(60, moderate(8f)),
                Tuple.of(15, anyFiniteBits()),
                Tuple.of(8, specialFinite()),
                Tuple.of(3, nonFinite()));
    }

    /**
     * Values of magnitude at most {@code maxMagnitude} (so sums of up to ~70K of them, or their
     * products, stay far from overflow when it is chosen accordingly), still with
     * signed zeros, subnormals, huge magnitudes, and rarely NaN or an infinity.
     */
    static Arbitrary<Float> summable(float maxMagnitude) {
        float scaleDown = maxMagnitude / Float.MAX_VALUE;
        return Arbitraries.frequencyOf(
                Tuple.of(70, moderate(8f)),
                Tuple.of(12, anyFiniteBits().map(f -> Math.abs(f) > maxMagnitude ? f * scaleDown : f)),
                Tuple.of(8, Arbitraries.of(0f, -0f, Float.MIN_VALUE, -Float.MIN_VALUE, 1e-40f, Float.MIN_NORMAL,
                        maxMagnitude, -maxMagnitude, 1e-20f)),
                Tuple.of(1, nonFinite()));
    }

    /** Like {@link #summable} without NaN and infinities: signed zeros, subnormals, every binade up to {@code maxMagnitude}. */
    static Arbitrary<Float> finite(float maxMagnitude) {
        float scaleDown = maxMagnitude / Float.MAX_VALUE;
        return Arbitraries.frequencyOf(
                Tuple.of(75, moderate(2f)),
                Tuple.of(10, anyFiniteBits().map(f -> Math.abs(f) > maxMagnitude ? f * scaleDown : f)),
                Tuple.of(8, Arbitraries.of(0f, -0f, Float.MIN_VALUE, -Float.MIN_VALUE, 1e-40f, 1f, -1f, maxMagnitude)));
    }

    // ------------------------------------------------------------------ arrays

    /** A 1-D operand: {@code n} values from {@code off}, the rest of the array {@link #PAD}. */
    record Vec(float[] data, int off, int n) {
        float[] copy() {
            return data.clone();
        }

        float get(int i) {
            return data[off + i];
        }

        @Override
        public String toString() {
            return "Vec[off=" + off + ", n=" + n + ", len=" + data.length + ", values=" + describe(data, off, n) + "]";
        }
    }

    /** A row-major operand: {@code rows x cols} from {@code off} with leading dimension {@code ld}; gaps hold {@link #PAD}. */
    record Mat(float[] data, int off, int rows, int cols, int ld) {
        float get(int r, int c) {
            return data[off + r * ld + c];
        }

        boolean inBody(int index) {
            int rel = index - off;
            return rel >= 0 && rows > 0 && rel / ld < rows && rel % ld < cols;
        }

        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder("Mat[").append(rows).append('x').append(cols)
                    .append(", off=").append(off).append(", ld=").append(ld).append(", len=").append(data.length);
            sb.append(", rows=");
            for (int r = 0; r < Math.min(rows, 8); r++) {
                sb.append(describe(data, off + r * ld, cols));
            }
            if (rows > 8) sb.append("...");
            return sb.append(']').toString();
        }
    }

    /** Longer arrays are tiled from this many generated values (see {@link #values}). */
    static final int PATTERN = 509;

    static Arbitrary<Vec> vec(int n, Arbitrary<Float> values) {
        return Combinators.combine(offsets(), Arbitraries.integers().between(0, 3), values(n, values))
                .as((off, tail, vals) -> {
                    float[] a = new float[off + n + tail];
                    Arrays.fill(a, PAD);
                    System.arraycopy(vals, 0, a, off, n);
                    return new Vec(a, off, n);
                });
    }

    /**
     * {@code n} values. Up to {@link #PATTERN} each one is generated (and shrunk) by jqwik; a longer
     * array is {@link #PATTERN} generated values scattered by a seeded random index, because
     * generating 70K values one by one through jqwik costs seconds per property. Shrinking then
     * shortens the array and simplifies the pattern, which is what a counterexample needs.
     */
    static Arbitrary<float[]> values(int n, Arbitrary<Float> values) {
        if (n <= PATTERN) {
            return values.list().ofSize(n).map(Gen::toArray);
        }
        return Combinators.combine(values.list().ofSize(PATTERN), Arbitraries.longs()).as((pattern, seed) -> {
            java.util.SplittableRandom rnd = new java.util.SplittableRandom(seed);
            float[] a = new float[n];
            for (int i = 0; i < n; i++) a[i] = pattern.get(rnd.nextInt(PATTERN));
            return a;
        });
    }

    /** {@code count} operands of one common random length. */
    static Arbitrary<List<Vec>> vecs(int count, Arbitrary<Float> values) {
        return lengths().flatMap(n -> vec(n, values).list().ofSize(count));
    }

    static Arbitrary<Mat> mat(int rows, int cols, Arbitrary<Float> values) {
        return Combinators.combine(offsets(), ldExtra(), values(rows * cols, values))
                .as((off, extra, vals) -> {
                    int ld = Math.max(1, cols + extra);
                    int len = off + (rows == 0 ? 0 : (rows - 1) * ld + cols) + extra;
                    float[] a = new float[len];
                    Arrays.fill(a, PAD);
                    for (int r = 0; r < rows; r++) {
                        System.arraycopy(vals, r * cols, a, off + r * ld, cols);
                    }
                    return new Mat(a, off, rows, cols, ld);
                });
    }

    /** All values when few; else the ones that are not +0 (what shrinking leaves), by index. */
    static String describe(float[] data, int off, int n) {
        if (n <= 48) {
            return Arrays.toString(Arrays.copyOfRange(data, off, off + n));
        }
        StringBuilder sb = new StringBuilder("{non-zero of ").append(n).append(": ");
        int shown = 0;
        for (int i = 0; i < n && shown < 48; i++) {
            if (Float.floatToRawIntBits(data[off + i]) != 0) {
                sb.append(i).append('=').append(data[off + i]).append(' ');
                shown++;
            }
        }
        return sb.append(shown == 48 ? "...}" : "}").toString();
    }

    static float[] toArray(List<Float> l) {
        float[] a = new float[l.size()];
        for (int i = 0; i < a.length; i++) a[i] = l.get(i);
        return a;
    }
}
