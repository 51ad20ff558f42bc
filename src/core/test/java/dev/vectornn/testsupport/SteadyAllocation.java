package dev.vectornn.testsupport;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.management.ManagementFactory;
import java.util.List;

/**
 * Measures whether calls reach an allocation-free steady state once the JIT has compiled them.
 * Whether Vector API code allocates depends on C2 having inlined it, which takes an unknown
 * number of calls (more on a loaded machine), so the cases run round-robin, {@code batch} calls
 * at a time, until each has had one batch that allocated (almost) nothing, or a deadline passes.
 * They keep running after they are clean, so shared dispatch code keeps seeing every case in
 * its profile, as in real use.
 */
public final class SteadyAllocation {
    private SteadyAllocation() {}

    /** One named call to measure. */
    public record Case(String name, Runnable call) {}

    /**
     * {@code ThreadMXBean.getCurrentThreadAllocatedBytes} as a {@code ()long} handle, or null when
     * the JVM has none (the caller should then skip: {@code Assumptions.assumeTrue}).
     */
    public static MethodHandle counter() throws IllegalAccessException {
        // com.sun.management is not readable from the module at compile time; a public lookup is
        // enough at run time, and invokeExact on a ()long handle does not box the result
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

    /**
     * Runs the cases until each had a clean batch or {@code deadlineNanos} passed.
     *
     * @param counter from {@link #counter()}
     * @param batch   calls per measured batch
     * @param slack   bytes tolerated per batch (reading the counter may box once before its lambda
     *                form is compiled; any real per-call allocation exceeds 16 bytes per call)
     * @return null when every case reached its steady state, else one line per case that did not,
     *     with its bytes per call in the last batch
     */
    public static String untilSteady(MethodHandle counter, List<Case> cases, int batch, long slack, long deadlineNanos)
            throws Throwable {
        long[] last = new long[cases.size()];
        boolean[] reached = new boolean[cases.size()];
        long deadline = System.nanoTime() + deadlineNanos;
        boolean clean = false;
        while (!clean && System.nanoTime() < deadline) {
            clean = true;
            for (int c = 0; c < cases.size(); c++) {
                Runnable call = cases.get(c).call();
                long before = (long) counter.invokeExact();
                for (int i = 0; i < batch; i++) call.run();
                last[c] = (long) counter.invokeExact() - before;
                reached[c] |= last[c] < slack;
                clean &= reached[c];
            }
        }
        if (clean) return null;
        StringBuilder report = new StringBuilder();
        for (int c = 0; c < cases.size(); c++) {
            if (!reached[c]) report.append(String.format("%n  %-28s %10.1f bytes/call", cases.get(c).name(), (double) last[c] / batch));
        }
        return report.toString();
    }
}
