package dev.vectornn.graph;

import dev.vectornn.kernel.Transpose;
import dev.vectornn.kernel.Triangle;
import dev.vectornn.tensor.Shape;
import dev.vectornn.tensor.ShapeException;

/**
 * Multi-head scaled dot-product attention read straight from a packed {@code [B, T, 3E]}
 * projection and written straight as {@code [B, T, E]}: the head products address each head's
 * columns in place (row stride {@code 3E} or {@code E}), so the head split (a permute of the
 * whole projection), the three selects and the merge (a permute of the context) of the composed
 * graph, and their gradients' copies, fills and adds, are gone.
 */
final class AttentionOps {
    private AttentionOps() {}

    /** Heads, the score scale and the causal mask. */
    record PackedAttrs(int heads, double scale, boolean causal) {}

    /**
     * {@code qkv [B, T, 3E]} (query, key and value projections side by side, each split into
     * {@code heads} blocks of {@code E / heads} columns) and an optional key-padding mask
     * {@code [B, T]} to {@code [B, T, E]}: per batch entry and head,
     * {@code softmax(scale * Q K^T, masked) V}, heads side by side. The same products, softmax
     * kernel and triangles as {@code matmul}, {@code attentionSoftmax} and {@code matmul} on
     * the permuted heads, so the same bits; the attention weights are the saved buffer.
     */
    static final class PackedAttention extends OpDef {
        /** Sizes: batch, sequence, heads, head width, embedding width. */
        private record Dims(int b, int t, int heads, int hd, int e) {
            int scores() {
                return b * heads * t * t;
            }
        }

        PackedAttention() {
            super("packedAttention", "qkv", "keyPaddingMask");
        }

        @Override
        public int arity() {
            return -1; // qkv, and the key-padding mask when there is one
        }

        @Override
        boolean differentiable(int i) {
            return i == 0;
        }

        @Override
        Shape inferShape(Shape[] in, Object attrs) {
            int heads = ((PackedAttrs) attrs).heads();
            if (in.length < 1 || in.length > 2) {
                throw new ShapeException("takes qkv and an optional keyPaddingMask, got " + in.length + " inputs");
            }
            Shape x = in[0];
            if (x.rank() != 3 || x.dim(2) % (3 * heads) != 0 || x.dim(2) == 0) {
                throw new ShapeException("qkv is " + x + "; expected [B, T, 3E] with E a positive multiple of the "
                        + heads + " heads");
            }
            if (in.length == 2 && !in[1].equals(Shape.of(x.dim(0), x.dim(1)))) {
                throw new ShapeException("qkv is " + x + ", keyPaddingMask is " + in[1] + "; the mask must be ["
                        + x.dim(0) + ", " + x.dim(1) + "]");
            }
            // the products index up to B*H*T*T scores
            if ((long) x.dim(0) * heads * x.dim(1) * x.dim(1) > Integer.MAX_VALUE) {
                throw new ShapeException("qkv is " + x + " with " + heads + " heads; its B*H*T*T scores exceed 2^31 - 1");
            }
            return Shape.of(x.dim(0), x.dim(1), x.dim(2) / 3);
        }

        @Override
        void prepare(Frame f) {
            f.prep = dims(f);
        }

        @Override
        boolean vjpReadsOutput() {
            return false;
        }

        @Override
        int savedSize(Frame f) {
            return dims(f).scores(); // the attention weights
        }

        @Override
        int scratchSize(Frame f) {
            // inference: the weights; training: the weights' gradient
            return dims(f).scores();
        }

        private static Dims dims(Frame f) {
            Shape x = f.inShapes[0];
            int heads = ((PackedAttrs) f.attrs).heads(), e = x.dim(2) / 3;
            return new Dims(x.dim(0), x.dim(1), heads, e / heads, e);
        }

