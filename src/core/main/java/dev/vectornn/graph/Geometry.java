package dev.vectornn.graph;

import dev.vectornn.tensor.Shape;

/**
 * Index geometry computed once at compile time for the N-d loops the kernels lack: a walk over
 * the rows (last dimension) of a destination shape, with, for each of up to two sources, the
 * offset of the row's first element and the stride along the row. Broadcasting gives a source a
 * stride of 0 along the dimensions it repeats; permutation gives it a permuted stride.
 *
 * <p>Each instance owns its odometer ({@code ctr}) so walks allocate nothing; a plan runs on one
 * thread, so that mutable state is never shared.
 */
final class Geometry {
    /** How the sources relate to the destination, for the kernels' fast paths. */
    enum Kind {
        /** Every source has the destination's shape. */
        SAME,
        /** Source 1 is one row broadcast over all rows (shape {@code [cols]}, possibly with leading 1s). */
        ROW,
        /** Source 1 is one value per row (shape {@code [..., 1]} matching the leading dimensions). */
        COL,
        /** Source 1 is a single element. */
        SCALAR,
        /** Anything else: the walk. */
        GENERAL
    }

    final Kind kind;
    /** Destination shape dimensions, row count (product of all but the last) and row length. */
    final int[] dims;
    final int rows;
    final int cols;
    final int numel;
    /** Per-destination-dimension strides of source 0 and source 1 (0 where broadcast). */
    final int[] s0;
    final int[] s1;
    private final int[] ctr;
    /** Source 0's row offsets in walk order, built on first use (permutations: a gather's table). */
    private int[] rowOffsets0;
    /** Row offsets of sources 0 and 1 after {@link #row}. */
    int off0;
    int off1;

    private Geometry(Kind kind, int[] dims, int[] s0, int[] s1) {
        this.kind = kind;
        this.dims = dims;
        this.cols = dims.length == 0 ? 1 : dims[dims.length - 1];
        int n = 1;
        for (int d : dims) n *= d;
        this.numel = n;
        this.rows = cols == 0 ? 0 : n / cols;
        this.s0 = s0;
        this.s1 = s1;
        this.ctr = new int[Math.max(dims.length, 1)];
    }

    /** Strides of {@code src} aligned to {@code dst}'s dimensions, 0 where {@code src} broadcasts. */
    static int[] broadcastStrides(Shape src, Shape dst) {
        int r = dst.rank();
        int[] out = new int[r];
        int[] st = src.strides();
        for (int i = 1; i <= src.rank(); i++) {
            int d = src.dim(src.rank() - i);
            out[r - i] = d == 1 && dst.dim(r - i) != 1 ? 0 : st[src.rank() - i];
        }
        return out;
    }

    /** Destination {@code out}, sources {@code a} and {@code b} that broadcast to it. */
    static Geometry binary(Shape a, Shape b, Shape out) {
        return new Geometry(classify(a, b, out), out.dims(), broadcastStrides(a, out), broadcastStrides(b, out));
    }

    /** Destination {@code big}, one source {@code small} that broadcasts to it (source index 1). */
    static Geometry broadcast(Shape small, Shape big) {
        return new Geometry(classify(big, small, big), big.dims(), big.strides(), broadcastStrides(small, big));
    }

    /** Destination {@code src} permuted by {@code perm}, source 0 is {@code src}. */
    static Geometry permute(Shape src, int[] perm) {
        int[] st = src.strides();
        int[] dims = new int[perm.length];
        int[] s = new int[perm.length];
        for (int i = 0; i < perm.length; i++) {
            dims[i] = src.dim(perm[i]);
            s[i] = st[perm[i]];
        }
        Geometry g = new Geometry(Kind.GENERAL, dims, s, new int[perm.length]);
        g.rowOffsets0(); // at compile time: a plan step allocates nothing
        return g;
    }

    private static Kind classify(Shape a, Shape b, Shape out) {
        if (!a.equals(out)) return Kind.GENERAL;
        if (b.equals(out)) return Kind.SAME;
        if (b.numel() == 1) return Kind.SCALAR;
        int r = out.rank();
        int cols = out.dim(r - 1);
        if (b.numel() == cols && b.dim(b.rank() - 1) == cols) return Kind.ROW;
        // b = [d0..d(r-2), 1] (leading 1s allowed only when out's leading dims are 1 too)
        if (b.dim(b.rank() - 1) == 1 && b.numel() * cols == out.numel() && b.rank() >= r - 1) {
            boolean same = true;
            for (int i = 2; i <= r; i++) {
                int db = i <= b.rank() ? b.dim(b.rank() - i) : 1;
                same &= db == out.dim(r - i);
            }
            if (same) return Kind.COL;
        }
        return Kind.GENERAL;
    }

    /** Starts a walk over the rows; call {@link #row} {@link #rows} times. */
    void begin() {
        java.util.Arrays.fill(ctr, 0);
        off0 = 0;
        off1 = 0;
    }

    /**
     * Sets {@link #off0}/{@link #off1} to the offsets of the current row's first element and
     * advances the odometer over all dimensions but the last.
     */
    void row() {
        int o0 = 0;
        int o1 = 0;
        int last = dims.length - 1;
        for (int d = 0; d < last; d++) {
            o0 += ctr[d] * s0[d];
            o1 += ctr[d] * s1[d];
        }
        off0 = o0;
        off1 = o1;
        for (int d = last - 1; d >= 0; d--) {
            if (++ctr[d] < dims[d]) break;
            ctr[d] = 0;
        }
    }

    /**
     * Source 0's offset of every row, in walk order: the table a row gather needs, so the rows
     * can be split over threads. Built once (at plan compile time, from {@link #permute}).
     */
    int[] rowOffsets0() {
        if (rowOffsets0 == null) {
            int[] t = new int[rows];
            begin();
            for (int r = 0; r < rows; r++) {
                row();
                t[r] = off0;
            }
            rowOffsets0 = t;
        }
        return rowOffsets0;
    }

    /** Stride of source 0 along a row. */
    int inner0() {
        return dims.length == 0 ? 1 : s0[dims.length - 1];
    }

    /** Stride of source 1 along a row. */
    int inner1() {
        return dims.length == 0 ? 1 : s1[dims.length - 1];
    }
}
