package dev.vectornn.kernel;

import static dev.vectornn.kernel.VectorKernels.F;
import static dev.vectornn.kernel.VectorKernels.L;

import jdk.incubator.vector.FloatVector;

/**
 * Fused optimizer updates for {@link VectorKernels}: one pass over the parameters, each element
 * read and written once. Bit-exact with the scalar oracle: the same float operations in the same
 * order (no FMA contraction); the per-step scalars (bias corrections) are computed exactly as the
 * oracle computes them. The option flags are loop-invariant branches, which C2 unswitches.
 *
 * <p>Large updates are split into element ranges over the kernel threads
 * ({@link VectorParallel}); each element's update is independent of the others, so the bits do
 * not depend on the thread count.
 */
final class VectorOptim {
    private VectorOptim() {}

    static void sgd(int n, float[] param, int pOff, float[] grad, int gOff, float[] buf, int bufOff,
                    float lr, float momentum, float dampening, float weightDecay,
                    boolean nesterov, boolean firstStep) {
        int parts = VectorParallel.elementParts(n, VectorParallel.MIN_ARITHMETIC);
        if (VectorParallel.begin(parts)) {
            SgdTask t = SgdTask.INSTANCE;
            try {
                t.param = param; t.pOff = pOff; t.grad = grad; t.gOff = gOff; t.buf = buf; t.bufOff = bufOff;
                t.lr = lr; t.momentum = momentum; t.dampening = dampening; t.weightDecay = weightDecay;
                t.nesterov = nesterov; t.firstStep = firstStep;
                t.runSplit(n, VectorParallel.GRAIN, parts);
            } finally {
                VectorParallel.end(t);
            }
            return;
        }
        sgdRange(n, param, pOff, grad, gOff, buf, bufOff, lr, momentum, dampening, weightDecay, nesterov, firstStep);
    }

    /** The arguments of one split SGD update (guarded by the pool's lock). */
    private static final class SgdTask extends VectorParallel.RangeTask {
        static final SgdTask INSTANCE = new SgdTask();
        float[] param, grad, buf;
        int pOff, gOff, bufOff;
        float lr, momentum, dampening, weightDecay;
        boolean nesterov, firstStep;

        @Override
        void range(int from, int to) {
            sgdRange(to - from, param, pOff + from, grad, gOff + from, buf, bufOff + from, lr, momentum, dampening,
                    weightDecay, nesterov, firstStep);
        }

        @Override
        void clear() {
            param = null; grad = null; buf = null;
        }
    }

