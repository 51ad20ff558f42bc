package dev.vectornn.kernel;

import static dev.vectornn.kernel.VectorKernels.F;
import static dev.vectornn.kernel.VectorKernels.L;

import jdk.incubator.vector.FloatVector;

/**
 * Fused optimizer updates for {@link VectorKernels}: one pass over the parameters, each element
 * read and written once. Bit-exact with the scalar oracle: the same float operations in the same
 * order (no FMA contraction); the per-step scalars (bias corrections) are computed exactly as the
 * oracle computes them. The option flags are loop-invariant branches, which C2 unswitches.
 */
final class VectorOptim {
    private VectorOptim() {}

    static void sgd(int n, float[] param, int pOff, float[] grad, int gOff, float[] buf, int bufOff,
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
