package dev.vectornn.kernel.gemm;

import static dev.vectornn.kernel.simd.Simd.F;
import static jdk.incubator.vector.VectorOperators.GE;

import dev.vectornn.kernel.KernelThreads;
import dev.vectornn.kernel.Transpose;
import dev.vectornn.kernel.Triangle;
import dev.vectornn.kernel.parallel.Parallel;
import dev.vectornn.kernel.simd.Simd;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;

/**
 * SGEMM with the Vector API in the BLIS/GotoBLAS style: C is computed in {@code NC}-column by
 * {@code KC}-deep blocks of packed B and {@code MC}-row blocks of packed A; a register-blocked
 * {@link MicroKernels micro-kernel} computes each {@code MR x NR} tile. Packing copies every
 * transpose combination into the same panel layout, so one micro-kernel serves all four;
 * partial tiles are packed with zero padding and only their valid part is written back (a
 * partial last row panel runs a shorter kernel, {@link #packedKernel}).
 *
 * <p><b>Determinism.</b> For every element of C the sum over {@code k} runs the same way
 * whatever the thread count or partition: per k block ({@link #depth}), one accumulator starting at 0
 * takes the products in order of {@code p} through {@code fma}; then
 * {@code C = alpha*acc + beta*C} for the first block and {@code C = alpha*acc + C} for the
 * later ones. Threads split C into blocks of whole tiles (rows or columns) and never split
 * {@code k}, so results are bit-identical for any {@link KernelThreads#threads()}. The path
 * taken ({@code m == 1} or {@code n == 1} go to {@link VectorGemv}) depends only on the shape.
 *
 * <p><b>Accuracy.</b> Each element is within about {@code k * 2^-24 * sum_p |a_ip||b_pj|}
 * (times {@code |alpha|}) of the exact value.
 *
 * <p><b>Allocation.</b> None in steady state: packing buffers are per thread and reused
 * ({@link Scratch}); the thread pool reuses one task object per kind.
 *
 * <p><b>Skinny C.</b> When a block of C is at most {@link #DIRECT_A_MAX_COLS} columns wide,
 * each packed A panel would serve only a few column panels, so full panels of A are read in
 * place ({@code lda}-strided: one contiguous run per {@code p} when A is transposed, one per row
 * when not) and only a partial last panel is packed; the arithmetic is the same.
 *
 * <p><b>Tall, skinny weight gradients.</b> {@code C = A^T B} with {@code m >= }{@link
 * #SWAP_MIN_RATIO}{@code  * n}, {@code n <= }{@link #SWAP_MAX_COLS} and {@code k >= }{@link
 * #SWAP_MIN_DEPTH} (a layer's
 * {@code dW = dY^T X} with many more outputs than inputs, such as an LM decoder's [33278 x 200])
 * is computed as {@code C^T = B^T A}, with each tile written back transposed: the wide
 * {@code C^T} packs well and runs at the speed of a square problem, where the skinny {@code C}
 * leaves most of each packed panel idle. Every element takes the same products in the same
 * order ({@code fma(a, b, acc)} equals {@code fma(b, a, acc)}), so the bits do not change.
 *
 * <p><b>Wide products of a short A.</b> {@code C = A B^T} with {@code n >= }{@link
 * #NT_SWAP_MIN_RATIO}{@code  * m} and {@code k >= }{@link #NT_SWAP_MIN_DEPTH} (a linear layer's
 * forward {@code x W^T} on a batch smaller than its output width, as in serving) is computed as
 * {@code C^T = B A^T} the same way: W is read in place instead of being copied, transposed, into
 * packed panels on every call, and only the short {@code x} is packed. The bits do not change,
 * for the same reason.
 *
 * <p><b>Triangular products</b> ({@link Triangle}, for causal attention): the same blocked
 * loops skip the tiles of C wholly above the diagonal ({@code LOWER_RESULT}) or cut each tile's
 * {@code k} range to where its rows of {@code op(tril(A))} can be nonzero ({@code LOWER_A}). A
 * full panel of such an A is read in place where all its rows are nonzero and from a copy of its
 * diagonal block elsewhere ({@link Packing#packLowerDiagonals}, the entries above the diagonal
 * zeroed), the kernel continuing from one part's sums to the other's; a partial panel (and any
 * A the 6 x 4 tile or {@link #directA} does not read in place) is copied whole by
 * {@link Packing#packALower}. Each batch entry runs on one thread; entries spread over the
 * threads as for any batch.
 *
 * <p><b>Tuning knobs</b> (for benchmarking; defaults measured on a Zen 4 EPYC, AVX-512):
 * {@code -Dvectornn.gemm.tile=12x2|6x4|6x2|5x2} (rows x vectors; default 12x2 at 512 bits, 5x2
 * below on x86, 6x2 below elsewhere; see {@link #TILE}), {@code vectornn.gemm.kc} (1024: the
 * largest k block), {@code .mc} (192), {@code .nc}
 * (2048) and {@code .parallelMin} (2^20 multiply-adds: smaller problems stay on the calling
 * thread).
 *
 * <p>Arguments are not checked ({@code AbstractKernels} did). Thread-safe.
 */
public final class VectorGemm {
    private VectorGemm() {}

    private static final int L = Simd.LANES;

    /**
     * Tile shape. 512-bit (AVX-512, 32 vector registers): 12 rows x 2 vectors = 24 accumulators
     * + 2 B vectors + 1 broadcast A leaves room for the JIT. Narrower species on x86 (AVX2/SSE,
     * 16 registers): 5 x 2 = 10 accumulators. The textbook 6 x 2 (12 accumulators + 2 B + 1 A =
     * 15) does not fit as C2 compiles it: its scheduler loads up to three A broadcasts ahead, and
     * the register allocator then keeps two accumulators on the stack, a load-FMA-store chain
     * through memory in every iteration (read in the JDK 25 disassembly on a Zen 3 EPYC). Measured
     * there, 1 thread: the 6 x 2 kernel alone ran 35 GFLOP/s on L1-resident panels, 5 x 2 70 (the
     * FMA probe: 92 per core), and a 512^3 GEMM 8.4-8.9 ms with 6 x 2 against 4.7-5.5 ms with 5 x 2
     * (OpenBLAS in PyTorch 3.8 ms). Elsewhere (NEON: 32 registers, unmeasured) 6 x 2 stays.
     */
    static final int TILE = tile();
    static final int MR = TILE / 10;
    static final int NRV = TILE % 10;
    static final int NR = NRV * L;

