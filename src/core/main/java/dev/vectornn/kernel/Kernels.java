package dev.vectornn.kernel;

/**
 * The numeric primitives every layer of vectornn is built on: float32 arrays addressed by an
 * offset (and, for matrices, a row-major leading dimension).
 *
 * <p>Two implementations exist: a plain scalar reference (the oracle) and a Vector API one.
 * {@link KernelProvider#get()} picks one once per JVM; both give the same results within the
 * per-kernel tolerance stated here (exact for element-wise arithmetic, {@link #scale}, {@link
 * #axpy}, {@link #addRows}, {@link #max}, {@link #argmax}, the ReLU family and
 * {@link #lstmCellBackward}).
 *
 * <p><b>Arguments.</b> Every method checks its arguments before touching memory: a negative size,
 * an offset or leading dimension that reaches past an array, or a {@code null} array throws an
 * {@link IllegalArgumentException} (or {@link NullPointerException} for nulls) whose message names
 * the kernel, the argument and the values at fault. Output arrays may alias inputs only where a
 * method says so.
 *
 * <p><b>Threads.</b> Implementations are stateless and thread-safe. The Vector API
 * implementation splits large calls of most kernels over {@link KernelThreads#threads()}
 * threads (see {@link KernelThreads} for which); results are bit-identical for any thread count.
 * The scalar implementation uses the calling thread only.
 */
public interface Kernels {

    /** A short name for logs and reports, e.g. {@code "scalar"} or {@code "vector-512"}. */
    String name();

    /** Width in bits of the float vectors used, or 0 for the scalar implementation. */
    int vectorBits();

    /** Number of float lanes per vector ({@code vectorBits()/32}), or 1 for scalar. */
    default int lanes() {
        return vectorBits() == 0 ? 1 : vectorBits() / 32;
    }

    // ---------------------------------------------------------------- level 1

    /**
     * {@code sum_i x[xOff+i] * y[yOff+i]} for {@code i < n}. The summation order is the
     * implementation's own: results agree within {@code n * 2^-23 * sum|x_i*y_i|}.
     */
    float dot(int n, float[] x, int xOff, float[] y, int yOff);

    /** {@code y[i] += alpha * x[i]} for {@code i < n} (one rounding per multiply and add; exact twin). */
    void axpy(int n, float alpha, float[] x, int xOff, float[] y, int yOff);

    /**
     * Column sums added into {@code y}: {@code y[j] += alpha * a[r, j]} for every row
     * {@code r = 0, 1, ..., rows - 1} in that order and {@code j < cols}, {@code a} being
     * {@code rows x cols} with leading dimension {@code lda >= cols} (a bias gradient, summed
     * over the batch). Exactly the bits of {@code rows} {@link #axpy} calls, one per row, in row
     * order; a multi-threaded implementation splits the columns. {@code y} must not overlap
     * {@code a}.
     */
    void addRows(int rows, int cols, float alpha, float[] a, int aOff, int lda, float[] y, int yOff);

    /**
     * Row gather, the copy of a permutation or a strided slice: for each row {@code r < rows},
     * {@code dst[dstOff + r*cols + i]} is set to ({@code accumulate}: increased by)
     * {@code src[srcOff + rowOffsets[r] + i*srcInc]} for {@code i < cols}. Source rows may
     * overlap one another (they are only read); {@code dst}'s {@code rows*cols} elements must not
     * overlap any of them. Exact: one add per element when accumulating, none otherwise, so every
     * implementation and thread count gives the same bits.
     */
    void gatherRows(int rows, int cols, float[] src, int srcOff, int[] rowOffsets, int srcInc,
                    float[] dst, int dstOff, boolean accumulate);

    /** {@code y[i] = alpha * x[i]}; {@code y} may be {@code x} at the same offset. */
    void scale(int n, float alpha, float[] x, int xOff, float[] y, int yOff);

    /** {@code x[i] = value} for {@code i < n}. */
    void fill(int n, float value, float[] x, int xOff);

    // ---------------------------------------------------------------- element-wise

    /** {@code c[i] = a[i] op b[i]}; {@code c} may alias {@code a} or {@code b} at the same offset. */
    void binary(BinaryOp op, int n, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff);

