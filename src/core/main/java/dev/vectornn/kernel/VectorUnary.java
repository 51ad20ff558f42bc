package dev.vectornn.kernel;

import static dev.vectornn.kernel.VectorKernels.F;
import static dev.vectornn.kernel.VectorKernels.L;

import dev.vectornn.kernel.simd.VectorMath;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * Element-wise functions and their derivatives for {@link VectorKernels}. NEG, SQUARE, SQRT,
 * RELU and the arithmetic derivatives are bit-exact with the scalar oracle (same operations in
 * the same order; vector sqrt is correctly rounded like {@code (float) Math.sqrt}). EXP, LOG,
 * TANH, SIGMOID and both GELUs use {@link VectorMath} with the error bounds documented there;
 * their tail runs through the same vector code (via a scratch vector), so every element gets
 * the same bound, and the staged functions give exactly the composed functions' bits.
 *
 * <p>Each op has its own loop (the switch is outside), because a switch inside the loop would
 * keep C2 from keeping the loop body in vector registers.
 *
 * <p>Large calls are split into element ranges over the kernel threads ({@link VectorParallel}):
 * every element goes through the same code as in a serial call, so the bits do not depend on
 * the thread count.
 */
final class VectorUnary {
    private VectorUnary() {}

    /** {@code y = op(x)} over {@code n} elements, split over the kernel threads when large. */
    static void unary(UnaryOp op, int n, float[] x, int xOff, float[] y, int yOff) {
        int parts = VectorParallel.elementParts(n, heavy(op, false) ? VectorParallel.MIN_HEAVY : VectorParallel.MIN_ARITHMETIC);
        if (VectorParallel.begin(parts)) {
            Task t = Task.INSTANCE;
            try {
                t.set(false, op, x, xOff, null, 0, null, 0, y, yOff);
                t.runSplit(n, VectorParallel.GRAIN, parts);
            } finally {
                VectorParallel.end(t);
            }
            return;
        }
        unaryRange(op, n, x, xOff, y, yOff);
    }

    /** {@code dx = op'(x) dy} over {@code n} elements, split over the kernel threads when large. */
    static void backward(UnaryOp op, int n, float[] x, int xOff, float[] y, int yOff,
                         float[] dy, int dyOff, float[] dx, int dxOff) {
        int parts = VectorParallel.elementParts(n, heavy(op, true) ? VectorParallel.MIN_HEAVY : VectorParallel.MIN_ARITHMETIC);
        if (VectorParallel.begin(parts)) {
            Task t = Task.INSTANCE;
            try {
                t.set(true, op, x, xOff, y, yOff, dy, dyOff, dx, dxOff);
                t.runSplit(n, VectorParallel.GRAIN, parts);
            } finally {
                VectorParallel.end(t);
            }
            return;
        }
        backwardRange(op, n, x, xOff, y, yOff, dy, dyOff, dx, dxOff);
    }

    /** {@code y = gelu(x)}, {@code d = gelu'(x)} over {@code n} elements, split over the kernel threads when large. */
    static void geluWithDerivative(int n, float[] x, int xOff, float[] y, int yOff, float[] d, int dOff) {
        int parts = VectorParallel.elementParts(n, VectorParallel.MIN_HEAVY);
        if (VectorParallel.begin(parts)) {
            Task t = Task.INSTANCE;
            try {
                t.setWithDerivative(x, xOff, y, yOff, d, dOff);
                t.runSplit(n, VectorParallel.GRAIN, parts);
            } finally {
                VectorParallel.end(t);
            }
            return;
        }
        geluWithDerivativeRange(n, x, xOff, y, yOff, d, dOff);
    }

    /** Whether the op (or its derivative) costs several operations per element: a lower split threshold. */
    private static boolean heavy(UnaryOp op, boolean backward) {
        return switch (op) {
            case NEG, SQUARE, SQRT, RELU -> false;
            case EXP, LOG, TANH, SIGMOID -> !backward; // their derivatives are one or two multiplies
            case GELU, GELU_TANH -> true;
        };
    }

