package dev.vectornn.graph;

import dev.vectornn.kernel.Transpose;
import dev.vectornn.tensor.Shape;
import dev.vectornn.tensor.ShapeException;

/**
 * Matrix products on the kernels' GEMM: {@code op(a) @ op(b)} for 2-D operands, batched for 3-D
 * ones ({@code [B, m, k] @ [B, k, n]}), with a 2-D operand shared across the batch (a linear
 * layer on a sequence: {@code [B, T, d] @ [d, h]}). {@code op} transposes the last two
 * dimensions when the attribute asks for it.
 */
final class MatmulOps {
    private MatmulOps() {}

    /** Whether each operand is used transposed (its last two dimensions swapped). */
    record Attrs(boolean transA, boolean transB) {}

    /**
     * Resolved sizes: {@code batch} products of {@code m x k} by {@code k x n}; {@code sa}/{@code sb}
     * are batch strides (0 for a shared operand); {@code lda}/{@code ldb} the stored row lengths.
     */
    record Dims(int batch, int m, int n, int k, int lda, int ldb, int sa, int sb, Transpose ta, Transpose tb) {}

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
            if (batch > 1 && sb == 0 && !t.transA()) {
                // [B, m, k] @ [k, n] is one [B*m, k] @ [k, n] product: bigger GEMM, and dB sums over B for free
                m *= batch;
                batch = 1;
                sa = 0;
            }
            f.prep = new Dims(batch, m, n, k, a.dim(-1), b.dim(-1), sa, sb, ta, tb);
        }

        @Override
        boolean vjpReadsOutput() {
            return false;
        }

        @Override
        void forward(Frame f) {
            Dims d = (Dims) f.prep;
            f.b.gemmBatched(d.ta(), d.tb(), d.batch(), d.m(), d.n(), d.k(), 1.0, f.in[0], f.inOff[0], d.sa(), d.lda(),
                    f.in[1], f.inOff[1], d.sb(), d.ldb(), 0.0, f.out, f.outOff, d.m() * d.n(), d.n());
        }

        @Override
        void vjp(Frame f) {
            Dims d = (Dims) f.prep;
            Backend b = f.b;
            int mn = d.m() * d.n();
            if (f.needGrad[0] && d.sa() != 0 && d.batch() > 1) {
                // one disjoint dA entry per batch entry: the batched kernel spreads them over the threads
                double beta = f.acc[0] ? 1.0 : 0.0;
                int sdA = d.m() * d.k();
                if (d.ta() == Transpose.N) {
                    b.gemmBatched(Transpose.N, flip(d.tb()), d.batch(), d.m(), d.k(), d.n(), 1.0, f.gOut, f.gOutOff, mn,
                            d.n(), f.in[1], f.inOff[1], d.sb(), d.ldb(), beta, f.gIn[0], f.gInOff[0], sdA, d.k());
                } else {
                    b.gemmBatched(d.tb(), Transpose.T, d.batch(), d.k(), d.m(), d.n(), 1.0, f.in[1], f.inOff[1], d.sb(),
                            d.ldb(), f.gOut, f.gOutOff, mn, d.n(), beta, f.gIn[0], f.gInOff[0], sdA, d.m());
                }
            } else if (f.needGrad[0]) {
                int sdA = d.sa() == 0 ? 0 : d.m() * d.k();
                for (int i = 0; i < d.batch(); i++) {
                    // a shared A (stride 0) sums its gradient over the batch
                    double beta = f.acc[0] || (sdA == 0 && i > 0) ? 1.0 : 0.0;
                    int gy = f.gOutOff + i * mn, bo = f.inOff[1] + i * d.sb(), da = f.gInOff[0] + i * sdA;
                    if (d.ta() == Transpose.N) {
                        // dA = dC op(B)^T
                        b.gemm(Transpose.N, flip(d.tb()), d.m(), d.k(), d.n(), 1.0, f.gOut, gy, d.n(),
                                f.in[1], bo, d.ldb(), beta, f.gIn[0], da, d.k());
                    } else {
                        // A stored k x m: dA = op(B) dC^T
                        b.gemm(d.tb(), Transpose.T, d.k(), d.m(), d.n(), 1.0, f.in[1], bo, d.ldb(),
                                f.gOut, gy, d.n(), beta, f.gIn[0], da, d.m());
                    }
                }
            }
            if (f.needGrad[1] && d.sb() != 0 && d.batch() > 1) {
                double beta = f.acc[1] ? 1.0 : 0.0;
                int sdB = d.k() * d.n();
                if (d.tb() == Transpose.N) {
                    b.gemmBatched(flip(d.ta()), Transpose.N, d.batch(), d.k(), d.n(), d.m(), 1.0, f.in[0], f.inOff[0],
                            d.sa(), d.lda(), f.gOut, f.gOutOff, mn, d.n(), beta, f.gIn[1], f.gInOff[1], sdB, d.n());
                } else {
                    b.gemmBatched(Transpose.T, d.ta(), d.batch(), d.n(), d.k(), d.m(), 1.0, f.gOut, f.gOutOff, mn, d.n(),
                            f.in[0], f.inOff[0], d.sa(), d.lda(), beta, f.gIn[1], f.gInOff[1], sdB, d.k());
                }
            } else if (f.needGrad[1]) {
                int sdB = d.sb() == 0 ? 0 : d.k() * d.n();
                for (int i = 0; i < d.batch(); i++) {
                    double beta = f.acc[1] || (sdB == 0 && i > 0) ? 1.0 : 0.0;
                    int gy = f.gOutOff + i * mn, ao = f.inOff[0] + i * d.sa(), db = f.gInOff[1] + i * sdB;
                    if (d.tb() == Transpose.N) {
                        // dB = op(A)^T dC
                        b.gemm(flip(d.ta()), Transpose.N, d.k(), d.n(), d.m(), 1.0, f.in[0], ao, d.lda(),
                                f.gOut, gy, d.n(), beta, f.gIn[1], db, d.n());
                    } else {
                        // B stored n x k: dB = dC^T op(A)
                        b.gemm(Transpose.T, d.ta(), d.n(), d.k(), d.m(), 1.0, f.gOut, gy, d.n(),
                                f.in[0], ao, d.lda(), beta, f.gIn[1], db, d.k());
                    }
                }
            }
        }

        private static Transpose flip(Transpose t) {
            return t == Transpose.N ? Transpose.T : Transpose.N;
        }
    }
}
