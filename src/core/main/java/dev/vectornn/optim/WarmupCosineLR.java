package dev.vectornn.optim;

/**
 * Linear warmup then cosine decay to a floor, per step (the schedule of GPT-style training).
 * With {@code W = warmupSteps}, {@code T = totalSteps}, {@code t = lastEpoch()} (0 for the first
 * optimizer step) and each group's base lr {@code b}:
 * <pre>
 *   t &lt; W:       lr = b * (t + 1) / W
 *   W &lt;= t &lt; T:  lr = minLr + (b - minLr) * 0.5 * (1 + cos(pi * (t - W) / (T - W)))
 *   t &gt;= T:      lr = minLr
 * </pre>
 * So warmup never uses lr 0, reaches {@code b} at {@code t = W - 1} and {@code t = W}, and the
 * decay ends at {@code minLr}. {@code W = 0} is pure cosine annealing. Closed form (like
 * PyTorch's {@code LambdaLR}), so resuming is exact. Not thread-safe.
 */
public final class WarmupCosineLR extends LRScheduler {
    private final int warmupSteps;
    private final int totalSteps;
    private final double minLr;

    /**
     * @param warmupSteps {@code W >= 0}
     * @param totalSteps  {@code T >= W}
     * @param minLr       the floor, finite and {@code >= 0}
     * @throws IllegalArgumentException for invalid arguments
     */
    public WarmupCosineLR(Optimizer<?> optimizer, int warmupSteps, int totalSteps, double minLr) {
        super(optimizer);
        if (warmupSteps < 0 || totalSteps < warmupSteps) {
            throw new IllegalArgumentException("WarmupCosineLR: need 0 <= warmup_steps <= total_steps, got warmup_steps "
                    + warmupSteps + " and total_steps " + totalSteps);
        }
        if (!(minLr >= 0 && minLr < Double.POSITIVE_INFINITY)) {
            throw new IllegalArgumentException("WarmupCosineLR: min_lr must be finite and >= 0, got " + minLr);
        }
        this.warmupSteps = warmupSteps;
        this.totalSteps = totalSteps;
        this.minLr = minLr;
        initialStep();
    }

    @Override
    protected double lrAt(int epoch, double baseLr, double currentLr) {
        return closedForm(epoch, baseLr);
    }

    @Override
    protected double closedForm(int t, double b) {
        if (t < warmupSteps) return b * (t + 1) / warmupSteps;
        if (t >= totalSteps) return minLr;
        double progress = (double) (t - warmupSteps) / (totalSteps - warmupSteps);
        return minLr + (b - minLr) * 0.5 * (1 + Math.cos(Math.PI * progress));
    }
}
