package dev.vectornn.graph;

import dev.vectornn.kernel.BinaryOp;
import dev.vectornn.kernel.UnaryOp;
import dev.vectornn.tensor.Shape;
import dev.vectornn.tensor.ShapeException;

/**
 * Losses reduced to a scalar by the mean, as PyTorch's defaults ({@code reduction='mean'}):
 * fused cross-entropy from logits with integer targets, an ignore index and label smoothing,
 * mean squared error,
 * and binary cross-entropy with logits.
 */
final class LossOps {
    private LossOps() {}

    /**
     * Cross-entropy's attributes: the class index whose rows are skipped (PyTorch's
     * {@code ignore_index}, default -100) and the label-smoothing weight in [0, 1] (PyTorch's
     * {@code label_smoothing}, default 0).
     */
    record CrossEntropyAttrs(int ignoreIndex, double labelSmoothing) {}

    /**
     * PyTorch's {@code F.cross_entropy(logits, t, ignore_index=ig, label_smoothing=eps)} with the
     * class axis last and {@code reduction='mean'}. With {@code lp = log_softmax(logits_r)}, each
     * row whose target is not ignored contributes
     * <pre>  l_r = -(1 - eps) * lp[t_r] - (eps / C) * sum_j lp[j]</pre>
     * and the loss is {@code sum_r l_r / count} over the {@code count} rows not ignored: torch
     * 1.13's {@code cross_entropy_loss_label_smoothing} zeroes the smoothing term of ignored
     * rows and divides it by the same count as the NLL term. With every row ignored the mean is
     * 0/0 = NaN, as in PyTorch. The VJP
     * {@code (softmax(logits_r) - eps/C - (1 - eps) * onehot(t_r)) / count} (ignored rows get 0)
     * reads the logits again with 3 saved values per row ({@link Backend#logSoftmaxStats}), not a
     * saved log-softmax: for an LM decoder that is one write of rows x vocabulary floats less per
     * step, and that much less memory.
     */
    static final class CrossEntropy extends OpDef {
        CrossEntropy() {
            super("crossEntropy", "logits", "targets");
        }

        @Override
        boolean wantsIndex(int i) {
            return i == 1;
        }

        @Override
        Shape inferShape(Shape[] in, Object attrs) {
            Shape l = in[0], t = in[1];
            boolean ok = l.rank() >= 1 && t.rank() == l.rank() - 1;
            for (int d = 0; ok && d < t.rank(); d++) ok = t.dim(d) == l.dim(d);
            if (!ok) {
                throw new ShapeException("logits is " + l + ", targets is " + t
                        + "; targets must be the logits' shape without the last (class) axis");
            }
            return Shape.scalar();
        }

        @Override
        boolean vjpReadsInput(int i) {
            return true;
        }

        @Override
        boolean vjpReadsOutput() {
            return false;
        }

        @Override
        int savedSize(Frame f) {
            return 3 * f.inShapes[1].numel();
        }

        @Override
        int scratchSize(Frame f) {
            // the row statistics in inference plans, where nothing is saved; the log-softmax for
            // the smoothing term's row sums
            int lp = ((CrossEntropyAttrs) f.attrs).labelSmoothing() != 0 ? f.inShapes[0].numel() : 0;
            return lp + 3 * f.inShapes[1].numel();
        }

        @Override
        void forward(Frame f) {
            int classes = f.inShapes[0].dim(-1);
            int rows = f.inShapes[1].numel();
            CrossEntropyAttrs a = (CrossEntropyAttrs) f.attrs;
            int ignore = a.ignoreIndex();
            double eps = a.labelSmoothing();
            Backend b = f.b;
            Object x = f.in[0];
            int xo = f.inOff[0];
            int lpSize = eps != 0 ? rows * classes : 0;
            Object st = f.saved != null ? f.saved : f.scratch;
            int so = f.saved != null ? f.savedOff : f.scratchOff + lpSize;
            b.logSoftmaxStats(rows, classes, x, xo, st, so);
            if (eps != 0) b.logSoftmax(rows, classes, x, xo, f.scratch, f.scratchOff);
            int[] t = (int[]) f.in[1];
            // the two terms are summed separately and mixed once at the end, as PyTorch does, so
            // eps = 0 gives exactly the plain cross-entropy (no 1 * x rounding, no 0 * sum)
            double nll = 0, smooth = 0;
            int count = 0;
            for (int r = 0; r < rows; r++) {
                int c = t[r];
                if (c == ignore) continue;
                if (c < 0 || c >= classes) {
                    throw new IndexOutOfBoundsException("crossEntropy (built at " + f.node.callSite + "): target " + c
                            + " at position " + r + " is out of range [0, " + classes + ") and is not the ignore index "
                            + ignore);
                }
                nll -= b.logProb(x, xo + r * classes + c, st, so + 3 * r);
                if (eps != 0) smooth -= b.sum(classes, f.scratch, f.scratchOff + r * classes);
                count++;
            }
            double loss = eps == 0 ? nll / count : (1 - eps) * (nll / count) + (eps / classes) * (smooth / count);
            b.set(f.out, f.outOff, loss);
        }

