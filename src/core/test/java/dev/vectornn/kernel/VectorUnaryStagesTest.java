package dev.vectornn.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vectornn.kernel.simd.Simd;
import dev.vectornn.kernel.simd.VectorMath;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

/**
 * The staged, chunked transcendental kernels give exactly the bits of the composed
 * {@link VectorMath} functions whose accuracy {@code VectorMathAccuracyTest} measures, for every
 * element including the tail, also when the output aliases the input (NaN results only need
 * to be NaN).
 */
class VectorUnaryStagesTest {

    private final Kernels k = new VectorKernels();

    /** Applies {@code f} vector by vector; the last partial vector is padded with 1. */
    private static float[] reference(float[] x, UnaryOperator<FloatVector> f) {
        int l = Simd.LANES, n = x.length;
        float[] in = java.util.Arrays.copyOf(x, (n + l - 1) / l * l), out = new float[in.length];
        java.util.Arrays.fill(in, n, in.length, 1f);
        for (int i = 0; i < in.length; i += l) f.apply(FloatVector.fromArray(Simd.F, in, i)).intoArray(out, i);
        return java.util.Arrays.copyOf(out, n);
    }

    private static void assertBits(float[] want, float[] got, String what) {
        for (int i = 0; i < want.length; i++) {
            // a NaN's sign and payload depend on the x86 instruction's operand order, not on the math
            if (want[i] != want[i] && got[i] != got[i]) continue;
            assertEquals(Float.floatToRawIntBits(want[i]), Float.floatToRawIntBits(got[i]),
                    what + "[" + i + "]: want " + want[i] + " got " + got[i]);
        }
    }

    @Test
    void kernelsEqualTheComposedFunctionsBitForBit() {
        SplittableRandom r = new SplittableRandom(3);
        for (int n : new int[] {1, Simd.LANES + 3, 1003, 3 * VectorUnary.CHUNK_U + 5}) {
            float[] x = new float[n], pos = new float[n], dy = new float[n];
            for (int i = 0; i < n; i++) {
                x[i] = (float) (r.nextGaussian() * 4);
                pos[i] = (float) Math.exp(r.nextGaussian() * 20);
                dy[i] = (float) r.nextGaussian();
            }
            x[0] = Float.NaN;
            if (n > 2) {
                x[1] = Float.NEGATIVE_INFINITY;
                pos[1] = 0f;
            }
            check(UnaryOp.EXP, x, VectorMath::exp);
            check(UnaryOp.TANH, x, VectorMath::tanh);
            check(UnaryOp.SIGMOID, x, VectorMath::sigmoid);
            check(UnaryOp.LOG, pos, VectorMath::log);
            check(UnaryOp.GELU, x, VectorMath::gelu);
            check(UnaryOp.GELU_TANH, x, VectorMath::geluTanh);
            checkBackward(UnaryOp.GELU, x, dy, VectorMath::geluGrad);
            checkBackward(UnaryOp.GELU_TANH, x, dy, VectorMath::geluTanhGrad);
        }
    }

    private void check(UnaryOp op, float[] x, UnaryOperator<FloatVector> f) {
        float[] want = reference(x, f), y = new float[x.length];
        k.unary(op, x.length, x, 0, y, 0);
        assertBits(want, y, op + " n=" + x.length);
        float[] inPlace = x.clone();
        k.unary(op, x.length, inPlace, 0, inPlace, 0);
        assertBits(want, inPlace, op + " in place n=" + x.length);
    }

    private void checkBackward(UnaryOp op, float[] x, float[] dy, UnaryOperator<FloatVector> grad) {
        float[] g = reference(x, grad), want = new float[x.length], dx = new float[x.length];
        // the kernel multiplies the derivative vector by dy, one rounding per element as here
        for (int i = 0; i < x.length; i++) want[i] = g[i] * dy[i];
        k.unaryBackward(op, x.length, x, 0, new float[x.length], 0, dy, 0, dx, 0);
        assertBits(want, dx, op + "' n=" + x.length);
        float[] inPlace = dy.clone();
        k.unaryBackward(op, x.length, x, 0, new float[x.length], 0, inPlace, 0, inPlace, 0);
        assertBits(want, inPlace, op + "' in place n=" + x.length);
    }
}
