package dev.vectornn.bench;

import dev.vectornn.kernel.KernelThreads;
import dev.vectornn.kernel.Kernels;
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
 * {@code Kernels.attentionSoftmaxBatched} and its VJP: the scale, causal mask and softmax of a
 * batch of {@code t x t} score matrices, as attention runs them (one call for all the heads of
 * all the sequences). {@code size} counts score elements per call, so {@code size / (t*t)}
 * matrices; with {@code causal} only the lower triangle (about half) is read and exponentiated,
 * and the rest written as 0.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-XX:+UseParallelGC"})
@State(Scope.Thread)
public class AttentionSoftmaxBenchmark {

    /** {@code scalar} or {@code vector}. */
    @Param({"scalar", "vector"})
    public String impl;

    /**
     * Score elements per call: one 128 x 128 matrix (64 KB), 16 of them (1 MB) and 128 (8 MB,
     * the attention workload's 16 sequences x 8 heads).
     */
    @Param({"16384", "262144", "2097152"})
    public int size;

    /** Sequence length: the matrices are t x t. */
    @Param({"128"})
    public int t;

    /** Whether keys after each query are masked. */
    @Param({"true", "false"})
    public boolean causal;

    /** Kernel worker threads, 1 by default (see {@link UnaryBenchmark#threads}). */
    @Param({"1"})
    public int threads;

    private Kernels k;
    private int batch;
    private float scale;
    private float[] x;
    private float[] y;
    private float[] dy;
    private float[] dx;

    /** Builds the kernels, scores of a typical spread, and the forward output the VJP reads. */
    @Setup(Level.Trial)
    public void setUp() {
        if (size % (t * t) != 0) {
            throw new IllegalArgumentException("size " + size + " is not a whole number of " + t + " x " + t + " matrices");
        }
        KernelThreads.setThreads(threads);
        k = Fixtures.kernels(impl);
        batch = size / (t * t);
        scale = (float) (1 / Math.sqrt(32));
        x = Fixtures.uniform(size, 11, -8f, 8f);
        y = new float[size];
        dy = Fixtures.uniform(size, 12, -1f, 1f);
        dx = new float[size];
        k.attentionSoftmaxBatched(batch, t, t, scale, causal, x, 0, null, 0, 1, y, 0);
    }

    /** {@code y = softmax(scale * x, masked)}, matrix by matrix. */
    @Benchmark
    public void forward() {
        k.attentionSoftmaxBatched(batch, t, t, scale, causal, x, 0, null, 0, 1, y, 0);
    }

    /** {@code dx = scale * y * (dy - rowsum(dy * y))}, matrix by matrix. */
    @Benchmark
    public void backward() {
        k.attentionSoftmaxBackwardBatched(batch, t, t, scale, causal, y, 0, dy, 0, null, 0, 1, dx, 0);
    }
}
