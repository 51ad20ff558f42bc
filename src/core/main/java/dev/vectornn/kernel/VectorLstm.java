package dev.vectornn.kernel;

import static dev.vectornn.kernel.VectorKernels.F;
import static dev.vectornn.kernel.VectorKernels.L;

import jdk.incubator.vector.FloatVector;

/**
 * The fused LSTM cell for {@link VectorKernels}.
 *
 * <p>Forward, per row: the gate nonlinearities go through {@link VectorUnary#unaryRange} on the
 * contiguous gate blocks ({@code [i f]} as one run of {@code 2H}, then {@code g}, then
 * {@code o}), which keeps the {@code VectorMath} polynomials behind their non-inlined stages (a
 * loop calling several of them would exceed C2's inlining budget and box its vectors), gives
 * exactly the bits of the unfused sigmoid and tanh, and leaves the arithmetic to two short
 * vector loops. The transcendentals dominate the cost; fusing saves the graph the eleven
 * intermediate buffers and passes of the composed cell.
 *
 * <p>Backward is pure arithmetic: one vector loop reads the saved activations once and writes
 * all four gate gradients and {@code dcPrev}, with the same operations in the same order as the
 * scalar oracle (no FMA), so it is bit-exact; tails run the oracle's scalar expressions.
 *
 * <p>Rows (batch entries) are independent: large calls split them over the kernel threads
 * ({@link VectorParallel}), with the same bits for every thread count.
 */
final class VectorLstm {
    private VectorLstm() {}

    static void forward(int rows, int hs, float[] gates, int gatesOff, float[] cPrev, int cPrevOff,
                        float[] act, int actOff, float[] tanhC, int tanhCOff, float[] h, int hOff, float[] c, int cOff) {
        int parts = VectorParallel.parts(4L * rows * hs, VectorParallel.MIN_HEAVY, rows);
        if (VectorParallel.begin(parts)) {
            Task t = Task.INSTANCE;
            try {
                t.set(false, hs, gates, gatesOff, cPrev, cPrevOff, act, actOff, tanhC, tanhCOff, h, hOff, c, cOff,
                        null, 0, null, 0, null, 0, null, 0);
                t.runSplit(rows, 1, parts);
            } finally {
                VectorParallel.end(t);
            }
            return;
        }
        forwardRows(0, rows, hs, gates, gatesOff, cPrev, cPrevOff, act, actOff, tanhC, tanhCOff, h, hOff, c, cOff);
    }

    /** The arguments of one split cell or cell VJP (guarded by the pool's lock). */
    private static final class Task extends VectorParallel.RangeTask {
        static final Task INSTANCE = new Task();
        private boolean backward;
        private int hs, gatesOff, cPrevOff, actOff, tanhCOff, hOff, cOff, dhOff, dcOff, dGatesOff, dcPrevOff;
        private float[] gates, cPrev, act, tanhC, h, c, dh, dc, dGates, dcPrev;

        void set(boolean backward, int hs, float[] gates, int gatesOff, float[] cPrev, int cPrevOff,
                 float[] act, int actOff, float[] tanhC, int tanhCOff, float[] h, int hOff, float[] c, int cOff,
                 float[] dh, int dhOff, float[] dc, int dcOff, float[] dGates, int dGatesOff, float[] dcPrev, int dcPrevOff) {
            this.backward = backward; this.hs = hs; this.gates = gates; this.gatesOff = gatesOff;
            this.cPrev = cPrev; this.cPrevOff = cPrevOff; this.act = act; this.actOff = actOff;
            this.tanhC = tanhC; this.tanhCOff = tanhCOff; this.h = h; this.hOff = hOff; this.c = c; this.cOff = cOff;
            this.dh = dh; this.dhOff = dhOff; this.dc = dc; this.dcOff = dcOff;
            this.dGates = dGates; this.dGatesOff = dGatesOff; this.dcPrev = dcPrev; this.dcPrevOff = dcPrevOff;
        }

        @Override
        void range(int from, int to) {
            if (backward) {
                backwardRows(from, to, hs, act, actOff, tanhC, tanhCOff, cPrev, cPrevOff, dh, dhOff, dc, dcOff,
                        dGates, dGatesOff, dcPrev, dcPrevOff);
            } else {
                forwardRows(from, to, hs, gates, gatesOff, cPrev, cPrevOff, act, actOff, tanhC, tanhCOff, h, hOff, c, cOff);
            }
        }

        @Override
        void clear() {
            gates = null; cPrev = null; act = null; tanhC = null; h = null; c = null;
            dh = null; dc = null; dGates = null; dcPrev = null;
        }
    }

