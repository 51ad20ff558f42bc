package dev.vectornn.kernel;

/** Whether a GEMM/GEMV operand is used as stored ({@link #N}) or transposed ({@link #T}). */
public enum Transpose {
    /** Use the matrix as stored (row-major). */
    N,
    /** Use the transpose of the stored matrix. */
    T
}
