package dev.vectornn.bench;

import dev.vectornn.kernel.KernelThreads;
import dev.vectornn.kernel.Kernels;
import dev.vectornn.kernel.Triangle;
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
 * Batched GEMM as multi-head attention uses it: {@code batch} independent products per call,
 * scalar vs vector. 128x128x32 is {@code Q K^T} for 128 tokens and 32-wide heads (run it with
 * {@code -p trans=NT} for the layout attention really uses), 128x32x128 is the attention-weighted
 * sum of values. {@code -p triangle=LOWER_RESULT} (with {@code trans=NT}) or {@code LOWER_A} times
 * the causal forms that skip a zero triangle; the FLOP count stays that of the full product, so
 * their GFLOP/s read as full-product equivalents.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-XX:+UseParallelGC"})
@State(Scope.Thread)
public class GemmBatchedBenchmark {

    /** {@code scalar} or {@code vector}. */
    @Param({"scalar", "vector"})
    public String impl;

    /** Per-product {@code MxNxK}. */
    @Param({"128x128x32", "128x32x128"})
    public String shape;

    /** Products per call (batch x heads). */
    @Param({"8"})
    public int batch;

    /** Kernel worker threads. */
    @Param({"1"})
    public int threads;

    /** Transposes of A and B. */
    @Param({"NN"})
    public String trans;

    /** The triangle skipped: {@code FULL}, {@code LOWER_RESULT} or {@code LOWER_A} ({@link Triangle}). */
    @Param({"FULL"})
    public String triangle;

    private Kernels k;
    private Triangle tri;
    private GemmOperands ops;

    /** Sets the thread count and builds the kernels and operands once per trial. */
    @Setup(Level.Trial)
    public void setUp() {
        KernelThreads.setThreads(threads);
        k = Fixtures.kernels(impl);
        ops = new GemmOperands(GemmShape.parse(shape), trans, batch);
        tri = Triangle.valueOf(triangle);
    }

    /** {@code batch} products: {@code 2mnk * batch} FLOPs. */
    @Benchmark
    public void gemmBatched() {
        ops.gemmBatched(k, tri);
    }
}
