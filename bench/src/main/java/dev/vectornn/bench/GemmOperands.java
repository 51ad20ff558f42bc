package dev.vectornn.bench;

import dev.vectornn.kernel.Kernels;
import dev.vectornn.kernel.Triangle;
import dev.vectornn.kernel.Transpose;

/**
 * The operands of one (optionally batched) GEMM benchmark case, stored row-major as the
 * transposes require: {@code A} is {@code m x k} ({@code k x m} when transposed), {@code B} is
 * {@code k x n} ({@code n x k} when transposed), {@code C} is {@code m x n}. Built in trial setup;
 * the benchmark methods only call the kernels with these fields.
 */
final class GemmOperands {
    final GemmShape shape;
    final Transpose ta;
    final Transpose tb;
    final int batch;
    final int lda;
    final int ldb;
    final int ldc;
    final int strideA;
    final int strideB;
    final int strideC;
    final float[] a;
    final float[] b;
    final float[] c;

    /**
     * @param shape the problem size
     * @param trans two letters, {@code N} or {@code T} for A then B (e.g. {@code "NT"} for
     *     {@code A * B^T}, attention's {@code Q K^T})
     * @param batch number of independent products (1 for plain GEMM)
     */
    GemmOperands(GemmShape shape, String trans, int batch) {
        if (trans.length() != 2) {
            throw new IllegalArgumentException("trans must be two letters from {N, T}, e.g. NN or NT; got '" + trans + "'");
        }
        if (batch < 1) {
            throw new IllegalArgumentException("batch must be >= 1, got " + batch);
        }
        this.shape = shape;
        this.ta = Transpose.valueOf(trans.substring(0, 1));
        this.tb = Transpose.valueOf(trans.substring(1, 2));
        this.batch = batch;
        int m = shape.m(), n = shape.n(), k = shape.k();
        lda = ta == Transpose.N ? k : m;
        ldb = tb == Transpose.N ? n : k;
        ldc = n;
        strideA = m * k;
        strideB = k * n;
        strideC = m * n;
        a = Fixtures.uniform(Math.multiplyExact(batch, strideA), 20, -1f, 1f);
        b = Fixtures.uniform(Math.multiplyExact(batch, strideB), 21, -1f, 1f);
        c = new float[Math.multiplyExact(batch, strideC)];
    }

    /** {@code C = A*B} ({@code alpha = 1}, {@code beta = 0}: the forward pass of a linear layer). */
    void gemm(Kernels kern) {
        kern.gemm(ta, tb, shape.m(), shape.n(), shape.k(), 1f, a, 0, lda, b, 0, ldb, 0f, c, 0, ldc);
    }

    /** B (the first, for a batch) packed for {@link Kernels#gemmPacked} of {@code kern}. */
    float[] packB(Kernels kern) {
        float[] p = new float[kern.packedBSize(shape.k(), shape.n())];
        kern.packB(tb, shape.k(), shape.n(), b, 0, ldb, p, 0);
        return p;
    }

    /** {@link #gemm} from B packed by {@link #packB}. */
    void gemmPacked(Kernels kern, float[] packed) {
        kern.gemmPacked(ta, tb, shape.m(), shape.n(), shape.k(), 1f, a, 0, lda, packed, 0, 0f, c, 0, ldc);
    }

    /** {@code batch} products {@code C_i = A_i * B_i}, skipping {@code tri} (FULL: nothing). */
    void gemmBatched(Kernels kern, Triangle tri) {
        kern.gemmBatched(tri, ta, tb, batch, shape.m(), shape.n(), shape.k(), 1f,
                a, 0, strideA, lda, b, 0, strideB, ldb, 0f, c, 0, strideC, ldc);
    }
}
