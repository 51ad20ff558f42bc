package dev.vectornn.bench;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Control;

/**
 * How long one cache line takes to go from one thread's core to another's and back: two
 * threads hand a flag to each other, and each handoff waits for the other side's. The time per
 * call is one round trip.
 *
 * <p>Why it is in the report: a parallel section hands its parts' inputs and outputs between
 * threads, so a 2-thread step of small, memory-bound kernels pays this latency many times. On
 * a cloud VM the two vCPUs may share a die (tens of nanoseconds) or sit on different dies of
 * the host (hundreds), and the host can move them between runs: on the 2-vCPU AMD EPYC VM the
 * reports were made on, the round trip was about 70 ns in some minutes and 320 ns in others, and
 * the char-GPT 2-thread train step took about 30 ms in the first case and 44 ms in the second,
 * with the same code and the same one-thread time. {@code bench/run} runs it with the FMA probe.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 3, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-XX:+UseParallelGC"})
@State(Scope.Group)
public class CoreToCoreBenchmark {

    private final AtomicBoolean flag = new AtomicBoolean();

    /**
     * Sets the flag to true once the other thread has set it back to false. The wait only
     * reads, so the line stays shared until the write (a spinning compare-and-set would take it
     * exclusive on every try and slow the other side's write). The {@link Control} check lets a
     * side whose partner has already stopped leave its wait.
     */
    @Benchmark
    @Group("roundTrip")
    @GroupThreads(1)
    public void ping(Control control) {
        while (!control.stopMeasurement && flag.get()) {
            Thread.onSpinWait();
        }
        flag.set(true);
    }

    /** Sets the flag back to false once it is true: the other half of {@link #ping}'s round trip. */
    @Benchmark
    @Group("roundTrip")
    @GroupThreads(1)
    public void pong(Control control) {
        while (!control.stopMeasurement && !flag.get()) {
            Thread.onSpinWait();
        }
        flag.set(false);
    }
}
