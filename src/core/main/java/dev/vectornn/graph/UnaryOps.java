package dev.vectornn.graph;

import dev.vectornn.kernel.BinaryOp;
import dev.vectornn.kernel.UnaryOp;
import dev.vectornn.tensor.Shape;

/**
 * Element-wise functions backed by the kernels' {@code unary}/{@code unaryBackward} pair: neg,
 * square, sqrt, exp, log, tanh, sigmoid, relu, gelu, geluTanh. The derivative conventions are
 * those of {@link UnaryOp} (ReLU'(0) = 0, as PyTorch).
 */
final class UnaryOps {
    private UnaryOps() {}

    /** One element-wise function; its VJP reads the input or the output, whichever {@link UnaryOp} documents. */
    static final class Unary extends OpDef {
        private final UnaryOp fn;
        private final boolean fromOutput;

        Unary(String name, UnaryOp fn) {
            super(name, "x");
            this.fn = fn;
            this.fromOutput = switch (fn) {
                case SQRT, EXP, TANH, SIGMOID -> true;
                default -> false;
            };
        }

        /** The kernel function this op applies. */
        UnaryOp function() {
            return fn;
        }

        @Override
        Shape inferShape(Shape[] in, Object attrs) {
            return in[0];
        }

        @Override
        boolean vjpReadsInput(int i) {
            return !fromOutput && fn != UnaryOp.NEG;
        }

        @Override
        boolean vjpReadsOutput() {
            return fromOutput;
        }

        /**
         * Exact GELU keeps its derivative in training plans: computed with the forward it costs
         * a fraction of a recomputation (the two share erfc and the Gaussian factor), and the
         * VJP becomes one multiply with the bits of the recomputing one.
         */
        @Override
        int savedSize(Frame f) {
            return fn == UnaryOp.GELU ? f.n() : 0;
        }

        @Override
        void forward(Frame f) {
            if (f.saved != null && fn == UnaryOp.GELU) {
                f.b.geluWithDerivative(f.n(), f.in[0], f.inOff[0], f.out, f.outOff, f.saved, f.savedOff);
            } else {
                f.b.unary(fn, f.n(), f.in[0], f.inOff[0], f.out, f.outOff);
            }
        }

        @Override
        void vjp(Frame f) {
            if (f.saved != null && fn == UnaryOp.GELU) {
                f.b.binary(BinaryOp.MUL, f.n(), f.gOut, f.gOutOff, f.saved, f.savedOff, f.gIn[0], f.gInOff[0], f.acc[0]);
            } else {
                f.b.unaryBackward(fn, f.n(), f.in[0], f.inOff[0], f.out, f.outOff, f.gOut, f.gOutOff,
                        f.gIn[0], f.gInOff[0], f.acc[0]);
            }
        }
    }
}
