package dev.vectornn.kernel;

/**
 * Which triangle of a batched GEMM is known to be zero, so the kernel can skip it. Causal
 * attention is the use: its {@code [T, T]} score and weight matrices are zero above the
 * diagonal, and a product that knows it does about half the multiply-adds. "Lower" means row
 * index {@code >=} column index, as in {@code torch.tril}.
 */
public enum Triangle {
    /** The plain product, nothing skipped. */
    FULL,
    /**
     * {@code C = alpha * tril(op(A) op(B)) + beta * C}: only C's lower triangle gets the product;
     * above the diagonal C becomes {@code beta * C} (0 when {@code beta == 0}, as if the product
     * there were 0). Tiles wholly above the diagonal are not computed.
     */
    LOWER_RESULT,
    /**
     * {@code C = alpha * op(tril(A)) op(B) + beta * C}: the stored A's entries above its diagonal
     * (column index > row index) count as 0 and are never read, whatever they hold. Each row of
     * C then sums over only the part of {@code k} where its row of {@code op(A)} can be nonzero:
     * {@code p <= i} with {@link Transpose#N}, {@code p >= i} with {@link Transpose#T}.
     */
    LOWER_A
}
