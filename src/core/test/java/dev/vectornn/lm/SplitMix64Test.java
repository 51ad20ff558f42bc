package dev.vectornn.lm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SplitMix64Test {

    @Test
    void matchesSplittableRandomBitForBit() {
        for (long seed : new long[] {0, 1, 1337, -42, Long.MIN_VALUE}) {
            SplitMix64 ours = new SplitMix64(seed);
            SplittableRandom jdk = new SplittableRandom(seed);
            for (int i = 0; i < 1000; i++) assertEquals(jdk.nextLong(), ours.nextLong(), "seed " + seed + " draw " + i);
        }
    }

    @Test
    void savedStateContinuesTheSameSequence() {
        SplitMix64 a = new SplitMix64(7);
        for (int i = 0; i < 10; i++) a.nextInt(100);
        long state = a.state();
        long[] expected = {a.nextLong(), a.nextInt(1000), Double.doubleToLongBits(a.nextDouble())};
        SplitMix64 b = new SplitMix64(123);
        b.setState(state);
        assertEquals(expected[0], b.nextLong());
        assertEquals(expected[1], b.nextInt(1000));
        assertEquals(expected[2], Double.doubleToLongBits(b.nextDouble()));
    }

    @Test
    void nextIntStaysInRangeAndCoversIt() {
        SplitMix64 r = new SplitMix64(99);
        int[] counts = new int[7];
        for (int i = 0; i < 7000; i++) counts[r.nextInt(7)]++;
        for (int c : counts) assertTrue(c > 800 && c < 1200, java.util.Arrays.toString(counts));
        for (int i = 0; i < 1000; i++) {
            int v = r.nextInt(Integer.MAX_VALUE);
            assertTrue(v >= 0);
        }
        assertEquals(0, r.nextInt(1));
        assertThrows(IllegalArgumentException.class, () -> r.nextInt(0));
    }

    @Test
    void floatsAndDoublesAreInTheUnitInterval() {
        SplitMix64 r = new SplitMix64(5);
        for (int i = 0; i < 10_000; i++) {
            float f = r.nextFloat();
            double d = r.nextDouble();
            assertTrue(f >= 0f && f < 1f);
            assertTrue(d >= 0d && d < 1d);
        }
    }
}