    /**
     * Row broadcast: {@code c[r,j] = a[r,j] op b[j]} for a {@code rows x cols} matrix {@code a}
     * (leading dimension {@code lda}) and a vector {@code b} of length {@code cols}.
     * {@code c} may be {@code a} with the same offset and leading dimension.
     */
    void binaryRow(BinaryOp op, int rows, int cols, float[] a, int aOff, int lda,
                   float[] b, int bOff, float[] c, int cOff, int ldc);

    /**
     * Column broadcast: {@code c[r,j] = a[r,j] op b[r]} with {@code b} of length {@code rows}.
     * {@code c} may be {@code a} with the same offset and leading dimension.
     */
    void binaryCol(BinaryOp op, int rows, int cols, float[] a, int aOff, int lda,
                   float[] b, int bOff, float[] c, int cOff, int ldc);

    /**
     * {@code y[i] = f(x[i])}; {@code y} may be {@code x} at the same offset. Transcendental
     * accuracy is documented per function by the implementations ({@code ScalarMath},
     * {@code VectorMath}).
     */
    void unary(UnaryOp op, int n, float[] x, int xOff, float[] y, int yOff);

    /**
     * {@code dx[i] = dy[i] * f'(x[i])}, given the forward input {@code x} and output
     * {@code y = f(x)} (each function uses whichever is cheaper and more accurate; see
     * {@link UnaryOp}). {@code dx} is overwritten and may alias {@code dy}.
     */
    void unaryBackward(UnaryOp op, int n, float[] x, int xOff, float[] y, int yOff,
                       float[] dy, int dyOff, float[] dx, int dxOff);

    /**
     * Exact GELU and its derivative in one pass: {@code y[i] = gelu(x[i])} and
     * {@code d[i] = gelu'(x[i])}, with the bits of {@link #unary}{@code (GELU, ...)} and of
     * {@link #unaryBackward}{@code (GELU, ...)} at {@code dy = 1}. The two share their costly
     * parts (erfc and the Gaussian factor), so a training forward that keeps {@code d} turns the
     * VJP into {@code dx = dy * d}, the bits {@code unaryBackward} would give for the float
     * implementations whose GELU derivative is a float times {@code dy} (the vector kernels; the
     * scalar oracle rounds {@code dy * gelu'(x)} from double once, so it may differ by an ulp).
     * {@code y} may be {@code x} at the same offset; {@code d} must not overlap either.
     */
    void geluWithDerivative(int n, float[] x, int xOff, float[] y, int yOff, float[] d, int dOff);

    // ---------------------------------------------------------------- reductions

    /** {@code sum_i x[i]}, 0 for {@code n == 0}; order-dependent like {@link #dot}. */
    float sum(int n, float[] x, int xOff);

    /** The maximum of {@code x[0..n)}; NaN if any element is NaN. Throws for {@code n == 0}. */
    float max(int n, float[] x, int xOff);

    /**
     * Index (relative to {@code xOff}) of the first maximum of {@code x[0..n)}; a NaN counts as
     * larger than everything (the first NaN wins), as in PyTorch. Throws for {@code n == 0}.
     */
    int argmax(int n, float[] x, int xOff);

    // ---------------------------------------------------------------- rows

    /**
     * Numerically stable softmax of each row: {@code y[r,j] = exp(x[r,j]-m_r) / sum_j exp(x[r,j]-m_r)}
     * with {@code m_r} the row maximum. {@code y} may be {@code x} (same offset and leading dimension).
     */
    void softmax(int rows, int cols, float[] x, int xOff, int ldx, float[] y, int yOff, int ldy);

    /** Numerically stable log-softmax of each row: {@code x - m - log(sum exp(x - m))}. Aliasing as {@link #softmax}. */
    void logSoftmax(int rows, int cols, float[] x, int xOff, int ldx, float[] y, int yOff, int ldy);

    /**
     * Softmax VJP per row from the forward output {@code y}:
     * {@code dx = y * (dy - sum_j dy_j*y_j)}. {@code dx} is overwritten and may alias {@code dy}.
     */
    void softmaxBackward(int rows, int cols, float[] y, int yOff, int ldy,
                         float[] dy, int dyOff, int lddy, float[] dx, int dxOff, int lddx);

