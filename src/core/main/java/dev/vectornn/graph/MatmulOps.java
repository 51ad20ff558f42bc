package dev.vectornn.graph;

import dev.vectornn.kernel.Transpose;
import dev.vectornn.kernel.Triangle;
import dev.vectornn.tensor.Shape;
import dev.vectornn.tensor.ShapeException;

/**
 * Matrix products on the kernels' GEMM: {@code op(a) @ op(b)} for 2-D operands, batched for 3-D
 * ones ({@code [B, m, k] @ [B, k, n]}), with a 2-D operand shared across the batch (a linear
 * layer on a sequence: {@code [B, T, d] @ [d, h]}). {@code op} transposes the last two
 * dimensions when the attribute asks for it. A {@link Triangle} attribute makes it a causal
 * product that skips a zero triangle ({@link Graph#matmul(Node, Node, boolean, boolean, Triangle)}).
 */
final class MatmulOps {
    private MatmulOps() {}

    /**
     * Whether each operand is used transposed (its last two dimensions swapped), and which
     * triangle the product skips.
     */
    record Attrs(boolean transA, boolean transB, Triangle triangle) {
        Attrs(boolean transA, boolean transB) {
            this(transA, transB, Triangle.FULL);
        }
    }

    /**
     * Resolved sizes: {@code batch} products of {@code m x k} by {@code k x n}; {@code sa}/{@code sb}
     * are batch strides (0 for a shared operand); {@code lda}/{@code ldb} the stored row lengths.
     */
    record Dims(int batch, int m, int n, int k, int lda, int ldb, int sa, int sb, Transpose ta, Transpose tb,
                Triangle tri) {}

    static final class Matmul extends OpDef {
        Matmul() {
            super("matmul", "a", "b");
        }

        @Override
        Shape inferShape(Shape[] in, Object attrs) {
            Attrs t = (Attrs) attrs;
            Shape a = in[0], b = in[1];
            if (a.rank() < 2 || a.rank() > 3 || b.rank() < 2 || b.rank() > 3) {
                throw new ShapeException("a is " + a + ", b is " + b + "; operands must be 2-D or 3-D (batched)");
            }
            int am = a.dim(t.transA() ? -1 : -2), ak = a.dim(t.transA() ? -2 : -1);
            int bk = b.dim(t.transB() ? -1 : -2), bn = b.dim(t.transB() ? -2 : -1);
            if (ak != bk) {
                throw new ShapeException("a" + (t.transA() ? "^T" : "") + " is " + a + ", b" + (t.transB() ? "^T" : "")
                        + " is " + b + "; inner dimensions " + ak + " and " + bk + " differ");
            }
            // the gradient of a triangular product is again one only in these orientations
            if (t.triangle() == Triangle.LOWER_RESULT && (t.transA() || !t.transB())) {
                throw new ShapeException("a triangle LOWER_RESULT product must be a @ b^T (transA false, transB true)");
            }
            if (t.triangle() == Triangle.LOWER_A && t.transB()) {
                throw new ShapeException("a triangle LOWER_A product must not transpose b");
            }
            if (a.rank() == 3 && b.rank() == 3 && a.dim(0) != b.dim(0)) {
                throw new ShapeException("a is " + a + ", b is " + b + "; batch dimensions " + a.dim(0) + " and "
                        + b.dim(0) + " differ");
            }
            if (a.rank() == 3 || b.rank() == 3) {
                return Shape.of(a.rank() == 3 ? a.dim(0) : b.dim(0), am, bn);
            }
            return Shape.of(am, bn);
        }

        @Override
        void prepare(Frame f) {
            Attrs t = (Attrs) f.attrs;
            Shape a = f.inShapes[0], b = f.inShapes[1];
            int m = a.dim(t.transA() ? -1 : -2), k = a.dim(t.transA() ? -2 : -1), n = b.dim(t.transB() ? -2 : -1);
            int batch = f.outShape.rank() == 3 ? f.outShape.dim(0) : 1;
            int sa = a.rank() == 3 ? m * k : 0, sb = b.rank() == 3 ? k * n : 0;
            Transpose ta = t.transA() ? Transpose.T : Transpose.N, tb = t.transB() ? Transpose.T : Transpose.N;
            if (batch > 1 && sb == 0 && !t.transA() && t.triangle() == Triangle.FULL) {
                // [B, m, k] @ [k, n] is one [B*m, k] @ [k, n] product: bigger GEMM, and dB sums over B for free
                m *= batch;
                batch = 1;
                sa = 0;
            }
            f.prep = new Dims(batch, m, n, k, a.dim(-1), b.dim(-1), sa, sb, ta, tb, t.triangle());
        }

