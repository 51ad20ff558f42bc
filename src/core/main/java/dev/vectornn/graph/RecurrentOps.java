package dev.vectornn.graph;

import dev.vectornn.kernel.Transpose;
import dev.vectornn.kernel.Triangle;
import dev.vectornn.kernel.UnaryOp;
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

    /**
     * What {@link LstmLayer} and {@link RnnLayer} share: a recurrence whose step pre-activations
     * are {@code proj_t + h_{t-1} whh^T} ({@code whh} {@code [G*H, H]}, {@code G} gates per
     * hidden unit), with whh packed once per pass for the step products ({@code Kernels.packB})
     * and whh's gradient one product over all steps. Input slots: proj, whh, then h0 (and, for
     * the LSTM, c0) for a given initial state. The output's index {@code t < T} holds {@code h_t}.
     */
    abstract static class RecurrentLayer extends OpDef {
        /** Gates per hidden unit: a step's pre-activations are {@code gates * H} wide. */
        final int gates;

        RecurrentLayer(int gates, String name, String... argNames) {
            super(name, argNames);
            this.gates = gates;
        }

        @Override
        public int arity() {
            return -1; // proj and whh, then the initial state unless it is zero
        }

        /** Whether the steps run from {@code T-1} down to 0. */
        abstract boolean reverse(Frame f);

        /** Shape checks common to both: proj {@code [T, B, gates*H]}, whh, and the states {@code [B, H]}. */
        Shape checkShapes(Shape[] in, int states, String projLayout) {
            if (in.length != 2 && in.length != 2 + states) {
                throw new ShapeException("takes proj, whh and optionally " + (states == 1 ? "h0" : "h0 and c0 (both or neither)")
                        + ", got " + in.length + " inputs");
            }
            Shape p = in[0], w = in[1];
            if (p.rank() != 3 || p.dim(0) == 0 || p.dim(2) == 0 || p.dim(2) % gates != 0) {
                throw new ShapeException("proj is " + p + "; expected " + projLayout);
            }
            int b = p.dim(1), h = p.dim(2) / gates;
            if (w.rank() != 2 || w.dim(0) != gates * h || w.dim(1) != h) {
                throw new ShapeException("proj is " + p + ", whh is " + w + "; whh must be [" + gates * h + ", " + h + "]");
            }
            for (int i = 2; i < in.length; i++) {
                Shape s = in[i];
                if (s.rank() != 2 || s.dim(0) != b || s.dim(1) != h) {
                    throw new ShapeException("proj is " + p + ", " + argName(i) + " is " + s + "; " + argName(i)
                            + " must be [" + b + ", " + h + "]");
                }
            }
            return Shape.of(p.dim(0), b, h);
        }

        /** Whether h0 (slot 2) and the rest of the initial state are inputs. */
        static boolean hasState(Frame f) {
            return f.in.length > 2;
        }

        /** Elements of one step's state {@code [B, H]}. */
        static int stateSize(Frame f) {
            return f.inShapes[0].dim(1) * f.inShapes[1].dim(1);
        }

        @Override
        boolean vjpReadsOutput() {
            return true; // the hidden states, the other factor of whh's gradient
        }

        /**
         * Whether the step products read a packed W_hh: not for a single row, which the GEMM
         * takes as a matrix-vector product reading W_hh once anyway.
         */
        static boolean packs(Frame f) {
            return f.inShapes[0].dim(1) > 1;
        }

        static int packedSize(Frame f, int k, int n) {
            return packs(f) ? f.b.packedBSize(k, n) : 0;
        }

        /** Packs whh for the forward's step products ({@code h whh^T}) at {@code scratch + at}. */
        void packForward(Frame f, int at) {
            int hs = f.inShapes[1].dim(1);
            if (packs(f) && (hasState(f) || f.inShapes[0].dim(0) > 1)) {
                f.b.packB(Transpose.T, hs, gates * hs, f.in[1], f.inOff[1], hs, f.scratch, at);
            }
        }

        /** Packs whh for the backward's step products ({@code dpre whh}) at {@code scratch + at}. */
        void packBackward(Frame f, int at) {
            int hs = f.inShapes[1].dim(1);
            if (packs(f)) f.b.packB(Transpose.N, gates * hs, hs, f.in[1], f.inOff[1], hs, f.scratch, at);
        }

        /** {@code C = op(A) W + beta C} for one step, from the packed W when {@link #packs}. */
        static void stepProduct(Frame f, Transpose tb, int m, int n, int k, Object a, int ao, int lda,
                                int packed, double beta, Object c, int co, int ldc) {
            if (packs(f)) {
                f.b.gemmPacked(Transpose.N, tb, m, n, k, 1.0, a, ao, lda, f.scratch, packed, beta, c, co, ldc);
            } else {
                f.b.gemmBatched(Triangle.FULL, Transpose.N, tb, 1, m, n, k, 1.0, a, ao, 0, lda, f.in[1], f.inOff[1], 0,
                        f.inShapes[1].dim(1), beta, c, co, 0, ldc);
            }
        }

        /**
         * Step {@code t}'s pre-activations {@code proj_t + hPrev whh^T} into {@code c}: the
         * product, then proj added to it, with the rounding of the composed graph's separate add
         * whatever order the kernels sum in.
         */
        void preactivation(Frame f, int t, Object hPrev, int hPrevOff, int packed, Object c, int co) {
            int rows = f.inShapes[0].dim(1), hs = f.inShapes[1].dim(1), g = gates * hs;
            stepProduct(f, Transpose.T, rows, g, hs, hPrev, hPrevOff, hs, packed, 0.0, c, co, g);
            f.b.axpy(rows * g, 1.0, f.in[0], f.inOff[0] + t * rows * g, c, co);
        }

        /**
         * {@code dh_t} into {@code scratch + dh}: h_t's own output gradient, plus
         * {@code dpre_{tNext} whh} when a later step ran ({@code tNext >= 0}), added after the
         * product as the composed graph adds its two gradient contributions.
         */
        void stateGradient(Frame f, int t, int tNext, Object dg, int dgOff, int packed, int dh) {
            int rows = f.inShapes[0].dim(1), hs = f.inShapes[1].dim(1), g = gates * hs, n = rows * hs;
            if (tNext >= 0) {
                stepProduct(f, Transpose.N, rows, hs, g, dg, dgOff + tNext * rows * g, g, packed, 0.0, f.scratch, dh, hs);
                f.b.axpy(n, 1.0, f.gOut, f.gOutOff + t * n, f.scratch, dh);
            } else {
                f.b.scale(n, 1.0, f.gOut, f.gOutOff + t * n, f.scratch, dh);
            }
        }

        /**
         * After the backward loop, with every step's pre-activation gradients at {@code dg}:
         * whh's gradient, h0's ({@code dpre_first whh}) and, when it is added to, proj's.
         */
        void finishGradients(Frame f, Object dg, int dgOff, int packed) {
            int steps = f.inShapes[0].dim(0), rows = f.inShapes[0].dim(1), hs = f.inShapes[1].dim(1);
            int g = gates * hs;
            int tFirst = reverse(f) ? steps - 1 : 0; // the first step run, whose previous state is h0
            if (f.needGrad[1]) whhGradient(f, dg, dgOff, tFirst);
            if (hasState(f) && f.needGrad[2]) {
                stepProduct(f, Transpose.N, rows, hs, g, dg, dgOff + tFirst * rows * g, g, packed,
                        f.acc[2] ? 1.0 : 0.0, f.gIn[2], f.gInOff[2], hs);
            }
            if (f.needGrad[0] && f.acc[0]) f.b.axpy(steps * rows * g, 1.0, dg, dgOff, f.gIn[0], f.gInOff[0]);
        }

        /**
         * {@code dW_hh (+)= sum_t dpre_t^T h_{t-1}}: the steps after the first pair pre-activation
         * gradients and hidden states that are both contiguous runs ({@code dpre[1..T)} with
         * {@code h[0..T-1)} forward, {@code dpre[0..T-1)} with {@code h[1..T)} reversed), one GEMM
         * over {@code (T-1) B} rows; h0's step adds one more.
         */
        private void whhGradient(Frame f, Object dg, int dgOff, int tFirst) {
            Backend b = f.b;
            int steps = f.inShapes[0].dim(0), rows = f.inShapes[0].dim(1), hs = f.inShapes[1].dim(1);
            int n = rows * hs, g = gates * hs;
            boolean rev = reverse(f);
            double beta = f.acc[1] ? 1.0 : 0.0;
            if (steps > 1) {
                int dg0 = dgOff + (rev ? 0 : rows * g), h0 = f.outOff + (rev ? n : 0);
                b.gemmBatched(Triangle.FULL, Transpose.T, Transpose.N, 1, g, hs, (steps - 1) * rows, 1.0, dg, dg0, 0, g,
                        f.out, h0, 0, hs, beta, f.gIn[1], f.gInOff[1], 0, hs);
                beta = 1.0;
            }
            if (hasState(f)) {
                b.gemmBatched(Triangle.FULL, Transpose.T, Transpose.N, 1, g, hs, rows, 1.0, dg, dgOff + tFirst * rows * g,
                        0, g, f.in[2], f.inOff[2], 0, hs, beta, f.gIn[1], f.gInOff[1], 0, hs);
            } else if (beta == 0.0) {
                b.fill(g * hs, 0.0, f.gIn[1], f.gInOff[1]); // one step from a zero state: whh had no part
            }
        }
    }

    /**
     * A whole LSTM layer's recurrence in one op: from the input projections {@code proj}
     * {@code [T, B, 4H]} ({@code x W_ih^T + b_ih + b_hh} for every step, one GEMM before this
     * op), the recurrent weight {@code whh} {@code [4H, H]} and optional initial states
     * {@code h0}, {@code c0} {@code [B, H]} (both or neither), runs for every step
     * <pre>
     *   gates_t = proj_t + h_{t-1} whh^T      (h, c) = lstmCell(gates_t, c_{t-1})
     * </pre>
     * in time order, or backwards from {@code T-1} when {@code reverse}. The output is
     * {@code [T+1, B, H]}: {@code h_t} at index {@code t}, and the last step's cell state at index
     * {@code T} (slices and selects of it are zero-copy views).
     *
     * <p>Why one op rather than {@code T} matmuls and cells: the weight gradient
     * {@code dW_hh = sum_t dgates_t^T h_{t-1}} becomes one GEMM over all steps ({@code k = (T-1)B})
     * instead of {@code T} shallow ones ({@code k = B}) that each read and write all of
     * {@code dW_hh}; {@code W_hh} is packed for the GEMM micro-kernels once per pass ({@code
     * Kernels.packB}) instead of once per step's product; and the per-step slices, adds and
     * concatenations of a composed graph go away. The per-step arithmetic is that of the
     * composed graph: forward values and every gradient but {@code whh}'s have the same bits,
     * and {@code whh}'s differs by summation order.
     */
    static final class LstmLayer extends RecurrentLayer {
        LstmLayer() {
            super(4, "lstmLayer", "proj", "whh", "h0", "c0");
        }

        @Override
        Shape inferShape(Shape[] in, Object attrs) {
            Shape s = checkShapes(in, 2, "[T, B, 4H] with T >= 1 and H >= 1 (the stacked i, f, g, o input projections"
                    + " of every step)");
            return Shape.of(s.dim(0) + 1, s.dim(1), s.dim(2));
        }

        @Override
        boolean vjpReadsInput(int i) {
            return i != 0; // whh, h0 and c0; proj's values live on in the saved gates
        }

        @Override
        boolean reverse(Frame f) {
            return (Boolean) f.attrs;
        }

        @Override
        int savedSize(Frame f) {
            // per step: the activated gates (4BH), tanh(c) and c (BH each)
            return Math.toIntExact(6L * f.inShapes[0].dim(0) * stateSize(f));
        }

        @Override
        int scratchSize(Frame f) {
            int steps = f.inShapes[0].dim(0), n = stateSize(f), hs = f.inShapes[1].dim(1);
            // forward: packed W_hh^T and one step's gates, plus (inference) one step's activations
            // and two cell states; backward: packed W_hh, dh, two dc, and every step's gate gradients
            long forward = packedSize(f, hs, 4 * hs) + 4L * n + (f.training ? 0 : 7L * n);
            long backward = f.training ? packedSize(f, 4 * hs, hs) + 3L * n + 4L * steps * n : 0;
            return Math.toIntExact(Math.max(forward, backward));
        }

        @Override
        void forward(Frame f) {
            Backend b = f.b;
            int steps = f.inShapes[0].dim(0), rows = f.inShapes[0].dim(1), hs = f.inShapes[1].dim(1);
            int n = rows * hs, g = 4 * hs;
            boolean rev = reverse(f), hasState = hasState(f), train = f.saved != null;
            Object s = f.scratch;
            int wP = f.scratchOff, gates = wP + packedSize(f, hs, g);
            packForward(f, wP);
            Object hPrev = hasState ? f.in[2] : null, cPrev = hasState ? f.in[3] : null;
            int hPrevOff = hasState ? f.inOff[2] : 0, cPrevOff = hasState ? f.inOff[3] : 0;
            int inferAct = gates + g * rows, inferTanh = inferAct + 4 * n, inferC = inferTanh + n;
            for (int i = 0; i < steps; i++) {
                int t = rev ? steps - 1 - i : i;
                Object gIn = f.in[0];
                int gInOff = f.inOff[0] + t * 4 * n;
                if (hPrev != null) {
                    preactivation(f, t, hPrev, hPrevOff, wP, s, gates);
                    gIn = s;
                    gInOff = gates;
                }
                Object st = train ? f.saved : s;
                int act = train ? f.savedOff + t * 4 * n : inferAct;
                int tanhC = train ? f.savedOff + 4 * steps * n + t * n : inferTanh;
                int c = train ? f.savedOff + 5 * steps * n + t * n : inferC + (i % 2) * n;
                b.lstmCell(rows, hs, gIn, gInOff, cPrev, cPrevOff, st, act, st, tanhC, f.out, f.outOff + t * n, st, c);
                hPrev = f.out;
                hPrevOff = f.outOff + t * n;
                cPrev = st;
                cPrevOff = c;
            }
            b.scale(n, 1.0, cPrev, cPrevOff, f.out, f.outOff + steps * n);
        }

        @Override
        void vjp(Frame f) {
            Backend b = f.b;
            int steps = f.inShapes[0].dim(0), rows = f.inShapes[0].dim(1), hs = f.inShapes[1].dim(1);
            int n = rows * hs, g = 4 * hs;
            boolean rev = reverse(f), hasState = hasState(f);
            Object s = f.scratch;
            int wP = f.scratchOff, dh = wP + packedSize(f, g, hs), dc = dh + n, dcNext = dc + n;
            packBackward(f, wP);
            // every step's gate gradients are kept for whh's gradient; they are proj's gradient
            boolean direct = f.needGrad[0] && !f.acc[0];
            Object dg = direct ? f.gIn[0] : s;
            int dgOff = direct ? f.gInOff[0] : dcNext + n;
            int act0 = f.savedOff, tanh0 = act0 + 4 * steps * n, c0 = act0 + 5 * steps * n;
            b.scale(n, 1.0, f.gOut, f.gOutOff + steps * n, s, dc);
            int tNext = -1;
            for (int i = steps - 1; i >= 0; i--) {
                int t = rev ? steps - 1 - i : i;
                stateGradient(f, t, tNext, dg, dgOff, wP, dh);
                Object cPrev = null;
                int cPrevOff = 0;
                if (i > 0) {
                    cPrev = f.saved;
                    cPrevOff = c0 + (rev ? t + 1 : t - 1) * n;
                } else if (hasState) {
                    cPrev = f.in[3];
                    cPrevOff = f.inOff[3];
                }
                b.lstmCellBackward(rows, hs, f.saved, act0 + t * 4 * n, f.saved, tanh0 + t * n, cPrev, cPrevOff,
                        s, dh, s, dc, dg, dgOff + t * 4 * n, cPrev == null ? null : s, dcNext);
                int swap = dc;
                dc = dcNext;
                dcNext = swap;
                tNext = t;
            }
            finishGradients(f, dg, dgOff, wP);
            if (hasState && f.needGrad[3]) {
                if (f.acc[3]) b.axpy(n, 1.0, s, dc, f.gIn[3], f.gInOff[3]);
                else b.scale(n, 1.0, s, dc, f.gIn[3], f.gInOff[3]);
            }
        }
    }

    /** {@link RnnLayer}'s attributes: the nonlinearity (tanh or ReLU) and the direction. */
    record RnnAttrs(UnaryOp nonlinearity, boolean reverse) {}

    /**
     * A whole Elman RNN layer's recurrence in one op, PyTorch's {@code nn.RNN} for one layer and
     * direction after the input projection: from {@code proj} {@code [T, B, H]}, {@code whh}
     * {@code [H, H]} and an optional {@code h0} {@code [B, H]},
     * <pre>
     *   h_t = act(proj_t + h_{t-1} whh^T)
     * </pre>
     * for every step, in time order or backwards; the output is {@code [T, B, H]}. Like {@link
     * LstmLayer}: whh packed once per pass, its gradient one product over all steps, and the bits
     * of the composed graph for everything but whh's gradient. Forward saves the pre-activations.
     */
    static final class RnnLayer extends RecurrentLayer {
        RnnLayer() {
            super(1, "rnnLayer", "proj", "whh", "h0");
        }

        @Override
        Shape inferShape(Shape[] in, Object attrs) {
            return checkShapes(in, 1, "[T, B, H] with T >= 1 and H >= 1 (the input projection of every step)");
        }

        @Override
        boolean vjpReadsInput(int i) {
            return i != 0; // whh and h0; proj's values live on in the saved pre-activations
        }

        @Override
        boolean reverse(Frame f) {
            return ((RnnAttrs) f.attrs).reverse();
        }

        @Override
        int savedSize(Frame f) {
            return Math.toIntExact((long) f.inShapes[0].dim(0) * stateSize(f)); // every step's pre-activations
        }

        @Override
        int scratchSize(Frame f) {
            int steps = f.inShapes[0].dim(0), n = stateSize(f), hs = f.inShapes[1].dim(1);
            // forward: packed W_hh^T, plus (inference) one step's pre-activations; backward:
            // packed W_hh, dh and every step's pre-activation gradients
            long forward = packedSize(f, hs, hs) + (f.training ? 0 : n);
            long backward = f.training ? packedSize(f, hs, hs) + n + (long) steps * n : 0;
            return Math.toIntExact(Math.max(forward, backward));
        }

        @Override
        void forward(Frame f) {
            Backend b = f.b;
            int steps = f.inShapes[0].dim(0), n = stateSize(f);
            UnaryOp act = ((RnnAttrs) f.attrs).nonlinearity();
            boolean rev = reverse(f), train = f.saved != null;
            int wP = f.scratchOff;
            packForward(f, wP);
            Object hPrev = hasState(f) ? f.in[2] : null;
            int hPrevOff = hasState(f) ? f.inOff[2] : 0;
            Object st = train ? f.saved : f.scratch;
            for (int i = 0; i < steps; i++) {
                int t = rev ? steps - 1 - i : i;
                int pre = train ? f.savedOff + t * n : wP + packedSize(f, f.inShapes[1].dim(1), f.inShapes[1].dim(1));
                if (hPrev != null) preactivation(f, t, hPrev, hPrevOff, wP, st, pre);
                else b.scale(n, 1.0, f.in[0], f.inOff[0] + t * n, st, pre);
                b.unary(act, n, st, pre, f.out, f.outOff + t * n);
                hPrev = f.out;
                hPrevOff = f.outOff + t * n;
            }
        }

        @Override
        void vjp(Frame f) {
            Backend b = f.b;
            int steps = f.inShapes[0].dim(0), hs = f.inShapes[1].dim(1), n = stateSize(f);
            UnaryOp act = ((RnnAttrs) f.attrs).nonlinearity();
            boolean rev = reverse(f);
            Object s = f.scratch;
            int wP = f.scratchOff, dh = wP + packedSize(f, hs, hs);
            packBackward(f, wP);
            // every step's pre-activation gradients are kept for whh's gradient; they are proj's
            boolean direct = f.needGrad[0] && !f.acc[0];
            Object dg = direct ? f.gIn[0] : s;
            int dgOff = direct ? f.gInOff[0] : dh + n;
            int tNext = -1;
            for (int i = steps - 1; i >= 0; i--) {
                int t = rev ? steps - 1 - i : i;
                stateGradient(f, t, tNext, dg, dgOff, wP, dh);
                b.unaryBackward(act, n, f.saved, f.savedOff + t * n, f.out, f.outOff + t * n, s, dh, dg, dgOff + t * n);
                tNext = t;
            }
            finishGradients(f, dg, dgOff, wP);
        }
    }
}
