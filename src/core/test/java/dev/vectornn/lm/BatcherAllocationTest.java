package dev.vectornn.lm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.reflect.Method;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Filling a batch is on the training hot path: it must not allocate. */
class BatcherAllocationTest {
    private static final int[] STREAM = IntStream.range(0, 10_000).map(i -> i % 97).toArray();

    /** Bytes the current thread allocates while running {@code body} 200 times, least of 5 rounds. */
    private static long allocatedBy(Runnable body) throws ReflectiveOperationException {
        // com.sun.management is not readable from this module at compile time; reflection is.
        Object mx = java.lang.management.ManagementFactory.getThreadMXBean();
        Method counter;
        try {
            counter = Class.forName("com.sun.management.ThreadMXBean").getMethod("getCurrentThreadAllocatedBytes");
        } catch (ClassNotFoundException e) {
            counter = null;
        }
        assumeTrue(counter != null, "no per-thread allocation counter in this JVM");
        long overhead = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            long before = (Long) counter.invoke(mx);
            overhead = Math.min(overhead, (Long) counter.invoke(mx) - before);
        }
        long least = Long.MAX_VALUE;
        for (int round = 0; round < 5 && least > 0; round++) {
            long before = (Long) counter.invoke(mx);
            for (int i = 0; i < 200; i++) body.run();
            least = Math.min(least, (Long) counter.invoke(mx) - before - overhead);
        }
        return least;
    }

    private static volatile int[] sink;

    @Test
    void theCounterSeesAPlantedAllocation() throws ReflectiveOperationException {
        assertTrue(allocatedBy(() -> sink = new int[16]) >= 200 * 64, "the harness must catch an allocation");
    }

    @Test
    void randomWindowBatchesDoNotAllocate() throws ReflectiveOperationException {
        RandomWindowBatcher b = new RandomWindowBatcher(STREAM, 12, 64, 1);
        int[] x = new int[12 * 64];
        int[] y = new int[12 * 64];
        assertEquals(0, allocatedBy(() -> b.next(x, y)));
    }

    @Test
    void bpttWindowsDoNotAllocate() throws ReflectiveOperationException {
        BpttBatcher b = new BpttBatcher(STREAM, 20, 35);
        int[] x = new int[20 * 35];
        int[] y = new int[20 * 35];
        assertEquals(0, allocatedBy(() -> {
            if (!b.hasNext()) b.reset();
            b.next(x, y);
        }));
    }
}
