package dev.vectornn.tensor;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A shape, an element type and contiguous row-major storage: a {@code float[]} for
 * {@link DType#F32}, a {@code double[]} for {@link DType#F64}. The storage is exactly
 * {@code shape.numel()} long and is never reallocated, so {@link #floats()} and {@link #doubles()}
 * return live views that kernels and compiled plans read and write in place.
 *
 * <p>Element accessors take and return {@code double} whatever the type (F32 values widen
 * exactly; stores into F32 round to nearest). Not thread-safe for concurrent writes, like any
 * array.
 */
public final class Tensor {
    private final DType dtype;
    private final Shape shape;
    private final Object data;

    private Tensor(DType dtype, Shape shape, Object data) {
        this.dtype = dtype;
        this.shape = shape;
        this.data = data;
    }

    /** A tensor of zeros. */
    public static Tensor zeros(DType dtype, Shape shape) {
        return new Tensor(dtype, shape, dtype.newArray(shape.numel()));
    }

    /** A tensor of zeros with the given dimensions. */
    public static Tensor zeros(DType dtype, int... dims) {
        return zeros(dtype, Shape.of(dims));
    }

    /** A tensor with every element {@code value}. */
    public static Tensor full(DType dtype, Shape shape, double value) {
        Tensor t = zeros(dtype, shape);
        if (dtype == DType.F32) Arrays.fill((float[]) t.data, (float) value);
        else Arrays.fill((double[]) t.data, value);
        return t;
    }

    /** A rank-0 tensor holding {@code value}. */
    public static Tensor scalar(DType dtype, double value) {
        return full(dtype, Shape.scalar(), value);
    }

    /**
     * An F32 tensor holding a copy of {@code values} with the given dimensions.
     *
     * @throws ShapeException if {@code values.length} differs from the product of {@code dims}
     */
    public static Tensor of(float[] values, int... dims) {
        Shape s = Shape.of(dims);
        checkCount(values.length, s);
        return new Tensor(DType.F32, s, values.clone());
    }

    /** An F64 tensor holding a copy of {@code values}; as {@link #of(float[], int...)}. */
    public static Tensor of(double[] values, int... dims) {
        Shape s = Shape.of(dims);
        checkCount(values.length, s);
        return new Tensor(DType.F64, s, values.clone());
    }

    /**
     * A tensor that uses {@code storage} (a {@code float[]} or {@code double[]} of exactly
     * {@code shape.numel()} elements) without copying it.
     *
     * @throws ShapeException if the length is wrong
     * @throws IllegalArgumentException if {@code storage} is neither array type
     */
    public static Tensor wrap(Object storage, Shape shape) {
        if (storage instanceof float[] f) {
            checkCount(f.length, shape);
            return new Tensor(DType.F32, shape, f);
        }
        if (storage instanceof double[] d) {
            checkCount(d.length, shape);
            return new Tensor(DType.F64, shape, d);
        }
        throw new IllegalArgumentException("tensor storage must be float[] or double[], got "
                + (storage == null ? "null" : storage.getClass().getSimpleName()));
    }

    /** Standard normal samples (mean 0, standard deviation {@code std}) from a seeded generator: same seed, same tensor. */
    public static Tensor randn(DType dtype, Shape shape, double std, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        Tensor t = zeros(dtype, shape);
        for (int i = 0; i < shape.numel(); i++) {
            // Box-Muller, one value per pair: simple and reproducible across JDKs.
            double u1 = 1.0 - r.nextDouble();
            double u2 = r.nextDouble();
            t.setFlat(i, std * Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2 * Math.PI * u2));
        }
        return t;
    }

    /** Uniform samples in {@code [lo, hi)} from a seeded generator. */
    public static Tensor uniform(DType dtype, Shape shape, double lo, double hi, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        Tensor t = zeros(dtype, shape);
        for (int i = 0; i < shape.numel(); i++) {
            t.setFlat(i, lo + (hi - lo) * r.nextDouble());
        }
        return t;
    }

    private static void checkCount(int n, Shape s) {
        if (n != s.numel()) {
            throw new ShapeException("tensor of shape " + s + " needs " + s.numel() + " values, got " + n);
        }
    }

    /** The element type. */
    public DType dtype() {
        return dtype;
    }

    /** The shape. */
    public Shape shape() {
        return shape;
    }

    /** Number of elements. */
    public int numel() {
        return shape.numel();
    }

    /** The storage array itself ({@code float[]} or {@code double[]}), a live view. */
    public Object storage() {
        return data;
    }

    /**
     * The live {@code float[]} storage.
     *
     * @throws IllegalStateException if this tensor is F64
     */
    public float[] floats() {
        if (dtype != DType.F32) throw new IllegalStateException("tensor is " + dtype + ", not F32");
        return (float[]) data;
    }

    /**
     * The live {@code double[]} storage.
     *
     * @throws IllegalStateException if this tensor is F32
     */
    public double[] doubles() {
        if (dtype != DType.F64) throw new IllegalStateException("tensor is " + dtype + ", not F64");
        return (double[]) data;
    }

    /**
     * Element at row-major flat index {@code i}.
     *
     * @throws IndexOutOfBoundsException if {@code i} is not in {@code [0, numel)}, naming the shape
     */
    public double getFlat(int i) {
        checkFlat(i);
        return read(i);
    }

    /**
     * Stores {@code v} at flat index {@code i} (rounded to float for F32).
     *
     * @throws IndexOutOfBoundsException if {@code i} is not in {@code [0, numel)}, naming the shape
     */
    public void setFlat(int i, double v) {
        checkFlat(i);
        write(i, v);
    }

    /**
     * Element at the given indices, one per dimension.
     *
     * @throws IndexOutOfBoundsException naming the dimension and index at fault
     */
    public double get(int... indices) {
        return read(flatIndex(indices));   // flatIndex checked every index
    }

    /** Stores {@code v} at the given indices, one per dimension. */
    public void set(double v, int... indices) {
        write(flatIndex(indices), v);
    }

    private double read(int i) {
        return dtype == DType.F32 ? ((float[]) data)[i] : ((double[]) data)[i];
    }

    private void write(int i, double v) {
        if (dtype == DType.F32) ((float[]) data)[i] = (float) v;
        else ((double[]) data)[i] = v;
    }

    private void checkFlat(int i) {
        if (i < 0 || i >= shape.numel()) {
            throw new IndexOutOfBoundsException("flat index " + i + " out of range [0, " + shape.numel()
                    + ") for shape " + shape);
        }
    }

    private int flatIndex(int[] idx) {
        if (idx.length != shape.rank()) {
            throw new IndexOutOfBoundsException(idx.length + " indices for a tensor of rank " + shape.rank());
        }
        int flat = 0;
        for (int i = 0; i < idx.length; i++) {
            int d = shape.dim(i);
            if (idx[i] < 0 || idx[i] >= d) {
                throw new IndexOutOfBoundsException("index " + idx[i] + " out of range [0, " + d
                        + ") in dimension " + i + " of shape " + shape);
            }
            flat = flat * d + idx[i];
        }
        return flat;
    }

    /** A deep copy. */
    public Tensor copy() {
        Object c = dtype == DType.F32 ? ((float[]) data).clone() : ((double[]) data).clone();
        return new Tensor(dtype, shape, c);
    }

    /** A copy converted to {@code target} (F64 to F32 rounds to nearest). */
    public Tensor to(DType target) {
        if (target == dtype) return copy();
        Tensor t = zeros(target, shape);
        for (int i = 0; i < numel(); i++) t.setFlat(i, getFlat(i));
        return t;
    }

    /**
     * A tensor of shape {@code newShape} sharing this storage (no copy).
     *
     * @throws ShapeException if the element counts differ
     */
    public Tensor reshape(Shape newShape) {
        if (newShape.numel() != numel()) {
            throw new ShapeException("cannot reshape " + shape + " (" + numel() + " elements) to "
                    + newShape + " (" + newShape.numel() + ")");
        }
        return new Tensor(dtype, newShape, data);
    }

    /**
     * {@code Tensor(F32, [2, 3])} followed by the values as nested lists when there are at most
     * 100 elements, else by the first few values.
     */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Tensor(").append(dtype).append(", ").append(shape).append(") ");
        if (numel() > 100) {
            sb.append('[');
            for (int i = 0; i < 6; i++) sb.append(getFlat(i)).append(", ");
            return sb.append("...]").toString();
        }
        if (shape.rank() == 0) return sb.append(getFlat(0)).toString();
        appendNested(sb, 0, 0);
        return sb.toString();
    }

    private int appendNested(StringBuilder sb, int dim, int flat) {
        sb.append('[');
        int n = shape.dim(dim);
        for (int i = 0; i < n; i++) {
            if (i > 0) sb.append(", ");
            if (dim == shape.rank() - 1) {
                sb.append(dtype == DType.F32 ? Float.toString((float) getFlat(flat++)) : Double.toString(getFlat(flat++)));
            } else {
                flat = appendNested(sb, dim + 1, flat);
            }
        }
        sb.append(']');
        return flat;
    }
}
