package dev.vectornn.graph;

import dev.vectornn.kernel.BinaryOp;
import dev.vectornn.tensor.Shape;
import dev.vectornn.tensor.ShapeException;

/**
 * Element-wise arithmetic: add/sub/mul/div with NumPy broadcasting, and the scalar ops
 * (multiply by, add, power). A broadcast input's gradient is the output gradient summed over the
 * dimensions it was repeated along ({@link Backend#reduceTo}).
 */
final class ElementwiseOps {
    private ElementwiseOps() {}

    /** A scalar attribute (the factor, addend or exponent). */
    record Scalar(double value) {}

    /** Geometries of a broadcast binary op, computed once per plan. */
    record BinaryGeo(Geometry ab, Geometry outB, Geometry outA, Geometry toA, Geometry toB) {}

    /** {@code a op b} with broadcasting; forward and VJP per {@link BinaryOp}. */
    static final class Binary extends OpDef {
        private final BinaryOp kind;

        Binary(String name, BinaryOp kind) {
            super(name, "a", "b");
            this.kind = kind;
        }

        @Override
        Shape inferShape(Shape[] in, Object attrs) {
            try {
                return Shape.broadcast(in[0], in[1]);
            } catch (ShapeException e) {
                throw new ShapeException("a is " + in[0] + ", b is " + in[1] + "; they do not broadcast ("
                        + e.getMessage().substring(e.getMessage().indexOf(": ") + 2) + ")");
            }
        }

        @Override
        boolean vjpReadsInput(int i) {
            return switch (kind) {
                case ADD, SUB -> false;
                case MUL -> true;
                case DIV -> i == 1; // da = dy / b, db = -dy * out / b
            };
        }

        @Override
        boolean vjpReadsOutput() {
            return kind == BinaryOp.DIV;
        }

        @Override
        boolean vjpIdentity(int i, Shape[] in, Shape out, Object attrs) {
            return (kind == BinaryOp.ADD || (kind == BinaryOp.SUB && i == 0)) && in[i].equals(out);
        }

        @Override
        int scratchSize(Frame f) {
            return kind == BinaryOp.MUL || kind == BinaryOp.DIV ? f.n() : 0;
        }

        @Override
        void prepare(Frame f) {
            Shape a = f.inShapes[0], b = f.inShapes[1], o = f.outShape;
            f.prep = new BinaryGeo(Geometry.binary(a, b, o), Geometry.binary(o, b, o), Geometry.binary(o, a, o),
                    Geometry.broadcast(a, o), Geometry.broadcast(b, o));
        }

        @Override
        void forward(Frame f) {
            f.b.broadcastBinary(kind, ((BinaryGeo) f.prep).ab(), f.in[0], f.inOff[0], f.in[1], f.inOff[1], f.out, f.outOff);
        }

