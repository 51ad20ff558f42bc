package dev.vectornn.bench;

import dev.vectornn.kernel.BinaryOp;
import dev.vectornn.kernel.Kernels;
import dev.vectornn.kernel.KernelThreads;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Kernels that work row by row on a {@code rows x cols} matrix, scalar vs vector: softmax and
 * log-softmax (forward and backward), layer norm (forward and backward), the row/column
 * broadcasts and the cross-entropy gradient (one class per column). {@code size} is the element
 * count, split as {@code cols = min(size, 1024)}, {@code rows = size / cols} (see
 * {@link Fixtures#cols}), so the sizes match the flat kernels'.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-XX:+UseParallelGC"})
@State(Scope.Thread)
public class RowKernelsBenchmark {

    /** PyTorch's default {@code ignore_index}, the padding target of the cross-entropy rows. */
    private static final int IGNORE_INDEX = -100;

    /** {@code scalar} or {@code vector}. */
    @Param({"scalar", "vector"})
    public String impl;

    /** Element count ({@code rows * cols}). */
    @Param({"64", "1024", "65536", "1048576"})
    public int size;

    /**
     * Kernel worker threads, 1 by default: the vector kernels split large arrays over the
     * kernel threads and the scalar ones do not, so vector/scalar compares one core with one
     * core only at 1 ({@code -p threads=2} for the parallel rate).
     */
    @Param({"1"})
    public int threads;

    private Kernels k;
    private int rows;
    private int cols;
    private float[] x;
    private float[] y;
    private float[] dy;
    private float[] out;
    private float[] rowVec;
    private float[] colVec;
    private float[] gamma;
    private float[] beta;
    private float[] mean;
    private float[] rstd;
    private float[] dgamma;
    private float[] dbeta;
    private float[] logProbs;
    private float[] ceStats;
    private int[] targets;
    private float ceScale;

    /** Builds the kernels, inputs and the forward outputs the backward passes need, once per trial. */
    @Setup(Level.Trial)
    public void setUp() {
        KernelThreads.setThreads(threads);
        k = Fixtures.kernels(impl);
        cols = Fixtures.cols(size);
        rows = Fixtures.rows(size);
        x = Fixtures.uniform(size, 7, -5f, 5f);
        dy = Fixtures.uniform(size, 8, -1f, 1f);
        y = new float[size];
        out = new float[size];
        rowVec = Fixtures.uniform(cols, 9, 0.5f, 2f);
        colVec = Fixtures.uniform(rows, 10, 0.5f, 2f);
        gamma = Fixtures.uniform(cols, 11, 0.5f, 1.5f);
        beta = Fixtures.uniform(cols, 12, -0.5f, 0.5f);
        mean = new float[rows];
        rstd = new float[rows];
        dgamma = new float[cols];
        dbeta = new float[cols];
        // The backward benchmarks need real forward outputs: a softmax output for the softmax
        // VJPs (log-softmax's VJP takes exp(y), so a log-softmax output is fed to it instead),
        // and the layer-norm statistics.
        k.softmax(rows, cols, x, 0, cols, y, 0, cols);
        k.layerNorm(rows, cols, x, 0, gamma, 0, beta, 0, 1e-5f, out, 0, mean, 0, rstd, 0);
        // The cross-entropy gradient exponentiates its input, so it gets a real log-softmax of
        // the logits x (a bounded exp, every row a distribution), and targets as a training batch
        // has them: random classes, with one row in 32 padding (ignored) once there are 32 rows,
        // so a single-row size still times a counted row.
        logProbs = new float[size];
        k.logSoftmax(rows, cols, x, 0, cols, logProbs, 0, cols);
        ceStats = new float[3 * rows];
        k.logSoftmaxStats(rows, cols, x, 0, cols, ceStats, 0);
        targets = new int[rows];
        SplittableRandom random = new SplittableRandom(13);
        int counted = 0;
        for (int r = 0; r < rows; r++) {
            targets[r] = r % 32 == 31 ? IGNORE_INDEX : random.nextInt(cols);
            if (targets[r] != IGNORE_INDEX) counted++;
        }
        // the mean over the counted rows, as the cross-entropy loss scales its gradient
        ceScale = 1f / counted;
    }

    /** Row softmax: n elements, 8n bytes. */
    @Benchmark
    public void softmax() {
        k.softmax(rows, cols, x, 0, cols, out, 0, cols);
    }

    /** Row log-softmax: n elements, 8n bytes. */
    @Benchmark
    public void logSoftmax() {
        k.logSoftmax(rows, cols, x, 0, cols, out, 0, cols);
    }

    /** Softmax VJP from the output: n elements, 12n bytes. */
    @Benchmark
    public void softmaxBackward() {
        k.softmaxBackward(rows, cols, y, 0, cols, dy, 0, cols, out, 0, cols);
    }

    /**
     * Log-softmax VJP. It is fed the softmax output as {@code y}: the kernel's cost does not
     * depend on whether {@code y} is a real log-softmax, and this keeps {@code exp(y)} bounded.
     */
    @Benchmark
    public void logSoftmaxBackward() {
        k.logSoftmaxBackward(rows, cols, y, 0, cols, dy, 0, cols, out, 0, cols);
    }

    /** Layer norm with affine transform and saved statistics (training): n elements, 8n bytes. */
    @Benchmark
    public void layerNorm() {
        k.layerNorm(rows, cols, x, 0, gamma, 0, beta, 0, 1e-5f, out, 0, mean, 0, rstd, 0);
    }

    /**
     * Layer-norm VJP with parameter gradients (accumulated, so they grow linearly with the
     * number of calls, far from overflow): n elements, 12n bytes.
     */
    @Benchmark
    public void layerNormBackward() {
        k.layerNormBackward(rows, cols, dy, 0, x, 0, mean, 0, rstd, 0, gamma, 0, out, 0,
                dgamma, 0, dbeta, 0);
    }

    /**
     * Cross-entropy gradient with respect to the logits from the saved log-softmax, without label
     * smoothing, {@code dx} overwritten: n elements, 8n bytes.
     */
    @Benchmark
    public void crossEntropyBackward() {
        k.crossEntropyBackward(rows, cols, logProbs, 0, targets, 0, IGNORE_INDEX, 0f, ceScale, out, 0, false);
    }

    /**
     * The same gradient from the logits and their 3 row statistics, as the graph's cross-entropy
     * computes it (it saves the statistics, not the log-softmax): n elements, 8n bytes.
     */
    @Benchmark
    public void crossEntropyBackwardFromLogits() {
        k.crossEntropyBackward(rows, cols, x, 0, ceStats, 0, targets, 0, IGNORE_INDEX, 0f, ceScale, out, 0, false);
    }

    /** The log-softmax's row statistics only (max, log-sum): n elements read, 4n bytes. */
    @Benchmark
    public void logSoftmaxStats() {
        k.logSoftmaxStats(rows, cols, x, 0, cols, ceStats, 0);
    }

    /** Bias add {@code c[r,j] = a[r,j] + b[j]} (row broadcast): n FLOPs, 8n bytes. */
    @Benchmark
    public void binaryRowAdd() {
        k.binaryRow(BinaryOp.ADD, rows, cols, x, 0, cols, rowVec, 0, out, 0, cols);
    }

    /** Per-row scaling {@code c[r,j] = a[r,j] * b[r]} (column broadcast): n FLOPs, 8n bytes. */
    @Benchmark
    public void binaryColMul() {
        k.binaryCol(BinaryOp.MUL, rows, cols, x, 0, cols, colVec, 0, out, 0, cols);
    }
}