    /**
     * Largest depth of a packed block; {@code k} is cut into the fewest blocks of at most KC, as
     * equal as possible ({@link #depth}). Each block ends in a pass over C (write-back with
     * {@code beta = 1} after the first) and repacks B, so deeper blocks pay off while the
     * MC x KC block of A still fits L2: measured on a Zen 4 EPYC (1 MB L2) with one thread,
     * 1024 ran square GEMMs (512 to 2048) 1.1 to 1.15x as fast as the L1-sized 256, and the
     * word-LM decoder's weight gradient ([33278 x 700] x [700 x 200], a C too large for any
     * cache, passed over once instead of three times) 1.12x.
     */
    static final int KC = positive("vectornn.gemm.kc", 1024);
    /** Rows of A packed at once: MC x KC floats (768 KB at most) stay in L2. Multiple of MR. */
    static final int MC = roundUp(positive("vectornn.gemm.mc", 192), MR);
    /** Columns of B packed at once: KC x NC floats. Multiple of NR. */
    static final int NC = roundUp(positive("vectornn.gemm.nc", 2048), NR);

    /**
     * Widest block of C (columns) for which full panels of A are read in place instead of packed.
     * Packing A pays off over the {@code nc / NR} column panels that reuse each packed panel;
     * with few of them (the skinny {@code n} of a weight gradient or an LM decoder's input
     * gradient) the copy costs more than the strided reads it saves. Measured at 512 bits with
     * one thread after warm-up: at 8 panels (256 columns) A in place ran the attention
     * workload's projection gradients 1.15x (256 x 256, k 2048, TN) and 1.17x (768 x 256) and
     * its input gradient 1.06x (2048 x 256, k 768, NN) as fast as packed; at 12 or 16 panels it
     * was 0.9x to 1.04x. At 256 bits, 8 panels (128 columns) ran 1.15x to 1.3x.
     */
    static final int DIRECT_A_MAX_COLS = 8 * NR;

    /**
     * Widest block read in place when A's stride is a multiple of 1024 floats (4 KB): the 12
     * rows of a panel then fall in the same L1 sets. At 8 panels the LSTM's recurrent input
     * gradient (32 x 256, k 1024, lda 1024) ran 0.95x in place (1.04x with a padded stride),
     * while at 4 panels (2048 x 128, k 1024) in place still beat packing, 1.1x.
     */
    static final int DIRECT_A_ALIASED_MAX_COLS = 7 * NR;

    /**
     * A {@code TN} problem at least this many times taller than wide, and at most {@link
     * #SWAP_MAX_COLS} wide, is computed transposed (class Javadoc). Measured single-threaded on a
     * Zen 4 EPYC at 512 bits (after warm-up, same run): the transposed form ran the word-LM
     * decoder gradient (33278 x 200, k 700) 1.21x as fast, the LSTM input-projection gradient
     * (1024 x 128, k 2048) 1.2x, 1024 x 256 1.14x, 512 x 128 1.08x, 4096 x 32 1.18x; at 256 bits
     * 1.0x to 1.06x. At a ratio of 3 (384 x 128, whose tiles divide evenly) it gained nothing, and
     * 4096 x 512 (k 1024) was 2 % slower, hence the width limit.
     */
    static final int SWAP_MIN_RATIO = 4;
    /** Widest C computed transposed: 8 column panels (256 columns at 512 bits). */
    static final int SWAP_MAX_COLS = 8 * NR;
    /**
     * Shallowest k computed transposed. The transposed write-back is scalar, about as costly per
     * element as a few dozen FMAs' share of a tile, so a shallow problem loses: measured with
     * beta 1 on the LSTM's per-step recurrent gradient (1024 x 256, k 32) 0.66x, k 128 0.9x,
     * k 256 0.97x.
     */
    static final int SWAP_MIN_DEPTH = 512;

    /**
     * An {@code NT} problem ({@code C = A B^T}, a linear layer's forward {@code x W^T}) at least
     * this many times wider than tall is computed transposed, {@code C^T = B A^T}: the blocked
     * loops then read the wide operand ({@code W}, n x k) in place as A's rows and pack only the
     * short one, where the untransposed form packs all of {@code W^T} (an element-by-element
     * transposing copy that streams W through the cache) for every call. Measured single-threaded
     * on a Zen 5 EPYC at 512 bits, same run, untransposed against transposed: 128 x 512 x 784
     * 554 against 467 us (1.19x), 128 x 512 x 512 1.12x, 64 x 512 x 512 1.41x, 32 x 1024 x 1024
     * 603 against 316 us (1.91x), 128 x 1024 x 256 1.07x; at a ratio of 2, 128 x 256 x 512 1.08x
     * and 256 x 512 x 512 1.04x.
     */
    static final int NT_SWAP_MIN_RATIO = 2;
    /**
     * Shallowest k of an {@code NT} problem computed transposed: the transposed write-back costs
     * about as much as at {@link #SWAP_MIN_DEPTH}, but packing the wide operand costs more, so
     * the break-even is shallower. Measured (as above) 128 x 512 x 256 1.08x, 128 x 512 x 128
     * 0.97x.
     */
    static final int NT_SWAP_MIN_DEPTH = 256;

    /** Below this many multiply-adds ({@code m*n*k}) one thread is faster than handing work off. */
    static final long PARALLEL_MIN = Long.getLong("vectornn.gemm.parallelMin", 1L << 20);

    private static int tile() {
        String t = System.getProperty("vectornn.gemm.tile");
        if (t == null) {
            if (Simd.BITS >= 512) return 122;
            String arch = System.getProperty("os.arch", "");
            return arch.equals("amd64") || arch.equals("x86_64") || arch.equals("x86") ? 52 : 62;
        }
        return switch (t.trim()) {
            case "12x2" -> 122;
            case "6x4" -> 64;
            case "6x2" -> 62;
            case "5x2" -> 52;
            default -> throw new IllegalArgumentException("-Dvectornn.gemm.tile=" + t + " is not one of 12x2, 6x4, 6x2, 5x2");
        };
    }

