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
 * {@code Kernels.geluWithDerivative}: exact GELU and its derivative in one pass, the forward of
 * a training plan's GELU (whose VJP is then one multiply). Set beside {@link UnaryBenchmark}'s
 * GELU {@code unary} + {@code unaryBackward}, the recomputing pair it replaces.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-XX:+UseParallelGC"})
@State(Scope.Thread)
public class GeluWithDerivativeBenchmark {

    /** {@code scalar} or {@code vector}. */
    @Param({"scalar", "vector"})
    public String impl;

    /** Vector length in floats. */
    @Param({"64", "1024", "65536", "1048576"})
    public int size;

    /** Kernel worker threads, 1 by default (see {@link UnaryBenchmark#threads}). */
    @Param({"1"})
    public int threads;

    private Kernels k;
    private float[] x;
    private float[] y;
    private float[] d;

    /** Builds the kernels and inputs once per trial, inputs as {@link UnaryBenchmark}'s for GELU. */
    @Setup(Level.Trial)
    public void setUp() {
        KernelThreads.setThreads(threads);
        k = Fixtures.kernels(impl);
        x = Fixtures.uniform(size, 5, -5f, 5f);
        y = new float[size];
        d = new float[size];
    }

    /** {@code y = gelu(x)}, {@code d = gelu'(x)}: n elements, 12n bytes. */
    @Benchmark
    public void geluWithDerivative() {
        k.geluWithDerivative(size, x, 0, y, 0, d, 0);
    }
}
