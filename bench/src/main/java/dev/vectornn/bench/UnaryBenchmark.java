package dev.vectornn.bench;

import dev.vectornn.kernel.Kernels;
import dev.vectornn.kernel.KernelThreads;
import dev.vectornn.kernel.UnaryOp;
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
 * Every {@link UnaryOp} forward ({@code y = f(x)}) and backward ({@code dx = dy * f'(x)}), scalar
 * vs vector. Inputs lie in each function's working range (positive for LOG and SQRT, where exp
 * neither overflows nor underflows for EXP) so the timings are those of ordinary values, not of
 * special-case paths.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-XX:+UseParallelGC"})
@State(Scope.Thread)
public class UnaryBenchmark {

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

    /** The function. */
    @Param({"NEG", "SQUARE", "SQRT", "EXP", "LOG", "TANH", "SIGMOID", "RELU", "GELU", "GELU_TANH"})
    public UnaryOp op;

    private Kernels k;
    private float[] x;
    private float[] y;
    private float[] dy;
    private float[] out;

    /**
     * Builds the kernels and inputs once per trial. {@code y = f(x)} comes from the kernels under
     * test, so a fork loads only one {@code Kernels} implementation and its call sites stay
     * monomorphic.
     */
    @Setup(Level.Trial)
    public void setUp() {
        KernelThreads.setThreads(threads);
        k = Fixtures.kernels(impl);
        x = switch (op) {
            case LOG, SQRT -> Fixtures.uniform(size, 5, 0.01f, 10f);
            case EXP -> Fixtures.uniform(size, 5, -10f, 10f);
            default -> Fixtures.uniform(size, 5, -5f, 5f);
        };
        y = new float[size];
        k.unary(op, size, x, 0, y, 0);
        dy = Fixtures.uniform(size, 6, -1f, 1f);
        out = new float[size];
    }

    /** {@code out = f(x)}: n elements, 8n bytes. */
    @Benchmark
    public void unary() {
        k.unary(op, size, x, 0, out, 0);
    }

    /** {@code out = dy * f'(x)} from the forward input and output: n elements, 16n bytes at most. */
    @Benchmark
    public void unaryBackward() {
        k.unaryBackward(op, size, x, 0, y, 0, dy, 0, out, 0);
    }
}