    private static int positive(String name, int dflt) {
        int v = Integer.getInteger(name, dflt);
        if (v < 1) {
            throw new IllegalArgumentException("-D" + name + "=" + v + " must be >= 1");
        }
        return v;
    }

    private static int roundUp(int v, int m) {
        return (v + m - 1) / m * m;
    }

    /**
     * {@code C = alpha * op(A) * op(B) + beta * C}, row-major, as {@link
     * dev.vectornn.kernel.Kernels#gemm} describes; may use {@link KernelThreads#threads()}
     * threads.
     */
    public static void gemm(Transpose ta, Transpose tb, int m, int n, int k, float alpha,
                            float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                            float beta, float[] c, int cOff, int ldc) {
        gemm(ta, tb, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc, null, 0, 0);
    }

    /**
     * {@link #gemm} plus the addend {@code D} (null for none) of {@link
     * dev.vectornn.kernel.Kernels#gemm(Transpose, Transpose, int, int, int, float, float[], int,
     * int, float[], int, int, float, float[], int, int, float[], int, int) Kernels.gemm with D}:
     * the blocked loops add it in the write-back of the last k block; the other paths (GEMV
     * shapes, transposed products, nothing to multiply) add it in a pass after the product. Both
     * round {@code product + D} once, so the bits are those of {@link #gemm} and then an add.
     */
    public static void gemm(Transpose ta, Transpose tb, int m, int n, int k, float alpha,
                            float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                            float beta, float[] c, int cOff, int ldc, float[] d, int dOff, int ldd) {
        if (m == 0 || n == 0) {
            return;
        }
        if (transposeC(ta, tb, m, n, k)) {
            split(tb.flip(), ta.flip(), n, m, k, alpha, b, bOff, ldb, a, aOff, lda, null, 0, beta, c, cOff, 1, ldc,
                    null, 0, 0);
            if (d != null) addend(m, n, d, dOff, ldd, c, cOff, ldc);
        } else {
            split(ta, tb, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, null, 0, beta, c, cOff, ldc, 1, d, dOff, ldd);
        }
    }

    /** {@code C += D} row by row ({@code ldd == 0}: D's one row to every row), one rounded add per element. */
    static void addend(int m, int n, float[] d, int dOff, int ldd, float[] c, int cOff, int ldc) {
        int bound = F.loopBound(n);
        for (int i = 0; i < m; i++) {
            int ci = cOff + i * ldc, di = dOff + i * ldd;
            int j = 0;
            for (; j < bound; j += L) {
                FloatVector.fromArray(F, c, ci + j).add(FloatVector.fromArray(F, d, di + j)).intoArray(c, ci + j);
            }
            for (; j < n; j++) c[ci + j] += d[di + j];
        }
    }

    /**
     * Whether {@code op(A) op(B)} is computed as {@code (op(B)^T op(A)^T)^T} (class Javadoc, "Tall,
     * skinny weight gradients" and "Wide products of a short A"): for {@code A^T B}, that is
     * {@code B^T A}, again a TN problem; for {@code A B^T}, {@code B A^T}, again an NT problem.
     */
    static boolean transposeC(Transpose ta, Transpose tb, int m, int n, int k) {
        if (ta == Transpose.N && tb == Transpose.T) {
            return k >= NT_SWAP_MIN_DEPTH && m > 1 && n >= (long) NT_SWAP_MIN_RATIO * m;
        }
        return ta == Transpose.T && tb == Transpose.N && k >= SWAP_MIN_DEPTH && n > 1 && n <= SWAP_MAX_COLS
                && m >= (long) SWAP_MIN_RATIO * n;
    }

    /**
     * The problem split over the threads when it is large enough, else on the calling thread. C
     * has general strides: element (i, j) at {@code c[cOff + i*rsc + j*csc]}, where exactly one
     * of {@code rsc}, {@code csc} is 1 (row-major C, or a transposed problem's C^T). With a B
     * prepacked by {@link #packB} ({@code pb} not null) the calling thread runs the blocked loops
     * on it, whatever the shape.
     */
    private static void split(Transpose ta, Transpose tb, int m, int n, int k, float alpha,
                              float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float[] pb, int pbOff,
                              float beta, float[] c, int cOff, int rsc, int csc, float[] d, int dOff, int ldd) {
        int threads = KernelThreads.threads();
        if (threads > 1 && m > 1 && n > 1 && alpha != 0f && (long) m * n * k >= PARALLEL_MIN) {
            SplitTask t = SplitTask.INSTANCE;
            if (t.tryRun(threads, ta, tb, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, pb, pbOff, beta, c, cOff, rsc, csc,
                    d, dOff, ldd)) {
                return;
            }
        }
        if (pb == null) {
            single(ta, tb, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, rsc, csc, d, dOff, ldd);
        } else {
            blocked(Triangle.FULL, ta, tb, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, pb, pbOff, beta, c, cOff, rsc, csc,
                    d, dOff, ldd, Scratch.get());
        }
    }

    /**
     * One entry of a batch on the calling thread: oriented as {@link #gemm} would, or, with a
     * triangle, the blocked loops that skip it.
     */
    private static void entry(Triangle tri, Transpose ta, Transpose tb, int m, int n, int k, float alpha,
                              float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                              float beta, float[] c, int cOff, int ldc) {
        if (tri != Triangle.FULL) {
            if (alpha == 0f || k == 0) {
                ScalarGemm.scaleMatrix(m, n, beta, c, cOff, ldc);
            } else {
                blocked(tri, ta, tb, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc, 1, Scratch.get());
            }
        } else if (transposeC(ta, tb, m, n, k)) {
            single(tb.flip(), ta.flip(), n, m, k, alpha, b, bOff, ldb, a, aOff, lda, beta, c, cOff, 1, ldc,
                    null, 0, 0);
        } else {
            single(ta, tb, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc, 1, null, 0, 0);
        }
    }

