package dev.vectornn.bench;

import dev.vectornn.kernel.KernelThreads;
import dev.vectornn.kernel.Kernels;
import dev.vectornn.kernel.Transpose;
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
 * {@code y = A x} and {@code y = A^T x} on a square matrix with {@code size} elements
 * ({@code 8x8}, {@code 32x32}, {@code 256x256}, {@code 1024x1024}), scalar vs vector.
 * 2mn FLOPs per call; bound by reading {@code A} (4mn bytes) once it leaves the cache.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-XX:+UseParallelGC"})
@State(Scope.Thread)
public class GemvBenchmark {

    /** {@code scalar} or {@code vector}. */
    @Param({"scalar", "vector"})
    public String impl;

    /** Matrix element count; must be a perfect square. */
    @Param({"64", "1024", "65536", "1048576"})
    public int size;

    /** {@code N}: {@code A x}; {@code T}: {@code A^T x}. */
    @Param({"N", "T"})
    public Transpose trans;

    /** Kernel worker threads (1 by default: this is a per-core kernel comparison). */
    @Param({"1"})
    public int threads;

    private Kernels k;
    private int dim;
    private float[] a;
    private float[] x;
    private float[] y;

    /** Builds the kernels and operands and sets the thread count once per trial. */
    @Setup(Level.Trial)
    public void setUp() {
        dim = (int) Math.round(Math.sqrt(size));
        if (dim * dim != size) {
            throw new IllegalArgumentException("gemv size must be a perfect square, got " + size);
        }
        KernelThreads.setThreads(threads);
        k = Fixtures.kernels(impl);
        a = Fixtures.uniform(size, 18, -1f, 1f);
        x = Fixtures.uniform(dim, 19, -1f, 1f);
        y = new float[dim];
    }

    /** {@code y = op(A) x} with {@code beta = 0}. */
    @Benchmark
    public void gemv() {
        k.gemv(trans, dim, dim, 1f, a, 0, dim, x, 0, 0f, y, 0);
    }
}