    private static void sgdRange(int n, float[] param, int pOff, float[] grad, int gOff, float[] buf, int bufOff,
                                 float lr, float momentum, float dampening, float weightDecay,
                                 boolean nesterov, boolean firstStep) {
        boolean wd = weightDecay != 0, mom = momentum != 0;
        float damp1 = 1f - dampening;
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) {
            FloatVector p = FloatVector.fromArray(F, param, pOff + i);
            FloatVector d = FloatVector.fromArray(F, grad, gOff + i);
            if (wd) d = d.add(p.mul(weightDecay));
            if (mom) {
                FloatVector b = firstStep ? d
                        : FloatVector.fromArray(F, buf, bufOff + i).mul(momentum).add(d.mul(damp1));
                b.intoArray(buf, bufOff + i);
                d = nesterov ? d.add(b.mul(momentum)) : b;
            }
            p.sub(d.mul(lr)).intoArray(param, pOff + i);
        }
        for (; i < n; i++) {
            float p = param[pOff + i];
            float d = grad[gOff + i];
            if (wd) d = d + weightDecay * p;
            if (mom) {
                float b = firstStep ? d : momentum * buf[bufOff + i] + damp1 * d;
                buf[bufOff + i] = b;
                d = nesterov ? d + momentum * b : b;
            }
            param[pOff + i] = p - lr * d;
        }
    }

    static void adam(int n, float[] param, int pOff, float[] grad, int gOff,
                     float[] m, int mOff, float[] v, int vOff, float[] vMax, int vMaxOff,
                     float lr, float beta1, float beta2, float eps, float weightDecay,
                     boolean decoupled, long step) {
        double bc1 = 1.0 - Math.pow(beta1, step);
        double bc2 = 1.0 - Math.pow(beta2, step);
        float stepSize = (float) (lr / bc1);
        float bc2Sqrt = (float) Math.sqrt(bc2);
        float decay = decoupled ? 1f - lr * weightDecay : 1f;
        // Adam's sqrt and division per element make it several times the cost of SGD's
        int parts = VectorParallel.elementParts(n, VectorParallel.MIN_HEAVY);
        if (VectorParallel.begin(parts)) {
            AdamTask t = AdamTask.INSTANCE;
            try {
                t.param = param; t.pOff = pOff; t.grad = grad; t.gOff = gOff; t.m = m; t.mOff = mOff;
                t.v = v; t.vOff = vOff; t.vMax = vMax; t.vMaxOff = vMaxOff; t.beta1 = beta1; t.beta2 = beta2;
                t.eps = eps; t.weightDecay = weightDecay; t.decoupled = decoupled; t.stepSize = stepSize;
                t.bc2Sqrt = bc2Sqrt; t.decay = decay;
                t.runSplit(n, VectorParallel.GRAIN, parts);
            } finally {
                VectorParallel.end(t);
            }
            return;
        }
        adamRange(n, param, pOff, grad, gOff, m, mOff, v, vOff, vMax, vMaxOff, beta1, beta2, eps, weightDecay,
                decoupled, stepSize, bc2Sqrt, decay);
    }

    /** The arguments of one split Adam update, its per-step scalars computed (guarded by the pool's lock). */
    private static final class AdamTask extends VectorParallel.RangeTask {
        static final AdamTask INSTANCE = new AdamTask();
        float[] param, grad, m, v, vMax;
        int pOff, gOff, mOff, vOff, vMaxOff;
        float beta1, beta2, eps, weightDecay, stepSize, bc2Sqrt, decay;
        boolean decoupled;

        @Override
        void range(int from, int to) {
            adamRange(to - from, param, pOff + from, grad, gOff + from, m, mOff + from, v, vOff + from,
                    vMax, vMaxOff + from, beta1, beta2, eps, weightDecay, decoupled, stepSize, bc2Sqrt, decay);
        }

        @Override
        void clear() {
            param = null; grad = null; m = null; v = null; vMax = null;
        }
    }

    /** Adam over {@code n} elements with the step's scalars ({@code lr / bc1}, {@code sqrt(bc2)}, the decay factor). */
    private static void adamRange(int n, float[] param, int pOff, float[] grad, int gOff,
                                  float[] m, int mOff, float[] v, int vOff, float[] vMax, int vMaxOff,
                                  float beta1, float beta2, float eps, float weightDecay, boolean decoupled,
                                  float stepSize, float bc2Sqrt, float decay) {
        boolean l2 = !decoupled && weightDecay != 0, ams = vMax != null;
        float b1c = 1f - beta1, b2c = 1f - beta2;
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) {
            FloatVector p = FloatVector.fromArray(F, param, pOff + i);
            FloatVector g = FloatVector.fromArray(F, grad, gOff + i);
            if (decoupled) p = p.mul(decay);
            else if (l2) g = g.add(p.mul(weightDecay));
            FloatVector mi = FloatVector.fromArray(F, m, mOff + i).mul(beta1).add(g.mul(b1c));
            FloatVector vi = FloatVector.fromArray(F, v, vOff + i).mul(beta2).add(g.mul(b2c).mul(g));
            mi.intoArray(m, mOff + i);
            vi.intoArray(v, vOff + i);
            FloatVector vh = vi;
            if (ams) {
                vh = FloatVector.fromArray(F, vMax, vMaxOff + i).max(vi);
                vh.intoArray(vMax, vMaxOff + i);
            }
            FloatVector denom = vh.sqrt().div(bc2Sqrt).add(eps);
            p.sub(mi.div(denom).mul(stepSize)).intoArray(param, pOff + i);
        }
        for (; i < n; i++) {
            float p = param[pOff + i];
            float g = grad[gOff + i];
            if (decoupled) p = p * decay;
            else if (l2) g = g + weightDecay * p;
            float mi = beta1 * m[mOff + i] + b1c * g;
            float vi = beta2 * v[vOff + i] + b2c * g * g;
            m[mOff + i] = mi;
            v[vOff + i] = vi;
            float vh = vi;
            if (ams) {
                vh = Math.max(vMax[vMaxOff + i], vi);
                vMax[vMaxOff + i] = vh;
            }
            float denom = (float) Math.sqrt(vh) / bc2Sqrt + eps;
            param[pOff + i] = p - stepSize * (mi / denom);
        }
    }
}
