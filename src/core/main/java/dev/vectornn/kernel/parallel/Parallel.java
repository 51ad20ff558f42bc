package dev.vectornn.kernel.parallel;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The runtime-owned thread pool that runs one parallel section at a time without allocating:
 * persistent daemon workers, a reusable task object set up by the caller, a per-worker ticket
 * (a volatile int) as the start signal and one counter as the end barrier. The calling thread
 * runs part 0 itself, so {@code parts} threads work in total. Every multi-threaded kernel (GEMM,
 * and the row, element-wise and optimizer kernels of {@code dev.vectornn.kernel}) runs on it.
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
    private static final AtomicInteger PENDING = new AtomicInteger();
    private static Worker[] workers = new Worker[0];
    private static volatile Thread waiter;
    // Written by the caller before a worker's ticket (volatile) is bumped, read by the worker after it.
    private static Task task;
    private static int taskParts;
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
     * Runs {@code t.run(p, parts)} for every {@code p < parts}, part 0 on the calling thread, and
     * returns when all are done; rethrows a part's exception. The caller must hold the pool.
     */
    public static void run(Task t, int parts) {
        {
            ensureWorkers(parts - 1);
            sections = sections + 1;
            task = t;
            taskParts = parts;
            failure = null;
            waiter = Thread.currentThread();
            PENDING.set(parts - 1);
            for (int w = 0; w < parts - 1; w++) {
                workers[w].start();
            }
            Throwable mine = null;
            try {
                t.run(0, parts);
            } catch (Throwable e) {
                mine = e;
            }
            long deadline = 0;
            for (int spins = 1; PENDING.get() != 0; spins++) {
                if ((spins & (CLOCK_EVERY - 1)) != 0) {
                    Thread.onSpinWait();
                    continue;
                }
                long now = System.nanoTime();
                if (deadline == 0) {
                    deadline = now + SPIN_NANOS;
                } else if (now - deadline >= 0) {
                    LockSupport.park(Parallel.class);
                }
            }
            task = null;
            Throwable f = mine != null ? mine : failure;
            if (f instanceof RuntimeException re) throw re;
            if (f instanceof Error er) throw er;
            if (f != null) throw new IllegalStateException("kernel pool worker failed", f);
        }
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
        final int part;
        final Thread thread;
        volatile int ticket;

        Worker(int part) {
            this.part = part;
            this.thread = new Thread(this, "vectornn-kernel-" + part);
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
                for (int spins = 1; ticket == seen; spins++) {
                    if ((spins & (CLOCK_EVERY - 1)) != 0) {
                        Thread.onSpinWait();
                        continue;
                    }
                    long now = System.nanoTime();
                    if (deadline == 0) {
                        deadline = now + SPIN_NANOS;
                    } else if (now - deadline >= 0) {
                        LockSupport.park(this);
                    }
                }
                seen = ticket;
                try {
                    task.run(part, taskParts);
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
