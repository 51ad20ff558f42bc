package dev.vectornn.kernel.parallel;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The runtime-owned thread pool that runs one parallel section at a time without allocating:
 * persistent daemon workers, a reusable task object set up by the caller, a per-worker ticket
 * (a volatile int) as the wake-up signal, one atomic word from which the parts are claimed and
 * one counter as the end barrier. Every multi-threaded kernel (GEMM, and the row, element-wise
 * and optimizer kernels of {@code dev.vectornn.kernel}) runs on it.
 *
 * <p>Parts are claimed, not assigned: the caller and the woken workers take the next unclaimed
 * part until none is left, and the caller then waits only for parts that some thread has
 * started. On a machine busier than its core count (other processes, other pools) a worker may
 * not be scheduled for a whole time slice; with assigned parts every section then waited that
 * long for it (the LSTM workload's 2-thread step took 2.3 s instead of 0.145 s next to a
 * 2-thread PyTorch job on 2 cores), while here the caller runs the part itself. Which thread runs a part
 * changes nothing in the result: a part's arithmetic depends only on {@code (part, parts)}, and
 * scratch space is per thread.
 *
 * <p>Why not ForkJoinPool or an executor: each submission there allocates task and future
 * objects, and a GEMM inside an LSTM step runs thousands of times per second.
 *
 * <p>Concurrency: one parallel section runs at a time. A caller that finds the pool busy (another
 * user thread is in a section, or the caller is itself running a part of one: a kernel called
 * from inside a task) gets {@code false} from {@link #tryAcquire} and must do the work inline;
 * since no kernel's split changes any element's arithmetic, the result is the same.
 *
 * <p>Internal: this package is not exported; only kernel code uses it.
 */
public final class Parallel {
    private Parallel() {}

    /** A unit of parallel work; implementations are reusable objects holding the arguments. */
    public interface Task {
        /** Runs part {@code part} of {@code parts}; parts write disjoint outputs. */
        void run(int part, int parts);
    }

    /**
     * How long a worker waiting for the next section, and a caller waiting for its workers, spin
     * (with {@link Thread#onSpinWait}) before parking: {@code -Dvectornn.threads.spinMicros},
     * default 2000. Once one side parks and the other's spin is shorter than the wake-up
     * latency, both park at every section and each section pays two wake-ups.
     */
    private static final long SPIN_NANOS = 1000L * Math.max(0L, Long.getLong("vectornn.threads.spinMicros", 2000));

    private static final int CLOCK_EVERY = 64;

    private static final ReentrantLock LOCK = new ReentrantLock();
    // Parts of the current section not yet finished, by whichever thread ran them.
    private static final AtomicInteger PENDING = new AtomicInteger();
    // The claim word: section number (high 32 bits), part count (bits 16-31) and next unclaimed
    // part (bits 0-15). A claim is a CAS on the whole word, so a worker that wakes late cannot
    // take a part of a section that has ended, nor read the part count of the next one.
    private static final AtomicLong CLAIM = new AtomicLong();
    private static final int MAX_PARTS = 0xFFFF;
    // Test seam: while set, workers stay in their wait loop (where they spin or park anyway), so
    // a test can show that a section completes with no worker running.
    private static volatile boolean workersHeld;
    private static Worker[] workers = new Worker[0];
    private static volatile Thread waiter;
    // Written by the caller before a worker's ticket (volatile) is bumped, read by the worker after it.
    private static Task task;
    private static volatile Throwable failure;
    // Written only by the lock holder; volatile so that any thread reads a current count.
    private static volatile long sections;

    /**
     * How many parallel sections have run since the JVM started: tests use it to check that a
     * kernel call above its threshold did split and one below did not.
     */
    public static long sectionsRun() {
        return sections;
    }

    /**
     * Takes the pool for one parallel section, or returns {@code false} at once when another
     * thread holds it or when the calling thread already does (the caller then works inline). A
     * {@code true} must be followed by {@link #release()} in a {@code finally}.
     *
     * <p>The holder check matters: the lock is reentrant, and part 0 of a section runs on the
     * thread that holds it, so a kernel called from inside a task would otherwise re-enter
     * {@link #run} and overwrite the running section's task under its workers' feet.
     */
    public static boolean tryAcquire() {
        return !LOCK.isHeldByCurrentThread() && LOCK.tryLock();
    }

    /** Gives the pool back after {@link #tryAcquire()}. */
    public static void release() {
        LOCK.unlock();
    }

    /**
     * Runs {@code t.run(p, parts)} for every {@code p < parts}, each exactly once on the calling
     * thread or a pool worker, and returns when all are done; rethrows a part's exception (the
     * calling thread's own first). The caller must hold the pool.
     */
    public static void run(Task t, int parts) {
        if (parts < 1 || parts > MAX_PARTS) {
            throw new IllegalArgumentException("kernel pool: parts must be in [1, " + MAX_PARTS + "], got " + parts);
        }
        ensureWorkers(parts - 1);
        long section = sections + 1;
        sections = section;
        task = t;
        failure = null;
        waiter = Thread.currentThread();
        PENDING.set(parts);
        // Publishes task and failure to any thread whose claim succeeds.
        CLAIM.set(section << 32 | (long) parts << 16);
        for (int w = 0; w < parts - 1; w++) {
            workers[w].start();
        }
        Throwable mine = null;
        for (int p; (p = claim()) >= 0; ) {
            try {
                t.run(p, parts);
            } catch (Throwable e) {
                if (mine == null) mine = e;
            }
            PENDING.decrementAndGet();
        }
        long deadline = 0;
        for (int spins = 1; PENDING.get() != 0; spins++) {
            deadline = waitStep(spins, deadline, Parallel.class);
        }
        task = null;
        Throwable f = mine != null ? mine : failure;
        if (f instanceof RuntimeException re) throw re;
        if (f instanceof Error er) throw er;
        if (f != null) throw new IllegalStateException("kernel pool worker failed", f);
    }

    /**
     * One turn of a wait loop whose condition the caller tests: spins, reading the clock every
     * {@value #CLOCK_EVERY} turns; the first reading sets the spin deadline ({@code SPIN_NANOS}
     * on), and once it has passed each clock turn parks until unparked. Returns the deadline to
     * pass to the next turn (0 before the first reading).
     */
    private static long waitStep(int spins, long deadline, Object blocker) {
        if ((spins & (CLOCK_EVERY - 1)) != 0) {
            Thread.onSpinWait();
            return deadline;
        }
        long now = System.nanoTime();
        if (deadline == 0) {
            return now + SPIN_NANOS;
        }
        if (now - deadline >= 0) {
            LockSupport.park(blocker);
        }
        return deadline;
    }

    /** Takes the current section's next unclaimed part, or returns -1 when none is left. */
    private static int claim() {
        while (true) {
            long c = CLAIM.get();
            int next = (int) (c & MAX_PARTS);
            if (next >= (int) ((c >>> 16) & MAX_PARTS)) {
                return -1;
            }
            if (CLAIM.compareAndSet(c, c + 1)) {
                return next;
            }
        }
    }

    /**
     * Test seam: while {@code held}, pool workers do not pick up parts, as when the OS does not
     * schedule them; sections still complete, on the calling thread alone.
     */
    static void holdWorkers(boolean held) {
        workersHeld = held;
    }

    private static void ensureWorkers(int n) {
        if (workers.length >= n) {
            return;
        }
        Worker[] grown = java.util.Arrays.copyOf(workers, n);
        for (int i = workers.length; i < n; i++) {
            grown[i] = new Worker(i + 1);
            grown[i].thread.start();
        }
        workers = grown;
    }

    private static final class Worker implements Runnable {
        final Thread thread;
        volatile int ticket;

        Worker(int number) {
            this.thread = new Thread(this, "vectornn-kernel-" + number);
            thread.setDaemon(true);
        }

        void start() {
            ticket++;  // only the lock holder writes tickets
            LockSupport.unpark(thread);
        }

        @Override
        public void run() {
            int seen = 0;
            while (true) {
                long deadline = 0;
                for (int spins = 1; ticket == seen || workersHeld; spins++) {
                    deadline = waitStep(spins, deadline, this);
                }
                seen = ticket;
                // workersHeld again here: a worker descheduled between its wait loop and its
                // first claim would otherwise take a part of a section started after the hold
                // (seen once on a loaded machine, where the test seam then failed)
                for (int p; !workersHeld && (p = claim()) >= 0; ) {
                    // The claim succeeded, so the section is still running and these fields
                    // are its own until this part is counted done.
                    Task t = task;
                    int parts = (int) ((CLAIM.get() >>> 16) & MAX_PARTS);
                    try {
                        t.run(p, parts);
                    } catch (Throwable e) {
                        failure = e;
                    }
                    if (PENDING.decrementAndGet() == 0) {
                        LockSupport.unpark(waiter);
                    }
                }
            }
        }
    }
}