    private static void forwardRows(int r0, int r1, int hs, float[] gates, int gatesOff, float[] cPrev, int cPrevOff,
                                    float[] act, int actOff, float[] tanhC, int tanhCOff, float[] h, int hOff,
                                    float[] c, int cOff) {
        for (int r = r0; r < r1; r++) {
            int gr = gatesOff + r * 4 * hs, ar = actOff + r * 4 * hs, sr = r * hs;
            VectorUnary.unaryRange(UnaryOp.SIGMOID, 2 * hs, gates, gr, act, ar);
            VectorUnary.unaryRange(UnaryOp.TANH, hs, gates, gr + 2 * hs, act, ar + 2 * hs);
            VectorUnary.unaryRange(UnaryOp.SIGMOID, hs, gates, gr + 3 * hs, act, ar + 3 * hs);
            if (cPrev == null) {
                cellFromZero(hs, act, ar, c, cOff + sr);
            } else {
                cell(hs, act, ar, cPrev, cPrevOff + sr, c, cOff + sr);
            }
            VectorUnary.unaryRange(UnaryOp.TANH, hs, c, cOff + sr, tanhC, tanhCOff + sr);
            hidden(hs, act, ar + 3 * hs, tanhC, tanhCOff + sr, h, hOff + sr);
        }
    }

    /** {@code c = f * cPrev + i * g}, each product and the sum rounded. */
    private static void cell(int hs, float[] act, int ar, float[] cPrev, int cpo, float[] c, int co) {
        int bound = F.loopBound(hs);
        int j = 0;
        for (; j < bound; j += L) {
            FloatVector i = FloatVector.fromArray(F, act, ar + j);
            FloatVector f = FloatVector.fromArray(F, act, ar + hs + j);
            FloatVector g = FloatVector.fromArray(F, act, ar + 2 * hs + j);
            f.mul(FloatVector.fromArray(F, cPrev, cpo + j)).add(i.mul(g)).intoArray(c, co + j);
        }
        for (; j < hs; j++) c[co + j] = act[ar + hs + j] * cPrev[cpo + j] + act[ar + j] * act[ar + 2 * hs + j];
    }

    /** {@code c = i * g}. */
    private static void cellFromZero(int hs, float[] act, int ar, float[] c, int co) {
        int bound = F.loopBound(hs);
        int j = 0;
        for (; j < bound; j += L) {
            FloatVector.fromArray(F, act, ar + j).mul(FloatVector.fromArray(F, act, ar + 2 * hs + j)).intoArray(c, co + j);
        }
        for (; j < hs; j++) c[co + j] = act[ar + j] * act[ar + 2 * hs + j];
    }

    /** {@code h = o * tanh(c)}. */
    private static void hidden(int hs, float[] o, int oo, float[] tc, int tco, float[] h, int ho) {
        int bound = F.loopBound(hs);
        int j = 0;
        for (; j < bound; j += L) {
            FloatVector.fromArray(F, o, oo + j).mul(FloatVector.fromArray(F, tc, tco + j)).intoArray(h, ho + j);
        }
        for (; j < hs; j++) h[ho + j] = o[oo + j] * tc[tco + j];
    }

    static void backward(int rows, int hs, float[] act, int actOff, float[] tanhC, int tanhCOff,
                         float[] cPrev, int cPrevOff, float[] dh, int dhOff, float[] dc, int dcOff,
                         float[] dGates, int dGatesOff, float[] dcPrev, int dcPrevOff) {
        // about twenty float operations per hidden unit: priced like the transcendental kernels
        int parts = VectorParallel.parts(4L * rows * hs, VectorParallel.MIN_HEAVY, rows);
        if (VectorParallel.begin(parts)) {
            Task t = Task.INSTANCE;
            try {
                t.set(true, hs, null, 0, cPrev, cPrevOff, act, actOff, tanhC, tanhCOff, null, 0, null, 0,
                        dh, dhOff, dc, dcOff, dGates, dGatesOff, dcPrev, dcPrevOff);
                t.runSplit(rows, 1, parts);
            } finally {
                VectorParallel.end(t);
            }
            return;
        }
        backwardRows(0, rows, hs, act, actOff, tanhC, tanhCOff, cPrev, cPrevOff, dh, dhOff, dc, dcOff,
                dGates, dGatesOff, dcPrev, dcPrevOff);
    }

    private static void backwardRows(int r0, int r1, int hs, float[] act, int actOff, float[] tanhC, int tanhCOff,
                                     float[] cPrev, int cPrevOff, float[] dh, int dhOff, float[] dc, int dcOff,
                                     float[] dGates, int dGatesOff, float[] dcPrev, int dcPrevOff) {
        for (int r = r0; r < r1; r++) {
            int ar = actOff + r * 4 * hs, dr = dGatesOff + r * 4 * hs, sr = r * hs;
            if (cPrev == null) {
                backwardFromZero(hs, act, ar, tanhC, tanhCOff + sr, dh, dhOff + sr, dc, dcOff + sr, dGates, dr);
            } else {
                backwardRow(hs, act, ar, tanhC, tanhCOff + sr, cPrev, cPrevOff + sr, dh, dhOff + sr, dc, dcOff + sr,
                        dGates, dr, dcPrev, dcPrevOff + sr);
            }
        }
    }

