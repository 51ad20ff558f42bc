package dev.vectornn.io;

/**
 * Exact widening of the two 16-bit float formats found in PyTorch checkpoints to {@code float}.
 * Every 16-bit value is exactly representable as a float, so no rounding happens: subnormals,
 * signed zeros, infinities and NaN payloads all carry over. Stateless and thread-safe.
 */
final class HalfFloats {
    private HalfFloats() {}

    /**
     * IEEE 754 binary16 (1 sign, 5 exponent, 10 fraction bits) to float. The JDK's
     * {@link Float#float16ToFloat} is exact, normalizes binary16 subnormals and keeps NaN payloads
     * (shifted into the float's fraction), which is precisely the widening conversion.
     */
    static float f16ToFloat(short bits) {
        return Float.float16ToFloat(bits);
    }

    /**
     * bfloat16 (the top half of a binary32: 1 sign, 8 exponent, 7 fraction bits) to float: the 16
     * bits become the high half of the float and the low half is zero, so every class of value
     * (subnormal, infinity, NaN with its payload) maps to itself.
     */
    static float bf16ToFloat(short bits) {
        return Float.intBitsToFloat((bits & 0xFFFF) << 16);
    }
}
