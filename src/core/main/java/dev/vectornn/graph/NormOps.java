package dev.vectornn.graph;

import dev.vectornn.kernel.BinaryOp;
import dev.vectornn.tensor.Shape;
import dev.vectornn.tensor.ShapeException;

/**
 * Layer normalization over the last axis (the kernels' {@code layerNorm}/{@code layerNormBackward},
 * with the row statistics saved for the VJP) and dropout (a mask drawn from the plan's seeded
 * generator, saved for the VJP; the identity in inference plans).
 */
final class NormOps {
    private NormOps() {}

    /** {@code (x - mean) / sqrt(var + eps) * gamma + beta} per row of the last axis, biased variance as PyTorch. */
    static final class LayerNorm extends OpDef {
        LayerNorm() {
            super("layerNorm", "x", "gamma", "beta");
        }

        @Override
        Shape inferShape(Shape[] in, Object attrs) {
            Shape x = in[0];
            if (x.rank() == 0) throw new ShapeException("x is a scalar; it needs a last axis to normalize");
            Shape want = Shape.of(x.dim(-1));
            for (int i = 1; i <= 2; i++) {
                if (!in[i].equals(want)) {
                    throw new ShapeException("x is " + x + ", " + argName(i) + " is " + in[i] + "; " + argName(i)
                            + " must be " + want + " (the last dimension of x)");
                }
            }
            return x;
        }

        @Override
        boolean vjpReadsInput(int i) {
            return i != 2; // beta's value does not enter any gradient
        }

        @Override
        boolean vjpReadsOutput() {
            return false;
        }

        @Override
        int savedSize(Frame f) {
            return 2 * rows(f); // mean and rstd per row
        }

        private static int rows(Frame f) {
            int cols = f.outShape.dim(-1);
            return cols == 0 ? 0 : f.n() / cols;
        }

        @Override
        void forward(Frame f) {
            int rows = rows(f), cols = f.outShape.dim(-1);
            double eps = ((ElementwiseOps.Scalar) f.attrs).value();
            Object stats = f.saved; // null in inference: the kernel then skips storing statistics
            f.b.layerNorm(rows, cols, f.in[0], f.inOff[0], f.in[1], f.inOff[1], f.in[2], f.inOff[2], eps,
                    f.out, f.outOff, stats, f.savedOff, stats, f.savedOff + rows);
        }

        @Override
        void vjp(Frame f) {
            int rows = rows(f), cols = f.outShape.dim(-1);
            Backend b = f.b;
            // dx is overwritten by the kernel, dgamma and dbeta accumulated into
            boolean viaTmp = !f.needGrad[0] || f.acc[0];
            Object dx = viaTmp ? b.tmp : f.gIn[0];
            int dxo = viaTmp ? 0 : f.gInOff[0];
            for (int i = 1; i <= 2; i++) {
                if (f.needGrad[i] && !f.acc[i]) b.fill(cols, 0.0, f.gIn[i], f.gInOff[i]);
            }
            b.layerNormBackward(rows, cols, f.gOut, f.gOutOff, f.in[0], f.inOff[0], f.saved, f.savedOff,
                    f.saved, f.savedOff + rows, f.in[1], f.inOff[1], dx, dxo,
                    f.needGrad[1] ? f.gIn[1] : null, f.gInOff[1], f.needGrad[2] ? f.gIn[2] : null, f.gInOff[2]);
            if (f.needGrad[0] && f.acc[0]) b.axpy(f.n(), 1.0, b.tmp, 0, f.gIn[0], f.gInOff[0]);
        }
    }

    /**
     * Zeroes each element with probability {@code p} and scales the rest by {@code 1/(1-p)}
     * (inverted dropout, as PyTorch), in training plans; the identity in inference plans.
     */
    static final class Dropout extends OpDef {
        Dropout() {
            super("dropout", "x");
        }

        @Override
        Shape inferShape(Shape[] in, Object attrs) {
            return in[0];
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
        int savedSize(Frame f) {
            return f.n(); // the mask, already scaled: 0 or 1/(1-p)
        }

        @Override
        void forward(Frame f) {
            if (!f.training) {
                f.b.copy(f.n(), f.in[0], f.inOff[0], f.out, f.outOff, false);
                return;
            }
            double p = ((ElementwiseOps.Scalar) f.attrs).value();
            double keep = p < 1 ? 1.0 / (1.0 - p) : 0.0;
            Backend b = f.b;
            Plan plan = f.plan;
            for (int i = 0; i < f.n(); i++) b.set(f.saved, f.savedOff + i, plan.nextUniform() < p ? 0.0 : keep);
            b.binary(BinaryOp.MUL, f.n(), f.in[0], f.inOff[0], f.saved, f.savedOff, f.out, f.outOff);
        }

        @Override
        void vjp(Frame f) {
            f.b.binary(BinaryOp.MUL, f.n(), f.gOut, f.gOutOff, f.saved, f.savedOff, f.gIn[0], f.gInOff[0], f.acc[0]);
        }
    }
}