        @Override
        boolean vjpReadsOutput() {
            return false;
        }

        @Override
        void forward(Frame f) {
            Dims d = (Dims) f.prep;
            f.b.gemmBatched(d.tri(), d.ta(), d.tb(), d.batch(), d.m(), d.n(), d.k(), 1.0, f.in[0], f.inOff[0], d.sa(), d.lda(),
                    f.in[1], f.inOff[1], d.sb(), d.ldb(), 0.0, f.out, f.outOff, d.m() * d.n(), d.n());
        }

        @Override
        void vjp(Frame f) {
            Dims d = (Dims) f.prep;
            int mn = d.m() * d.n();
            if (f.needGrad[0]) {
                if (d.sa() != 0 || d.batch() == 1) {
                    // one disjoint dA entry per batch entry: the batched kernel spreads them over the threads
                    gradA(f, d, d.batch(), f.gOutOff, f.inOff[1], d.sb(), f.acc[0] ? 1.0 : 0.0, f.gInOff[0], d.m() * d.k());
                } else {
                    // a shared A (stride 0) sums its gradient over the batch, entry by entry
                    for (int i = 0; i < d.batch(); i++) {
                        gradA(f, d, 1, f.gOutOff + i * mn, f.inOff[1] + i * d.sb(), 0, f.acc[0] || i > 0 ? 1.0 : 0.0,
                                f.gInOff[0], 0);
                    }
                }
            }
            if (f.needGrad[1]) {
                if (d.sb() != 0 || d.batch() == 1) {
                    gradB(f, d, d.batch(), f.gOutOff, f.inOff[0], d.sa(), f.acc[1] ? 1.0 : 0.0, f.gInOff[1], d.k() * d.n());
                } else {
                    for (int i = 0; i < d.batch(); i++) {
                        gradB(f, d, 1, f.gOutOff + i * mn, f.inOff[0] + i * d.sa(), 0, f.acc[1] || i > 0 ? 1.0 : 0.0,
                                f.gInOff[1], 0);
                    }
                }
            }
        }

        /**
         * dA for {@code count} batch entries: dC from {@code gy} (entries m*n apart), B from
         * {@code bo} ({@code sb} apart), dA written (beta 0) or added (beta 1) from {@code da}
         * ({@code sda} apart).
         */
        static void gradA(Frame f, Dims d, int count, int gy, int bo, int sb, double beta, int da, int sda) {
            int mn = d.m() * d.n();
            // C = tril(A B^T): dA = tril(dC) B. C = tril(A) op(B): dA = tril(dC op(B)^T), also when A is
            // stored transposed (the triangle is the stored A's)
            Triangle tri = switch (d.tri()) {
                case FULL -> Triangle.FULL;
                case LOWER_RESULT -> Triangle.LOWER_A;
                case LOWER_A -> Triangle.LOWER_RESULT;
            };
            if (d.ta() == Transpose.N) {
                // dA = dC op(B)^T
                f.b.gemmBatched(tri, Transpose.N, d.tb().flip(), count, d.m(), d.k(), d.n(), 1.0, f.gOut, gy, mn, d.n(),
                        f.in[1], bo, sb, d.ldb(), beta, f.gIn[0], da, sda, d.k());
            } else {
                // A stored k x m: dA = op(B) dC^T
                f.b.gemmBatched(tri, d.tb(), Transpose.T, count, d.k(), d.m(), d.n(), 1.0, f.in[1], bo, sb, d.ldb(),
                        f.gOut, gy, mn, d.n(), beta, f.gIn[0], da, sda, d.m());
            }
        }

