package dev.vectornn.kernel;

/** Element-wise binary arithmetic, IEEE 754 float semantics (NaN and infinities propagate). */
public enum BinaryOp {
    /** {@code a + b} */
    ADD,
    /** {@code a - b} */
    SUB,
    /** {@code a * b} */
    MUL,
    /** {@code a / b} */
    DIV
}
