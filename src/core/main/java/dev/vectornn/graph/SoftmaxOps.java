package dev.vectornn.graph;

import dev.vectornn.tensor.Shape;
import dev.vectornn.tensor.ShapeException;

/**
 * Softmax and log-softmax over the last axis (other axes: permute first), on the kernels'
 * numerically stable row functions; the VJPs use the forward output only.
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
}