    /** The arguments of one split unary kernel or its derivative (guarded by the pool's lock). */
    private static final class Task extends VectorParallel.RangeTask {
        static final Task INSTANCE = new Task();
        private boolean backward, withDerivative;
        private UnaryOp op;
        private float[] x, y, dy, out;
        private int xOff, yOff, dyOff, outOff;

        void set(boolean backward, UnaryOp op, float[] x, int xOff, float[] y, int yOff, float[] dy, int dyOff,
                 float[] out, int outOff) {
            this.backward = backward; this.op = op; this.x = x; this.xOff = xOff; this.y = y; this.yOff = yOff;
            this.dy = dy; this.dyOff = dyOff; this.out = out; this.outOff = outOff;
            this.withDerivative = false;
        }

        /** GELU with its derivative: {@code y} the output, {@code out} the derivative. */
        void setWithDerivative(float[] x, int xOff, float[] y, int yOff, float[] d, int dOff) {
            set(false, UnaryOp.GELU, x, xOff, y, yOff, null, 0, d, dOff);
            this.withDerivative = true;
        }

        @Override
        void range(int from, int to) {
            if (withDerivative) {
                geluWithDerivativeRange(to - from, x, xOff + from, y, yOff + from, out, outOff + from);
            } else if (backward) {
                backwardRange(op, to - from, x, xOff + from, y, yOff + from, dy, dyOff + from, out, outOff + from);
            } else {
                unaryRange(op, to - from, x, xOff + from, out, outOff + from);
            }
        }

        @Override
        void clear() {
            x = null; y = null; dy = null; out = null;
        }
    }

    /** {@code y = op(x)} over {@code n} elements on the calling thread. */
    static void unaryRange(UnaryOp op, int n, float[] x, int xOff, float[] y, int yOff) {
        int bound = F.loopBound(n);
        int i = 0;
        switch (op) {
            case NEG -> {
                for (; i < bound; i += L) FloatVector.fromArray(F, x, xOff + i).neg().intoArray(y, yOff + i);
                for (; i < n; i++) y[yOff + i] = -x[xOff + i];
            }
            case SQUARE -> {
                for (; i < bound; i += L) {
                    FloatVector v = FloatVector.fromArray(F, x, xOff + i);
                    v.mul(v).intoArray(y, yOff + i);
                }
                for (; i < n; i++) y[yOff + i] = x[xOff + i] * x[xOff + i];
            }
            case SQRT -> {
                for (; i < bound; i += L) FloatVector.fromArray(F, x, xOff + i).sqrt().intoArray(y, yOff + i);
                for (; i < n; i++) y[yOff + i] = (float) Math.sqrt(x[xOff + i]);
            }
            case RELU -> {
                for (; i < bound; i += L) {
                    FloatVector v = FloatVector.fromArray(F, x, xOff + i);
                    // x > 0 ? x : (NaN ? x : +0): zero the lanes that are neither positive nor NaN
                    VectorMask<Float> keep = v.compare(VectorOperators.GT, 0f).or(v.test(VectorOperators.IS_NAN));
                    FloatVector.zero(F).blend(v, keep).intoArray(y, yOff + i);
                }
                for (; i < n; i++) {
                    float v = x[xOff + i];
                    y[yOff + i] = v > 0f ? v : (v != v ? v : 0f);
                }
            }
            case EXP, LOG, TANH, SIGMOID, GELU, GELU_TANH -> transcendental(op, n, x, xOff, y, yOff);
        }
    }

