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
 * GEMM GFLOP/s of the vector kernels on square problems (n = 64 ... 2048) and on the small,
 * skinny shapes LSTM and attention produce, on 1 and 2 kernel threads. The report divides by the
 * FMA peak that {@link FmaPeakBenchmark} measures in the same run, and compares the 1-thread
 * numbers with {@link GemmScalarBenchmark} where that one is cheap enough to run.
 *
 * <p>Shapes are {@code MxNxK}: 32x1024x256 is one LSTM step's gate product (batch 32, 4 gates x
 * 256 hidden units, 256 inputs), 20x800x200 the same for a 200-unit LSTM on 20 sequences,
 * 128x128x32 attention scores of 128 tokens with 32-wide heads, 64x128x64 scores of 64 queries
 * over 128 keys with 64-wide heads, 12x192x64 the Q/K/V projection of 12 tokens in a 64-wide
 * model.
 * {@code -p trans=NT,TN} times the transposed forms backpropagation uses.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-XX:+UseParallelGC"})
@State(Scope.Thread)
public class GemmBenchmark {

    /** {@code vector} by default; {@code -p impl=scalar} is possible but slow at large n. */
    @Param({"vector"})
    public String impl;

    /** {@code MxNxK} or a single size for a square problem (see {@link GemmShape}). */
    @Param({"64", "128", "256", "512", "1024", "2048",
            "32x1024x256", "128x128x32", "64x128x64", "20x800x200", "12x192x64"})
    public String shape;

    /** Kernel worker threads, set with {@link KernelThreads#setThreads} for the whole trial. */
    @Param({"1", "2"})
    public int threads;

    /** Transposes of A and B, e.g. {@code NN}, {@code NT}, {@code TN}. */
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
