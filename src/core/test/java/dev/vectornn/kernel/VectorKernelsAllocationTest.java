package dev.vectornn.kernel;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vectornn.kernel.parallel.Parallel;
import dev.vectornn.testsupport.SteadyAllocation;
import dev.vectornn.testsupport.SteadyAllocation.Case;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Steady-state calls of every {@link VectorKernels} kernel allocate nothing. A vector that
 * crosses a call C2 did not inline becomes a heap object, so a kernel whose vector code did not
 * fully inline shows up here as bytes allocated per call (and usually as a large slowdown).
 *
 * <p>All cases are warmed up together, round-robin, the way a model calls them (shared dispatch
 * methods such as {@code VectorUnary.unary} then see every op in their profile, as in real
 * use). Rounds repeat until one round in which every case allocated (almost) nothing, or until
 * a deadline; the failure message lists the bytes per call of the last round. Lengths are not
 * multiples of the vector length, so every tail path runs, and row kernels run several rows.
 *
 * <p>A second run repeats this at two threads with sizes above every split threshold, counting
 * what the pool's worker threads allocate as well as the calling thread: the split calls must
 * be allocation-free on every thread.
 *
 * <p>GEMM, batched GEMM and GEMV are left to {@code gemm.GemmTest}, which checks the same for
 * them (they belong to the gemm package).
 */
class VectorKernelsAllocationTest {

    /** Calls of one case per measurement. */
    private static final int BATCH = 16;
    /**
     * Bytes tolerated per measured batch. Reading the counter is one bound {@code MethodHandle}
     * call, which may box its {@code long} result (16 bytes) until its lambda form is compiled;
     * nothing else is allowed. Any real per-call allocation (a boxed vector is at least 16 bytes
     * of header plus payload) gives at least 16 * BATCH = 256 bytes per batch.
     */
    private static final long SLACK = 64;
    /**
     * Bound on the whole warm-up. On a quiet machine C2 has everything compiled after a few
     * seconds and the test ends then; the bound only matters when other processes starve the
     * compiler threads (seen: 40 s was not enough with two other builds on 2 cores).
     */
    private static final long DEADLINE_NANOS = 150_000_000_000L;

    @Test
    void steadyStateCallsDoNotAllocate() throws Throwable {
        MethodHandle counter = SteadyAllocation.counter();
        Assumptions.assumeTrue(counter != null, "no per-thread allocation counter in this JVM");
        int saved = KernelThreads.threads();
        KernelThreads.setThreads(1);
        try {
            String report = SteadyAllocation.untilSteady(counter, cases(SMALL), BATCH, SLACK, DEADLINE_NANOS);
            assertTrue(report == null, "steady-state kernel calls allocate (" + dev.vectornn.kernel.simd.Simd.describe() + "):" + report);
        } finally {
            KernelThreads.setThreads(saved);
        }
    }

    @Test
    void steadyStateSplitCallsDoNotAllocateOnAnyThread() throws Throwable {
        MethodHandle own = SteadyAllocation.counter();
        Assumptions.assumeTrue(own != null, "no per-thread allocation counter in this JVM");
        int saved = KernelThreads.threads();
        KernelThreads.setThreads(2);
        try {
            List<Case> cases = cases(SPLIT);
            // every case must really split (and this first round starts the pool's worker)
            for (Case c : cases) {
                long before = Parallel.sectionsRun();
                c.call().run();
                assertTrue(Parallel.sectionsRun() > before, c.name() + " did not split at 2 threads; the sizes are below its threshold");
            }
            String report = SteadyAllocation.untilSteady(allThreadsCounter(own), cases, BATCH, SLACK, DEADLINE_NANOS);
            assertTrue(report == null, "steady-state split kernel calls allocate on the caller or a pool worker ("
                    + dev.vectornn.kernel.simd.Simd.describe() + "):" + report);
        } finally {
            KernelThreads.setThreads(saved);
        }
    }

    private static MethodHandle ownCounter;
    private static MethodHandle byId;
    private static long[] workerIds;