    /**
     * Log-softmax VJP per row from the forward output {@code y}:
     * {@code dx = dy - exp(y) * sum_j dy_j}. {@code dx} is overwritten and may alias {@code dy}.
     */
    void logSoftmaxBackward(int rows, int cols, float[] y, int yOff, int ldy,
                            float[] dy, int dyOff, int lddy, float[] dx, int dxOff, int lddx);

    /**
     * Cross-entropy's gradient with respect to the logits, from the saved log-softmax {@code lp}
     * ({@code rows x classes}, contiguous) and integer targets: for every row {@code r} whose
     * target {@code t = targets[tOff + r]} is not {@code ignoreIndex}, and every class {@code j},
     * <pre>  g = exp(lp[r, j]) + offset            (offset = (float) (-smoothing / classes), added only when smoothing != 0)
     *   g = (float) (g - (1.0 - smoothing))  (j == t only; in double, then rounded)
     *   dx[r, j] = scale * g                  (accumulate: dx[r, j] + scale * g)</pre>
     * i.e. {@code scale * (softmax - smoothing/classes - (1 - smoothing) * onehot(t))}, with
     * {@link #unary} EXP's accuracy and the rounding of {@link #scale} and {@link #axpy}. Rows
     * whose target is {@code ignoreIndex} are set to 0, or left as they are with
     * {@code accumulate}. Every other target must be in {@code [0, classes)}. {@code dx} must not
     * overlap {@code lp}. A multi-threaded implementation splits the rows.
     */
    void crossEntropyBackward(int rows, int classes, float[] lp, int lpOff, int[] targets, int tOff,
                              int ignoreIndex, float smoothing, float scale, float[] dx, int dxOff, boolean accumulate);

    /**
     * The row statistics of {@link #logSoftmax}, so a caller can keep them instead of the whole
     * output: for each row {@code r} of {@code x}, three floats at {@code stats[statsOff + 3r]}:
     * {@code m} (the row's largest element), then {@code hi} and {@code lo}, the log of
     * {@code sum_j exp(x_j - m)} as a float pair ({@code hi} the rounded value, {@code lo} the
     * rest, so {@code hi + lo} carries about twice float's precision). The log-softmax element is
     * then {@code ((x_j - m) - hi) - lo} in float: exactly what {@link #logSoftmax} returns in
     * the vector implementation, and within its tolerance in the scalar one. An empty row
     * ({@code cols == 0}) gets {@code (0, 0, 0)}. {@code stats} must not overlap {@code x}.
     */
    void logSoftmaxStats(int rows, int cols, float[] x, int xOff, int ldx, float[] stats, int statsOff);

    /**
     * {@link #crossEntropyBackward(int, int, float[], int, int[], int, int, float, float, float[],
     * int, boolean) Cross-entropy's gradient} from the logits {@code x} ({@code rows x classes},
     * contiguous) and their {@link #logSoftmaxStats row statistics}, instead of a saved
     * log-softmax: each {@code lp[r, j]} is computed as {@code ((x[r, j] - m) - hi) - lo} in
     * float and then used exactly as there. So a caller that saves 3 floats per row instead of
     * the log-softmax gets the same bits (in the vector implementation, whose {@link #logSoftmax}
     * rounds the same way). {@code dx} must not overlap {@code x} or {@code stats}.
     */
    void crossEntropyBackward(int rows, int classes, float[] x, int xOff, float[] stats, int statsOff,
                              int[] targets, int tOff, int ignoreIndex, float smoothing, float scale,
                              float[] dx, int dxOff, boolean accumulate);

