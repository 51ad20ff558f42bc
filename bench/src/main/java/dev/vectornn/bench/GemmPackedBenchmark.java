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
 * A GEMM whose B is packed once ({@link Kernels#packB}, then {@link Kernels#gemmPacked} per call),
 * as an LSTM's recurrent weight serves all its time steps, against the same product packing B in
 * every call ({@link Kernels#gemm}), in one run. The report lists both as GEMM rows, impl
 * {@code vector, B packed once} and {@code vector, B packed per call}.
 *
 * <p>Shapes are {@code MxNxK}: 32x1024x256 is the LSTM workload's forward step product
 * ({@code h W_hh^T}, hence the default {@code trans=NT}), 20x800x200 the word LM's; with
 * {@code -p trans=NN}, 32x256x1024 is the LSTM's backward step ({@code dgates W_hh}).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-XX:+UseParallelGC"})
@State(Scope.Thread)
public class GemmPackedBenchmark {

    /** {@code MxNxK} or a single size for a square problem (see {@link GemmShape}). */
    @Param({"32x1024x256", "20x800x200", "512"})
    public String shape;

    /** Kernel worker threads, set with {@link KernelThreads#setThreads} for the whole trial. */
    @Param({"1", "2"})
    public int threads;

    /** Transposes of A and B, e.g. {@code NT} (the default: a recurrent step's {@code h W^T}) or {@code NN}. */
    @Param({"NT"})
    public String trans;

    private Kernels k;
    private GemmOperands ops;
    private float[] packed;

    /** Sets the thread count, builds the operands and packs B once per trial. */
    @Setup(Level.Trial)
    public void setUp() {
        KernelThreads.setThreads(threads);
        k = Fixtures.kernels("vector");
        ops = new GemmOperands(GemmShape.parse(shape), trans, 1);
        packed = ops.packB(k);
    }

    /** {@code C = op(A) op(B)}, packing B in the call: 2mnk FLOPs. */
    @Benchmark
    public void gemm() {
        ops.gemm(k);
    }

    /** {@code C = op(A) op(B)} from the B packed in setup: 2mnk FLOPs. */
    @Benchmark
    public void gemmPacked() {
        ops.gemmPacked(k, packed);
    }
}
