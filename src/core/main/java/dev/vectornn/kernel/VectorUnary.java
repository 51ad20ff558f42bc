package dev.vectornn.kernel;

import static dev.vectornn.kernel.VectorKernels.F;
import static dev.vectornn.kernel.VectorKernels.L;

import dev.vectornn.kernel.simd.VectorMath;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * Element-wise functions and their derivatives for {@link VectorKernels}. NEG, SQUARE, SQRT,
 * RELU and the arithmetic derivatives are bit-exact with the scalar oracle (same operations in
 * the same order; vector sqrt is correctly rounded like {@code (float) Math.sqrt}). EXP, LOG,
 * TANH, SIGMOID and both GELUs use {@link VectorMath} with the error bounds documented there;
 * their tail is one masked vector, so every element gets the same bound.
 *
 * <p>Each op has its own loop (the switch is outside), because a switch inside the loop would
 * keep C2 from keeping the loop body in vector registers.
 */
final class VectorUnary {
    private VectorUnary() {}

    static void unary(UnaryOp op, int n, float[] x, int xOff, float[] y, int yOff) {
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
            case EXP -> exp(n, x, xOff, y, yOff);
            case LOG -> log(n, x, xOff, y, yOff);
            case TANH -> tanh(n, x, xOff, y, yOff);
            case SIGMOID -> sigmoid(n, x, xOff, y, yOff);
            case GELU -> gelu(n, x, xOff, y, yOff);
            case GELU_TANH -> geluTanh(n, x, xOff, y, yOff);
        }
    }

    static void backward(UnaryOp op, int n, float[] x, int xOff, float[] y, int yOff,
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
            case GELU -> geluGrad(n, x, xOff, dy, dyOff, dx, dxOff);
            case GELU_TANH -> geluTanhGrad(n, x, xOff, dy, dyOff, dx, dxOff);
        }
    }

    // One method per transcendental, and its masked tail in another: a single method inlining
    // several VectorMath functions exceeds C2's inlining budget, and a call left un-inlined
    // boxes every vector (measured: tanh 17x slower). Small separate methods keep each hot loop
    // its own compilation unit; the tail method is cold and stays out of the loop's budget.

    private static void exp(int n, float[] x, int xOff, float[] y, int yOff) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) {
            VectorMath.exp(FloatVector.fromArray(F, x, xOff + i)).intoArray(y, yOff + i);
        }
        if (i < n) expTail(i, n, x, xOff, y, yOff);
    }

    private static void expTail(int i, int n, float[] x, int xOff, float[] y, int yOff) {
        VectorMask<Float> m = F.indexInRange(i, n);
        VectorMath.exp(FloatVector.fromArray(F, x, xOff + i, m)).intoArray(y, yOff + i, m);
    }

    private static void log(int n, float[] x, int xOff, float[] y, int yOff) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) {
            VectorMath.log(FloatVector.fromArray(F, x, xOff + i)).intoArray(y, yOff + i);
        }
        if (i < n) logTail(i, n, x, xOff, y, yOff);
    }

    private static void logTail(int i, int n, float[] x, int xOff, float[] y, int yOff) {
        VectorMask<Float> m = F.indexInRange(i, n);
        VectorMath.log(FloatVector.fromArray(F, x, xOff + i, m)).intoArray(y, yOff + i, m);
    }

    private static void tanh(int n, float[] x, int xOff, float[] y, int yOff) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) {
            VectorMath.tanh(FloatVector.fromArray(F, x, xOff + i)).intoArray(y, yOff + i);
        }
        if (i < n) tanhTail(i, n, x, xOff, y, yOff);
    }

    private static void tanhTail(int i, int n, float[] x, int xOff, float[] y, int yOff) {
        VectorMask<Float> m = F.indexInRange(i, n);
        VectorMath.tanh(FloatVector.fromArray(F, x, xOff + i, m)).intoArray(y, yOff + i, m);
    }

    private static void sigmoid(int n, float[] x, int xOff, float[] y, int yOff) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) {
            VectorMath.sigmoid(FloatVector.fromArray(F, x, xOff + i)).intoArray(y, yOff + i);
        }
        if (i < n) sigmoidTail(i, n, x, xOff, y, yOff);
    }

    private static void sigmoidTail(int i, int n, float[] x, int xOff, float[] y, int yOff) {
        VectorMask<Float> m = F.indexInRange(i, n);
        VectorMath.sigmoid(FloatVector.fromArray(F, x, xOff + i, m)).intoArray(y, yOff + i, m);
    }

    private static void gelu(int n, float[] x, int xOff, float[] y, int yOff) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) {
            VectorMath.gelu(FloatVector.fromArray(F, x, xOff + i)).intoArray(y, yOff + i);
        }
        if (i < n) geluTail(i, n, x, xOff, y, yOff);
    }

    private static void geluTail(int i, int n, float[] x, int xOff, float[] y, int yOff) {
        VectorMask<Float> m = F.indexInRange(i, n);
        VectorMath.gelu(FloatVector.fromArray(F, x, xOff + i, m)).intoArray(y, yOff + i, m);
    }

    private static void geluTanh(int n, float[] x, int xOff, float[] y, int yOff) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) {
            VectorMath.geluTanh(FloatVector.fromArray(F, x, xOff + i)).intoArray(y, yOff + i);
        }
        if (i < n) geluTanhTail(i, n, x, xOff, y, yOff);
    }

    private static void geluTanhTail(int i, int n, float[] x, int xOff, float[] y, int yOff) {
        VectorMask<Float> m = F.indexInRange(i, n);
        VectorMath.geluTanh(FloatVector.fromArray(F, x, xOff + i, m)).intoArray(y, yOff + i, m);
    }

    private static void geluGrad(int n, float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) {
            VectorMath.geluGrad(FloatVector.fromArray(F, x, xOff + i))
                    .mul(FloatVector.fromArray(F, dy, dyOff + i)).intoArray(dx, dxOff + i);
        }
        if (i < n) geluGradTail(i, n, x, xOff, dy, dyOff, dx, dxOff);
    }

    private static void geluGradTail(int i, int n, float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff) {
        VectorMask<Float> m = F.indexInRange(i, n);
        VectorMath.geluGrad(FloatVector.fromArray(F, x, xOff + i, m))
                .mul(FloatVector.fromArray(F, dy, dyOff + i, m)).intoArray(dx, dxOff + i, m);
    }

    private static void geluTanhGrad(int n, float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) {
            VectorMath.geluTanhGrad(FloatVector.fromArray(F, x, xOff + i))
                    .mul(FloatVector.fromArray(F, dy, dyOff + i)).intoArray(dx, dxOff + i);
        }
        if (i < n) geluTanhGradTail(i, n, x, xOff, dy, dyOff, dx, dxOff);
    }

    private static void geluTanhGradTail(int i, int n, float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff) {
        VectorMask<Float> m = F.indexInRange(i, n);
        VectorMath.geluTanhGrad(FloatVector.fromArray(F, x, xOff + i, m))
                .mul(FloatVector.fromArray(F, dy, dyOff + i, m)).intoArray(dx, dxOff + i, m);
    }
}
