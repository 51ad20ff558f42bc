package dev.vectornn.bench;

/**
 * A GEMM problem size {@code C[m x n] = op(A)[m x k] * op(B)[k x n]}, written in benchmark
 * parameters as {@code "MxNxK"} (e.g. {@code "32x1024x256"}) or as one number for a square
 * problem ({@code "512"}). The report generator parses the same strings to compute GFLOP/s.
 *
 * @param m rows of C
 * @param n columns of C
 * @param k the summed dimension
 */
public record GemmShape(int m, int n, int k) {

    /** Validates that every dimension is at least 1. */
    public GemmShape {
        if (m < 1 || n < 1 || k < 1) {
            throw new IllegalArgumentException("GEMM dimensions must be >= 1, got " + m + "x" + n + "x" + k);
        }
    }

    /**
     * Parses {@code "MxNxK"} or {@code "N"} (square).
     *
     * @throws IllegalArgumentException if the text is neither form, naming it
     */
    public static GemmShape parse(String text) {
        String[] p = text.trim().toLowerCase(java.util.Locale.ROOT).split("x");
        try {
            if (p.length == 1) {
                int s = Integer.parseInt(p[0]);
                return new GemmShape(s, s, s);
            }
            if (p.length == 3) {
                return new GemmShape(Integer.parseInt(p[0]), Integer.parseInt(p[1]), Integer.parseInt(p[2]));
            }
        } catch (NumberFormatException e) {
            // falls through to the message below, which says what was expected
        }
        throw new IllegalArgumentException("GEMM shape must be 'MxNxK' or a single size, got '" + text + "'");
    }

    /** Floating-point operations of one {@code C = A*B}: {@code 2*m*n*k} (one multiply, one add). */
    public double flops() {
        return 2.0 * m * n * k;
    }

    /** Whether the problem is square, i.e. was probably written as a single number. */
    public boolean square() {
        return m == n && n == k;
    }

    @Override
    public String toString() {
        return m + "x" + n + "x" + k;
    }
}