    /**
     * {@code batch} independent GEMMs, entry {@code i} of each operand at {@code off + i*stride}
     * (see {@link dev.vectornn.kernel.Kernels#gemmBatched}). Small entries are spread over the
     * threads whole; large ones are each split as {@link #gemm} does. Each entry's result is
     * the same either way (and equal to a separate {@link #gemm} call).
     */
    public static void gemmBatched(Transpose ta, Transpose tb, int batch, int m, int n, int k, float alpha,
                                   float[] a, int aOff, int strideA, int lda,
                                   float[] b, int bOff, int strideB, int ldb,
                                   float beta, float[] c, int cOff, int strideC, int ldc) {
        gemmBatched(Triangle.FULL, ta, tb, batch, m, n, k, alpha, a, aOff, strideA, lda, b, bOff, strideB, ldb,
                beta, c, cOff, strideC, ldc);
    }

    /**
     * {@link #gemmBatched} with a {@link Triangle} known to be zero (see {@link
     * dev.vectornn.kernel.Kernels#gemmBatched(Triangle, Transpose, Transpose, int, int, int, int,
     * float, float[], int, int, int, float[], int, int, int, float, float[], int, int, int)}).
     * A triangular entry is never split: several run in parallel, one per thread at a time.
     */
    public static void gemmBatched(Triangle tri, Transpose ta, Transpose tb, int batch, int m, int n, int k,
                                   float alpha, float[] a, int aOff, int strideA, int lda,
                                   float[] b, int bOff, int strideB, int ldb,
                                   float beta, float[] c, int cOff, int strideC, int ldc) {
        if (batch == 0 || m == 0 || n == 0) {
            return;
        }
        int threads = KernelThreads.threads();
        long work = (long) m * n * k;
        boolean whole = tri != Triangle.FULL || batch >= threads || work < PARALLEL_MIN;
        if (threads > 1 && batch > 1 && work * batch >= PARALLEL_MIN && whole) {
            BatchTask t = BatchTask.INSTANCE;
            if (t.tryRun(Math.min(threads, batch), tri, ta, tb, batch, m, n, k, alpha, a, aOff, strideA, lda,
                    b, bOff, strideB, ldb, beta, c, cOff, strideC, ldc)) {
                return;
            }
        }
        for (int i = 0; i < batch; i++) {
            int ai = aOff + i * strideA, bi = bOff + i * strideB, ci = cOff + i * strideC;
            if (tri == Triangle.FULL) {
                gemm(ta, tb, m, n, k, alpha, a, ai, lda, b, bi, ldb, beta, c, ci, ldc);
            } else {
                entry(tri, ta, tb, m, n, k, alpha, a, ai, lda, b, bi, ldb, beta, c, ci, ldc);
            }
        }
    }

    /** Floats {@link #packB} writes for a {@code k x n} op(B): {@code n} rounded up to whole panels, times {@code k}. */
    public static long packedBSize(int k, int n) {
        return ((long) n + NR - 1) / NR * NR * k; // in long: n near 2^31 must not wrap
    }

    /**
     * Packs the {@code k x n} op(B) into {@code dst} from {@code dstOff} ({@link #packedBSize}
     * floats) for {@link #gemmPacked}: the panels of {@code NR} columns that {@link #blocked}
     * packs per block, laid out panel after panel with all {@code k} depths each, so that a
     * column block and a depth block of any split are one offset away.
     */
    public static void packB(Transpose tb, int k, int n, float[] b, int bOff, int ldb, float[] dst, int dstOff) {
        if (k > 0 && n > 0) Packing.packB(tb, b, bOff, ldb, 0, k, 0, n, dst, dstOff);
    }

    /**
     * {@code C = alpha * op(A) * B + beta * C} from a B packed by {@link #packB}: the blocked
     * algorithm without its per-call packing of B, split over the threads as {@link #gemm}
     * splits it. Bit-identical to {@link #gemm} of the unpacked B except where {@code gemm} takes
     * another path: {@code m == 1} or {@code n == 1} (matrix-vector products) and the tall
     * transposed products of {@link #transposeC}.
     */
    public static void gemmPacked(Transpose ta, int m, int n, int k, float alpha, float[] a, int aOff, int lda,
                                  float[] packed, int pOff, float beta, float[] c, int cOff, int ldc) {
        if (m == 0 || n == 0) {
            return;
        }
        if (alpha == 0f || k == 0) {
            ScalarGemm.scaleMatrix(m, n, beta, c, cOff, ldc);
            return;
        }
        split(ta, Transpose.N, m, n, k, alpha, a, aOff, lda, null, 0, 0, packed, pOff, beta, c, cOff, ldc, 1, null, 0, 0);
    }

    /**
     * The whole problem on the calling thread; the choice of path depends only on the shape. C
     * has general strides as in {@link #split}; a transposed C ({@code csc != 1}) only comes
     * from {@link #transposeC}, which leaves both dimensions above 1. An addend {@code D} (null
     * for none) is only given with a row-major C ({@code csc == 1}).
     */
    static void single(Transpose ta, Transpose tb, int m, int n, int k, float alpha,
                       float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                       float beta, float[] c, int cOff, int rsc, int csc, float[] d, int dOff, int ldd) {
        if (alpha == 0f || k == 0) {
            if (csc == 1) {
                ScalarGemm.scaleMatrix(m, n, beta, c, cOff, rsc);
            } else {
                ScalarGemm.scaleMatrix(n, m, beta, c, cOff, csc);
            }
            if (d != null) addend(m, n, d, dOff, ldd, c, cOff, rsc);
        } else if (csc != 1) {
            blocked(Triangle.FULL, ta, tb, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, rsc, csc, Scratch.get());
        } else if (m == 1) {
            rowTimesMatrix(ta, tb, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff);
            if (d != null) addend(1, n, d, dOff, ldd, c, cOff, rsc);
        } else if (n == 1) {
            matrixTimesColumn(ta, tb, m, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, rsc);
            if (d != null) addend(m, 1, d, dOff, ldd, c, cOff, rsc);
        } else {
            blocked(Triangle.FULL, ta, tb, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, null, 0, beta, c, cOff, rsc, csc,
                    d, dOff, ldd, Scratch.get());
        }
    }

