package dev.vectornn.graph;

import dev.vectornn.tensor.Shape;
import java.util.Arrays;

/**
 * Sum and mean over a set of axes. The output is the input with those axes set to 1 (keepDims)
 * or removed; either way its storage order is the same, so one {@link Geometry} from the
 * keep-dims shape to the input shape serves both directions: forward reduces, the VJP
 * broadcasts the output gradient back ({@link Backend#expand}).
 */
final class ReduceOps {
    private ReduceOps() {}

    /** Sorted, distinct, non-negative axes (empty means all) and whether to keep them as size 1. */
    record Axes(int[] axes, boolean keepDims) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Axes a && Arrays.equals(axes, a.axes) && keepDims == a.keepDims;
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(axes) * 31 + (keepDims ? 1 : 0);
        }

        @Override
        public String toString() {
            return "axes=" + Arrays.toString(axes) + ", keepDims=" + keepDims;
        }

        boolean reduces(int axis) {
            if (axes.length == 0) return true;
            for (int a : axes) if (a == axis) return true;
            return false;
        }
    }

    static Shape keepShape(Shape x, Axes ax) {
        int[] d = x.dims();
        for (int i = 0; i < d.length; i++) if (ax.reduces(i)) d[i] = 1;
        return Shape.of(d);
    }

    /** {@code sum} ({@code mean == false}) or {@code mean} over axes. */
    static final class Reduce extends OpDef {
        private final boolean mean;

        Reduce(String name, boolean mean) {
            super(name, "x");
            this.mean = mean;
        }

        @Override
        Shape inferShape(Shape[] in, Object attrs) {
            Axes ax = (Axes) attrs;
            for (int a : ax.axes()) in[0].axis(a); // range check with a clear message
            if (ax.keepDims()) return keepShape(in[0], ax);
            int[] d = in[0].dims();
            int[] out = new int[d.length];
            int r = 0;
            for (int i = 0; i < d.length; i++) if (!ax.reduces(i)) out[r++] = d[i];
            return Shape.of(Arrays.copyOf(out, r));
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
            f.prep = Geometry.broadcast(keepShape(f.inShapes[0], (Axes) f.attrs), f.inShapes[0]);
        }

        private double alpha(Frame f) {
            int count = f.n() == 0 ? 0 : f.inShapes[0].numel() / f.n();
            return mean ? 1.0 / count : 1.0;
        }

        @Override
        void forward(Frame f) {
            f.b.reduceTo((Geometry) f.prep, alpha(f), f.in[0], f.inOff[0], f.out, f.outOff, false);
        }

        @Override
        void vjp(Frame f) {
            f.b.expand((Geometry) f.prep, alpha(f), f.gOut, f.gOutOff, f.gIn[0], f.gInOff[0], f.acc[0]);
        }
    }
}