    /**
     * Attention weights of one score matrix, the scale, the masks and the softmax fused:
     * {@code x} and {@code y} are {@code rows x cols} and contiguous, row {@code r} holding one
     * query's scores against {@code cols} keys. Row {@code r} <em>sees</em> key {@code j} unless
     * {@code causal && j > r} or {@code keyMask != null && keyMask[keyMaskOff + j] != 0} (a key
     * mask of length {@code cols}, shared by every row; NaN counts as nonzero), and
     * <pre>
     *   y[r, j] = exp(s_j - m) / sum_{seen k} exp(s_k - m)   for the keys j row r sees, s_j = scale * x[r, j]
     *   y[r, j] = 0                                           for the others
     * </pre>
     * with {@code m} the largest {@code s_j} seen. {@code scale * x} is rounded to float first, as
     * {@link #scale} then {@link #softmax} over the seen keys would, a masked key contributing
     * exactly nothing (as if its score were {@code -inf}): the scalar implementation gives exactly
     * those bits, the vector one sums the exps in its own order (within {@link #softmax}'s
     * tolerance). Masked entries are exactly +0, even in a row that is NaN. A row that sees no key
     * at all (every key the causal rule leaves it is in {@code keyMask}) gets the uniform average
     * {@code 1 / n} over those {@code n} keys ({@code r + 1} when causal, else {@code cols}),
     * which is what filling the masked scores with one large negative value would give.
     *
     * <p>With {@code causal}, row {@code r} uses {@code x[r, 0..r]} only (whatever is after the
     * diagonal, NaN included, does not matter) and writes zeros after it: about half the work of
     * a full softmax. {@code y} may be {@code x} (same offset);
     * {@code keyMask} must not overlap {@code y}.
     *
     * @throws IllegalArgumentException also if {@code scale} is not finite
     */
    void attentionSoftmax(int rows, int cols, float scale, boolean causal, float[] x, int xOff,
                          float[] keyMask, int keyMaskOff, float[] y, int yOff);

    /**
     * The VJP of {@link #attentionSoftmax} with respect to {@code x}, from its output {@code y}:
     * <pre>
     *   dx[r, j] = scale * (y[r, j] * (dy[r, j] - sum_k dy[r, k] * y[r, k]))   for the keys j row r sees
     *   dx[r, j] = 0                                                           for the others
     * </pre>
     * (the sum runs over {@code k < r + 1} when causal, else over the row, where {@code y} is 0
     * at the masked keys). A row that sees no key gets {@code dx = 0}: its uniform output does
     * not depend on {@code x}. {@code dy} after the diagonal does not matter when causal. Same
     * arguments as the forward; {@code dx} is overwritten and may be {@code dy} (same offset).
     * The implementations differ only in the order of the sum (within {@code |scale|} times
     * {@link #softmaxBackward}'s tolerance); everything else is the same float arithmetic.
     */
    void attentionSoftmaxBackward(int rows, int cols, float scale, boolean causal, float[] y, int yOff,
                                  float[] dy, int dyOff, float[] keyMask, int keyMaskOff, float[] dx, int dxOff);

    /**
     * {@link #attentionSoftmax} of {@code batch} score matrices stored one after another: matrix
     * {@code i} of {@code x} and of {@code y} starts at {@code off + i * rows * cols}, and its key
     * mask (when {@code keyMask} is not null) is the row of {@code cols} entries starting at
     * {@code keyMaskOff + (i / matricesPerMask) * cols}, e.g. one mask row per sequence shared by
     * its {@code matricesPerMask} heads. Each matrix gets exactly the bits of a single
     * {@link #attentionSoftmax} call; a multi-threaded implementation spreads whole matrices
     * over its threads, which pays off where single matrices are too small to split.
     * {@code keyMask} must not overlap {@code y}.
     *
     * @throws IllegalArgumentException also if {@code matricesPerMask < 1} or {@code scale} is not finite
     */
    void attentionSoftmaxBatched(int batch, int rows, int cols, float scale, boolean causal, float[] x, int xOff,
                                 float[] keyMask, int keyMaskOff, int matricesPerMask, float[] y, int yOff);

    /**
     * {@link #attentionSoftmaxBackward} of {@code batch} score matrices laid out as in
     * {@link #attentionSoftmaxBatched} ({@code y}, {@code dy} and {@code dx} alike); each matrix
     * gets exactly the bits of a single call. {@code dx} may be {@code dy} (same offset).
     */
    void attentionSoftmaxBackwardBatched(int batch, int rows, int cols, float scale, boolean causal,
                                         float[] y, int yOff, float[] dy, int dyOff,
                                         float[] keyMask, int keyMaskOff, int matricesPerMask, float[] dx, int dxOff);

