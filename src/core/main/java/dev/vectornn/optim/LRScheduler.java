package dev.vectornn.optim;

/**
 * Base of the epoch- or step-driven learning-rate schedules, following PyTorch's
 * {@code LRScheduler}: construction records each group's current lr as its base lr and performs
 * the initial step (epoch 0), which sets the lr for the first optimizer steps; each
 * {@link #step()} then advances one epoch and writes the new lr of every group through
 * {@link Optimizer#setLr}. Call {@code optimizer.step()} before {@code scheduler.step()}.
 *
 * <p>Not thread-safe. Allocation-free after construction.
 */
public abstract class LRScheduler {
    private final Optimizer<?> optimizer;
    private final double[] baseLrs;
    private int lastEpoch = -1;

    /** Records the base lrs; the subclass constructor must end with {@link #initialStep()}. */
    protected LRScheduler(Optimizer<?> optimizer) {
        this.optimizer = optimizer;
        baseLrs = new double[optimizer.groupCount()];
        for (int g = 0; g < baseLrs.length; g++) baseLrs[g] = optimizer.lr(g);
    }

    /** Performs the constructor's step to epoch 0, once the subclass's fields are set. */
    protected final void initialStep() {
        if (lastEpoch != -1) throw new IllegalStateException("initialStep called twice");
        step();
    }

    /**
     * The lr of group {@code group} at {@code epoch >= 0}, given its base lr and its current lr
     * (the previous epoch's, for chainable schedules).
     */
    protected abstract double lrAt(int epoch, double baseLr, double currentLr);

    /** Advances one epoch (or step) and sets every group's lr. */
    public final void step() {
        lastEpoch++;
        for (int g = 0; g < baseLrs.length; g++) optimizer.setLr(g, lrAt(lastEpoch, baseLrs[g], optimizer.lr(g)));
    }

    /** The number of {@link #step()} calls after the initial one (PyTorch's {@code last_epoch}). */
    public final int lastEpoch() {
        return lastEpoch;
    }

    /**
     * Moves the schedule to {@code epoch} and sets the lrs, for resuming from a checkpoint (with
     * the optimizer's state dict, which holds the current lrs). Chainable schedules
     * ({@link StepLR}) recompute from the base lr in closed form here.
     *
     * @throws IllegalArgumentException if {@code epoch < 0}
     */
    public final void resumeAt(int epoch) {
        if (epoch < 0) throw new IllegalArgumentException("resumeAt: epoch must be >= 0, got " + epoch);
        lastEpoch = epoch;
        for (int g = 0; g < baseLrs.length; g++) optimizer.setLr(g, closedForm(epoch, baseLrs[g]));
    }

    /** The lr at {@code epoch} computed from the base lr alone. */
    protected abstract double closedForm(int epoch, double baseLr);

    /** The base lr of group {@code group} (its lr when the schedule was built). */
    public final double baseLr(int group) {
        return baseLrs[group];
    }

    /** The optimizer driven. */
    public final Optimizer<?> optimizer() {
        return optimizer;
    }
}
