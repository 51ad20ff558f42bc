package dev.vectornn.kernel;

/**
 * Argument checks for the kernel boundary. Each failure names the kernel, the argument and the
 * values at fault, so a bad call never surfaces as an anonymous ArrayIndexOutOfBoundsException
 * from deep inside a vector loop. Arithmetic is done in long so huge sizes cannot overflow into a
 * check that passes.
 */
final class Checks {
    private Checks() {}

    static void size(String kernel, String name, int value) {
        if (value < 0) {
            throw new IllegalArgumentException(kernel + ": " + name + " must be >= 0, got " + value);
        }
    }

    static void notNull(String kernel, String name, Object array) {
        if (array == null) {
            throw new NullPointerException(kernel + ": " + name + " is null");
        }
    }

    /** {@code array[off .. off+n)} must exist. */
    static void vector(String kernel, String name, float[] array, int off, int n) {
        notNull(kernel, name, array);
        if (off < 0) {
            throw new IllegalArgumentException(kernel + ": " + name + " offset must be >= 0, got " + off);
        }
        if ((long) off + n > array.length) {
            throw new IllegalArgumentException(kernel + ": " + name + " needs " + n + " elements from offset "
                    + off + " (up to index " + ((long) off + n) + ") but its length is " + array.length);
        }
    }

    /** A row-major {@code rows x cols} matrix with leading dimension {@code ld} must fit in the array. */
    static void matrix(String kernel, String name, float[] array, int off, int rows, int cols, int ld) {
        notNull(kernel, name, array);
        if (off < 0) {
            throw new IllegalArgumentException(kernel + ": " + name + " offset must be >= 0, got " + off);
        }
        if (ld < Math.max(1, cols)) {
            throw new IllegalArgumentException(kernel + ": leading dimension of " + name + " is " + ld
                    + " but " + name + " has " + cols + " columns (need ld >= max(1, " + cols + "))");
        }
        if (rows == 0 || cols == 0) {
            return;
        }
        long end = (long) off + (long) (rows - 1) * ld + cols;
        if (end > array.length) {
            throw new IllegalArgumentException(kernel + ": " + name + " is " + rows + "x" + cols + " with ld "
                    + ld + " from offset " + off + ", needing " + end + " elements, but its length is "
                    + array.length);
        }
    }

    static void positiveFinite(String kernel, String name, float value) {
        if (!(value > 0) || Float.isInfinite(value)) {
            throw new IllegalArgumentException(kernel + ": " + name + " must be positive and finite, got " + value);
        }
    }

    static void nonEmpty(String kernel, int n) {
        if (n == 0) {
            throw new IllegalArgumentException(kernel + ": n must be > 0 (the reduction of an empty range is undefined)");
        }
    }
}
