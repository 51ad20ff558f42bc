package dev.vectornn.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link Kernels#geluWithDerivative} gives the bits of {@code unary(GELU)} and of
 * {@code unaryBackward(GELU)} at {@code dy = 1}, in both implementations, at lengths with and
 * without a vector tail, above the split threshold and in place; and {@code dy * d} is the
 * vector {@code unaryBackward}'s {@code dx}, which is what the graph's GELU VJP relies on.
 */
@ExtendWith(RestoreKernelThreads.class)
class GeluWithDerivativeTest {

    private static final int[] SIZES = {0, 1, 7, 15, 16, 17, 255, 256, 257, 1000, 3 * 8192 + 5};

    private static float[] inputs(int n, long seed) {
        Random r = new Random(seed);
        float[] specials = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, -0f, Float.MIN_VALUE,
                -Float.MIN_VALUE, 1e-30f, -0.75f, 0.7f, -0.7f, 21f, -21f, -30f, 30f, -5.5f};
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = i < specials.length && n > 40 ? specials[i] : (float) (r.nextGaussian() * (i % 3 == 0 ? 6 : 1.5));
        }
        return x;
    }

    @Test
    void sameBitsAsTheForwardAndTheBackwardAtUnitGradient() {
        for (Kernels k : new Kernels[] {KernelProvider.scalar(), KernelProvider.vector()}) {
            for (int threads : new int[] {1, 2}) {
                KernelThreads.setThreads(threads);
                for (int n : SIZES) {
                    float[] x = inputs(n, n);
                    float[] ones = new float[n];
                    Arrays.fill(ones, 1f);
                    float[] y = new float[n], d = new float[n], wantY = new float[n], wantD = new float[n];
                    k.unary(UnaryOp.GELU, n, x, 0, wantY, 0);
                    k.unaryBackward(UnaryOp.GELU, n, x, 0, wantY, 0, ones, 0, wantD, 0);
                    k.geluWithDerivative(n, x, 0, y, 0, d, 0);
                    String what = k.getClass().getSimpleName() + " threads " + threads + " n " + n;
                    assertBits(wantY, y, what + " y");
                    assertBits(wantD, d, what + " d");
                    // in place, at an offset
                    float[] xy = new float[n + 3], d2 = new float[n + 5];
                    System.arraycopy(x, 0, xy, 3, n);
                    k.geluWithDerivative(n, xy, 3, xy, 3, d2, 5);
                    assertBits(wantY, Arrays.copyOfRange(xy, 3, n + 3), what + " in place y");
                    assertBits(wantD, Arrays.copyOfRange(d2, 5, n + 5), what + " in place d");
                }
            }
        }
    }

    @Test
    void upstreamGradientTimesTheDerivativeIsTheVectorBackward() {
        Kernels v = KernelProvider.vector();
        int n = 4099;
        float[] x = inputs(n, 5), dy = new float[n];
        Random r = new Random(6);
        for (int i = 0; i < n; i++) dy[i] = (float) r.nextGaussian();
        float[] y = new float[n], d = new float[n], dx = new float[n], product = new float[n];
        v.geluWithDerivative(n, x, 0, y, 0, d, 0);
        v.unaryBackward(UnaryOp.GELU, n, x, 0, y, 0, dy, 0, dx, 0);
        v.binary(BinaryOp.MUL, n, dy, 0, d, 0, product, 0);
        assertBits(dx, product, "dy * d");
    }

    private static void assertBits(float[] want, float[] got, String what) {
        assertEquals(want.length, got.length, what);
        for (int i = 0; i < want.length; i++) {
            // a NaN's sign depends on which x86 instruction made it (and so on JIT timing), not on the math
            if (Float.isNaN(want[i]) && Float.isNaN(got[i])) continue;
            if (Float.floatToRawIntBits(want[i]) != Float.floatToRawIntBits(got[i])) {
                assertEquals(want[i], got[i], what + ": element " + i + " differs");
                assertEquals(Float.floatToRawIntBits(want[i]), Float.floatToRawIntBits(got[i]), what + ": element " + i + " bits");
            }
        }
    }
}