    /** {@code dx = op'(x) dy} over {@code n} elements on the calling thread. */
    static void backwardRange(UnaryOp op, int n, float[] x, int xOff, float[] y, int yOff,
                              float[] dy, int dyOff, float[] dx, int dxOff) {
        int bound = F.loopBound(n);
        int i = 0;
        switch (op) {
            case NEG -> {
                for (; i < bound; i += L) FloatVector.fromArray(F, dy, dyOff + i).neg().intoArray(dx, dxOff + i);
                for (; i < n; i++) dx[dxOff + i] = -dy[dyOff + i];
            }
            case SQUARE -> {
                for (; i < bound; i += L) {
                    FloatVector.fromArray(F, x, xOff + i).mul(2f).mul(FloatVector.fromArray(F, dy, dyOff + i))
                            .intoArray(dx, dxOff + i);
                }
                for (; i < n; i++) dx[dxOff + i] = 2f * x[xOff + i] * dy[dyOff + i];
            }
            case SQRT -> {
                for (; i < bound; i += L) {
                    FloatVector.fromArray(F, dy, dyOff + i).mul(0.5f).div(FloatVector.fromArray(F, y, yOff + i))
                            .intoArray(dx, dxOff + i);
                }
                for (; i < n; i++) dx[dxOff + i] = dy[dyOff + i] * 0.5f / y[yOff + i];
            }
            case EXP -> {
                for (; i < bound; i += L) {
                    FloatVector.fromArray(F, dy, dyOff + i).mul(FloatVector.fromArray(F, y, yOff + i))
                            .intoArray(dx, dxOff + i);
                }
                for (; i < n; i++) dx[dxOff + i] = dy[dyOff + i] * y[yOff + i];
            }
            case LOG -> {
                for (; i < bound; i += L) {
                    FloatVector.fromArray(F, dy, dyOff + i).div(FloatVector.fromArray(F, x, xOff + i))
                            .intoArray(dx, dxOff + i);
                }
                for (; i < n; i++) dx[dxOff + i] = dy[dyOff + i] / x[xOff + i];
            }
            case TANH -> {
                for (; i < bound; i += L) {
                    FloatVector yv = FloatVector.fromArray(F, y, yOff + i);
                    FloatVector.fromArray(F, dy, dyOff + i).mul(FloatVector.broadcast(F, 1f).sub(yv.mul(yv)))
                            .intoArray(dx, dxOff + i);
                }
                for (; i < n; i++) dx[dxOff + i] = dy[dyOff + i] * (1f - y[yOff + i] * y[yOff + i]);
            }
            case SIGMOID -> {
                for (; i < bound; i += L) {
                    FloatVector yv = FloatVector.fromArray(F, y, yOff + i);
                    FloatVector.fromArray(F, dy, dyOff + i).mul(yv).mul(FloatVector.broadcast(F, 1f).sub(yv))
                            .intoArray(dx, dxOff + i);
                }
                for (; i < n; i++) dx[dxOff + i] = dy[dyOff + i] * y[yOff + i] * (1f - y[yOff + i]);
            }
            case RELU -> {
                for (; i < bound; i += L) {
                    FloatVector xv = FloatVector.fromArray(F, x, xOff + i);
                    FloatVector.zero(F).blend(FloatVector.fromArray(F, dy, dyOff + i), xv.compare(VectorOperators.GT, 0f))
                            .intoArray(dx, dxOff + i);
                }
                for (; i < n; i++) dx[dxOff + i] = x[xOff + i] > 0f ? dy[dyOff + i] : 0f;
            }
            case GELU, GELU_TANH -> transcendentalBackward(op, n, x, xOff, dy, dyOff, dx, dxOff);
        }
    }

    // ---------------------------------------------------------------- transcendentals
    //
    // No FloatVector crosses a call that C2 might leave un-inlined: a vector passed to or returned
    // from such a call is boxed (a heap object per vector, and several times slower).
    // - Each loop ("stage") below runs one VectorMath function over full vectors and takes arrays,
    //   offsets and counts only. Its body is small enough for C2 to inline completely.
    // - The tail (fewer than L elements) is copied into a per-thread scratch vector, padded with
    //   a harmless value, run through the same stage, and copied back (the same operations as the
    //   main loop, so every element gets the same error bound).
    // - Functions too big for one loop body (tanh, sigmoid, GELU, its derivative, both tanh-GELU
    //   forms, log) run in several stages over chunks of CHUNK_U elements, the intermediates in
    //   per-thread scratch chunks (L1-resident). "Too big" is measured, not guessed: with
    //   -XX:+LogCompilation, the node count at the last call to a VectorMath helper in each
    //   stage's C2 compile must stay well under NodeCountInliningCutoff (18000 in JDK 25; the
    //   Vector API's own force-inlined methods are exempt from it). One-loop tanh reached 18200
    //   to 18360 there, so in some runs (depending on profiles) its second pow2 was not inlined
    //   and every vector was boxed: the LSTM workload then allocated 12.5 MB per step. Every stage
    //   now stays at or below about 14300.
    // - Stages are called through MethodHandles loaded from an array: C2 cannot see such a target,
    //   so it never inlines a stage into its caller. Left to itself, C2 inlines whole stages into
    //   the dispatching method (the stages are small in bytecode) until that compilation exceeds
    //   its node budget (NodeCountInliningCutoff); the VectorMath helpers parsed after that point
    //   become real calls and box every vector (measured: 18 KB per 1000-element GELU call).
    //   The indirect call costs a few nanoseconds per chunk.