    /**
     * Layer normalization over each contiguous row of length {@code cols}:
     * {@code y = (x - mean) * rstd * gamma + beta}, {@code rstd = 1/sqrt(var + eps)} with the biased
     * variance (as PyTorch). Row statistics are accumulated in double. {@code gamma} and
     * {@code beta} may be {@code null} (no affine transform); {@code mean} and {@code rstd}
     * (length {@code rows}) may be {@code null} when no backward pass follows, else they receive
     * the statistics. {@code y} may be {@code x}.
     */
    void layerNorm(int rows, int cols, float[] x, int xOff, float[] gamma, int gammaOff,
                   float[] beta, int betaOff, float eps, float[] y, int yOff,
                   float[] mean, int meanOff, float[] rstd, int rstdOff);

    /**
     * Layer-norm VJP. Input gradient {@code dx} is <b>overwritten</b>; parameter gradients
     * {@code dgamma} and {@code dbeta} (length {@code cols}, either may be {@code null}) are
     * <b>accumulated</b> into, as parameter gradients are. {@code gamma} may be {@code null}
     * (treated as ones). {@code mean} and {@code rstd} are those written by {@link #layerNorm}.
     */
    void layerNormBackward(int rows, int cols, float[] dy, int dyOff, float[] x, int xOff,
                           float[] mean, int meanOff, float[] rstd, int rstdOff,
                           float[] gamma, int gammaOff, float[] dx, int dxOff,
                           float[] dgamma, int dgammaOff, float[] dbeta, int dbetaOff);

    // ---------------------------------------------------------------- recurrent cells

    /**
     * The LSTM cell's gate nonlinearities and state update, fused, for {@code rows} independent
     * rows with hidden size {@code hidden} ({@code H}). Row {@code r} of {@code gates}
     * ({@code rows x 4H}, contiguous) holds the pre-activations in PyTorch's order
     * {@code [i f g o]}; {@code cPrev}, {@code h}, {@code c} and {@code tanhC} are
     * {@code rows x H}, contiguous:
     * <pre>
     *   i, f, o = sigmoid(.)    g = tanh(.)
     *   c = f * cPrev + i * g   (c = i * g when cPrev is null: a zero previous state)
     *   h = o * tanh(c)
     * </pre>
     * {@code act} ({@code rows x 4H}) receives the activated gates {@code [i f g o]} and
     * {@code tanhC} receives {@code tanh(c)}: what {@link #lstmCellBackward} reads. The
     * sigmoids and tanhs are those of {@link #unary} (same bits), and {@code c} and {@code h}
     * round each product and the sum separately (no fused multiply-add), so the result is
     * bit-identical to composing {@link #unary} and {@link #binary} calls of the same
     * implementation. The outputs must not overlap one another or the inputs.
     */
    void lstmCell(int rows, int hidden, float[] gates, int gatesOff, float[] cPrev, int cPrevOff,
                  float[] act, int actOff, float[] tanhC, int tanhCOff, float[] h, int hOff, float[] c, int cOff);

    /**
     * The vector-Jacobian product of {@link #lstmCell}, from its saved {@code act} and
     * {@code tanhC}, the previous cell state {@code cPrev} (null for a zero state) and the output
     * gradients {@code dh} and {@code dc} ({@code rows x H}):
     * <pre>
     *   dcTotal = dc + dh * o * (1 - tanh(c)^2)
     *   dGates  = [dcTotal * g * i(1-i),  dcTotal * cPrev * f(1-f),  dcTotal * i * (1-g^2),  dh * tanh(c) * o(1-o)]
     *   dcPrev  = dcTotal * f
     * </pre>
     * (the forget gate's gradient is 0 when {@code cPrev} is null). {@code dGates}
     * ({@code rows x 4H}) and {@code dcPrev} are <b>overwritten</b>; {@code dcPrev} must be null
     * exactly when {@code cPrev} is. Pure arithmetic, one rounding per operation in the order
     * written: the implementations agree bit for bit. Outputs must not overlap inputs.
     */
    void lstmCellBackward(int rows, int hidden, float[] act, int actOff, float[] tanhC, int tanhCOff,
                          float[] cPrev, int cPrevOff, float[] dh, int dhOff, float[] dc, int dcOff,
                          float[] dGates, int dGatesOff, float[] dcPrev, int dcPrevOff);

