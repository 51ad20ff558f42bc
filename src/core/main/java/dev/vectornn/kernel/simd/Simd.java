package dev.vectornn.kernel.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The float species used by every vector kernel, fixed once in a {@code static final} field so
 * C2 can constant-fold it and intrinsify every operation (a species in an ordinary field or an
 * array defeats that; see the VectorSpecies Javadoc).
 *
 * <p>{@code -Dvectornn.vectorBits=128|256|512} narrows the species to test narrower machines'
 * code paths; a request wider than the machine's preferred width is clamped to it (a 512-bit
 * species on an AVX2 machine would not be intrinsified and would run far slower than scalar).
 */
public final class Simd {
    private Simd() {}

    /** The machine's preferred float vector width in bits. */
    public static final int PREFERRED_BITS = FloatVector.SPECIES_PREFERRED.vectorBitSize();

    /** The width requested with {@code vectornn.vectorBits}, or 0 when none was. */
    public static final int REQUESTED_BITS = requested();

    /** The float species all kernels use. */
    public static final VectorSpecies<Float> F = choose();

    /** Float lanes per vector. */
    public static final int LANES = F.length();

    /** Width in bits of {@link #F}. */
    public static final int BITS = F.vectorBitSize();

    private static int requested() {
        String p = System.getProperty("vectornn.vectorBits");
        if (p == null || p.isBlank()) {
            return 0;
        }
        int bits;
        try {
            bits = Integer.parseInt(p.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("-Dvectornn.vectorBits=" + p + " is not a number (use 128, 256 or 512)");
        }
        if (bits != 128 && bits != 256 && bits != 512) {
            throw new IllegalArgumentException("-Dvectornn.vectorBits=" + p + " is not one of 128, 256, 512");
        }
        return bits;
    }

    private static VectorSpecies<Float> choose() {
        if (PREFERRED_BITS < 128) {
            throw new UnsupportedOperationException("the preferred float vector is only " + PREFERRED_BITS
                    + " bits wide; the Vector API kernels need at least 128");
        }
        int bits = REQUESTED_BITS == 0 ? PREFERRED_BITS : Math.min(REQUESTED_BITS, PREFERRED_BITS);
        return VectorSpecies.of(float.class, VectorShape.forBitSize(bits));
    }

    /**
     * 0, 1, ..., LANES-1 as floats, never written: {@code fromArray(F, LANE_INDEX, 0)} compared
     * with {@code n - j} marks the lanes of the vector at {@code j} that are at or past {@code n},
     * to blend a row's end away without a masked load.
     */
    public static final float[] LANE_INDEX = laneIndex();

    private static float[] laneIndex() {
        float[] l = new float[LANES];
        for (int i = 0; i < LANES; i++) l[i] = i;
        return l;
    }

    // Rotations by half, quarter, ... of the lanes, for sumLanes. Each is its own static final so
    // C2 sees a constant shuffle; an array of shuffles would not be.
    private static final VectorShuffle<Float> ROT8 = VectorShuffle.iota(F, 8 % LANES, 1, true);
    private static final VectorShuffle<Float> ROT4 = VectorShuffle.iota(F, 4 % LANES, 1, true);
    private static final VectorShuffle<Float> ROT2 = VectorShuffle.iota(F, 2 % LANES, 1, true);
    private static final VectorShuffle<Float> ROT1 = VectorShuffle.iota(F, 1, 1, true);

    /**
     * The sum of the lanes of {@code v} in a fixed pairwise order, identical in the interpreter,
     * C1 and C2. Not {@code reduceLanes(ADD)}: its order is unspecified and in practice differs
     * between C2's intrinsic and the Java fallback, so the same call gave different bits before
     * and after warm-up, which breaks bit-identical reruns.
     */
    public static float sumLanes(FloatVector v) {
        if (LANES > 8) v = v.add(v.rearrange(ROT8));
        if (LANES > 4) v = v.add(v.rearrange(ROT4));
        v = v.add(v.rearrange(ROT2));
        v = v.add(v.rearrange(ROT1));
        return v.lane(0);
    }

    /**
     * {@link #sumLanes(FloatVector)} of the vector stored at {@code a[off .. off + LANES)}, with the
     * same additions in the same order (so the same bits), in scalar code: for callers that must
     * not pass a vector to a method C2 might leave un-inlined. Overwrites the stored lanes.
     */
    public static float sumLanes(float[] a, int off) {
        for (int h = LANES / 2; h >= 1; h /= 2) {
            for (int i = 0; i < h; i++) {
                a[off + i] = a[off + i] + a[off + i + h];
            }
        }
        return a[off];
    }

    /** One line for logs and {@code vectornn info}, e.g. "512-bit float vectors, 16 lanes". */
    public static String describe() {
        String s = BITS + "-bit float vectors, " + LANES + " lanes (machine's preferred: " + PREFERRED_BITS + " bits";
        if (REQUESTED_BITS != 0 && REQUESTED_BITS != BITS) {
            s += "; -Dvectornn.vectorBits=" + REQUESTED_BITS + " clamped to " + BITS;
        } else if (REQUESTED_BITS != 0) {
            s += "; narrowed by -Dvectornn.vectorBits=" + REQUESTED_BITS;
        }
        return s + ")";
    }
}
