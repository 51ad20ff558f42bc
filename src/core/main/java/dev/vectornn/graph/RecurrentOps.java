package dev.vectornn.graph;

import dev.vectornn.tensor.Shape;
import dev.vectornn.tensor.ShapeException;

/**
 * Recurrent cells fused into one op: the per-step part of a recurrent layer that is neither a
 * matrix product nor a bias, which composed from element-wise ops costs a dozen graph nodes,
 * buffers and passes per time step.
 */
final class RecurrentOps {
    private RecurrentOps() {}

    /**
     * The LSTM cell after its matrix products: from the gate pre-activations {@code gates}
     * {@code [B, 4H]} (PyTorch's order i, f, g, o) and the previous cell state {@code cPrev}
     * {@code [B, H]} (an optional second input; absent means a zero state), computes
     * <pre>
     *   i, f, o = sigmoid(.)   g = tanh(.)   c = f * cPrev + i * g   h = o * tanh(c)
     * </pre>
     * into one output {@code [2, B, H]}: {@code h} at index 0, {@code c} at index 1, so that
     * both are contiguous and {@link Graph#select} takes them as zero-copy views.
     *
     * <p>Forward saves the activated gates and {@code tanh(c)} ({@code 5BH} elements); the VJP
     * reads them, {@code cPrev} and the output gradient {@code [dh; dc]} and writes the gates'
     * and {@code cPrev}'s gradients in one pass (see {@code Kernels.lstmCellBackward}).
     */
    static final class LstmCell extends OpDef {
        LstmCell() {
            super("lstmCell", "gates", "cPrev");
        }

        @Override
        public int arity() {
            return -1; // gates, and cPrev unless the previous state is zero
        }

        @Override
        Shape inferShape(Shape[] in, Object attrs) {
            if (in.length < 1 || in.length > 2) {
                throw new ShapeException("takes gates and an optional cPrev, got " + in.length + " inputs");
            }
            Shape g = in[0];
            if (g.rank() != 2 || g.dim(1) == 0 || g.dim(1) % 4 != 0) {
                throw new ShapeException("gates is " + g + "; expected [B, 4H] with H >= 1 (the stacked i, f, g, o"
                        + " pre-activations)");
            }
            int b = g.dim(0), h = g.dim(1) / 4;
            if (in.length == 2) {
                Shape c = in[1];
                if (c.rank() != 2 || c.dim(0) != b || c.dim(1) != h) {
                    throw new ShapeException("gates is " + g + ", cPrev is " + c + "; cPrev must be [" + b + ", " + h + "]");
                }
            }
            return Shape.of(2, b, h);
        }

        @Override
        boolean vjpReadsInput(int i) {
            return i == 1;
        }

        @Override
        boolean vjpReadsOutput() {
            return false;
        }

        private static int stateSize(Frame f) {
            return f.outShape.dim(1) * f.outShape.dim(2);
        }

        @Override
        int savedSize(Frame f) {
            return 5 * stateSize(f); // activated gates [B, 4H] and tanh(c) [B, H]
        }

        @Override
        int scratchSize(Frame f) {
            // inference: the activations (nothing is saved); training: the gradients that must
            // be added rather than written
            return 5 * stateSize(f);
        }

        @Override
        void forward(Frame f) {
            int rows = f.outShape.dim(1), hs = f.outShape.dim(2), n = rows * hs;
            Object st = f.saved != null ? f.saved : f.scratch;
            int so = f.saved != null ? f.savedOff : f.scratchOff;
            boolean hasC = f.in.length == 2;
            f.b.lstmCell(rows, hs, f.in[0], f.inOff[0], hasC ? f.in[1] : null, hasC ? f.inOff[1] : 0,
                    st, so, st, so + 4 * n, f.out, f.outOff, f.out, f.outOff + n);
        }

        @Override
        void vjp(Frame f) {
            int rows = f.outShape.dim(1), hs = f.outShape.dim(2), n = rows * hs;
            boolean hasC = f.in.length == 2;
            Backend b = f.b;
            // gradients to be added (or not wanted at all) go to scratch first
            boolean gDirect = f.needGrad[0] && !f.acc[0];
            Object dg = gDirect ? f.gIn[0] : f.scratch;
            int dgo = gDirect ? f.gInOff[0] : f.scratchOff;
            boolean cDirect = hasC && f.needGrad[1] && !f.acc[1];
            Object dcp = !hasC ? null : cDirect ? f.gIn[1] : f.scratch;
            int dcpo = cDirect ? f.gInOff[1] : f.scratchOff + 4 * n;
            b.lstmCellBackward(rows, hs, f.saved, f.savedOff, f.saved, f.savedOff + 4 * n,
                    hasC ? f.in[1] : null, hasC ? f.inOff[1] : 0, f.gOut, f.gOutOff, f.gOut, f.gOutOff + n,
                    dg, dgo, dcp, dcpo);
            if (f.needGrad[0] && f.acc[0]) b.axpy(4 * n, 1.0, f.scratch, f.scratchOff, f.gIn[0], f.gInOff[0]);
            if (hasC && f.needGrad[1] && f.acc[1]) b.axpy(n, 1.0, f.scratch, f.scratchOff + 4 * n, f.gIn[1], f.gInOff[1]);
        }
    }
}