        @Override
        void vjp(Frame f) {
            BinaryGeo g = (BinaryGeo) f.prep;
            Backend b = f.b;
            switch (kind) {
                case ADD, SUB -> {
                    if (f.needGrad[0] && !f.sharesGrad(0)) b.reduceTo(g.toA(), 1.0, f.gOut, f.gOutOff, f.gIn[0], f.gInOff[0], f.acc[0]);
                    if (f.needGrad[1] && !f.sharesGrad(1)) {
                        b.reduceTo(g.toB(), kind == BinaryOp.ADD ? 1.0 : -1.0, f.gOut, f.gOutOff, f.gIn[1], f.gInOff[1], f.acc[1]);
                    }
                }
                case MUL -> {
                    // d(a*b)/da = b, d(a*b)/db = a, each summed back over broadcast dimensions
                    if (f.needGrad[0]) {
                        b.broadcastBinary(BinaryOp.MUL, g.outB(), f.gOut, f.gOutOff, f.in[1], f.inOff[1], f.scratch, f.scratchOff);
                        b.reduceTo(g.toA(), 1.0, f.scratch, f.scratchOff, f.gIn[0], f.gInOff[0], f.acc[0]);
                    }
                    if (f.needGrad[1]) {
                        b.broadcastBinary(BinaryOp.MUL, g.outA(), f.gOut, f.gOutOff, f.in[0], f.inOff[0], f.scratch, f.scratchOff);
                        b.reduceTo(g.toB(), 1.0, f.scratch, f.scratchOff, f.gIn[1], f.gInOff[1], f.acc[1]);
                    }
                }
                case DIV -> {
                    // d(a/b)/da = 1/b, d(a/b)/db = -a/b^2 = -out/b
                    if (f.needGrad[0]) {
                        b.broadcastBinary(BinaryOp.DIV, g.outB(), f.gOut, f.gOutOff, f.in[1], f.inOff[1], f.scratch, f.scratchOff);
                        b.reduceTo(g.toA(), 1.0, f.scratch, f.scratchOff, f.gIn[0], f.gInOff[0], f.acc[0]);
                    }
                    if (f.needGrad[1]) {
                        b.binary(BinaryOp.MUL, f.n(), f.gOut, f.gOutOff, f.out, f.outOff, f.scratch, f.scratchOff);
                        b.broadcastBinary(BinaryOp.DIV, g.outB(), f.scratch, f.scratchOff, f.in[1], f.inOff[1], f.scratch, f.scratchOff);
                        b.reduceTo(g.toB(), -1.0, f.scratch, f.scratchOff, f.gIn[1], f.gInOff[1], f.acc[1]);
                    }
                }
            }
        }
    }

    /** {@code x * s} for a scalar {@code s}. */
    static final class MulScalar extends OpDef {
        MulScalar() {
            super("mulScalar", "x");
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
        void forward(Frame f) {
            f.b.scale(f.n(), ((Scalar) f.attrs).value(), f.in[0], f.inOff[0], f.out, f.outOff);
        }

        @Override
        void vjp(Frame f) {
            double s = ((Scalar) f.attrs).value();
            if (f.acc[0]) f.b.axpy(f.n(), s, f.gOut, f.gOutOff, f.gIn[0], f.gInOff[0]);
            else f.b.scale(f.n(), s, f.gOut, f.gOutOff, f.gIn[0], f.gInOff[0]);
        }
    }

    /** {@code x + s} for a scalar {@code s}. */
    static final class AddScalar extends OpDef {
        AddScalar() {
            super("addScalar", "x");
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
        boolean vjpIdentity(int i, Shape[] in, Shape out, Object attrs) {
            return true;
        }

        @Override
        void forward(Frame f) {
            f.b.addScalar(f.n(), ((Scalar) f.attrs).value(), f.in[0], f.inOff[0], f.out, f.outOff);
        }

        @Override
        void vjp(Frame f) {
            if (!f.sharesGrad(0)) f.b.copy(f.n(), f.gOut, f.gOutOff, f.gIn[0], f.gInOff[0], f.acc[0]);
        }
    }

    /** {@code x^p} for a scalar exponent {@code p}; the derivative {@code p x^(p-1)} from the input. */
    static final class Pow extends OpDef {
        Pow() {
            super("pow", "x");
        }

        @Override
        Shape inferShape(Shape[] in, Object attrs) {
            return in[0];
        }

        @Override
        boolean vjpReadsOutput() {
            return false;
        }

        @Override
        void forward(Frame f) {
            f.b.pow(f.n(), ((Scalar) f.attrs).value(), f.in[0], f.inOff[0], f.out, f.outOff);
        }

        @Override
        void vjp(Frame f) {
            double p = ((Scalar) f.attrs).value();
            Backend b = f.b;
            if (!f.acc[0]) {
                b.powBackward(f.n(), p, f.in[0], f.inOff[0], f.gOut, f.gOutOff, f.gIn[0], f.gInOff[0]);
            } else {
                b.powBackward(f.n(), p, f.in[0], f.inOff[0], f.gOut, f.gOutOff, b.tmp, 0);
                b.axpy(f.n(), 1.0, b.tmp, 0, f.gIn[0], f.gInOff[0]);
            }
        }
    }
}