    /** Elements per staged chunk: a multiple of every vector length, small enough for L1. */
    static final int CHUNK_U = 256;

    /** Per-thread scratch of the transcendental and row kernels; fetched once per kernel call. */
    static final class Scratch {
        final float[] a = new float[CHUNK_U], b = new float[CHUNK_U];
        final float[] tx = new float[L], tdy = new float[L], ty = new float[L];
        /** Two row statistics returned by VectorRows' layer-norm helper without allocating. */
        final double[] stats = new double[2];
        /** Per-row maxima and exp sums of a band of up to L rows (VectorAttention). */
        final float[] bandMax = new float[L], bandSum = new float[L];
        /** Vectors of partial sums handed out of VectorRows' exp loops: one, or one per band row. */
        final float[] lanes = new float[L], bandLanes = new float[L * L];
        /** Cross-entropy's VJP builds each chunk of a row here (VectorKernels). */
        final float[] ce = new float[CHUNK_U];
        /** One row's log-softmax statistics (VectorRows.logSoftmax). */
        final float[] rowStats = new float[3];
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    /** The calling thread's scratch (allocated on its first use only). */
    static Scratch scratch() {
        return SCRATCH.get();
    }

    // Stage ids, indexes into STAGES. Every stage has the signature of exp below:
    // (len, x, xo, dy, dyo, a, b, y, yo); len is a multiple of L; a and b are chunk scratch
    // indexed from 0; unused arguments are ignored.
    private static final int EXP = 0, TANH = 1, SIGMOID = 2, LOG_REDUCE = 3, LOG_FINISH = 4,
            GELU_DERIVATIVE = 5, GELU_HALF_SQUARE = 6, GELU_GAUSS_FIX = 7, GELU_FINISH = 8,
            GELU_HALF_ERFCX = 9, GELU_GRAD_FINISH = 10, GELU_TANH_ARG2 = 11, LOG_POLYNOMIAL = 12,
            GELU_TANH_FINISH = 13, GELU_TANH_GRAD_ARG2 = 14, EXP_NEG_ABS = 15, GELU_TANH_GRAD_FINISH = 16,
            TANH_EXP = 17, EXP_NEG_B = 18, GELU_GAUSSIAN = 19;
    private static final String[] STAGE_NAMES = {"exp", "tanh", "sigmoid", "logReduce", "logFinish",
            "geluDerivative", "geluHalfSquare", "geluGaussianFix", "geluFinish",
            "geluHalfErfcx", "geluGradFinish", "geluTanhArg2", "logPolynomial",
            "geluTanhFinish", "geluTanhGradArg2", "expNegAbs", "geluTanhGradFinish",
            "tanhExp", "expNegB", "geluGaussian"};
    private static final MethodHandle[] STAGES = stages();

