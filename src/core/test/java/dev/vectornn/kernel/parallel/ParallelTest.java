package dev.vectornn.kernel.parallel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ParallelTest {
    /** Counts, per part, how often it ran and remembers the last thread that ran it. */
    static final class Recording implements Parallel.Task {
        final AtomicIntegerArray runs;
        final Thread[] ranOn;
        final int expectedParts;

        Recording(int parts) {
            runs = new AtomicIntegerArray(parts);
            ranOn = new Thread[parts];
            expectedParts = parts;
        }

        @Override
        public void run(int part, int parts) {
            assertEquals(expectedParts, parts, "parts seen by part " + part);
            runs.incrementAndGet(part);
            ranOn[part] = Thread.currentThread();
        }
    }

    @AfterEach
    void releaseWorkers() {
        Parallel.holdWorkers(false);
    }

    private static void section(Parallel.Task t, int parts) {
        assertTrue(Parallel.tryAcquire(), "pool free");
        try {
            Parallel.run(t, parts);
        } finally {
            Parallel.release();
        }
    }

    @Test
    void everyPartRunsExactlyOncePerSection() {
        for (int s = 0; s < 3000; s++) {
            int parts = 1 + s % 4;
            Recording r = new Recording(parts);
            section(r, parts);
            int[] counts = new int[parts];
            for (int p = 0; p < parts; p++) counts[p] = r.runs.get(p);
            int[] once = new int[parts];
            Arrays.fill(once, 1);
            assertArrayEquals(once, counts, "section " + s + " with " + parts + " parts");
        }
    }

    @Test
    void sectionCompletesOnTheCallerWhenNoWorkerRuns() {
        Recording warm = new Recording(3);
        section(warm, 3); // the workers exist before they are held
        Parallel.holdWorkers(true);
        for (int s = 0; s < 50; s++) {
            Recording r = new Recording(3);
            section(r, 3);
            for (int p = 0; p < 3; p++) {
                assertEquals(1, r.runs.get(p), "part " + p + " of section " + s);
                assertSame(Thread.currentThread(), r.ranOn[p], "part " + p + " ran on " + r.ranOn[p].getName());
            }
        }
        Parallel.holdWorkers(false);
        // Released workers take parts again. The caller's part waits for a part run elsewhere
        // (the caller could otherwise claim both before a worker is scheduled), so this section
        // can only finish if a worker picked one up.
        Thread caller = Thread.currentThread();
        java.util.concurrent.CountDownLatch workerRan = new java.util.concurrent.CountDownLatch(1);
        Parallel.Task needsAWorker = (part, parts) -> {
            if (Thread.currentThread() != caller) {
                workerRan.countDown();
                return;
            }
            try {
                assertTrue(workerRan.await(30, java.util.concurrent.TimeUnit.SECONDS), "no pool worker took a part");
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        };
        section(needsAWorker, 2);
        assertEquals(0, workerRan.getCount());
    }

    @Test
    void aPartsExceptionReachesTheCallerAndThePoolStaysUsable() {
        IllegalStateException boom = new IllegalStateException("part 1 failed");
        Parallel.Task failing = (part, parts) -> {
            if (part == 1) throw boom;
        };
        assertSame(boom, assertThrows(IllegalStateException.class, () -> section(failing, 2)));
        Recording r = new Recording(2);
        section(r, 2);
        assertEquals(1, r.runs.get(0));
        assertEquals(1, r.runs.get(1));
    }

    @Test
    void rejectsPartCountsOutsideTheClaimWord() {
        assertTrue(Parallel.tryAcquire());
        try {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Parallel.run((p, n) -> {}, 0));
            assertTrue(e.getMessage().contains("got 0"), e.getMessage());
        } finally {
            Parallel.release();
        }
    }
}