    /** m == 1: C's one row is {@code x^T op(B)} with x = op(A)'s row, a GEMV. */
    private static void rowTimesMatrix(Transpose ta, Transpose tb, int n, int k, float alpha,
                                       float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                                       float beta, float[] c, int cOff) {
        float[] x = a;
        int xOff = aOff;
        if (ta == Transpose.T && lda != 1) {  // op(A)(0, p) = a[aOff + p*lda]: gather it
            x = Scratch.get().x(k);
            xOff = 0;
            for (int p = 0; p < k; p++) x[p] = a[aOff + p * lda];
        }
        if (tb == Transpose.N) {
            VectorGemv.gemv(Transpose.T, k, n, alpha, b, bOff, ldb, x, xOff, beta, c, cOff);
        } else {
            VectorGemv.gemv(Transpose.N, n, k, alpha, b, bOff, ldb, x, xOff, beta, c, cOff);
        }
    }

    /** n == 1: C's one column is {@code op(A) x} with x = op(B)'s column, a GEMV. */
    private static void matrixTimesColumn(Transpose ta, Transpose tb, int m, int k, float alpha,
                                          float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                                          float beta, float[] c, int cOff, int ldc) {
        Scratch s = Scratch.get();
        float[] x = b;
        int xOff = bOff;
        if (tb == Transpose.N && ldb != 1) {  // op(B)(p, 0) = b[bOff + p*ldb]
            x = s.x(k);
            xOff = 0;
            for (int p = 0; p < k; p++) x[p] = b[bOff + p * ldb];
        }
        float[] y = c;
        int yOff = cOff;
        if (ldc != 1) {
            y = s.y(m);
            yOff = 0;
            if (beta != 0f) {
                for (int i = 0; i < m; i++) y[i] = c[cOff + i * ldc];
            }
        }
        if (ta == Transpose.N) {
            VectorGemv.gemv(Transpose.N, m, k, alpha, a, aOff, lda, x, xOff, beta, y, yOff);
        } else {
            VectorGemv.gemv(Transpose.T, k, m, alpha, a, aOff, lda, x, xOff, beta, y, yOff);
        }
        if (ldc != 1) {
            for (int i = 0; i < m; i++) c[cOff + i * ldc] = y[i];
        }
    }

    /**
     * The packed, cache-blocked algorithm on the calling thread, for any shape (the parallel
     * split calls it on sub-blocks of C; its arithmetic per element does not depend on the
     * sub-block). Requires {@code alpha != 0} and {@code k > 0}. C has general strides as in
     * {@link #split}. A triangle other than {@link Triangle#FULL} needs the whole product (its
     * diagonal is at row index == column index of this call) and a row-major C.
     */
    static void blocked(Triangle tri, Transpose ta, Transpose tb, int m, int n, int k, float alpha,
                        float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                        float beta, float[] c, int cOff, int rsc, int csc, Scratch s) {
        blocked(tri, ta, tb, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, null, 0, beta, c, cOff, rsc, csc, null, 0, 0, s);
    }