    private static MethodHandle[] stages() {
        MethodType type = MethodType.methodType(void.class, int.class, float[].class, int.class,
                float[].class, int.class, float[].class, float[].class, float[].class, int.class);
        MethodHandles.Lookup lookup = MethodHandles.lookup();
        MethodHandle[] h = new MethodHandle[STAGE_NAMES.length];
        try {
            for (int i = 0; i < h.length; i++) h[i] = lookup.findStatic(VectorUnary.class, STAGE_NAMES[i], type);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
        return h;
    }

    /** Runs stage {@code id}; never inlined by C2 (see above). */
    private static void stage(int id, int len, float[] x, int xo, float[] dy, int dyo, float[] a, float[] b,
                              float[] y, int yo) {
        try {
            STAGES[id].invokeExact(len, x, xo, dy, dyo, a, b, y, yo);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new AssertionError(e);   // the stages throw no checked exceptions
        }
    }

    private static void transcendental(UnaryOp op, int n, float[] x, int xOff, float[] y, int yOff) {
        Scratch s = scratch();
        int full = F.loopBound(n);
        apply(op, full, x, xOff, y, yOff, s);
        if (full < n) {
            int t = n - full;
            System.arraycopy(x, xOff + full, s.tx, 0, t);
            // 1 is in every function's domain (log's too), so the padding lanes stay quiet
            Arrays.fill(s.tx, t, L, 1f);
            apply(op, L, s.tx, 0, s.ty, 0, s);
            System.arraycopy(s.ty, 0, y, yOff + full, t);
        }
    }

    /** {@code y = op(x)} for {@code len} (a multiple of L) elements; {@code y} may be {@code x}. */
    private static void apply(UnaryOp op, int len, float[] x, int xo, float[] y, int yo, Scratch s) {
        switch (op) {
            case EXP -> stage(EXP, len, x, xo, null, 0, null, null, y, yo);
            case TANH -> {
                for (int c = 0; c < len; c += CHUNK_U) {
                    int m = Math.min(CHUNK_U, len - c);
                    stage(TANH_EXP, m, x, xo + c, null, 0, null, s.b, null, 0);
                    stage(TANH, m, x, xo + c, null, 0, null, s.b, y, yo + c);
                }
            }
            case SIGMOID -> {
                for (int c = 0; c < len; c += CHUNK_U) {
                    int m = Math.min(CHUNK_U, len - c);
                    stage(EXP_NEG_ABS, m, x, xo + c, null, 0, null, s.b, null, 0);
                    stage(SIGMOID, m, x, xo + c, null, 0, null, s.b, y, yo + c);
                }
            }
            case LOG -> {
                for (int c = 0; c < len; c += CHUNK_U) {
                    int m = Math.min(CHUNK_U, len - c);
                    stage(LOG_REDUCE, m, x, xo + c, null, 0, s.a, s.b, null, 0);
                    stage(LOG_POLYNOMIAL, m, null, 0, null, 0, s.a, s.b, null, 0);
                    stage(LOG_FINISH, m, x, xo + c, null, 0, s.a, null, y, yo + c);
                }
            }
            case GELU -> {
                for (int c = 0; c < len; c += CHUNK_U) {
                    int m = Math.min(CHUNK_U, len - c);
                    geluHalfErfcxAndGaussian(m, x, xo + c, s);
                    stage(GELU_FINISH, m, x, xo + c, null, 0, s.a, s.b, y, yo + c);
                }
            }
            case GELU_TANH -> {
                for (int c = 0; c < len; c += CHUNK_U) {
                    int m = Math.min(CHUNK_U, len - c);
                    stage(GELU_TANH_ARG2, m, x, xo + c, null, 0, s.a, null, null, 0);
                    // a = sigmoid(a), in place
                    stage(EXP_NEG_ABS, m, s.a, 0, null, 0, null, s.b, null, 0);
                    stage(SIGMOID, m, s.a, 0, null, 0, null, s.b, s.a, 0);
                    stage(GELU_TANH_FINISH, m, x, xo + c, null, 0, s.a, null, y, yo + c);
                }
            }
            default -> throw new AssertionError(op);
        }
    }

    /** {@code y = gelu(x)}, {@code d = gelu'(x)} over {@code n} elements on the calling thread. */
    static void geluWithDerivativeRange(int n, float[] x, int xOff, float[] y, int yOff, float[] d, int dOff) {
        Scratch s = scratch();
        int full = F.loopBound(n);
        geluWithDerivativeChunks(full, x, xOff, y, yOff, d, dOff, s);
        if (full < n) {
            int t = n - full;
            System.arraycopy(x, xOff + full, s.tx, 0, t);
            Arrays.fill(s.tx, t, L, 1f);
            geluWithDerivativeChunks(L, s.tx, 0, s.ty, 0, s.tdy, 0, s);
            System.arraycopy(s.ty, 0, y, yOff + full, t);
            System.arraycopy(s.tdy, 0, d, dOff + full, t);
        }
    }

    /**
     * GELU's forward and backward stages over {@code len} (a multiple of L) elements, their
     * common part once, then the derivative (written before y, which may overwrite x) and GELU.
     */
    private static void geluWithDerivativeChunks(int len, float[] x, int xo, float[] y, int yo, float[] d, int dOff,
                                                 Scratch s) {
        for (int c = 0; c < len; c += CHUNK_U) {
            int m = Math.min(CHUNK_U, len - c);
            geluHalfErfcxAndGaussian(m, x, xo + c, s);
            stage(GELU_DERIVATIVE, m, x, xo + c, null, 0, s.a, s.b, d, dOff + c);
            stage(GELU_FINISH, m, x, xo + c, null, 0, s.a, s.b, y, yo + c);
        }
    }

    /**
     * The part GELU and its derivative share, over one chunk of {@code m} elements (a multiple
     * of L): {@code s.a = erfcx(|xc|/sqrt 2)/2} and {@code s.b = e^{-xc^2/2}}, the inputs of
     * {@link VectorMath#geluFinish} and {@link VectorMath#geluGradFinish}.
     */
    private static void geluHalfErfcxAndGaussian(int m, float[] x, int xo, Scratch s) {
        stage(GELU_HALF_ERFCX, m, x, xo, null, 0, s.a, null, null, 0);
        if (VectorMath.FAST_FMA) {
            stage(GELU_GAUSSIAN, m, x, xo, null, 0, null, s.b, null, 0);
        } else {
            stage(GELU_HALF_SQUARE, m, x, xo, null, 0, null, s.b, null, 0);
            stage(EXP_NEG_B, m, null, 0, null, 0, null, s.b, null, 0);
            stage(GELU_GAUSS_FIX, m, x, xo, null, 0, null, s.b, null, 0);
        }
    }

    private static void transcendentalBackward(UnaryOp op, int n, float[] x, int xOff, float[] dy, int dyOff,
                                               float[] dx, int dxOff) {
        Scratch s = scratch();
        int full = F.loopBound(n);
        applyBackward(op, full, x, xOff, dy, dyOff, dx, dxOff, s);
        if (full < n) {
            int t = n - full;
            System.arraycopy(x, xOff + full, s.tx, 0, t);
            System.arraycopy(dy, dyOff + full, s.tdy, 0, t);
            Arrays.fill(s.tx, t, L, 0f);
            Arrays.fill(s.tdy, t, L, 0f);
            applyBackward(op, L, s.tx, 0, s.tdy, 0, s.ty, 0, s);
            System.arraycopy(s.ty, 0, dx, dxOff + full, t);
        }
    }

    /** {@code dx = op'(x) dy} for {@code len} (a multiple of L) elements; dx may be x or dy. */
    private static void applyBackward(UnaryOp op, int len, float[] x, int xo, float[] dy, int dyo,
                                      float[] dx, int dxo, Scratch s) {
        switch (op) {
            case GELU -> {
                for (int c = 0; c < len; c += CHUNK_U) {
                    int m = Math.min(CHUNK_U, len - c);
                    geluHalfErfcxAndGaussian(m, x, xo + c, s);
                    stage(GELU_GRAD_FINISH, m, x, xo + c, dy, dyo + c, s.a, s.b, dx, dxo + c);
                }
            }
            case GELU_TANH -> {
                for (int c = 0; c < len; c += CHUNK_U) {
                    int m = Math.min(CHUNK_U, len - c);
                    stage(GELU_TANH_GRAD_ARG2, m, x, xo + c, null, 0, s.a, null, null, 0);
                    stage(EXP_NEG_ABS, m, s.a, 0, null, 0, null, s.b, null, 0);
                    stage(GELU_TANH_GRAD_FINISH, m, x, xo + c, dy, dyo + c, s.a, s.b, dx, dxo + c);
                }
            }
            default -> throw new AssertionError(op);
        }
    }

    // The stages (called through STAGES only).

    private static void exp(int len, float[] x, int xo, float[] dy, int dyo, float[] a, float[] b, float[] y, int yo) {
        for (int i = 0; i < len; i += L) {
            VectorMath.exp(FloatVector.fromArray(F, x, xo + i)).intoArray(y, yo + i);
        }
    }

    /** {@code b = e^{-2|x|}}. */
    private static void tanhExp(int len, float[] x, int xo, float[] dy, int dyo, float[] a, float[] b, float[] y, int yo) {
        for (int i = 0; i < len; i += L) {
            VectorMath.tanhExp(FloatVector.fromArray(F, x, xo + i)).intoArray(b, i);
        }
    }

    /** {@code y = tanh(x)} given {@code b = e^{-2|x|}}. */
    private static void tanh(int len, float[] x, int xo, float[] dy, int dyo, float[] a, float[] b, float[] y, int yo) {
        for (int i = 0; i < len; i += L) {
            VectorMath.tanhFinish(FloatVector.fromArray(F, x, xo + i), FloatVector.fromArray(F, b, i)).intoArray(y, yo + i);
        }
    }

    /** {@code y = sigmoid(x)} given {@code b = e^{-|x|}}; {@code y} may be {@code x}. */
    private static void sigmoid(int len, float[] x, int xo, float[] dy, int dyo, float[] a, float[] b, float[] y, int yo) {
        for (int i = 0; i < len; i += L) {
            VectorMath.sigmoidFinish(FloatVector.fromArray(F, x, xo + i), FloatVector.fromArray(F, b, i)).intoArray(y, yo + i);
        }
    }

    private static void logReduce(int len, float[] x, int xo, float[] dy, int dyo, float[] a, float[] b, float[] y, int yo) {
        for (int i = 0; i < len; i += L) {
            FloatVector v = FloatVector.fromArray(F, x, xo + i);
            VectorMath.logMantissa(v).intoArray(a, i);
            VectorMath.logExponent(v).intoArray(b, i);
        }
    }

    /** {@code a = e ln2 + log(1 + f)} from {@code a = f}, {@code b = e}. */
    private static void logPolynomial(int len, float[] x, int xo, float[] dy, int dyo, float[] a, float[] b, float[] y, int yo) {
        for (int i = 0; i < len; i += L) {
            VectorMath.logPolynomial(FloatVector.fromArray(F, a, i), FloatVector.fromArray(F, b, i)).intoArray(a, i);
        }
    }

    /** {@code y = log(x)} from {@code a} (the polynomial) and x's special values. */
    private static void logFinish(int len, float[] x, int xo, float[] dy, int dyo, float[] a, float[] b, float[] y, int yo) {
        for (int i = 0; i < len; i += L) {
            VectorMath.logSpecials(FloatVector.fromArray(F, x, xo + i), FloatVector.fromArray(F, a, i)).intoArray(y, yo + i);
        }
    }

    private static void geluHalfErfcx(int len, float[] x, int xo, float[] dy, int dyo, float[] a, float[] b, float[] y, int yo) {
        for (int i = 0; i < len; i += L) {
            VectorMath.geluHalfErfcx(FloatVector.fromArray(F, x, xo + i)).intoArray(a, i);
        }
    }

    /** {@code b = xc^2/2} without the square's rounding correction (the argument of the next stage's exp). */
    private static void geluHalfSquare(int len, float[] x, int xo, float[] dy, int dyo, float[] a, float[] b, float[] y, int yo) {
        for (int i = 0; i < len; i += L) {
            VectorMath.geluHalfSquare(FloatVector.fromArray(F, x, xo + i)).intoArray(b, i);
        }
    }

    /** {@code b = e^{-b}}. */
    private static void expNegB(int len, float[] x, int xo, float[] dy, int dyo, float[] a, float[] b, float[] y, int yo) {
        for (int i = 0; i < len; i += L) {
            VectorMath.exp(FloatVector.fromArray(F, b, i).neg()).intoArray(b, i);
        }
    }

    /** {@code b = e^{-xc^2/2}} in one stage (hardware FMA only). */
    private static void geluGaussian(int len, float[] x, int xo, float[] dy, int dyo, float[] a, float[] b, float[] y, int yo) {
        for (int i = 0; i < len; i += L) {
            VectorMath.geluGaussian(FloatVector.fromArray(F, x, xo + i)).intoArray(b, i);
        }
    }

    /** {@code b = e^{-xc^2/2}} with the correction, in place. */
    private static void geluGaussianFix(int len, float[] x, int xo, float[] dy, int dyo, float[] a, float[] b, float[] y, int yo) {
        for (int i = 0; i < len; i += L) {
            VectorMath.geluGaussianFix(FloatVector.fromArray(F, x, xo + i), FloatVector.fromArray(F, b, i)).intoArray(b, i);
        }
    }

    /** {@code y = gelu(x)} from {@code a = erfcx/2} and {@code b} the Gaussian factor; {@code y} may be {@code x}. */
    private static void geluFinish(int len, float[] x, int xo, float[] dy, int dyo, float[] a, float[] b, float[] y, int yo) {
        for (int i = 0; i < len; i += L) {
            VectorMath.geluFinish(FloatVector.fromArray(F, x, xo + i), FloatVector.fromArray(F, a, i),
                    FloatVector.fromArray(F, b, i)).intoArray(y, yo + i);
        }
    }

    private static void geluGradFinish(int len, float[] x, int xo, float[] dy, int dyo, float[] a, float[] b, float[] y, int yo) {
        for (int i = 0; i < len; i += L) {
            VectorMath.geluGradFinish(FloatVector.fromArray(F, x, xo + i), FloatVector.fromArray(F, a, i),
                    FloatVector.fromArray(F, b, i)).mul(FloatVector.fromArray(F, dy, dyo + i)).intoArray(y, yo + i);
        }
    }

    /** {@code y = gelu'(x)} from {@code a = erfcx/2} and {@code b} the Gaussian factor. */
    private static void geluDerivative(int len, float[] x, int xo, float[] dy, int dyo, float[] a, float[] b, float[] y, int yo) {
        for (int i = 0; i < len; i += L) {
            VectorMath.geluGradFinish(FloatVector.fromArray(F, x, xo + i), FloatVector.fromArray(F, a, i),
                    FloatVector.fromArray(F, b, i)).intoArray(y, yo + i);
        }
    }

    private static void geluTanhArg2(int len, float[] x, int xo, float[] dy, int dyo, float[] a, float[] b, float[] y, int yo) {
        for (int i = 0; i < len; i += L) {
            VectorMath.geluTanhArg2(FloatVector.fromArray(F, x, xo + i)).intoArray(a, i);
        }
    }

    private static void geluTanhFinish(int len, float[] x, int xo, float[] dy, int dyo, float[] a, float[] b, float[] y, int yo) {
        for (int i = 0; i < len; i += L) {
            VectorMath.geluTanhFinish(FloatVector.fromArray(F, x, xo + i), FloatVector.fromArray(F, a, i))
                    .intoArray(y, yo + i);
        }
    }

    private static void geluTanhGradArg2(int len, float[] x, int xo, float[] dy, int dyo, float[] a, float[] b, float[] y, int yo) {
        for (int i = 0; i < len; i += L) {
            VectorMath.geluTanhGradArg2(FloatVector.fromArray(F, x, xo + i)).intoArray(a, i);
        }
    }

    /** {@code b = e^{-|x|}}. */
    private static void expNegAbs(int len, float[] x, int xo, float[] dy, int dyo, float[] a, float[] b, float[] y, int yo) {
        for (int i = 0; i < len; i += L) {
            VectorMath.exp(FloatVector.fromArray(F, x, xo + i).abs().neg()).intoArray(b, i);
        }
    }

    private static void geluTanhGradFinish(int len, float[] x, int xo, float[] dy, int dyo, float[] a, float[] b, float[] y, int yo) {
        for (int i = 0; i < len; i += L) {
            VectorMath.geluTanhGradFinish(FloatVector.fromArray(F, x, xo + i), FloatVector.fromArray(F, a, i),
                    FloatVector.fromArray(F, b, i)).mul(FloatVector.fromArray(F, dy, dyo + i)).intoArray(y, yo + i);
        }
    }
}