    /** A ()long counter of the bytes allocated by the calling thread plus the kernel pool's workers. */
    private static MethodHandle allThreadsCounter(MethodHandle own) throws ReflectiveOperationException {
        Object mx = ManagementFactory.getThreadMXBean();
        Class<?> type = Class.forName("com.sun.management.ThreadMXBean");
        byId = MethodHandles.publicLookup()
                .findVirtual(type, "getThreadAllocatedBytes", MethodType.methodType(long.class, long.class))
                .bindTo(mx);
        ownCounter = own;
        workerIds = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("vectornn-kernel-"))
                .mapToLong(Thread::threadId)
                .toArray();
        assertTrue(workerIds.length >= 1, "no kernel pool worker thread found");
        return MethodHandles.lookup().findStatic(VectorKernelsAllocationTest.class, "allocatedByAll",
                MethodType.methodType(long.class));
    }

    private static long allocatedByAll() throws Throwable {
        long total = (long) ownCounter.invokeExact();
        for (long id : workerIds) total += (long) byId.invokeExact(id);
        return total;
    }

    /**
     * Sizes of the cases: {@code n}, rows x cols, attention matrix side, LSTM rows x hidden; and
     * whether to include the kernels that never split (max, argmax, GEMV).
     */
    private record Sizes(int n, int rows, int cols, int attention, int lstmRows, int hidden, boolean unsplit) {}

    /** Small calls with tails everywhere (one thread). */
    private static final Sizes SMALL = new Sizes(1003, 3, 1003, 37, 3, 203, true);
    /** Calls above every split threshold, still with tails. */
    private static final Sizes SPLIT = new Sizes(5 * (int) VectorParallel.MIN_ARITHMETIC / 4 + 3, 37, 1003, 131, 19, 203, false);

    private static float[] random(SplittableRandom r, int n, double lo, double hi) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) (lo + (hi - lo) * r.nextDouble());
        return a;
    }

    private static List<Case> cases(Sizes sz) {
        Kernels k = new VectorKernels();
        SplittableRandom r = new SplittableRandom(7);
        int n = sz.n(), rows = sz.rows(), cols = sz.cols(), mn = Math.max(n + 1, rows * cols);
        float[] x = random(r, mn, -6, 6), pos = random(r, mn, 0.01, 20), b = random(r, mn, -2, 2);
        float[] y = new float[mn], dy = random(r, mn, -1, 1), dx = new float[mn], acc = new float[mn];
        float[] gamma = random(r, cols, 0.5, 1.5), beta = random(r, cols, -1, 1);
        float[] dgamma = new float[cols], dbeta = new float[cols];
        float[] mean = new float[rows], rstd = new float[rows], col = random(r, Math.max(rows, cols), 0.5, 2);
        float[] param = random(r, n, -1, 1), grad = random(r, n, -1, 1);
        float[] m1 = new float[n], v1 = new float[n], vMax = new float[n], buf = new float[n];
        k.layerNorm(rows, cols, x, 0, gamma, 0, beta, 0, 1e-5f, y, 0, mean, 0, rstd, 0);

        List<Case> cs = new ArrayList<>();
        cs.add(new Case("dot", () -> k.dot(n, x, 0, b, 0)));
        cs.add(new Case("axpy", () -> k.axpy(n, 1e-3f, x, 0, acc, 0)));
        cs.add(new Case("scale", () -> k.scale(n, 0.5f, x, 0, y, 0)));
        cs.add(new Case("fill", () -> k.fill(n, 2f, y, 0)));
        float[] colSums = new float[cols];
        cs.add(new Case("addRows", () -> k.addRows(rows, cols, 0.5f, x, 0, cols, colSums, 0)));
        int[] reversed = new int[rows];
        for (int i = 0; i < rows; i++) reversed[i] = (rows - 1 - i) * cols;
        cs.add(new Case("gatherRows", () -> k.gatherRows(rows, cols, x, 0, reversed, 1, y, 0, false)));
        cs.add(new Case("gatherRows accumulating", () -> k.gatherRows(rows, cols, x, 0, reversed, 1, acc, 0, true)));
        for (BinaryOp op : BinaryOp.values()) {
            cs.add(new Case("binary " + op, () -> k.binary(op, n, x, 1, pos, 0, y, 0)));
            cs.add(new Case("binaryRow " + op, () -> k.binaryRow(op, rows, cols, x, 0, cols, pos, 0, y, 0, cols)));
            cs.add(new Case("binaryCol " + op, () -> k.binaryCol(op, rows, cols, x, 0, cols, col, 0, y, 0, cols)));
        }
        for (UnaryOp op : UnaryOp.values()) {
            float[] in = op == UnaryOp.LOG || op == UnaryOp.SQRT ? pos : x;
            float[] out = new float[n];
            k.unary(op, n, in, 0, out, 0);
            cs.add(new Case("unary " + op, () -> k.unary(op, n, in, 0, y, 0)));
            cs.add(new Case("unaryBackward " + op, () -> k.unaryBackward(op, n, in, 0, out, 0, dy, 0, dx, 0)));
        }
        cs.add(new Case("geluWithDerivative", () -> k.geluWithDerivative(n, x, 0, y, 0, dx, 0)));
        cs.add(new Case("sum", () -> k.sum(n, x, 0)));
        if (sz.unsplit()) {
            cs.add(new Case("max", () -> k.max(n, x, 0)));
            cs.add(new Case("argmax", () -> k.argmax(n, x, 0)));
        }
        cs.add(new Case("softmax", () -> k.softmax(rows, cols, x, 0, cols, y, 0, cols)));
        cs.add(new Case("logSoftmax", () -> k.logSoftmax(rows, cols, x, 0, cols, y, 0, cols)));
        // attention softmax: one score matrix (tails in every row length), key mask with a blind causal row
        int at = sz.attention();
        float[] scores = random(r, at * at, -3, 3), attn = new float[at * at], dAttn = random(r, at * at, -1, 1);
        float[] dScores = new float[at * at], keyMask = new float[at];
        keyMask[0] = 1;
        keyMask[at - 2] = 1;
        k.attentionSoftmax(at, at, 0.125f, true, scores, 0, keyMask, 0, attn, 0);
        for (boolean causal : new boolean[] {false, true}) {
            String c = causal ? " causal" : "";
            cs.add(new Case("attentionSoftmax" + c, () -> k.attentionSoftmax(at, at, 0.125f, causal, scores, 0, null, 0, attn, 0)));
            cs.add(new Case("attentionSoftmax key mask" + c, () -> k.attentionSoftmax(at, at, 0.125f, causal, scores, 0,
                    keyMask, 0, attn, 0)));
            cs.add(new Case("attentionSoftmaxBackward" + c, () -> k.attentionSoftmaxBackward(at, at, 0.125f, causal, attn, 0,
                    dAttn, 0, null, 0, dScores, 0)));
            cs.add(new Case("attentionSoftmaxBackward key mask" + c, () -> k.attentionSoftmaxBackward(at, at, 0.125f, causal,
                    attn, 0, dAttn, 0, keyMask, 0, dScores, 0)));
        }
        // a batch of attention matrices, two heads per mask row
        int heads = 6, perMask = 2;
        float[] scoresB = random(r, heads * at * at, -3, 3), attnB = new float[heads * at * at];
        float[] dAttnB = random(r, heads * at * at, -1, 1), dScoresB = new float[heads * at * at];
        float[] maskB = new float[heads / perMask * at];
        maskB[1] = 1;
        maskB[at + 3] = 1;
        cs.add(new Case("attentionSoftmaxBatched", () -> k.attentionSoftmaxBatched(heads, at, at, 0.125f, true, scoresB, 0,
                maskB, 0, perMask, attnB, 0)));
        cs.add(new Case("attentionSoftmaxBackwardBatched", () -> k.attentionSoftmaxBackwardBatched(heads, at, at, 0.125f, true,
                attnB, 0, dAttnB, 0, maskB, 0, perMask, dScoresB, 0)));
        cs.add(new Case("softmaxBackward", () -> k.softmaxBackward(rows, cols, pos, 0, cols, dy, 0, cols, dx, 0, cols)));
        cs.add(new Case("logSoftmaxBackward", () -> k.logSoftmaxBackward(rows, cols, b, 0, cols, dy, 0, cols, dx, 0, cols)));
        cs.add(new Case("layerNorm", () -> k.layerNorm(rows, cols, x, 0, gamma, 0, beta, 0, 1e-5f, y, 0, mean, 0, rstd, 0)));
        cs.add(new Case("layerNorm plain", () -> k.layerNorm(rows, cols, x, 0, null, 0, null, 0, 1e-5f, y, 0, null, 0, null, 0)));
        cs.add(new Case("layerNormBackward", () -> k.layerNormBackward(rows, cols, dy, 0, x, 0, mean, 0, rstd, 0,
                gamma, 0, dx, 0, dgamma, 0, dbeta, 0)));
        cs.add(new Case("layerNormBackward plain", () -> k.layerNormBackward(rows, cols, dy, 0, x, 0, mean, 0, rstd, 0,
                null, 0, dx, 0, null, 0, null, 0)));
        cs.add(new Case("sgdUpdate", () -> k.sgdUpdate(n, param, 0, grad, 0, buf, 0, 1e-3f, 0.9f, 0f, 1e-4f, true, false)));
        cs.add(new Case("adamUpdate", () -> k.adamUpdate(n, param, 0, grad, 0, m1, 0, v1, 0, null, 0,
                1e-3f, 0.9f, 0.999f, 1e-8f, 1e-2f, true, 3)));
        cs.add(new Case("adamUpdate amsgrad", () -> k.adamUpdate(n, param, 0, grad, 0, m1, 0, v1, 0, vMax, 0,
                1e-3f, 0.9f, 0.999f, 1e-8f, 1e-2f, false, 3)));
        int lr = sz.lstmRows(), hs = sz.hidden(), cn = lr * hs;   // LSTM cell: hidden 203 (tails in every gate block)
        float[] gates = random(r, 4 * cn, -4, 4), cPrev = random(r, cn, -2, 2), act = new float[4 * cn];
        float[] tanhC = new float[cn], hOut = new float[cn], cOut = new float[cn], dGates = new float[4 * cn];
        float[] dcPrev = new float[cn], dhs = random(r, cn, -1, 1), dcs = random(r, cn, -1, 1);
        k.lstmCell(lr, hs, gates, 0, cPrev, 0, act, 0, tanhC, 0, hOut, 0, cOut, 0);
        cs.add(new Case("lstmCell", () -> k.lstmCell(lr, hs, gates, 0, cPrev, 0, act, 0, tanhC, 0, hOut, 0, cOut, 0)));
        cs.add(new Case("lstmCell zero state", () -> k.lstmCell(lr, hs, gates, 0, null, 0, act, 0, tanhC, 0, hOut, 0,
                cOut, 0)));
        cs.add(new Case("lstmCellBackward", () -> k.lstmCellBackward(lr, hs, act, 0, tanhC, 0, cPrev, 0, dhs, 0, dcs, 0,
                dGates, 0, dcPrev, 0)));
        cs.add(new Case("lstmCellBackward zero state", () -> k.lstmCellBackward(lr, hs, act, 0, tanhC, 0, null, 0, dhs, 0,
                dcs, 0, dGates, 0, null, 0)));
        if (!sz.unsplit()) {
            return cs;
        }
        // gemv: 3 x 1003 and its transpose (tails in both directions); gemm is GemmTest's
        float[] gy = new float[cols];
        cs.add(new Case("gemv N", () -> k.gemv(Transpose.N, rows, cols, 1f, x, 0, cols, b, 0, 0.5f, y, 0)));
        cs.add(new Case("gemv T", () -> k.gemv(Transpose.T, rows, cols, 1f, x, 0, cols, col, 0, 0f, gy, 0)));
        return cs;
    }
}
