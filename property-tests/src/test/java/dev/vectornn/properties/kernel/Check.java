package dev.vectornn.properties.kernel;

/**
 * Comparisons between the scalar oracle's output and the vector implementation's, with failure
 * messages that show the index, both values and their bit patterns.
 *
 * <p><b>NaN.</b> Exact comparisons use {@link Float#floatToIntBits}, which maps every NaN to one
 * canonical pattern: "bit-identical" here means identical up to the NaN payload. Java leaves
 * payloads unspecified (JLS 4.2.3 only says "NaN"), and on x86 which operand's payload survives
 * depends on operand order inside the instruction, which a vectorized loop is free to change.
 * Everything else, the sign of zero included, must match bit for bit.
 */
final class Check {
    private Check() {}

    /** A per-element tolerance (absolute, in the value's units) for element {@code i}. */
    @FunctionalInterface
    interface Tolerance {
        double at(int i);
    }

    /** Compares whole arrays (padding included: a write outside the region is caught too). */
    static void exact(String what, float[] scalar, float[] vector) {
        assertSameLength(what, scalar, vector);
        for (int i = 0; i < scalar.length; i++) {
            if (Float.floatToIntBits(scalar[i]) != Float.floatToIntBits(vector[i])) {
                throw new AssertionError(what + ": element " + i + " differs: scalar " + show(scalar[i])
                        + ", vector " + show(vector[i]));
            }
        }
    }

    static void exact(String what, float scalar, float vector) {
        if (Float.floatToIntBits(scalar) != Float.floatToIntBits(vector)) {
            throw new AssertionError(what + ": scalar " + show(scalar) + ", vector " + show(vector));
        }
    }

    /** Whole arrays within {@code maxUlps} units in the last place (NaN only matches NaN). */
    static void ulps(String what, float[] scalar, float[] vector, int maxUlps) {
        assertSameLength(what, scalar, vector);
        for (int i = 0; i < scalar.length; i++) {
            long d = ulpDistance(scalar[i], vector[i]);
            if (d > maxUlps) {
                throw new AssertionError(what + ": element " + i + " is " + (d == Long.MAX_VALUE ? "NaN-mismatched" : d + " ulp")
                        + " apart (allowed " + maxUlps + "): scalar " + show(scalar[i]) + ", vector " + show(vector[i]));
            }
        }
    }

    /**
     * Whole arrays: element {@code i} must be within {@code maxUlps} ulp or within {@code tol.at(i)}
     * absolutely; NaN must match NaN and an infinity must match the same infinity (or the largest
     * finite float of that sign, which is 1 ulp away).
     */
    static void close(String what, float[] scalar, float[] vector, int maxUlps, Tolerance tol) {
        assertSameLength(what, scalar, vector);
        for (int i = 0; i < scalar.length; i++) {
            close(what + ": element " + i, scalar[i], vector[i], maxUlps, tol.at(i));
        }
    }

    static void close(String what, float scalar, float vector, int maxUlps, double tol) {
        long d = ulpDistance(scalar, vector);
        if (d <= maxUlps) {
            return;
        }
        boolean bothFinite = Float.isFinite(scalar) && Float.isFinite(vector);
        if (bothFinite && Math.abs((double) scalar - (double) vector) <= tol) {
            return;
        }
        throw new AssertionError(what + ": scalar " + show(scalar) + ", vector " + show(vector) + " differ by "
                + (d == Long.MAX_VALUE ? "NaN-ness" : d + " ulp, |diff| " + Math.abs((double) scalar - (double) vector))
                + " (allowed " + maxUlps + " ulp or " + tol + ")");
    }

    /**
     * Distance in units in the last place: the number of floats between the two, counting -0 and
     * +0 as one value. Two NaNs are 0 apart; a NaN and a number are {@link Long#MAX_VALUE} apart.
     * The largest finite float is 1 ulp from infinity.
     */
    static long ulpDistance(float a, float b) {
        boolean na = Float.isNaN(a);
        boolean nb = Float.isNaN(b);
        if (na || nb) {
            return na && nb ? 0 : Long.MAX_VALUE;
        }
        return Math.abs(ordered(a) - ordered(b));
    }

    private static long ordered(float f) {
        int bits = Float.floatToRawIntBits(f);
        return bits >= 0 ? bits : -(long) (bits & 0x7fff_ffff);
    }

    static String show(float f) {
        return f + " (0x" + Integer.toHexString(Float.floatToRawIntBits(f)) + ")";
    }

    private static void assertSameLength(String what, float[] a, float[] b) {
        if (a.length != b.length) {
            throw new AssertionError(what + ": lengths differ " + a.length + " vs " + b.length);
        }
    }

    /** {@code 2^-24}, the unit roundoff of float. */
    static final double U = 0x1p-24;

    /** The smallest subnormal, for absolute slack where products or sums can underflow. */
    static final double TINY = Float.MIN_VALUE;
}