    /**
     * {@link #blocked} reading op(B) either from {@code b} (packed here, block by block) or, when
     * {@code pb} is not null, from {@code pb} at {@code pbOff}, packed beforehand by {@link #packB}
     * for exactly these {@code n} columns and {@code k} depths ({@code b} and {@code tb} are then
     * not read). The packed panels are the ones this method would pack, so the products and
     * their order, and the bits of C, are the same. An addend {@code D} (null for none; only with
     * a full triangle and a row-major C) is added in the write-back of the last k block.
     */
    private static void blocked(Triangle tri, Transpose ta, Transpose tb, int m, int n, int k, float alpha,
                                float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float[] pb, int pbOff,
                                float beta, float[] c, int cOff, int rsc, int csc, float[] d, int dOff, int ldd,
                                Scratch s) {
        int kcMax = depth(k);
        float[] ap = s.a(roundUp(Math.min(m, MC), MR) * kcMax + Packing.LOWER_SLACK);
        float[] bp = pb != null ? pb : s.b(roundUp(Math.min(n, NC), NR) * kcMax);
        float[] tile = s.tile;
        for (int jc = 0; jc < n; jc += NC) {
            int nc = Math.min(NC, n - jc);
            // a triangular A's full panels are read in place but for their diagonal blocks
            // (Packing.packLowerDiagonals), the 6 x 4 tile having no accumulating kernel
            boolean direct = (tri != Triangle.LOWER_A || TILE != 64) && directA(ta, lda, nc);
            for (int pc = 0; pc < k; pc += kcMax) {
                int kc = Math.min(kcMax, k - pc);
                float betaBlock = pc == 0 ? beta : 1f;
                float[] dBlock = pc + kc >= k ? d : null;
                // panel jr of this block starts at bBase + jr * bStride: a block packed here holds
                // kc depths per panel, a prepacked B all k of them
                int bBase, bStride;
                if (pb == null) {
                    Packing.packB(tb, b, bOff, ldb, pc, kc, jc, nc, bp, 0);
                    bBase = 0;
                    bStride = kc;
                } else {
                    bBase = pbOff + jc * k + pc * NR;
                    bStride = k;
                }
                for (int ic = 0; ic < m; ic += MC) {
                    int mc = Math.min(MC, m - ic);
                    // in place, only a partial last panel is packed (at ap[0]): the kernel
                    // reads MR rows, and a full panel is all inside A
                    int full = direct ? mc - mc % MR : 0;
                    // diagonal blocks of a triangular A after the partial panel and its slack
                    int diagOff = full < mc ? MR * kc + Packing.LOWER_SLACK : 0, dk = Math.min(kc, MR - 1);
                    if (tri == Triangle.LOWER_A) {
                        if (full < mc) Packing.packALower(ta, a, aOff, lda, ic + full, mc - full, pc, kc, ap);
                        if (full > 0) Packing.packLowerDiagonals(ta, a, aOff, lda, ic, full, pc, kc, ap, diagOff, dk);
                    } else if (full < mc) {
                        Packing.packA(ta, a, aOff, lda, ic + full, mc - full, pc, kc, ap);
                    }
                    for (int jr = 0; jr < nc; jr += NR) {
                        int nr = Math.min(NR, nc - jr);
                        for (int ir = 0; ir < mc; ir += MR) {
                            int mr = Math.min(MR, mc - ir);
                            int i = ic + ir, j = jc + jr;
                            // the tile's k range within this block: all of it but for LOWER_A
                            int p0 = 0, kt = kc;
                            if (tri == Triangle.LOWER_A) {
                                p0 = ta == Transpose.N ? 0 : Math.max(0, i - pc);
                                kt = (ta == Transpose.N ? Math.min(kc, i + mr - pc) : kc) - p0;
                            }
                            // where C is the raw sums, the 12 x 2 and 5 x 2 kernels store them in C itself
                            boolean intoC = straight(tri, i, j, mr, nr, alpha, betaBlock, dBlock, csc);
                            int ci = cOff + (ic + ir) * rsc + (jc + jr) * csc;
                            float[] out = intoC ? c : tile;
                            int outOff = intoC ? ci : 0, ldOut = intoC ? rsc : NR;
                            if (kt <= 0 || tri == Triangle.LOWER_RESULT && j > i + mr - 1) {
                                // nothing to add: only the first k block has a beta to apply
                                if (pc > 0) continue;
                                Arrays.fill(tile, 0f);
                            } else if (tri == Triangle.LOWER_A && ir < full) {
                                lowerTile(ta, pc, kc, i, a, aOff, lda, ap, diagOff + ir * dk,
                                        bp, bBase + jr * bStride, tile);
                            } else if (tri == Triangle.LOWER_A && ta == Transpose.N) {
                                rowsKernel(kt, ap, (ir - full) * kc, kc, bp, bBase + jr * bStride, tile, 0, NR);
                            } else if (ir >= full) {
                                packedKernel(kt, mr, ap, (ir - full) * kc + p0 * MR, bp, bBase + jr * bStride + p0 * NR,
                                        out, outOff, ldOut);
                            } else if (ta == Transpose.T) {
                                kernel(kt, a, aOff + (pc + p0) * lda + ic + ir, lda, bp, bBase + jr * bStride + p0 * NR,
                                        out, outOff, ldOut);
                            } else {
                                rowsKernel(kt, a, aOff + (ic + ir) * lda + pc + p0, lda, bp, bBase + jr * bStride + p0 * NR,
                                        out, outOff, ldOut);
                            }
                            if (intoC) continue;
                            // row r of the tile keeps its columns left of keep0 + r: those up to C's diagonal
                            int keep0 = tri == Triangle.LOWER_RESULT && j + nr - 1 > i ? i + 1 - j : NR;
                            if (csc == 1) {
                                writeBack(tile, mr, nr, keep0, c, ci, rsc, alpha, betaBlock, dBlock,
                                        dOff + (ic + ir) * ldd + jc + jr, ldd);
                            } else {
                                writeBackTransposed(tile, mr, nr, c, ci, csc, alpha, betaBlock);
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * The raw sums of a full {@code LOWER_A} tile at row {@code i} over the k block from
     * {@code pc}, from A in place and the panel's diagonal block at {@code diag[di]}
     * ({@link Packing#packLowerDiagonals}); B's panel at {@code bp[bi]}. The tile's depths are
     * those the packed path runs, in the same order, so the sums have its bits: as stored, the
     * depths where all rows are nonzero come first and the diagonal block last, transposed the
     * other way round, the second part continuing from the first's sums. Needs a nonempty range.
     */
    private static void lowerTile(Transpose ta, int pc, int kc, int i, float[] a, int aOff, int lda,
                                  float[] diag, int di, float[] bp, int bi, float[] tile) {
        int d0 = Packing.lowerDiagonalStart(ta, i, pc), d1 = Packing.lowerDiagonalEnd(ta, i, pc, kc);
        int db = bi + (d0 - pc) * NR;
        if (ta == Transpose.N) {
            int kd = Math.min(kc, i + 1 - pc);
            if (kd > 0) {
                rowsKernel(kd, a, aOff + i * lda + pc, lda, bp, bi, tile, 0, NR);
                if (d1 > d0) accumulatingKernel(d1 - d0, diag, di, MR, bp, db, tile);
            } else {
                kernel(d1 - d0, diag, di, MR, bp, db, tile, 0, NR);
            }
        } else {
            int f0 = Math.max(pc, i + MR - 1), kf = pc + kc - f0;
            int fa = aOff + f0 * lda + i, fb = bi + (f0 - pc) * NR;
            if (d1 > d0) {
                kernel(d1 - d0, diag, di, MR, bp, db, tile, 0, NR);
                if (kf > 0) accumulatingKernel(kf, a, fa, lda, bp, fb, tile);
            } else {
                kernel(kf, a, fa, lda, bp, fb, tile, 0, NR);
            }
        }
    }

    /** {@link #kernel} continuing from the raw sums in {@code tile} (no 6 x 4 twin). */
    private static void accumulatingKernel(int kc, float[] ap, int ai, int as, float[] bp, int bi, float[] tile) {
        if (TILE == 122) {
            MicroKernels.k12x2acc(kc, ap, ai, as, bp, bi, tile);
        } else if (TILE == 62) {
            MicroKernels.k6x2acc(kc, ap, ai, as, bp, bi, tile);
        } else if (TILE == 52) {
            MicroKernels.k5x2acc(kc, ap, ai, as, bp, bi, tile);
        } else {
            throw new AssertionError("no accumulating kernel for tile " + TILE);
        }
    }

    /**
     * The depth of the k blocks: {@code k} in the fewest blocks of at most {@link #KC}, as equal
     * as possible (so no block is a thin remainder). A function of {@code k} alone, which a
     * parallel split never cuts: every thread blocks the sum the same way.
     */
    static int depth(int k) {
        int blocks = (k + KC - 1) / KC;
        return (k + blocks - 1) / blocks;
    }

    /**
     * Whether full panels of op(A) are read in place for a block {@code nc} columns wide (see
     * {@link #DIRECT_A_MAX_COLS}); either way every product and sum is the same, so the choice
     * never changes a bit. A transposed A in place takes one row of A per {@code p}: when its
     * stride is a multiple of 2 KB those rows share a few L2 sets and evict one another
     * (measured: no gain at lda 1024), so such an A is packed; so is any A with a 4 KB-multiple
     * stride in a block wider than {@link #DIRECT_A_ALIASED_MAX_COLS}.
     */
    static boolean directA(Transpose ta, int lda, int nc) {
        if (nc > DIRECT_A_MAX_COLS) return false;
        if (nc > DIRECT_A_ALIASED_MAX_COLS && lda % 1024 == 0) return false;
        return ta == Transpose.N || lda % 512 != 0;
    }

    /**
     * The full tile's kernel, its sums stored at {@code t[to + r*ldt + j]}. Only the 12 x 2 and
     * 5 x 2 kernels take an offset and row stride; the other tiles' kernels store at
     * {@code to = 0}, {@code ldt = NR}, and are only called so ({@link #straight} is false for
     * them).
     */
    private static void kernel(int kc, float[] ap, int ai, int as, float[] bp, int bi, float[] t, int to, int ldt) {
        switch (TILE) {
            case 122 -> MicroKernels.k12x2(kc, ap, ai, as, bp, bi, t, to, ldt);
            case 64 -> MicroKernels.k6x4(kc, ap, ai, as, bp, bi, t);
            case 52 -> MicroKernels.k5x2(kc, ap, ai, as, bp, bi, t, to, ldt);
            default -> MicroKernels.k6x2(kc, ap, ai, as, bp, bi, t);
        }
    }

    /**
     * {@link #kernel} on a packed panel of which only the first {@code mr} rows are valid (the
     * rest is zero padding): with 12 x 2 tiles a shorter kernel computes just those rows, since
     * the padding's FMAs would be wasted, a third of the panel when 8 rows remain (the LSTM's
     * batch of 32 is 12 + 12 + 8), two thirds when 4 do (64-row attention heads are 5 x 12 + 4).
     * Every element takes the same FMAs in the same order, so the bits do not change.
     */
    private static void packedKernel(int kc, int mr, float[] ap, int ai, float[] bp, int bi, float[] t, int to, int ldt) {
        if (TILE == 122 && mr <= 8) {
            // a partial panel is never stored straight (to 0, ldt NR)
            if (mr <= 4) MicroKernels.k4x2(kc, ap, ai, MR, bp, bi, t);
            else if (mr <= 6) MicroKernels.k6x2(kc, ap, ai, MR, bp, bi, t);
            else MicroKernels.k8x2(kc, ap, ai, MR, bp, bi, t);
        } else {
            kernel(kc, ap, ai, MR, bp, bi, t, to, ldt);
        }
    }

    /** {@link #kernel}'s twin for a row-major A read in place, with the same output rule. */
    private static void rowsKernel(int kc, float[] a, int ai, int rs, float[] bp, int bi, float[] t, int to, int ldt) {
        switch (TILE) {
            case 122 -> MicroKernels.k12x2rows(kc, a, ai, rs, bp, bi, t, to, ldt);
            case 64 -> MicroKernels.k6x4rows(kc, a, ai, rs, bp, bi, t);
            case 52 -> MicroKernels.k5x2rows(kc, a, ai, rs, bp, bi, t, to, ldt);
            default -> MicroKernels.k6x2rows(kc, a, ai, rs, bp, bi, t);
        }
    }

    /**
     * Whether a tile's raw sums are C itself, so the 12 x 2 and 5 x 2 kernels store them straight
     * into row-major C and the write-back's pass over the tile is skipped: a full tile, alpha 1, the
     * first k block with beta 0, no addend, and no part above a {@code LOWER_RESULT} diagonal
     * (nor a {@code LOWER_A} product, whose tiles run other kernels). The write-back would
     * compute {@code 1 * t}, the same bits. For products with a shallow k (attention's
     * {@code k = 32} score products) that pass weighed as much as the FMAs.
     */
    private static boolean straight(Triangle tri, int i, int j, int mr, int nr, float alpha, float beta, float[] d,
                                    int csc) {
        return (TILE == 122 || TILE == 52) && mr == MR && nr == NR && alpha == 1f && beta == 0f && d == null && csc == 1
                && tri != Triangle.LOWER_A && (tri != Triangle.LOWER_RESULT || j + NR - 1 <= i);
    }

    /**
     * {@code C = alpha*t + beta*C}, then {@code + D} when {@code d} is not null (row {@code r} of
     * D at {@code di + r*ldd}), over the valid {@code mr x nr} part of a tile of raw sums
     * ({@code beta == 0}: C is not read). Vector and scalar paths round the same way (two
     * products, one sum, no fusion, then the addend's own rounded add), so a column gets the
     * same bits in a full or an edge tile, and the same as {@link #addend} after the product.
     * Row {@code r}'s sums from column {@code keep0 + r} on count as 0 (the part of a
     * {@code LOWER_RESULT} tile above C's diagonal; {@code keep0 >= NR}: none): zeroed as they
     * are loaded, where a separate pass of masked reloads over the tile the micro-kernel had
     * just stored took 17 % of a causal 128 x 128 x 32 score product (JFR, Zen 5).
     */
    private static void writeBack(float[] t, int mr, int nr, int keep0, float[] c, int ci, int ldc, float alpha,
                                  float beta, float[] d, int di, int ldd) {
        for (int r = 0; r < mr; r++) {
            int row = ci + r * ldc, drow = di + r * ldd, keep = keep0 + r;
            int j = 0;
            if (nr == NR) {
                for (; j < NR; j += L) {
                    FloatVector v = FloatVector.fromArray(F, t, r * NR + j);
                    if (j + L > keep) {
                        v = v.blend(0f, FloatVector.fromArray(F, Simd.LANE_INDEX, 0).compare(GE, (float) (keep - j)));
                    }
                    v = v.mul(alpha);
                    if (beta != 0f) {
                        v = v.add(FloatVector.fromArray(F, c, row + j).mul(beta));
                    }
                    if (d != null) {
                        v = v.add(FloatVector.fromArray(F, d, drow + j));
                    }
                    v.intoArray(c, row + j);
                }
            }
            for (; j < nr; j++) {
                float s = j < keep ? t[r * NR + j] : 0f;
                float v = beta == 0f ? alpha * s : alpha * s + beta * c[row + j];
                c[row + j] = d == null ? v : v + d[drow + j];
            }
        }
    }

    /**
     * {@link #writeBack} into a transposed C: tile element (r, j) goes to {@code c[ci + j*ldc + r]}.
     * Scalar, with the same rounding as {@code writeBack}'s scalar path; the tile's arithmetic
     * ({@code mr * nr * kc} FMAs) dwarfs its {@code mr * nr} strided stores.
     */
    private static void writeBackTransposed(float[] t, int mr, int nr, float[] c, int ci, int ldc, float alpha, float beta) {
        for (int j = 0; j < nr; j++) {
            int col = ci + j * ldc;
            for (int r = 0; r < mr; r++) {
                float s = t[r * NR + j];
                c[col + r] = beta == 0f ? alpha * s : alpha * s + beta * c[col + r];
            }
        }
    }

    /** The reusable descriptor of one split GEMM (guarded by the pool's lock). */
    private static final class SplitTask implements Parallel.Task {
        static final SplitTask INSTANCE = new SplitTask();
        private Transpose ta, tb;
        private int m, n, k, aOff, lda, bOff, ldb, pbOff, cOff, rsc, csc, dOff, ldd;
        private float alpha, beta;
        private float[] a, b, pb, c, d;
        private boolean splitRows;
        private int tiles;

        boolean tryRun(int threads, Transpose ta, Transpose tb, int m, int n, int k, float alpha,
                       float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float[] pb, int pbOff,
                       float beta, float[] c, int cOff, int rsc, int csc, float[] d, int dOff, int ldd) {
            int rowTiles = (m + MR - 1) / MR;
            int colTiles = (n + NR - 1) / NR;
            // Split the dimension with more tiles: finer grain, better balance.
            boolean rows = rowTiles >= colTiles;
            int t = rows ? rowTiles : colTiles;
            int parts = Math.min(threads, t);
            if (parts < 2) {
                return false;
            }
            // Fields are guarded by the pool's lock and published to the workers by its
            // volatile ticket write.
            if (!Parallel.tryAcquire()) {
                return false;
            }
            try {
                this.ta = ta; this.tb = tb; this.m = m; this.n = n; this.k = k; this.alpha = alpha;
                this.a = a; this.aOff = aOff; this.lda = lda; this.b = b; this.bOff = bOff; this.ldb = ldb;
                this.pb = pb; this.pbOff = pbOff; this.beta = beta; this.c = c; this.cOff = cOff; this.rsc = rsc; this.csc = csc;
                this.d = d; this.dOff = dOff; this.ldd = ldd;
                this.splitRows = rows;
                this.tiles = t;
                Parallel.run(this, parts);
                return true;
            } finally {
                this.a = null; this.b = null; this.pb = null; this.c = null; this.d = null;
                Parallel.release();
            }
        }

        @Override
        public void run(int part, int parts) {
            int t0 = (int) ((long) part * tiles / parts);
            int t1 = (int) ((long) (part + 1) * tiles / parts);
            Scratch s = Scratch.get();
            if (splitRows) {
                int i0 = t0 * MR;
                int i1 = Math.min(m, t1 * MR);
                if (i0 >= i1) return;
                int aSub = aOff + (ta == Transpose.N ? i0 * lda : i0);
                blocked(Triangle.FULL, ta, tb, i1 - i0, n, k, alpha, a, aSub, lda, b, bOff, ldb, pb, pbOff, beta, c,
                        cOff + i0 * rsc, rsc, csc, d, dOff + i0 * ldd, ldd, s);
            } else {
                int j0 = t0 * NR;
                int j1 = Math.min(n, t1 * NR);
                if (j0 >= j1) return;
                int bSub = bOff + (tb == Transpose.N ? j0 : j0 * ldb);
                // a prepacked B's panels from column j0 on (j0 is a whole number of panels)
                blocked(Triangle.FULL, ta, tb, m, j1 - j0, k, alpha, a, aOff, lda, b, bSub, ldb, pb, pbOff + j0 * k, beta,
                        c, cOff + j0 * csc, rsc, csc, d, dOff + j0, ldd, s);
            }
        }
    }

    /** The reusable descriptor of a batch spread over threads entry by entry. */
    private static final class BatchTask implements Parallel.Task {
        static final BatchTask INSTANCE = new BatchTask();
        private Triangle tri;
        private Transpose ta, tb;
        private int batch, m, n, k, aOff, strideA, lda, bOff, strideB, ldb, cOff, strideC, ldc;
        private float alpha, beta;
        private float[] a, b, c;

        boolean tryRun(int parts, Triangle tri, Transpose ta, Transpose tb, int batch, int m, int n, int k, float alpha,
                       float[] a, int aOff, int strideA, int lda, float[] b, int bOff, int strideB, int ldb,
                       float beta, float[] c, int cOff, int strideC, int ldc) {
            if (!Parallel.tryAcquire()) {
                return false;
            }
            try {
                this.tri = tri; this.ta = ta; this.tb = tb; this.batch = batch; this.m = m; this.n = n; this.k = k;
                this.alpha = alpha; this.a = a; this.aOff = aOff; this.strideA = strideA; this.lda = lda;
                this.b = b; this.bOff = bOff; this.strideB = strideB; this.ldb = ldb;
                this.beta = beta; this.c = c; this.cOff = cOff; this.strideC = strideC; this.ldc = ldc;
                Parallel.run(this, parts);
                return true;
            } finally {
                this.a = null; this.b = null; this.c = null;
                Parallel.release();
            }
        }

        @Override
        public void run(int part, int parts) {
            int e0 = (int) ((long) part * batch / parts);
            int e1 = (int) ((long) (part + 1) * batch / parts);
            for (int i = e0; i < e1; i++) {
                entry(tri, ta, tb, m, n, k, alpha, a, aOff + i * strideA, lda, b, bOff + i * strideB, ldb,
                        beta, c, cOff + i * strideC, ldc);
            }
        }
    }
}
