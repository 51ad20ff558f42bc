package dev.vectornn.graph;

import dev.vectornn.tensor.DType;
import dev.vectornn.tensor.Shape;
import dev.vectornn.tensor.Tensor;

/** Inputs and readouts shared by the tests that compare a fused op with its composition. */
final class TestTensors {
    private TestTensors() {}

    /** Uniform values in [-1, 1) of the given dtype and shape, from {@code seed}. */
    static Tensor uniform(DType dtype, long seed, int... dims) {
        return Tensor.uniform(dtype, Shape.of(dims), -1, 1, seed);
    }

    /** The tensor's values as doubles (exactly, for float32 too), for {@code assertArrayEquals}. */
    static double[] doubles(Tensor t) {
        if (t.dtype() == DType.F64) return t.doubles().clone();
        float[] f = t.floats();
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) d[i] = f[i];
        return d;
    }
}
