package dev.vectornn.graph;

import dev.vectornn.tensor.Shape;
import dev.vectornn.tensor.ShapeException;

/**
 * Softmax and log-softmax over the last axis (other axes: permute first), on the kernels'
 * numerically stable row functions, and the attention softmax with its scale and masks fused;
 * the VJPs use the forward output (and the attention's key mask) only.
 */
final class SoftmaxOps {
    private SoftmaxOps() {}

    /** {@code softmax} ({@code log == false}) or {@code logSoftmax} over the last axis. */
    static final class Softmax extends OpDef {
        private final boolean log;

        Softmax(String name, boolean log) {
            super(name, "x");
            this.log = log;
        }

        @Override
        Shape inferShape(Shape[] in, Object attrs) {
            if (in[0].rank() == 0) throw new ShapeException("x is a scalar " + in[0] + "; it needs at least one axis");
            return in[0];
        }

        @Override
        boolean vjpReadsInput(int i) {
            return false;
        }

        @Override
        void forward(Frame f) {
            int cols = f.outShape.dim(-1);
            int rows = cols == 0 ? 0 : f.n() / cols;
            if (log) f.b.logSoftmax(rows, cols, f.in[0], f.inOff[0], f.out, f.outOff);
            else f.b.softmax(rows, cols, f.in[0], f.inOff[0], f.out, f.outOff);
        }

        @Override
        void vjp(Frame f) {
            int cols = f.outShape.dim(-1);
            int rows = cols == 0 ? 0 : f.n() / cols;
            Backend b = f.b;
            Object dx = f.acc[0] ? b.tmp : f.gIn[0];
            int dxo = f.acc[0] ? 0 : f.gInOff[0];
            if (log) b.logSoftmaxBackward(rows, cols, f.out, f.outOff, f.gOut, f.gOutOff, dx, dxo);
            else b.softmaxBackward(rows, cols, f.out, f.outOff, f.gOut, f.gOutOff, dx, dxo);
            if (f.acc[0]) b.axpy(f.n(), 1.0, b.tmp, 0, f.gIn[0], f.gInOff[0]);
        }
    }

    /** The attention softmax's attributes: the score scale and whether keys after the query are masked. */
    record AttentionAttrs(double scale, boolean causal) {}

    /**
     * Attention weights from raw scores {@code [..., T, S]}: {@code softmax(scale * scores)} over
     * the last axis with masked keys at exactly 0, the causal mask (key {@code j > t} of query
     * {@code t}, needs {@code T == S}) and an optional key-padding mask {@code [B, S]} fused in.
     * The {@code N} leading matrices are split into {@code B} consecutive groups, matrix
     * {@code i} using mask row {@code i / (N / B)}: batch {@code b} of {@code [B, H, T, S]}
     * scores or their {@code [B*H, T, S]} reshape. See {@code Kernels.attentionSoftmax} for the
     * rows that see no key. The VJP reads the output and the mask; the mask gets no gradient.
     */
    static final class AttentionSoftmax extends OpDef {
        AttentionSoftmax() {
            super("attentionSoftmax", "scores", "keyPaddingMask");
        }

        @Override
        public int arity() {
            return -1; // scores, and the key-padding mask when there is one
        }

        @Override
        boolean differentiable(int i) {
            return i == 0;
        }

        @Override
        Shape inferShape(Shape[] in, Object attrs) {
            if (in.length < 1 || in.length > 2) {
                throw new ShapeException("takes scores and an optional keyPaddingMask, got " + in.length + " inputs");
            }
            Shape s = in[0];
            if (s.rank() < 2) throw new ShapeException("scores is " + s + "; expected [..., T, S] (queries by keys)");
            if (((AttentionAttrs) attrs).causal() && s.dim(-1) != s.dim(-2)) {
                throw new ShapeException("scores is " + s + "; a causal mask needs square [T, T] scores");
            }
            if (in.length == 2) {
                Shape m = in[1];
                int keys = s.dim(-1), matrices = matrices(s);
                if (m.rank() != 2 || m.dim(1) != keys || (m.dim(0) == 0 ? matrices != 0 : matrices % m.dim(0) != 0)) {
                    throw new ShapeException("scores is " + s + ", keyPaddingMask is " + m + "; the mask must be [B, " + keys
                            + "] with B dividing the " + matrices + " score matrices");
                }
            }
            return s;
        }

        /** The number of {@code [T, S]} matrices in scores of shape {@code s}. */
        private static int matrices(Shape s) {
            return s.sizeBefore(s.rank() - 2);
        }

        @Override
        boolean vjpReadsInput(int i) {
            return i == 1;
        }

        @Override
        void forward(Frame f) {
            run(f, false);
        }

        @Override
        void vjp(Frame f) {
            Backend b = f.b;
            boolean acc = f.acc[0];
            run(f, true);
            if (acc) b.axpy(f.n(), 1.0, b.tmp, 0, f.gIn[0], f.gInOff[0]);
        }

        /**
         * The kernel over every score matrix, each with its batch's mask row, in one batched call
         * (one hand-off to the kernel threads for all the heads of all the sequences).
         */
        private static void run(Frame f, boolean backward) {
            AttentionAttrs a = (AttentionAttrs) f.attrs;
            Shape s = f.outShape;
            int t = s.dim(-2), keys = s.dim(-1), n = matrices(s);
            boolean masked = f.in.length == 2;
            // at least 1 (the kernels check it), also for an empty batch with a non-empty mask
            int perMaskRow = masked && f.inShapes[1].dim(0) > 0 ? Math.max(1, n / f.inShapes[1].dim(0)) : 1;
            Backend b = f.b;
            // a gradient to be added goes through the backend's scratch first
            Object dx = !backward ? null : f.acc[0] ? b.tmp : f.gIn[0];
            int dxo = !backward || f.acc[0] ? 0 : f.gInOff[0];
            Object m = masked ? f.in[1] : null;
            int mo = masked ? f.inOff[1] : 0;
            if (backward) {
                b.attentionSoftmaxBackwardBatched(n, t, keys, a.scale(), a.causal(), f.out, f.outOff, f.gOut, f.gOutOff,
                        m, mo, perMaskRow, dx, dxo);
            } else {
                b.attentionSoftmaxBatched(n, t, keys, a.scale(), a.causal(), f.in[0], f.inOff[0], m, mo, perMaskRow,
                        f.out, f.outOff);
            }
        }
    }
}
