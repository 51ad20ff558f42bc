package dev.vectornn.optim;

/**
 * PyTorch's {@code StepLR}: multiplies each group's lr by {@code gamma} every {@code stepSize}
 * epochs, so {@code lr(epoch) = base_lr * gamma^floor(epoch / stepSize)}. As in PyTorch, each
 * {@link #step()} multiplies the current lr ({@code lr * gamma} when {@code epoch > 0 && epoch %
 * stepSize == 0}, else unchanged), so the values are products of repeated roundings, not
 * {@code Math.pow}. Not thread-safe.
 */
public final class StepLR extends LRScheduler {
    private final int stepSize;
    private final double gamma;

    /**
     * @param stepSize epochs between decays, {@code >= 1}
     * @param gamma    decay factor (PyTorch's default 0.1), finite and {@code >= 0}
     * @throws IllegalArgumentException for an invalid {@code stepSize} or {@code gamma}
     */
    public StepLR(Optimizer<?> optimizer, int stepSize, double gamma) {
        super(optimizer);
        if (stepSize < 1) throw new IllegalArgumentException("StepLR: step_size must be >= 1, got " + stepSize);
        if (!(gamma >= 0 && gamma < Double.POSITIVE_INFINITY)) {
            throw new IllegalArgumentException("StepLR: gamma must be finite and >= 0, got " + gamma);
        }
        this.stepSize = stepSize;
        this.gamma = gamma;
        initialStep();
    }

    @Override
    protected double lrAt(int epoch, double baseLr, double currentLr) {
        if (epoch == 0) return baseLr;
        return epoch % stepSize == 0 ? currentLr * gamma : currentLr;
    }

    @Override
    protected double closedForm(int epoch, double baseLr) {
        return baseLr * Math.pow(gamma, epoch / stepSize);
    }
}
