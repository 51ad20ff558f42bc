package dev.vectornn.tensor;

/**
 * Element type of a tensor or of a compiled plan's execution. {@link #F32} is the normal
 * execution type (the Vector API kernels); {@link #F64} runs the same graph with scalar double
 * arithmetic, for gradient checks in double precision as {@code torch.autograd.gradcheck} does.
 */
public enum DType {
    /** IEEE 754 binary32, stored in {@code float[]}. */
    F32(4),
    /** IEEE 754 binary64, stored in {@code double[]}. */
    F64(8);

    private final int bytes;

    DType(int bytes) {
        this.bytes = bytes;
    }

    /** Size of one element in bytes. */
    public int bytes() {
        return bytes;
    }

    /** A new zeroed storage array of this type ({@code float[]} or {@code double[]}) with {@code n} elements. */
    public Object newArray(int n) {
        return this == F32 ? new float[n] : new double[n];
    }
}
