package dev.vectornn.bench;

import dev.vectornn.kernel.Kernels;
import dev.vectornn.kernel.KernelThreads;
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
 * Level-1 kernels and reductions, scalar vs vector: {@code dot}, {@code axpy}, {@code scale},
 * {@code fill}, {@code sum}, {@code max}, {@code argmax}, {@code gatherRows} (the copy of a
 * permutation) and {@code addRows} (a bias gradient: the column sums of a {@code rows x cols}
 * batch, split as the row kernels split it, {@code cols = min(size, 1024)}).
 *
 * <p>Each (impl, size) pair runs in its own fork, so the {@link Kernels} call site sees one
 * implementation only, as in production where the provider's choice is a {@code static final}.
 * Results are returned (reductions) or land in arrays held by this state, so nothing is dead code.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-XX:+UseParallelGC"})
@State(Scope.Thread)
public class BlasLevel1Benchmark {

    /** {@code scalar} or {@code vector}. */
    @Param({"scalar", "vector"})
    public String impl;

    /** Vector length in floats. */
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
    private float[] x;
    private float[] y;
    private float[] out;
    private float alpha;
    private int[] headSplit;
    private int rows;
    private int cols;

    /** Builds the kernels and inputs once per trial (never inside the timed region). */
    @Setup(Level.Trial)
    public void setUp() {
        KernelThreads.setThreads(threads);
        k = Fixtures.kernels(impl);
        x = Fixtures.uniform(size, 1, -1f, 1f);
        y = Fixtures.uniform(size, 2, -1f, 1f);
        out = new float[size];
        // axpy and addRows accumulate into y on every call; a small alpha keeps y far from
        // overflow for any realistic number of calls (it grows by at most 1e-3 per call and row).
        alpha = 1e-3f;
        // the attention head split [T, H, D] -> [H, T, D] with H = 8, D = 32 (a 64-float size is 2 x 1 x 32)
        int d = 32, h = Math.min(8, size / d), t = size / (h * d);
        headSplit = new int[h * t];
        for (int hi = 0, r = 0; hi < h; hi++) {
            for (int ti = 0; ti < t; ti++) headSplit[r++] = (ti * h + hi) * d;
        }
        // a batch of hidden-size rows, as a Linear layer's bias gradient sums them
        cols = Fixtures.cols(size);
        rows = Fixtures.rows(size);
    }

    /** {@code x . y}: 2n FLOPs, 8n bytes read. */
    @Benchmark
    public float dot() {
        return k.dot(size, x, 0, y, 0);
    }

    /** {@code y += alpha * x}: 2n FLOPs, 12n bytes. */
    @Benchmark
    public void axpy() {
        k.axpy(size, alpha, x, 0, y, 0);
    }

    /** {@code out = alpha * x}: n FLOPs, 8n bytes. */
    @Benchmark
    public void scale() {
        k.scale(size, alpha, x, 0, out, 0);
    }

    /** {@code out = 0.5}: 4n bytes written. */
    @Benchmark
    public void fill() {
        k.fill(size, 0.5f, out, 0);
    }

    /** {@code sum x}: n FLOPs, 4n bytes. */
    @Benchmark
    public float sum() {
        return k.sum(size, x, 0);
    }

    /** {@code max x}: 4n bytes. */
    @Benchmark
    public float max() {
        return k.max(size, x, 0);
    }

    /** {@code out} = rows of {@code x} in head-split order: 8n bytes. */
    @Benchmark
    public void gatherRows() {
        k.gatherRows(headSplit.length, 32, x, 0, headSplit, 1, out, 0, false);
    }

    /**
     * {@code y[j] += alpha * x[r, j]} over the {@code rows} of {@code x} seen as {@code rows x cols}:
     * 2n FLOPs, 4n bytes ({@code y} is one row, kept in cache).
     */
    @Benchmark
    public void addRows() {
        k.addRows(rows, cols, alpha, x, 0, cols, y, 0);
    }

    /** First index of {@code max x}: 4n bytes. */
    @Benchmark
    public int argmax() {
        return k.argmax(size, x, 0);
    }
}
