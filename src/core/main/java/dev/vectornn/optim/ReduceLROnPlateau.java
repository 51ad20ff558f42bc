package dev.vectornn.optim;

/**
 * PyTorch's {@code ReduceLROnPlateau}: lowers every group's lr by {@code factor} when a metric has
 * stopped improving for more than {@code patience} epochs. On each {@link #step(double)}:
 * <pre>
 *   better = mode MIN, rel: m &lt; best * (1 - threshold)     abs: m &lt; best - threshold
 *            mode MAX, rel: m &gt; best * (1 + threshold)     abs: m &gt; best + threshold
 *   if better: best = m, bad = 0   else bad += 1
 *   if cooldownCounter &gt; 0: cooldownCounter -= 1, bad = 0
 *   if bad &gt; patience: for each group, new = max(lr * factor, minLr);
 *                      if lr - new &gt; eps: lr = new;  cooldownCounter = cooldown, bad = 0
 * </pre>
 * {@code best} starts at +inf (MIN) or -inf (MAX); a NaN metric is never better. Not
 * thread-safe; allocation-free.
 */
public final class ReduceLROnPlateau {
    /** Whether a lower or a higher metric is better. */
    public enum Mode { MIN, MAX }

    /** Whether {@code threshold} is relative to {@code best} or absolute. */
    public enum ThresholdMode { REL, ABS }

    private final Optimizer<?> optimizer;
    private final Mode mode;
    private final double factor;
    private final int patience;
    private final double threshold;
    private final ThresholdMode thresholdMode;
    private final int cooldown;
    private final double minLr;
    private final double eps;
    private double best;
    private int numBadEpochs;
    private int cooldownCounter;
    private int lastEpoch;

    /**
     * PyTorch's defaults: mode MIN, factor 0.1, patience 10, threshold 1e-4 relative, cooldown 0,
     * min_lr 0, eps 1e-8.
     */
    public ReduceLROnPlateau(Optimizer<?> optimizer) {
        this(optimizer, Mode.MIN, 0.1, 10, 1e-4, ThresholdMode.REL, 0, 0, 1e-8);
    }

    /**
     * @param factor    multiplier of the lr, in {@code [0, 1)}
     * @param patience  bad epochs tolerated before reducing, {@code >= 0}
     * @param threshold minimal improvement that counts, finite and {@code >= 0}
     * @param cooldown  epochs after a reduction during which bad epochs are not counted, {@code >= 0}
     * @param minLr     floor of every group's lr, {@code >= 0}
     * @param eps       reductions smaller than this are skipped, {@code >= 0}
     * @throws IllegalArgumentException for an invalid argument, naming it and its value
     */
    public ReduceLROnPlateau(Optimizer<?> optimizer, Mode mode, double factor, int patience, double threshold,
                             ThresholdMode thresholdMode, int cooldown, double minLr, double eps) {
        if (!(factor >= 0 && factor < 1)) bad("factor", factor, "in [0, 1)");
        if (patience < 0) bad("patience", patience, ">= 0");
        if (!(threshold >= 0 && threshold < Double.POSITIVE_INFINITY)) bad("threshold", threshold, "finite and >= 0");
        if (cooldown < 0) bad("cooldown", cooldown, ">= 0");
        if (!(minLr >= 0 && minLr < Double.POSITIVE_INFINITY)) bad("min_lr", minLr, "finite and >= 0");
        if (!(eps >= 0)) bad("eps", eps, ">= 0");
        this.optimizer = optimizer;
        this.mode = java.util.Objects.requireNonNull(mode, "mode");
        this.factor = factor;
        this.patience = patience;
        this.threshold = threshold;
        this.thresholdMode = java.util.Objects.requireNonNull(thresholdMode, "thresholdMode");
        this.cooldown = cooldown;
        this.minLr = minLr;
        this.eps = eps;
        this.best = mode == Mode.MIN ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
    }

    private static void bad(String name, Object value, String rule) {
        throw new IllegalArgumentException("ReduceLROnPlateau: invalid " + name + " " + value + " (must be " + rule + ")");
    }

    /** Records one epoch's metric and reduces the lrs if the plateau has lasted long enough. */
    public void step(double metric) {
        lastEpoch++;
        if (isBetter(metric)) {
            best = metric;
            numBadEpochs = 0;
        } else {
            numBadEpochs++;
        }
        if (cooldownCounter > 0) {
            cooldownCounter--;
            numBadEpochs = 0;
        }
        if (numBadEpochs > patience) {
            for (int g = 0; g < optimizer.groupCount(); g++) {
                double old = optimizer.lr(g);
                double lr = Math.max(old * factor, minLr);
                if (old - lr > eps) optimizer.setLr(g, lr);
            }
            cooldownCounter = cooldown;
            numBadEpochs = 0;
        }
    }

    private boolean isBetter(double m) {
        boolean rel = thresholdMode == ThresholdMode.REL;
        if (mode == Mode.MIN) return rel ? m < best * (1 - threshold) : m < best - threshold;
        return rel ? m > best * (1 + threshold) : m > best + threshold;
    }

    /** The best metric seen so far. */
    public double best() {
        return best;
    }

    /** Consecutive epochs without improvement (PyTorch's {@code num_bad_epochs}). */
    public int numBadEpochs() {
        return numBadEpochs;
    }

    /** Epochs left in the current cooldown. */
    public int cooldownCounter() {
        return cooldownCounter;
    }

    /** Number of {@link #step(double)} calls. */
    public int lastEpoch() {
        return lastEpoch;
    }

    /** Restores the counters from a checkpoint (values as returned by the accessors). */
    public void resume(double best, int numBadEpochs, int cooldownCounter, int lastEpoch) {
        if (numBadEpochs < 0 || cooldownCounter < 0 || lastEpoch < 0) {
            throw new IllegalArgumentException("ReduceLROnPlateau.resume: counters must be >= 0, got num_bad_epochs "
                    + numBadEpochs + ", cooldown_counter " + cooldownCounter + ", last_epoch " + lastEpoch);
        }
        this.best = best;
        this.numBadEpochs = numBadEpochs;
        this.cooldownCounter = cooldownCounter;
        this.lastEpoch = lastEpoch;
    }
}