    private static void backwardRow(int hs, float[] act, int ar, float[] tanhC, int tco, float[] cPrev, int cpo,
                                    float[] dh, int dho, float[] dc, int dco, float[] dG, int dr,
                                    float[] dcPrev, int dcpo) {
        int bound = F.loopBound(hs);
        int j = 0;
        for (; j < bound; j += L) {
            FloatVector i = FloatVector.fromArray(F, act, ar + j);
            FloatVector f = FloatVector.fromArray(F, act, ar + hs + j);
            FloatVector g = FloatVector.fromArray(F, act, ar + 2 * hs + j);
            FloatVector o = FloatVector.fromArray(F, act, ar + 3 * hs + j);
            FloatVector tc = FloatVector.fromArray(F, tanhC, tco + j);
            FloatVector dhv = FloatVector.fromArray(F, dh, dho + j);
            FloatVector one = FloatVector.broadcast(F, 1f);
            FloatVector dct = FloatVector.fromArray(F, dc, dco + j).add(dhv.mul(o).mul(one.sub(tc.mul(tc))));
            dct.mul(g).mul(i).mul(one.sub(i)).intoArray(dG, dr + j);
            dct.mul(FloatVector.fromArray(F, cPrev, cpo + j)).mul(f).mul(one.sub(f)).intoArray(dG, dr + hs + j);
            dct.mul(i).mul(one.sub(g.mul(g))).intoArray(dG, dr + 2 * hs + j);
            dhv.mul(tc).mul(o).mul(one.sub(o)).intoArray(dG, dr + 3 * hs + j);
            dct.mul(f).intoArray(dcPrev, dcpo + j);
        }
        for (; j < hs; j++) {
            float i = act[ar + j], f = act[ar + hs + j], g = act[ar + 2 * hs + j], o = act[ar + 3 * hs + j];
            float tc = tanhC[tco + j], dhv = dh[dho + j];
            float dct = dc[dco + j] + dhv * o * (1f - tc * tc);
            dG[dr + j] = dct * g * i * (1f - i);
            dG[dr + hs + j] = dct * cPrev[cpo + j] * f * (1f - f);
            dG[dr + 2 * hs + j] = dct * i * (1f - g * g);
            dG[dr + 3 * hs + j] = dhv * tc * o * (1f - o);
            dcPrev[dcpo + j] = dct * f;
        }
    }

    /** The backward of a cell whose previous state is zero: no forget-gate gradient, no dcPrev. */
    private static void backwardFromZero(int hs, float[] act, int ar, float[] tanhC, int tco,
                                         float[] dh, int dho, float[] dc, int dco, float[] dG, int dr) {
        int bound = F.loopBound(hs);
        int j = 0;
        for (; j < bound; j += L) {
            FloatVector i = FloatVector.fromArray(F, act, ar + j);
            FloatVector g = FloatVector.fromArray(F, act, ar + 2 * hs + j);
            FloatVector o = FloatVector.fromArray(F, act, ar + 3 * hs + j);
            FloatVector tc = FloatVector.fromArray(F, tanhC, tco + j);
            FloatVector dhv = FloatVector.fromArray(F, dh, dho + j);
            FloatVector one = FloatVector.broadcast(F, 1f);
            FloatVector dct = FloatVector.fromArray(F, dc, dco + j).add(dhv.mul(o).mul(one.sub(tc.mul(tc))));
            dct.mul(g).mul(i).mul(one.sub(i)).intoArray(dG, dr + j);
            FloatVector.zero(F).intoArray(dG, dr + hs + j);
            dct.mul(i).mul(one.sub(g.mul(g))).intoArray(dG, dr + 2 * hs + j);
            dhv.mul(tc).mul(o).mul(one.sub(o)).intoArray(dG, dr + 3 * hs + j);
        }
        for (; j < hs; j++) {
            float i = act[ar + j], g = act[ar + 2 * hs + j], o = act[ar + 3 * hs + j];
            float tc = tanhC[tco + j], dhv = dh[dho + j];
            float dct = dc[dco + j] + dhv * o * (1f - tc * tc);
            dG[dr + j] = dct * g * i * (1f - i);
            dG[dr + hs + j] = 0f;
            dG[dr + 2 * hs + j] = dct * i * (1f - g * g);
            dG[dr + 3 * hs + j] = dhv * tc * o * (1f - o);
        }
    }
}
