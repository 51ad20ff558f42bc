package dev.vectornn.graph;

import dev.vectornn.tensor.DType;
import dev.vectornn.tensor.Shape;
import dev.vectornn.tensor.ShapeException;

/**
 * Ops driven by indices or masks: gather (embedding lookup; its VJP scatter-adds rows into the
 * table's gradient), masked fill, and the causal mask of decoder self-attention.
 */
final class IndexOps {
    private IndexOps() {}

    /** {@code out[i, ...] = table[indices[i], ...]}: rows of {@code table} picked by an index input. */
    static final class Gather extends OpDef {
        Gather() {
            super("gather", "table", "indices");
        }

        @Override
        boolean wantsIndex(int i) {
            return i == 1;
        }

        @Override
        Shape inferShape(Shape[] in, Object attrs) {
            Shape t = in[0], idx = in[1];
            if (t.rank() == 0) throw new ShapeException("table is a scalar; it needs rows to gather");
            int[] d = new int[idx.rank() + t.rank() - 1];
            for (int i = 0; i < idx.rank(); i++) d[i] = idx.dim(i);
            for (int i = 1; i < t.rank(); i++) d[idx.rank() + i - 1] = t.dim(i);
            return Shape.of(d);
        }

        @Override
        boolean vjpReadsInput(int i) {
            return i == 1;
        }

        @Override
        boolean vjpReadsOutput() {
            return false;
        }

        @Override
        void forward(Frame f) {
            int[] idx = (int[]) f.in[1];
            int rows = f.inShapes[0].dim(0), row = f.inShapes[0].sizeFrom(1);
            for (int i = 0; i < idx.length; i++) {
                int r = idx[i];
                if (r < 0 || r >= rows) {
                    throw new IndexOutOfBoundsException("gather (built at " + f.node.callSite + "): index " + r
                            + " at position " + i + " is out of range [0, " + rows + ") of table " + f.inShapes[0]);
                }
                System.arraycopy(f.in[0], f.inOff[0] + r * row, f.out, f.outOff + i * row, row);
            }
        }

        @Override
        void vjp(Frame f) {
            int[] idx = (int[]) f.in[1];
            int row = f.inShapes[0].sizeFrom(1);
            // PyTorch's padding_idx: the row is looked up as stored but gets no gradient
            int padding = f.attrs instanceof Integer p ? p : -1;
            if (!f.acc[0]) f.b.fill(f.inShapes[0].numel(), 0.0, f.gIn[0], f.gInOff[0]);
            for (int i = 0; i < idx.length; i++) {
                if (idx[i] == padding) continue;
                f.b.axpy(row, 1.0, f.gOut, f.gOutOff + i * row, f.gIn[0], f.gInOff[0] + idx[i] * row);
            }
        }
    }

    /** {@code mask != 0 ? value : x}, the mask broadcasting to {@code x}; no gradient flows to the mask. */
    static final class MaskedFill extends OpDef {
        MaskedFill() {
            super("maskedFill", "x", "mask");
        }

        @Override
        boolean differentiable(int i) {
            return i == 0;
        }

        @Override
        Shape inferShape(Shape[] in, Object attrs) {
            if (!in[1].broadcastsTo(in[0])) {
                throw new ShapeException("x is " + in[0] + ", mask is " + in[1] + "; the mask must broadcast to x");
            }
            return in[0];
        }

        @Override
        boolean vjpReadsInput(int i) {
            return i == 1;
        }

        @Override
        boolean vjpReadsOutput() {
            return false;
        }

        @Override
        void prepare(Frame f) {
            f.prep = Geometry.broadcast(f.inShapes[1], f.inShapes[0]);
        }

        @Override
        void forward(Frame f) {
            double v = ((ElementwiseOps.Scalar) f.attrs).value();
            walk(f, f.in[0], f.inOff[0], f.out, f.outOff, v, false);
        }

        @Override
        void vjp(Frame f) {
            walk(f, f.gOut, f.gOutOff, f.gIn[0], f.gInOff[0], 0.0, f.acc[0]);
        }

        /** {@code dst (+)= mask ? fill : src}; with {@code acc} the filled positions add nothing. */
        private static void walk(Frame f, Object src, int so, Object dst, int dOff, double fill, boolean acc) {
            Geometry g = (Geometry) f.prep;
            Backend b = f.b;
            Object m = f.in[1];
            int mo = f.inOff[1], step = g.inner1();
            g.begin();
            for (int r = 0; r < g.rows; r++) {
                g.row();
                int base = r * g.cols;
                for (int j = 0; j < g.cols; j++) {
                    boolean masked = b.get(m, mo + g.off1 + j * step) != 0;
                    double v = masked ? fill : b.get(src, so + base + j);
                    if (acc) {
                        if (!masked) b.set(dst, dOff + base + j, b.get(dst, dOff + base + j) + v);
                    } else {
                        b.set(dst, dOff + base + j, v);
                    }
                }
            }
        }
    }

    /**
     * Causal self-attention mask on scores {@code [..., T, T]}: entries above the diagonal
     * ({@code j > i}) become the dtype's most negative finite value, so a following softmax gives
     * them exactly 0 while anomaly mode stays quiet (Hugging Face's {@code finfo.min} choice rather
     * than {@code -inf}). Equivalent to adding the usual {@code 0/-inf} causal mask.
     */
    static final class CausalMask extends OpDef {
        CausalMask() {
            super("causalMask", "scores");
        }

        @Override
        Shape inferShape(Shape[] in, Object attrs) {
            Shape s = in[0];
            if (s.rank() < 2 || s.dim(-1) != s.dim(-2)) {
                throw new ShapeException("scores is " + s + "; it must end in a square [T, T]");
            }
            return s;
        }

        @Override
        boolean vjpReadsInput(int i) {
            return false;
        }

        @Override
        boolean vjpReadsOutput() {
            return false;
        }

        @Override
        void forward(Frame f) {
            int t = f.outShape.dim(-1);
            double low = f.b.dtype() == DType.F32 ? -Float.MAX_VALUE : -Double.MAX_VALUE;
            f.b.copy(f.n(), f.in[0], f.inOff[0], f.out, f.outOff, false);
            for (int base = 0; base < f.n(); base += t * t) {
                for (int i = 0; i < t - 1; i++) f.b.fill(t - 1 - i, low, f.out, f.outOff + base + i * t + i + 1);
            }
        }

        @Override
        void vjp(Frame f) {
            int t = f.outShape.dim(-1);
            for (int base = 0; base < f.n(); base += t * t) {
                for (int i = 0; i < t; i++) {
                    // row i passes columns 0..i; the masked rest gets no gradient
                    int o = base + i * t;
                    f.b.copy(i + 1, f.gOut, f.gOutOff + o, f.gIn[0], f.gInOff[0] + o, f.acc[0]);
                    if (!f.acc[0] && i < t - 1) f.b.fill(t - 1 - i, 0.0, f.gIn[0], f.gInOff[0] + o + i + 1);
                }
            }
        }
    }
}