        /** dB for {@code count} batch entries, as {@link #gradA} with A from {@code ao} ({@code sa} apart). */
        static void gradB(Frame f, Dims d, int count, int gy, int ao, int sa, double beta, int db, int sdb) {
            int mn = d.m() * d.n();
            // C = tril(A B^T): dB = tril(dC)^T A. C = tril(A) B: dB = tril(A)^T dC. Either way the
            // product's first operand, as stored, is the triangular one
            Triangle tri = d.tri() == Triangle.FULL ? Triangle.FULL : Triangle.LOWER_A;
            if (d.tb() == Transpose.N) {
                // dB = op(A)^T dC
                f.b.gemmBatched(tri, d.ta().flip(), Transpose.N, count, d.k(), d.n(), d.m(), 1.0, f.in[0], ao, sa, d.lda(),
                        f.gOut, gy, mn, d.n(), beta, f.gIn[1], db, sdb, d.n());
            } else {
                // B stored n x k: dB = dC^T op(A)
                f.b.gemmBatched(tri, Transpose.T, d.ta(), count, d.n(), d.k(), d.m(), 1.0, f.gOut, gy, mn, d.n(),
                        f.in[0], ao, sa, d.lda(), beta, f.gIn[1], db, sdb, d.k());
            }
        }
    }

    /**
     * {@code x @ w^T + b}, a linear layer's product and bias as one op ({@link Graph#linear}):
     * x {@code [n, in]}, w {@code [out, in]}, b {@code [out]}. One GEMM adds the bias as it writes
     * each tile of the output, where {@code add(matmul(x, w^T), b)} passes over the whole output
     * a second time. Forward values and all three gradients have exactly the bits of that
     * composition: the product is the same GEMM, the bias is added after it with one rounding,
     * and the bias gradient is the add's own column sums.
     */
    static final class Linear extends OpDef {
        /** The product's sizes, and the bias gradient's reduction from the output's shape (as add's VJP reduces it). */
        private record Prep(Dims dims, Geometry toBias) {}

        Linear() {
            super("linear", "x", "w", "b");
        }

        @Override
        Shape inferShape(Shape[] in, Object attrs) {
            Shape x = in[0], w = in[1], b = in[2];
            if (x.rank() != 2 || w.rank() != 2 || b.rank() != 1) {
                throw new ShapeException("x is " + x + ", w is " + w + ", b is " + b
                        + "; need x [n, in], w [out, in] and b [out]");
            }
            if (x.dim(1) != w.dim(1)) {
                throw new ShapeException("x is " + x + ", w is " + w + "; x's " + x.dim(1) + " inputs differ from w's "
                        + w.dim(1));
            }
            if (b.dim(0) != w.dim(0)) {
                throw new ShapeException("w is " + w + ", b is " + b + "; the bias needs one entry per output, "
                        + w.dim(0));
            }
            return Shape.of(x.dim(0), w.dim(0));
        }

        @Override
        void prepare(Frame f) {
            int m = f.inShapes[0].dim(0), k = f.inShapes[0].dim(1), n = f.inShapes[1].dim(0);
            f.prep = new Prep(new Dims(1, m, n, k, k, k, 0, 0, Transpose.N, Transpose.T, Triangle.FULL),
                    Geometry.broadcast(f.inShapes[2], f.outShape));
        }

        @Override
        boolean vjpReadsOutput() {
            return false;
        }

        @Override
        boolean vjpReadsInput(int i) {
            return i != 2; // the bias's gradient does not depend on any value
        }

        @Override
        void forward(Frame f) {
            Dims d = ((Prep) f.prep).dims();
            f.b.gemmAdd(Transpose.N, Transpose.T, d.m(), d.n(), d.k(), f.in[0], f.inOff[0], d.lda(), f.in[1], f.inOff[1],
                    d.ldb(), f.out, f.outOff, d.n(), f.in[2], f.inOff[2], 0);
        }

        @Override
        void vjp(Frame f) {
            Prep p = (Prep) f.prep;
            Dims d = p.dims();
            if (f.needGrad[0]) {
                Matmul.gradA(f, d, 1, f.gOutOff, f.inOff[1], 0, f.acc[0] ? 1.0 : 0.0, f.gInOff[0], 0);
            }
            if (f.needGrad[1]) {
                Matmul.gradB(f, d, 1, f.gOutOff, f.inOff[0], 0, f.acc[1] ? 1.0 : 0.0, f.gInOff[1], 0);
            }
            if (f.needGrad[2]) f.b.reduceTo(p.toBias(), 1.0, f.gOut, f.gOutOff, f.gIn[2], f.gInOff[2], f.acc[2]);
        }
    }
}
