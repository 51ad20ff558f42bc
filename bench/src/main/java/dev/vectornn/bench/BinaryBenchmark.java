package dev.vectornn.bench;

import dev.vectornn.kernel.BinaryOp;
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
 * Same-length element-wise arithmetic {@code c = a op b} for every {@link BinaryOp}, scalar vs
 * vector. The broadcast forms live in {@link RowKernelsBenchmark} (they are row kernels).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-XX:+UseParallelGC"})
@State(Scope.Thread)
public class BinaryBenchmark {

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

    /** The operation. */
    @Param({"ADD", "SUB", "MUL", "DIV"})
    public BinaryOp op;

    private Kernels k;
    private float[] a;
    private float[] b;
    private float[] c;

    /** Builds the kernels and inputs once per trial. */
    @Setup(Level.Trial)
    public void setUp() {
        KernelThreads.setThreads(threads);
        k = Fixtures.kernels(impl);
        a = Fixtures.uniform(size, 3, -1f, 1f);
        // kept away from 0 so DIV times ordinary quotients, not infinities
        b = Fixtures.uniform(size, 4, 0.5f, 2f);
        c = new float[size];
    }

    /** {@code c = a op b}: n FLOPs, 12n bytes. */
    @Benchmark
    public void binary() {
        k.binary(op, size, a, 0, b, 0, c, 0);
    }
}
