package dev.vectornn.kernel;

/** Whether a GEMM/GEMV operand is used as stored ({@link #N}) or transposed ({@link #T}). */
public enum Transpose {
    /** Use the matrix as stored (row-major). */
    N,
    /** Use the transpose of the stored matrix. */
    T;

    /** The other one: {@code N} for {@code T}, {@code T} for {@code N}. */
    public Transpose flip() {
        return this == N ? T : N;
    }
}