        @Override
        void forward(Frame f) {
            Dims d = (Dims) f.prep;
            PackedAttrs a = (PackedAttrs) f.attrs;
            Object p = f.training ? f.saved : f.scratch;
            int po = f.training ? f.savedOff : f.scratchOff;
            int t = d.t(), ld = 3 * d.e(), sx = t * ld, tt = t * t, sp = d.heads() * tt;
            Object x = f.in[0];
            int xo = f.inOff[0];
            Backend b = f.b;
            // scores of head h: Q_h K_h^T for every batch entry at once (entries T*3E apart in qkv,
            // H*T*T apart in the [B, H, T, T] weights)
            for (int h = 0; h < d.heads(); h++) {
                b.gemmBatched(a.causal() ? Triangle.LOWER_RESULT : Triangle.FULL, Transpose.N, Transpose.T, d.b(), t, t,
                        d.hd(), 1.0, x, xo + h * d.hd(), sx, ld, x, xo + d.e() + h * d.hd(), sx, ld, 0.0, p, po + h * tt,
                        sp, t);
            }
            boolean masked = f.in.length == 2;
            b.attentionSoftmaxBatched(d.b() * d.heads(), t, t, a.scale(), a.causal(), p, po, masked ? f.in[1] : null,
                    masked ? f.inOff[1] : 0, d.heads(), p, po);
            // context of head h: P_h V_h into columns h*hd of the [B, T, E] output
            for (int h = 0; h < d.heads(); h++) {
                b.gemmBatched(a.causal() ? Triangle.LOWER_A : Triangle.FULL, Transpose.N, Transpose.N, d.b(), t, d.hd(), t,
                        1.0, p, po + h * tt, sp, t, x, xo + 2 * d.e() + h * d.hd(), sx, ld, 0.0, f.out,
                        f.outOff + h * d.hd(), t * d.e(), d.e());
            }
        }

        @Override
        void vjp(Frame f) {
            if (!f.needGrad[0]) return;
            Dims d = (Dims) f.prep;
            PackedAttrs a = (PackedAttrs) f.attrs;
            Backend b = f.b;
            Object p = f.saved, dp = f.scratch, x = f.in[0], dx = f.gIn[0], dy = f.gOut;
            int po = f.savedOff, dpo = f.scratchOff, xo = f.inOff[0], dxo = f.gInOff[0], dyo = f.gOutOff;
            int t = d.t(), e = d.e(), hd = d.hd(), ld = 3 * e, sx = t * ld, sy = t * e, tt = t * t, sp = d.heads() * tt;
            double beta = f.acc[0] ? 1.0 : 0.0;
            // the triangles of MatmulOps' gradients: ctx = tril(P) V gives dP = tril(dY V^T) and
            // dV = tril(P)^T dY; scores = tril(Q K^T) gives dQ = tril(dS) K and dK = tril(dS)^T Q
            Triangle lowerA = a.causal() ? Triangle.LOWER_A : Triangle.FULL;
            for (int h = 0; h < d.heads(); h++) {
                int yh = dyo + h * hd, vh = 2 * e + h * hd;
                b.gemmBatched(a.causal() ? Triangle.LOWER_RESULT : Triangle.FULL, Transpose.N, Transpose.T, d.b(), t, t,
                        hd, 1.0, dy, yh, sy, e, x, xo + vh, sx, ld, 0.0, dp, dpo + h * tt, sp, t);
                b.gemmBatched(lowerA, Transpose.T, Transpose.N, d.b(), t, hd, t, 1.0, p, po + h * tt, sp, t, dy, yh, sy,
                        e, beta, dx, dxo + vh, sx, ld);
            }
            boolean masked = f.in.length == 2;
            b.attentionSoftmaxBackwardBatched(d.b() * d.heads(), t, t, a.scale(), a.causal(), p, po, dp, dpo,
                    masked ? f.in[1] : null, masked ? f.inOff[1] : 0, d.heads(), dp, dpo);
            for (int h = 0; h < d.heads(); h++) {
                int qh = h * hd, kh = e + h * hd;
                b.gemmBatched(lowerA, Transpose.N, Transpose.N, d.b(), t, hd, t, 1.0, dp, dpo + h * tt, sp, t, x,
                        xo + kh, sx, ld, beta, dx, dxo + qh, sx, ld);
                b.gemmBatched(lowerA, Transpose.T, Transpose.N, d.b(), t, hd, t, 1.0, dp, dpo + h * tt, sp, t, x,
                        xo + qh, sx, ld, beta, dx, dxo + kh, sx, ld);
            }
        }
    }
}
