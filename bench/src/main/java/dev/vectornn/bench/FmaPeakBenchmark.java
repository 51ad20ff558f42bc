package dev.vectornn.bench;

import dev.vectornn.kernel.PeakProbe;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The machine's single-core float FMA throughput, through {@link PeakProbe#run}: the yardstick
 * for GEMM's "% of peak". It is measured the same way every time: a fixed number of probe
 * iterations per call, and {@code bench/run} always runs this class with the settings written
 * here (never with {@code --quick}'s shortened ones).
 *
 * <p>{@link #peakTwoThreads} runs the same probe on two threads at once and reports their summed
 * rate: the ceiling on how well compute-bound work can scale to two threads on this machine, in
 * this run. On a dedicated two-core machine it is twice the single-core peak; on a cloud VM
 * whose two vCPUs share one physical core's FMA units (SMT siblings on the host), or whose host
 * is busy, it can be anything from once to twice that, and it changes from minute to minute.
 * The workload report sets the 2-thread scaling of the training steps beside it.
 *
 * <p>The FLOPs done are counted in {@link Flops}, an {@link AuxCounters} state, so the JMH JSON
 * itself carries them (secondary metric {@code flop}, in time per FLOP): the report needs no
 * knowledge of the probe's loop to turn the result into GFLOP/s.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 3, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-XX:+UseParallelGC"})
public class FmaPeakBenchmark {

    /**
     * Probe iterations per call: about 0.1 ms at this machine's peak (65536 x 384 FLOPs at
     * ~286 GFLOP/s), long enough that JMH's per-call overhead is invisible, short enough that
     * the first, not yet compiled calls (where vector code runs very slowly) end quickly and an
     * iteration holds thousands of calls.
     */
    static final long ITERATIONS = 1L << 16;

    /** FLOPs counted per benchmark iteration; JMH reports them as a secondary metric. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Flops {
        /** FLOPs done by the probe since the iteration started. */
        public long flop;

        private long perCall;

        /** Computes the FLOPs of one call once per trial. */
        @Setup(Level.Trial)
        public void setUp() {
            perCall = Math.multiplyExact(ITERATIONS, PeakProbe.flopsPerIteration());
        }

        /** Counts each iteration from zero, so the metric is that iteration's FLOPs. */
        @Setup(Level.Iteration)
        public void reset() {
            flop = 0;
        }
    }

    /** One probe run of {@link #ITERATIONS}; its result is returned so it cannot be dead code. */
    @Benchmark
    public float peak(Flops counters) {
        counters.flop += counters.perCall;
        return PeakProbe.run(ITERATIONS);
    }

    /**
     * The probe on two threads at once. Throughput mode, because JMH sums a throughput result
     * over the threads (an average-time result it averages): the {@code flop} metric is then the
     * two threads' combined FLOPs per nanosecond.
     */
    @Benchmark
    @Threads(2)
    @BenchmarkMode(Mode.Throughput)
    public float peakTwoThreads(Flops counters) {
        counters.flop += counters.perCall;
        return PeakProbe.run(ITERATIONS);
    }
}