        @Override
        void vjp(Frame f) {
            int classes = f.inShapes[0].dim(-1);
            int rows = f.inShapes[1].numel();
            CrossEntropyAttrs a = (CrossEntropyAttrs) f.attrs;
            int ignore = a.ignoreIndex();
            double eps = a.labelSmoothing();
            int[] t = (int[]) f.in[1];
            Backend b = f.b;
            int count = 0;
            for (int r = 0; r < rows; r++) if (t[r] != ignore) count++;
            double scale = b.get(f.gOut, f.gOutOff) / count;
            b.crossEntropyBackward(rows, classes, f.in[0], f.inOff[0], f.saved, f.savedOff, t, ignore, eps, scale,
                    f.gIn[0], f.gInOff[0], f.acc[0]);
        }
    }

    /** {@code mean((pred - target)^2)}; both arguments are differentiable. */
    static final class Mse extends OpDef {
        Mse() {
            super("mse", "pred", "target");
        }

        @Override
        Shape inferShape(Shape[] in, Object attrs) {
            if (!in[0].equals(in[1])) {
                throw new ShapeException("pred is " + in[0] + ", target is " + in[1] + "; they must be equal");
            }
            return Shape.scalar();
        }

        @Override
        boolean vjpReadsOutput() {
            return false;
        }

        @Override
        int scratchSize(Frame f) {
            return f.inShapes[0].numel();
        }

        @Override
        void forward(Frame f) {
            int n = f.inShapes[0].numel();
            Backend b = f.b;
            b.binary(BinaryOp.SUB, n, f.in[0], f.inOff[0], f.in[1], f.inOff[1], f.scratch, f.scratchOff);
            b.set(f.out, f.outOff, b.dot(n, f.scratch, f.scratchOff, f.scratch, f.scratchOff) / n);
        }

        @Override
        void vjp(Frame f) {
            int n = f.inShapes[0].numel();
            Backend b = f.b;
            double s = 2.0 * b.get(f.gOut, f.gOutOff) / n;
            b.binary(BinaryOp.SUB, n, f.in[0], f.inOff[0], f.in[1], f.inOff[1], f.scratch, f.scratchOff);
            for (int i = 0; i <= 1; i++) {
                if (!f.needGrad[i]) continue;
                double a = i == 0 ? s : -s;
                if (f.acc[i]) b.axpy(n, a, f.scratch, f.scratchOff, f.gIn[i], f.gInOff[i]);
                else b.scale(n, a, f.scratch, f.scratchOff, f.gIn[i], f.gInOff[i]);
            }
        }
    }

    /**
     * {@code mean(max(x,0) - x*y + log(1 + exp(-|x|)))}, the stable form of
     * {@code -[y log sigmoid(x) + (1-y) log(1 - sigmoid(x))]}; gradients {@code (sigmoid(x) - y)/n}
     * for the logits and {@code -x/n} for the targets.
     */
    static final class BceWithLogits extends OpDef {
        BceWithLogits() {
            super("bceWithLogits", "logits", "target");
        }

        @Override
        Shape inferShape(Shape[] in, Object attrs) {
            if (!in[0].equals(in[1])) {
                throw new ShapeException("logits is " + in[0] + ", target is " + in[1] + "; they must be equal");
            }
            return Shape.scalar();
        }

        @Override
        boolean vjpReadsOutput() {
            return false;
        }

        @Override
        int scratchSize(Frame f) {
            return f.inShapes[0].numel();
        }

        @Override
        void forward(Frame f) {
            int n = f.inShapes[0].numel();
            Backend b = f.b;
            double total = 0;
            for (int i = 0; i < n; i++) {
                double x = b.get(f.in[0], f.inOff[0] + i), y = b.get(f.in[1], f.inOff[1] + i);
                total += Math.max(x, 0) - x * y + Math.log1p(Math.exp(-Math.abs(x)));
            }
            b.set(f.out, f.outOff, total / n);
        }

        @Override
        void vjp(Frame f) {
            int n = f.inShapes[0].numel();
            Backend b = f.b;
            double s = b.get(f.gOut, f.gOutOff) / n;
            if (f.needGrad[0]) {
                b.unary(UnaryOp.SIGMOID, n, f.in[0], f.inOff[0], f.scratch, f.scratchOff);
                b.binary(BinaryOp.SUB, n, f.scratch, f.scratchOff, f.in[1], f.inOff[1], f.scratch, f.scratchOff);
                if (f.acc[0]) b.axpy(n, s, f.scratch, f.scratchOff, f.gIn[0], f.gInOff[0]);
                else b.scale(n, s, f.scratch, f.scratchOff, f.gIn[0], f.gInOff[0]);
            }
            if (f.needGrad[1]) {
                if (f.acc[1]) b.axpy(n, -s, f.in[0], f.inOff[0], f.gIn[1], f.gInOff[1]);
                else b.scale(n, -s, f.in[0], f.inOff[0], f.gIn[1], f.gInOff[1]);
            }
        }
    }
}
