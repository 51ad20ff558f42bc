package dev.vectornn.lm;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vectornn.kernel.KernelThreads;
import dev.vectornn.testsupport.SteadyAllocation;
import dev.vectornn.testsupport.SteadyAllocation.Case;
import java.lang.invoke.MethodHandle;
import java.util.List;
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
        MethodHandle counter = SteadyAllocation.counter();
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
            List<Case> cases = List.of(new Case("gpt step", trainers[0]::step), new Case("lstm step", trainers[1]::step));
            String report = SteadyAllocation.untilSteady(counter, cases, BATCH, SLACK, DEADLINE_NANOS);
            assertTrue(report == null, "steady training steps allocate:" + report);
        } finally {
            KernelThreads.setThreads(saved);
        }
    }
}
