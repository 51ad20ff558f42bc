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
 * The scalar GEMM on the problems where it finishes in tens of milliseconds (square n <= 256
 * and the LSTM/attention shapes), single-threaded, for the report's vector/scalar ratio. A
 * separate class because JMH crosses every parameter of a class with every other, and the
 * scalar kernel at n = 2048 would take seconds per call.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-XX:+UseParallelGC"})
@State(Scope.Thread)
public class GemmScalarBenchmark {

    /** {@code scalar}. */
    @Param({"scalar"})
    public String impl;

    /** {@code MxNxK} or a single size for a square problem (see {@link GemmShape}). */
    @Param({"64", "128", "256", "32x1024x256", "128x128x32", "64x128x64", "20x800x200", "12x192x64"})
    public String shape;

    /** Kernel worker threads (the ratio compares single-thread numbers). */
    @Param({"1"})
    public int threads;

    /** Transposes of A and B. */
    @Param({"NN"})
    public String trans;

    private Kernels k;
    private GemmOperands ops;

    /** Sets the thread count and builds the kernels and operands once per trial. */
    @Setup(Level.Trial)
    public void setUp() {
        KernelThreads.setThreads(threads);
        k = Fixtures.kernels(impl);
        ops = new GemmOperands(GemmShape.parse(shape), trans, 1);
    }

    /** {@code C = op(A) op(B)}: 2mnk FLOPs. */
    @Benchmark
    public void gemm() {
        ops.gemm(k);
    }
}
