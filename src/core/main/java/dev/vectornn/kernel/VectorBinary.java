package dev.vectornn.kernel;

import static dev.vectornn.kernel.VectorKernels.F;
import static dev.vectornn.kernel.VectorKernels.L;

import jdk.incubator.vector.FloatVector;

/**
 * Element-wise binary arithmetic for {@link VectorKernels}: bit-exact with the scalar oracle
 * (one IEEE rounding per element, scalar tail written as the oracle). The switch on the op sits
 * outside the loops so each loop body is a single vector instruction stream.
 */
final class VectorBinary {
    private VectorBinary() {}

    /** {@code c[i] = a[i] op b[i]} for {@code i < n}. */
    static void binary(BinaryOp op, int n, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff) {
        int bound = F.loopBound(n);
        int i = 0;
        switch (op) {
            case ADD -> {
                for (; i < bound; i += L) {
                    FloatVector.fromArray(F, a, aOff + i).add(FloatVector.fromArray(F, b, bOff + i)).intoArray(c, cOff + i);
                }
                for (; i < n; i++) c[cOff + i] = a[aOff + i] + b[bOff + i];
            }
            case SUB -> {
                for (; i < bound; i += L) {
                    FloatVector.fromArray(F, a, aOff + i).sub(FloatVector.fromArray(F, b, bOff + i)).intoArray(c, cOff + i);
                }
                for (; i < n; i++) c[cOff + i] = a[aOff + i] - b[bOff + i];
            }
            case MUL -> {
                for (; i < bound; i += L) {
                    FloatVector.fromArray(F, a, aOff + i).mul(FloatVector.fromArray(F, b, bOff + i)).intoArray(c, cOff + i);
                }
                for (; i < n; i++) c[cOff + i] = a[aOff + i] * b[bOff + i];
            }
            case DIV -> {
                for (; i < bound; i += L) {
                    FloatVector.fromArray(F, a, aOff + i).div(FloatVector.fromArray(F, b, bOff + i)).intoArray(c, cOff + i);
                }
                for (; i < n; i++) c[cOff + i] = a[aOff + i] / b[bOff + i];
            }
        }
    }

    /** Column broadcast {@code c[r,j] = a[r,j] op b[r]}: one broadcast per row. */
    static void binaryCol(BinaryOp op, int rows, int cols, float[] a, int aOff, int lda,
                          float[] b, int bOff, float[] c, int cOff, int ldc) {
        int bound = F.loopBound(cols);
        switch (op) {
            case ADD -> {
                for (int r = 0; r < rows; r++) {
                    int ar = aOff + r * lda, cr = cOff + r * ldc;
                    float s = b[bOff + r];
                    int j = 0;
                    for (; j < bound; j += L) FloatVector.fromArray(F, a, ar + j).add(s).intoArray(c, cr + j);
                    for (; j < cols; j++) c[cr + j] = a[ar + j] + s;
                }
            }
            case SUB -> {
                for (int r = 0; r < rows; r++) {
                    int ar = aOff + r * lda, cr = cOff + r * ldc;
                    float s = b[bOff + r];
                    int j = 0;
                    for (; j < bound; j += L) FloatVector.fromArray(F, a, ar + j).sub(s).intoArray(c, cr + j);
                    for (; j < cols; j++) c[cr + j] = a[ar + j] - s;
                }
            }
            case MUL -> {
                for (int r = 0; r < rows; r++) {
                    int ar = aOff + r * lda, cr = cOff + r * ldc;
                    float s = b[bOff + r];
                    int j = 0;
                    for (; j < bound; j += L) FloatVector.fromArray(F, a, ar + j).mul(s).intoArray(c, cr + j);
                    for (; j < cols; j++) c[cr + j] = a[ar + j] * s;
                }
            }
            case DIV -> {
                for (int r = 0; r < rows; r++) {
                    int ar = aOff + r * lda, cr = cOff + r * ldc;
                    float s = b[bOff + r];
                    int j = 0;
                    // a / s, not a * (1/s): the oracle divides, and the reciprocal would round twice
                    for (; j < bound; j += L) FloatVector.fromArray(F, a, ar + j).div(s).intoArray(c, cr + j);
                    for (; j < cols; j++) c[cr + j] = a[ar + j] / s;
                }
            }
        }
    }
}
