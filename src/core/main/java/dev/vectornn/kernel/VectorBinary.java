package dev.vectornn.kernel;

import static dev.vectornn.kernel.VectorKernels.F;
import static dev.vectornn.kernel.VectorKernels.L;

import jdk.incubator.vector.FloatVector;

/**
 * Element-wise binary arithmetic for {@link VectorKernels}: bit-exact with the scalar oracle
 * (one IEEE rounding per element, scalar tail written as the oracle). The switch on the op sits
 * outside the loops so each loop body is a single vector instruction stream. Large calls are
 * split over the kernel threads ({@link VectorParallel}): element ranges, broadcast rows.
 */
final class VectorBinary {
    private VectorBinary() {}

    /** {@code c[i] = a[i] op b[i]} for {@code i < n}. */
    static void binary(BinaryOp op, int n, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff) {
        int parts = VectorParallel.elementParts(n, VectorParallel.MIN_ARITHMETIC);
        if (VectorParallel.begin(parts)) {
            Task t = Task.INSTANCE;
            try {
                t.set(ELEMENTS, op, 0, a, aOff, 0, b, bOff, c, cOff, 0);
                t.runSplit(n, VectorParallel.GRAIN, parts);
            } finally {
                VectorParallel.end(t);
            }
            return;
        }
        binaryRange(op, n, a, aOff, b, bOff, c, cOff);
    }

    /** Row broadcast {@code c[r,j] = a[r,j] op b[j]}: rows split over the kernel threads. */
    static void binaryRow(BinaryOp op, int rows, int cols, float[] a, int aOff, int lda,
                          float[] b, int bOff, float[] c, int cOff, int ldc) {
        int parts = VectorParallel.parts((long) rows * cols, VectorParallel.MIN_ARITHMETIC, rows);
        if (VectorParallel.begin(parts)) {
            Task t = Task.INSTANCE;
            try {
                t.set(ROWS, op, cols, a, aOff, lda, b, bOff, c, cOff, ldc);
                t.runSplit(rows, 1, parts);
            } finally {
                VectorParallel.end(t);
            }
            return;
        }
        binaryRowRange(op, rows, cols, a, aOff, lda, b, bOff, c, cOff, ldc);
    }

    /** Column broadcast {@code c[r,j] = a[r,j] op b[r]}: rows split over the kernel threads. */
    static void binaryCol(BinaryOp op, int rows, int cols, float[] a, int aOff, int lda,
                          float[] b, int bOff, float[] c, int cOff, int ldc) {
        int parts = VectorParallel.parts((long) rows * cols, VectorParallel.MIN_ARITHMETIC, rows);
        if (VectorParallel.begin(parts)) {
            Task t = Task.INSTANCE;
            try {
                t.set(COLS, op, cols, a, aOff, lda, b, bOff, c, cOff, ldc);
                t.runSplit(rows, 1, parts);
            } finally {
                VectorParallel.end(t);
            }
            return;
        }
        binaryColRange(op, rows, cols, a, aOff, lda, b, bOff, c, cOff, ldc);
    }

    private static final int ELEMENTS = 0, ROWS = 1, COLS = 2;

    /** The arguments of one split binary kernel (guarded by the pool's lock). */
    private static final class Task extends VectorParallel.RangeTask {
        static final Task INSTANCE = new Task();
        private int kind, cols, aOff, lda, bOff, cOff, ldc;
        private BinaryOp op;
        private float[] a, b, c;

        void set(int kind, BinaryOp op, int cols, float[] a, int aOff, int lda, float[] b, int bOff,
                 float[] c, int cOff, int ldc) {
            this.kind = kind; this.op = op; this.cols = cols;
            this.a = a; this.aOff = aOff; this.lda = lda; this.b = b; this.bOff = bOff;
            this.c = c; this.cOff = cOff; this.ldc = ldc;
        }

        @Override
        void range(int from, int to) {
            switch (kind) {
                case ELEMENTS -> binaryRange(op, to - from, a, aOff + from, b, bOff + from, c, cOff + from);
                case ROWS -> binaryRowRange(op, to - from, cols, a, aOff + from * lda, lda, b, bOff, c, cOff + from * ldc, ldc);
                default -> binaryColRange(op, to - from, cols, a, aOff + from * lda, lda, b, bOff + from, c, cOff + from * ldc, ldc);
            }
        }

        @Override
        void clear() {
            a = null; b = null; c = null;
        }
    }

    private static void binaryRowRange(BinaryOp op, int rows, int cols, float[] a, int aOff, int lda,
                                       float[] b, int bOff, float[] c, int cOff, int ldc) {
        for (int r = 0; r < rows; r++) {
            binaryRange(op, cols, a, aOff + r * lda, b, bOff, c, cOff + r * ldc);
        }
    }

    /** {@code c[i] = a[i] op b[i]} for {@code i < n}, on the calling thread. */
    private static void binaryRange(BinaryOp op, int n, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff) {
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

    /** Column broadcast {@code c[r,j] = a[r,j] op b[r]}: one broadcast per row, on the calling thread. */
    private static void binaryColRange(BinaryOp op, int rows, int cols, float[] a, int aOff, int lda,
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
