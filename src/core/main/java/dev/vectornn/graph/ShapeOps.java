package dev.vectornn.graph;

import dev.vectornn.tensor.Shape;
import dev.vectornn.tensor.ShapeException;
import java.util.Arrays;

/**
 * Movement ops: reshape (a zero-copy view of its input's storage), permute (a strided copy),
 * slice along one axis (a view when the slice is contiguous, else block copies) and concat along
 * one axis (block copies). Their VJPs move the gradient
 * back the same way.
 */
final class ShapeOps {
    private ShapeOps() {}

    /** {@code [start, end)} along {@code axis} (non-negative). */
    record SliceAttrs(int axis, int start, int end) {}

    /** The permutation: output dimension {@code i} is input dimension {@code perm[i]}. */
    record Perm(int[] perm) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Perm p && Arrays.equals(perm, p.perm);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(perm);
        }

        @Override
        public String toString() {
            return Arrays.toString(perm);
        }
    }

    /** The concat axis (non-negative). */
    record Axis(int axis) {}

    /** Same elements, new shape; the output shares the input's storage (no copy). */
    static final class Reshape extends OpDef {
        Reshape() {
            super("reshape", "x");
        }

        @Override
        Shape inferShape(Shape[] in, Object attrs) {
            Shape to = (Shape) attrs;
            if (to.numel() != in[0].numel()) {
                throw new ShapeException("x is " + in[0] + " (" + in[0].numel() + " elements), cannot become " + to
                        + " (" + to.numel() + " elements)");
            }
            return to;
        }

        @Override
        int aliasOf(Shape[] in, Object attrs) {
            return 0;
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
            // the output is a view of the input: nothing to compute
        }

        @Override
        void vjp(Frame f) {
            if (!f.sharesGrad(0)) f.b.copy(f.n(), f.gOut, f.gOutOff, f.gIn[0], f.gInOff[0], f.acc[0]);
        }
    }

    /** Reorders dimensions; the VJP applies the inverse permutation. */
    static final class Permute extends OpDef {
        Permute() {
            super("permute", "x");
        }

        @Override
        Shape inferShape(Shape[] in, Object attrs) {
            int[] p = ((Perm) attrs).perm();
            Shape x = in[0];
            boolean[] seen = new boolean[x.rank()];
            if (p.length != x.rank()) {
                throw new ShapeException("x is " + x + "; permutation " + Arrays.toString(p) + " has " + p.length
                        + " entries for rank " + x.rank());
            }
            int[] d = new int[p.length];
            for (int i = 0; i < p.length; i++) {
                if (p[i] < 0 || p[i] >= p.length || seen[p[i]]) {
                    throw new ShapeException("x is " + x + "; " + Arrays.toString(p) + " is not a permutation of 0.."
                            + (p.length - 1));
                }
                seen[p[i]] = true;
                d[i] = x.dim(p[i]);
            }
            return Shape.of(d);
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
        void prepare(Frame f) {
            int[] p = ((Perm) f.attrs).perm();
            int[] inv = new int[p.length];
            for (int i = 0; i < p.length; i++) inv[p[i]] = i;
            f.prep = new Geometry[] {Geometry.permute(f.inShapes[0], p), Geometry.permute(f.outShape, inv)};
        }

        @Override
        void forward(Frame f) {
            f.b.permute(((Geometry[]) f.prep)[0], f.in[0], f.inOff[0], f.out, f.outOff, false);
        }

        @Override
        void vjp(Frame f) {
            f.b.permute(((Geometry[]) f.prep)[1], f.gOut, f.gOutOff, f.gIn[0], f.gInOff[0], f.acc[0]);
        }
    }

    /**
     * Elements {@code [start, end)} along one axis. When every dimension before the axis is 1
     * (a time step of a time-major sequence, a layer of a stacked state) the selected elements
     * are one contiguous run, and the output is a zero-copy view of them.
     */
    static final class Slice extends OpDef {
        Slice() {
            super("slice", "x");
        }

        private static boolean contiguous(Shape x, SliceAttrs s) {
            return x.sizeBefore(s.axis()) == 1;
        }

        @Override
        int aliasOf(Shape[] in, Object attrs) {
            return contiguous(in[0], (SliceAttrs) attrs) ? 0 : -1;
        }

        @Override
        int aliasOffset(Shape[] in, Object attrs) {
            SliceAttrs s = (SliceAttrs) attrs;
            return s.start() * in[0].sizeFrom(s.axis() + 1);
        }

        @Override
        Shape inferShape(Shape[] in, Object attrs) {
            SliceAttrs s = (SliceAttrs) attrs;
            int size = in[0].dim(s.axis());
            if (s.start() < 0 || s.end() > size || s.start() > s.end()) {
                throw new ShapeException("x is " + in[0] + "; range [" + s.start() + ", " + s.end()
                        + ") is not within [0, " + size + "] along axis " + s.axis());
            }
            return in[0].withDim(s.axis(), s.end() - s.start());
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
        void prepare(Frame f) {
            SliceAttrs s = (SliceAttrs) f.attrs;
            Shape x = f.inShapes[0];
            if (contiguous(x, s)) return;
            // where each of the outer blocks starts in x: a row gather, split over the threads
            int outer = x.sizeBefore(s.axis()), inner = x.sizeFrom(s.axis() + 1), dim = x.dim(s.axis());
            int[] starts = new int[outer];
            for (int o = 0; o < outer; o++) starts[o] = (o * dim + s.start()) * inner;
            f.prep = starts;
        }

        @Override
        void forward(Frame f) {
            SliceAttrs s = (SliceAttrs) f.attrs;
            Shape x = f.inShapes[0];
            if (contiguous(x, s)) return; // a view: the plan points the output at the input's elements
            int[] starts = (int[]) f.prep;
            int block = (s.end() - s.start()) * x.sizeFrom(s.axis() + 1);
            f.b.gatherRows(starts.length, block, f.in[0], f.inOff[0], starts, 1, f.out, f.outOff, false);
        }

        @Override
        void vjp(Frame f) {
            SliceAttrs s = (SliceAttrs) f.attrs;
            Shape x = f.inShapes[0];
            int outer = x.sizeBefore(s.axis()), inner = x.sizeFrom(s.axis() + 1);
            int dim = x.dim(s.axis()), block = (s.end() - s.start()) * inner;
            if (!f.acc[0]) f.b.fill(x.numel(), 0.0, f.gIn[0], f.gInOff[0]);
            for (int o = 0; o < outer; o++) {
                f.b.axpy(block, 1.0, f.gOut, f.gOutOff + o * block, f.gIn[0], f.gInOff[0] + (o * dim + s.start()) * inner);
            }
        }
    }

    /** Joins inputs along one axis; all other dimensions must agree. */
    static final class Concat extends OpDef {
        Concat() {
            super("concat");
        }

        @Override
        public int arity() {
            return -1;
        }

        @Override
        Shape inferShape(Shape[] in, Object attrs) {
            int axis = ((Axis) attrs).axis();
            if (in.length == 0) throw new ShapeException("needs at least one input");
            if (axis < 0 || axis >= in[0].rank()) {
                throw new ShapeException("axis " + axis + " is out of range for inputs[0] " + in[0] + " of rank " + in[0].rank());
            }
            long total = 0;
            for (int i = 0; i < in.length; i++) {
                boolean ok = in[i].rank() == in[0].rank();
                for (int d = 0; ok && d < in[0].rank(); d++) ok = d == axis || in[i].dim(d) == in[0].dim(d);
                if (!ok) {
                    throw new ShapeException("inputs[0] is " + in[0] + ", inputs[" + i + "] is " + in[i]
                            + "; all dimensions but axis " + axis + " must agree");
                }
                total += in[i].dim(axis);
            }
            if (total > Integer.MAX_VALUE) {
                throw new ShapeException("the inputs' sizes along axis " + axis + " add up to " + total + ", more than 2^31-1");
            }
            return in[0].withDim(axis, (int) total);
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
            int axis = ((Axis) f.attrs).axis();
            int outer = f.outShape.sizeBefore(axis), outBlock = f.outShape.sizeFrom(axis);
            int at = 0;
            for (int i = 0; i < f.in.length; i++) {
                int block = f.inShapes[i].sizeFrom(axis);
                for (int o = 0; o < outer; o++) {
                    System.arraycopy(f.in[i], f.inOff[i] + o * block, f.out, f.outOff + o * outBlock + at, block);
                }
                at += block;
            }
        }

        @Override
        void vjp(Frame f) {
            int axis = ((Axis) f.attrs).axis();
            int outer = f.outShape.sizeBefore(axis), outBlock = f.outShape.sizeFrom(axis);
            int at = 0;
            for (int i = 0; i < f.in.length; i++) {
                int block = f.inShapes[i].sizeFrom(axis);
                if (f.needGrad[i]) {
                    for (int o = 0; o < outer; o++) {
                        f.b.copy(block, f.gOut, f.gOutOff + o * outBlock + at, f.gIn[i], f.gInOff[i] + o * block, f.acc[i]);
                    }
                }
                at += block;
            }
        }
    }
}
