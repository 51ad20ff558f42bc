package dev.vectornn.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Decoding against bit patterns worked out by hand from the formats' definitions. */
class HalfFloatsTest {
    private static void f16(int bits, float want) {
        float got = HalfFloats.f16ToFloat((short) bits);
        assertEquals(Float.floatToRawIntBits(want), Float.floatToRawIntBits(got), "f16 0x" + Integer.toHexString(bits));
    }

    private static void bf16(int bits, float want) {
        float got = HalfFloats.bf16ToFloat((short) bits);
        assertEquals(Float.floatToRawIntBits(want), Float.floatToRawIntBits(got), "bf16 0x" + Integer.toHexString(bits));
    }

    @Test
    void f16KnownValues() {
        f16(0x0000, 0f);
        f16(0x8000, -0f);
        f16(0x3C00, 1f);
        f16(0xBC00, -1f);
        f16(0x3555, 0x1.554p-2f); // 0.333251953125, the binary16 nearest 1/3
        f16(0x7BFF, 65504f); // largest finite
        f16(0x0400, 0x1p-14f); // smallest normal
        f16(0x0001, 0x1p-24f); // smallest subnormal
        f16(0x03FF, 0x1.ff8p-15f); // largest subnormal: 1023 * 2^-24
        f16(0x8001, -0x1p-24f);
        f16(0x7C00, Float.POSITIVE_INFINITY);
        f16(0xFC00, Float.NEGATIVE_INFINITY);
    }

    @Test
    void f16NanKeepsSignAndPayload() {
        // Quiet NaN 0x7E00: fraction 0x200 moves to the float's top fraction bits (0x7FC00000).
        f16(0x7E00, Float.intBitsToFloat(0x7FC00000));
        f16(0xFE01, Float.intBitsToFloat(0xFFC00000 | (0x001 << 13)));
        assertTrue(Float.isNaN(HalfFloats.f16ToFloat((short) 0x7C01)));
    }

    @Test
    void f16AllFiniteValuesMatchTheDefinition() {
        for (int bits = 0; bits < 0x10000; bits++) {
            int exp = (bits >> 10) & 0x1F;
            int frac = bits & 0x3FF;
            if (exp == 0x1F) continue;
            double mag = exp == 0 ? frac * 0x1p-24 : (1024 + frac) * Math.scalb(1.0, exp - 25);
            float want = (float) ((bits & 0x8000) != 0 ? -mag : mag);
            f16(bits, want);
        }
    }

    @Test
    void bf16KnownValues() {
        bf16(0x0000, 0f);
        bf16(0x8000, -0f);
        bf16(0x3F80, 1f);
        bf16(0xC000, -2f);
        bf16(0x4049, 3.140625f);
        bf16(0x7F7F, 0x1.fep127f); // largest finite
        bf16(0x0080, 0x1p-126f); // smallest normal
        bf16(0x0001, 0x1p-133f); // smallest subnormal
        bf16(0x7F80, Float.POSITIVE_INFINITY);
        bf16(0xFF80, Float.NEGATIVE_INFINITY);
        bf16(0x7FC0, Float.intBitsToFloat(0x7FC00000));
        bf16(0xFFC1, Float.intBitsToFloat(0xFFC10000));
    }
}
