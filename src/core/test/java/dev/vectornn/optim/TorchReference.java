package dev.vectornn.optim;

/**
 * Straightforward double-precision re-implementations of the algorithms printed in PyTorch's
 * {@code torch.optim} documentation (the "Algorithm" boxes), written element by element with
 * the documentation's symbols and bias-corrected moments, independently of the production code
 * paths (no kernels, no shared helpers). They are the oracle until golden files from PyTorch
 * itself exist.
 *
 * <p>Each method takes the initial parameters and one gradient vector per step and returns the
 * parameters after each step ({@code result[t]} after step {@code t + 1}).
 */
final class TorchReference {
    private TorchReference() {}

    static double[][] sgd(double[] theta0, double[][] grads, SGD.Options o) {
        double gamma = o.lr(), lambda = o.weightDecay(), mu = o.momentum(), tau = o.dampening();
        double[] theta = theta0.clone(), b = new double[theta.length];
        double[][] out = new double[grads.length][];
        for (int t = 1; t <= grads.length; t++) {
            for (int i = 0; i < theta.length; i++) {
                double g = grads[t - 1][i];
                if (lambda != 0) g += lambda * theta[i];
                if (mu != 0) {
                    b[i] = t > 1 ? mu * b[i] + (1 - tau) * g : g;
                    g = o.nesterov() ? g + mu * b[i] : b[i];
                }
                theta[i] -= gamma * g;
            }
            out[t - 1] = theta.clone();
        }
        return out;
    }

    static double[][] adagrad(double[] theta0, double[][] grads, Adagrad.Options o) {
        double[] theta = theta0.clone(), stateSum = new double[theta.length];
        java.util.Arrays.fill(stateSum, o.initialAccumulatorValue());
        double[][] out = new double[grads.length][];
        for (int t = 1; t <= grads.length; t++) {
            double gammaTilde = o.lr() / (1 + (t - 1) * o.lrDecay());
            for (int i = 0; i < theta.length; i++) {
                double g = grads[t - 1][i];
                if (o.weightDecay() != 0) g += o.weightDecay() * theta[i];
                stateSum[i] += g * g;
                theta[i] -= gammaTilde * g / (Math.sqrt(stateSum[i]) + o.eps());
            }
            out[t - 1] = theta.clone();
        }
        return out;
    }

    static double[][] rmsprop(double[] theta0, double[][] grads, RMSprop.Options o) {
        double alpha = o.alpha(), mu = o.momentum();
        int n = theta0.length;
        double[] theta = theta0.clone(), v = new double[n], gAve = new double[n], b = new double[n];
        double[][] out = new double[grads.length][];
        for (int t = 1; t <= grads.length; t++) {
            for (int i = 0; i < n; i++) {
                double g = grads[t - 1][i];
                if (o.weightDecay() != 0) g += o.weightDecay() * theta[i];
                v[i] = alpha * v[i] + (1 - alpha) * g * g;
                double vTilde = v[i];
                if (o.centered()) {
                    gAve[i] = gAve[i] * alpha + (1 - alpha) * g;
                    vTilde -= gAve[i] * gAve[i];
                }
                if (mu > 0) {
                    b[i] = mu * b[i] + g / (Math.sqrt(vTilde) + o.eps());
                    theta[i] -= o.lr() * b[i];
                } else {
                    theta[i] -= o.lr() * g / (Math.sqrt(vTilde) + o.eps());
                }
            }
            out[t - 1] = theta.clone();
        }
        return out;
    }

    /** Adam ({@code decoupled == false}) or AdamW ({@code true}). */
    static double[][] adam(double[] theta0, double[][] grads, Adam.Options o, boolean decoupled) {
        double gamma = o.lr(), b1 = o.beta1(), b2 = o.beta2(), lambda = o.weightDecay();
        int n = theta0.length;
        double[] theta = theta0.clone(), m = new double[n], v = new double[n], vMax = new double[n];
        double[][] out = new double[grads.length][];
        for (int t = 1; t <= grads.length; t++) {
            for (int i = 0; i < n; i++) {
                double g = grads[t - 1][i];
                if (decoupled) theta[i] -= gamma * lambda * theta[i];
                else if (lambda != 0) g += lambda * theta[i];
                m[i] = b1 * m[i] + (1 - b1) * g;
                v[i] = b2 * v[i] + (1 - b2) * g * g;
                double mHat = m[i] / (1 - Math.pow(b1, t));
                double vHat;
                if (o.amsgrad()) {
                    vMax[i] = Math.max(vMax[i], v[i]);
                    vHat = vMax[i] / (1 - Math.pow(b2, t));
                } else {
                    vHat = v[i] / (1 - Math.pow(b2, t));
                }
                theta[i] -= gamma * mHat / (Math.sqrt(vHat) + o.eps());
            }
            out[t - 1] = theta.clone();
        }
        return out;
    }
}
