package dev.vectornn.kernel.gemm;

/**
 * Per-thread packing buffers, reused across calls and grown only when a larger problem needs
 * more (so a steady stream of GEMMs allocates nothing). Their size is bounded by the blocking
 * parameters: at most {@code MC*KC + KC*NC + MR*NR} floats plus two vectors of the largest
 * GEMV-routed dimension, and one vector's worth for ordered lane sums.
 */
final class Scratch {
    private static final ThreadLocal<Scratch> LOCAL = ThreadLocal.withInitial(Scratch::new);

    private float[] a = new float[0];
    private float[] b = new float[0];
    private float[] x = new float[0];
    private float[] y = new float[0];
    final float[] tile = new float[VectorGemm.MR * VectorGemm.NR];
    final float[] lanes = new float[4 * dev.vectornn.kernel.simd.Simd.LANES];

    /** This thread's buffers. */
    static Scratch get() {
        return LOCAL.get();
    }

    float[] a(int n) {
        if (a.length < n) a = new float[n];
        return a;
    }

    float[] b(int n) {
        if (b.length < n) b = new float[n];
        return b;
    }

    float[] x(int n) {
        if (x.length < n) x = new float[n];
        return x;
    }

    float[] y(int n) {
        if (y.length < n) y = new float[n];
        return y;
    }
}
