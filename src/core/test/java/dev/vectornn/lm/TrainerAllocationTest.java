package dev.vectornn.lm;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vectornn.kernel.KernelThreads;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * A steady training step (batch, forward, backward, clipping, update, schedule, state carry)
 * allocates nothing, for both model families, with dropout on. Runs in a JVM of its own (the
 * {@code allocation} surefire execution), because whether C2 has compiled the vector kernels
 * allocation-free depends on the JIT's history, which other tests would make arbitrary.
 */
class TrainerAllocationTest {
    /** Steps per measurement. */
    private static final int BATCH = 10;
    /** Reading the counter through a MethodHandle may box once before its lambda form is compiled. */
    private static final long SLACK = 64;
    /** Bound on the warm-up; on a quiet machine the steady state comes within seconds. */
    private static final long DEADLINE_NANOS = 150_000_000_000L;

    @Test
    void steadyStepsDoNotAllocate() throws Throwable {
        MethodHandle counter = allocationCounter();
        Assumptions.assumeTrue(counter != null, "no per-thread allocation counter in this JVM");
        int saved = KernelThreads.threads();
        KernelThreads.setThreads(1);
        try {
            LmDataset d = TrainerTest.charData();
            int v = d.tokenizer().vocabulary().size();
            Trainer[] trainers = {
                Trainer.create(TrainerTest.tinyGpt(v), TrainerTest.gptTrain(1_000_000), d),
                Trainer.create(TrainerTest.tinyLstm(v, false), TrainerTest.lstmTrain(1_000_000), d),
            };
            String[] names = {"gpt", "lstm"};
            long[] last = new long[trainers.length];
            boolean[] reached = new boolean[trainers.length];
            boolean clean = false;
            long deadline = System.nanoTime() + DEADLINE_NANOS;
            while (!clean && System.nanoTime() < deadline) {
                clean = true;
                for (int t = 0; t < trainers.length; t++) {
                    long before = (long) counter.invokeExact();
                    for (int i = 0; i < BATCH; i++) trainers[t].step();
                    last[t] = (long) counter.invokeExact() - before;
                    reached[t] |= last[t] < SLACK;
                    clean &= reached[t];
                }
            }
            StringBuilder report = new StringBuilder();
            for (int t = 0; t < trainers.length; t++) {
                if (!reached[t]) report.append(String.format("%n  %s: %.1f bytes/step", names[t], (double) last[t] / BATCH));
            }
            assertTrue(clean, "steady training steps allocate:" + report);
        } finally {
            KernelThreads.setThreads(saved);
        }
    }

    private static MethodHandle allocationCounter() throws IllegalAccessException {
        Object mx = ManagementFactory.getThreadMXBean();
        try {
            Class<?> type = Class.forName("com.sun.management.ThreadMXBean");
            return MethodHandles.publicLookup()
                    .findVirtual(type, "getCurrentThreadAllocatedBytes", MethodType.methodType(long.class))
                    .bindTo(mx);
        } catch (ClassNotFoundException | NoSuchMethodException e) {
            return null;
        }
    }
}
