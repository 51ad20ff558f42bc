package dev.vectornn.tensor;

import java.util.Arrays;

/**
 * An immutable list of non-negative dimension sizes, row-major (the last dimension is
 * contiguous). A shape of rank 0 ({@code []}) is a scalar with one element.
 *
 * <p>Axes may be given negative, counting from the end as in NumPy ({@code -1} is the last).
 * Instances are immutable and thread-safe.
 */
public final class Shape {
    private static final Shape SCALAR = new Shape(new int[0], 1);

    private final int[] dims;
    private final int numel;

    private Shape(int[] dims, int numel) {
        this.dims = dims;
        this.numel = numel;
    }

    /**
     * A shape with the given dimensions (copied).
     *
     * @throws ShapeException if a dimension is negative or the element count exceeds
     *     {@link Integer#MAX_VALUE} (storage is a single Java array)
     */
    public static Shape of(int... dims) {
        if (dims.length == 0) return SCALAR;
        long n = 1;
        for (int d : dims) {
            if (d < 0) {
                throw new ShapeException("shape " + Arrays.toString(dims) + ": negative dimension " + d);
            }
            n *= d;
            if (n > Integer.MAX_VALUE) {
                // partial products (sizeBefore, strides) must fit in an int even when a later
                // dimension is 0, so the message names the product, not the element count
                throw new ShapeException("shape " + Arrays.toString(dims) + ": its dimensions multiply past 2^31-1");
            }
        }
        return new Shape(dims.clone(), (int) n);
    }

    /** The rank-0 shape {@code []} (one element). */
    public static Shape scalar() {
        return SCALAR;
    }

    /** Number of dimensions. */
    public int rank() {
        return dims.length;
    }

    /** Number of elements: the product of the dimensions (1 for a scalar). */
    public int numel() {
        return numel;
    }

    /** Size of dimension {@code axis} (negative counts from the end). */
    public int dim(int axis) {
        return dims[axis(axis)];
    }

    /** A copy of the dimensions. */
    public int[] dims() {
        return dims.clone();
    }

    /**
     * {@code axis} made non-negative.
     *
     * @throws ShapeException if {@code axis} is outside {@code [-rank, rank)}
     */
    public int axis(int axis) {
        int a = axis < 0 ? axis + dims.length : axis;
        if (a < 0 || a >= dims.length) {
            throw new ShapeException("axis " + axis + " is out of range for shape " + this
                    + " (rank " + dims.length + ")");
        }
        return a;
    }

    /** Row-major strides in elements: {@code strides[i]} is the product of the dimensions after {@code i}. */
    public int[] strides() {
        int[] s = new int[dims.length];
        int acc = 1;
        for (int i = dims.length - 1; i >= 0; i--) {
            s[i] = acc;
            acc *= dims[i];
        }
        return s;
    }

    /**
     * Product of the dimensions before {@code axis} (non-negative, may equal rank).
     *
     * @throws IndexOutOfBoundsException if {@code axis} is not in {@code [0, rank]}
     */
    public int sizeBefore(int axis) {
        checkSplit(axis);
        int p = 1;
        for (int i = 0; i < axis; i++) p *= dims[i];
        return p;
    }

    /**
     * Product of the dimensions from {@code axis} on (non-negative, may equal rank).
     *
     * @throws IndexOutOfBoundsException if {@code axis} is not in {@code [0, rank]}
     */
    public int sizeFrom(int axis) {
        checkSplit(axis);
        int p = 1;
        for (int i = axis; i < dims.length; i++) p *= dims[i];
        return p;
    }

    private void checkSplit(int axis) {
        if (axis < 0 || axis > dims.length) {
            throw new IndexOutOfBoundsException("split point " + axis + " out of range [0, " + dims.length
                    + "] for shape " + this);
        }
    }

    /** This shape with dimension {@code axis} replaced by {@code size}. */
    public Shape withDim(int axis, int size) {
        int[] d = dims.clone();
        d[axis(axis)] = size;
        return of(d);
    }

    /**
     * The NumPy broadcast of two shapes: align them at the last dimension; each pair of sizes must
     * be equal or one of them 1; missing leading dimensions count as 1.
     *
     * @throws ShapeException naming both shapes and the first dimension (counted from the end,
     *     negative) that does not fit
     */
    public static Shape broadcast(Shape a, Shape b) {
        if (a.equals(b)) return a;
        int r = Math.max(a.rank(), b.rank());
        int[] out = new int[r];
        for (int i = 1; i <= r; i++) {
            int da = i <= a.rank() ? a.dims[a.rank() - i] : 1;
            int db = i <= b.rank() ? b.dims[b.rank() - i] : 1;
            if (da != db && da != 1 && db != 1) {
                throw new ShapeException("shapes " + a + " and " + b + " are not broadcastable: dimension -"
                        + i + " is " + da + " vs " + db);
            }
            out[r - i] = da == 1 ? db : da;
        }
        return of(out);
    }

    /** Whether {@code this} broadcasts to {@code target} without changing {@code target}. */
    public boolean broadcastsTo(Shape target) {
        if (rank() > target.rank()) return false;
        for (int i = 1; i <= rank(); i++) {
            int d = dims[rank() - i];
            if (d != 1 && d != target.dims[target.rank() - i]) return false;
        }
        return true;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Shape s && Arrays.equals(dims, s.dims);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(dims);
    }

    /** The dimensions as {@code [32, 128]} ({@code []} for a scalar). */
    @Override
    public String toString() {
        return Arrays.toString(dims);
    }
}