    // ---------------------------------------------------------------- optimizer updates

    /**
     * One fused step of PyTorch's {@code torch.optim.SGD} on {@code n} parameters:
     * <pre>
     *   d = g + weightDecay * p
     *   if momentum != 0:
     *       buf = firstStep ? d : momentum * buf + (1 - dampening) * d
     *       d   = nesterov ? d + momentum * buf : buf
     *   p -= lr * d
     * </pre>
     * {@code buf} may be {@code null} only when {@code momentum == 0}.
     */
    void sgdUpdate(int n, float[] param, int pOff, float[] grad, int gOff, float[] buf, int bufOff,
                   float lr, float momentum, float dampening, float weightDecay,
                   boolean nesterov, boolean firstStep);

    /**
     * One fused step of PyTorch's {@code Adam} ({@code decoupledWeightDecay == false}) or
     * {@code AdamW} ({@code true}), {@code step >= 1} being the step number after increment:
     * <pre>
     *   if decoupled: p *= 1 - lr * weightDecay      else: g = g + weightDecay * p
     *   m = beta1 * m + (1 - beta1) * g
     *   v = beta2 * v + (1 - beta2) * g * g
     *   vHat = amsgrad ? (vMax = max(vMax, v)) : v
     *   p -= lr / (1 - beta1^step) * m / (sqrt(vHat) / sqrt(1 - beta2^step) + eps)
     * </pre>
     * AMSGrad is on exactly when {@code vMax} is non-null.
     */
    void adamUpdate(int n, float[] param, int pOff, float[] grad, int gOff,
                    float[] m, int mOff, float[] v, int vOff, float[] vMax, int vMaxOff,
                    float lr, float beta1, float beta2, float eps, float weightDecay,
                    boolean decoupledWeightDecay, long step);

    // ---------------------------------------------------------------- level 2 and 3

    /**
     * {@code y = alpha * op(A) * x + beta * y} for a row-major {@code m x n} matrix {@code A}
     * (leading dimension {@code lda >= n}). With {@link Transpose#N}, {@code x} has length
     * {@code n} and {@code y} length {@code m}; with {@link Transpose#T} the other way round.
     * {@code beta == 0} overwrites {@code y} even where it holds NaN.
     */
    void gemv(Transpose transA, int m, int n, float alpha, float[] a, int aOff, int lda,
              float[] x, int xOff, float beta, float[] y, int yOff);

    /**
     * {@code C = alpha * op(A) * op(B) + beta * C}, all row-major. {@code op(A)} is
     * {@code m x k}: stored {@code m x k} ({@code lda >= k}) for {@link Transpose#N}, {@code k x m}
     * ({@code lda >= m}) for {@link Transpose#T}; likewise {@code op(B)} is {@code k x n}.
     * {@code C} is {@code m x n} with {@code ldc >= n} and must not overlap {@code A} or {@code B}:
     * they may be the same array (e.g. one arena holding every buffer) if their index spans
     * {@code [off, off + (rows-1)*ld + cols)} are disjoint, where {@code rows x cols} is the stored
     * shape; spans that intersect are rejected even when no element is shared (a conservative
     * check), with a message naming both ranges.
     * {@code beta == 0} overwrites {@code C} even where it holds NaN (BLAS semantics). The sum over
     * {@code k} is never split across threads, so results are bit-identical for any thread count.
     */
    void gemm(Transpose transA, Transpose transB, int m, int n, int k, float alpha,
              float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
              float beta, float[] c, int cOff, int ldc);

    /**
     * {@link #gemm} plus an addend: {@code C = (alpha * op(A) * op(B) + beta * C) + D}, the sum
     * rounded once more after the product is complete, so the result has exactly the bits of
     * {@link #gemm} followed by an element-wise add of {@code D}. Row {@code i} of the
     * {@code m x n} matrix {@code D} starts at {@code d[dOff + i*ldd]}; {@code ldd == 0} adds the
     * one row {@code d[dOff .. dOff+n)} to every row of C (a layer's bias), otherwise
     * {@code ldd >= n}. {@code D} may share an array with A or B but must not overlap C (the
     * rule of {@link #gemm}). Why it exists: the Vector API implementation adds D while it writes
     * each tile of C back, saving the separate pass that would read and write all of C again;
     * that is what a bias row, always in cache, gains. A large D read tile by tile is slower than
     * the same D streamed by a separate add when it must come from memory (measured with the
     * LSTM's recurrent step, 32 x 1024 x 256 with D one step of an 8 MB input projection: 1.17x
     * the time of the product and an {@link #axpy}), so an RNN step adds its projection that way.
     */
    void gemm(Transpose transA, Transpose transB, int m, int n, int k, float alpha,
              float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
              float beta, float[] c, int cOff, int ldc, float[] d, int dOff, int ldd);

    /**
     * Floats that {@link #packB} writes for a {@code k x n} {@code op(B)} in this
     * implementation's layout (at least {@code k * n}).
     *
     * @throws IllegalArgumentException if {@code k} or {@code n} is negative, or the size exceeds
     *     the largest array
     */
    int packedBSize(int k, int n);

    /**
     * Copies the {@code k x n} matrix {@code op(B)} (stored {@code k x n} for {@link Transpose#N},
     * {@code n x k} for {@link Transpose#T}, leading dimension {@code ldb}) into {@code dst} from
     * {@code dstOff}, laid out as this implementation's {@link #gemmPacked} reads it
     * ({@link #packedBSize} floats). A product repeated with the same B (an RNN's recurrent
     * weight at every time step) packs it once instead of once per call. The layout is private
     * to the implementation: a buffer packed by one is meaningless to another.
     */
    void packB(Transpose transB, int k, int n, float[] b, int bOff, int ldb, float[] dst, int dstOff);

    /**
     * {@link #gemm} with B given as packed by {@link #packB} ({@code transB} and {@code k x n}
     * as it was packed): {@code C = alpha * op(A) * op(B) + beta * C}. C must not overlap A or the
     * packed floats (the same rule as {@link #gemm}). The result has {@link #gemm}'s bits,
     * except that for {@code m == 1}, {@code n == 1} or {@code transA == T} the Vector API
     * implementation may round differently (within {@link #gemm}'s accuracy), since {@link
     * #gemm} takes other paths there.
     */
    void gemmPacked(Transpose transA, Transpose transB, int m, int n, int k, float alpha,
                    float[] a, int aOff, int lda, float[] packed, int packedOff,
                    float beta, float[] c, int cOff, int ldc);

    /**
     * {@code batch} independent {@link #gemm}s; matrix {@code i} of each operand starts at
     * {@code off + i * stride}. A stride of 0 reuses one matrix for every batch entry (for A or
     * B only). Batch entries of C must not overlap one another, and C's span from its first to
     * the end of its last entry must not overlap A's or B's (same rule as {@link #gemm}).
     */
    void gemmBatched(Transpose transA, Transpose transB, int batch, int m, int n, int k, float alpha,
                     float[] a, int aOff, int strideA, int lda,
                     float[] b, int bOff, int strideB, int ldb,
                     float beta, float[] c, int cOff, int strideC, int ldc);

    /**
     * {@link #gemmBatched} with a {@link Triangle} known to be zero, which the kernel skips:
     * {@link Triangle#LOWER_RESULT} computes only C's lower triangle (above it C becomes
     * {@code beta * C}), {@link Triangle#LOWER_A} reads only the stored A's lower triangle (the
     * rest counts as 0). Causal attention's score and weight products do about half the work
     * this way. Any shape is allowed (the diagonal is {@code row == column}); {@link
     * Triangle#FULL} is {@link #gemmBatched}. The result has the same bits as {@link #gemmBatched} of
     * the operands with the skipped triangle zeroed (and then, for {@code LOWER_RESULT}, C's upper
     * triangle set to {@code beta * C}), except perhaps the sign of a zero, or where a skipped
     * product would have been {@code 0 * inf}.
     */
    void gemmBatched(Triangle triangle, Transpose transA, Transpose transB, int batch, int m, int n, int k, float alpha,
                     float[] a, int aOff, int strideA, int lda,
                     float[] b, int bOff, int strideB, int ldb,
                     float beta, float[] c, int cOff, int strideC, int ldc);
}
