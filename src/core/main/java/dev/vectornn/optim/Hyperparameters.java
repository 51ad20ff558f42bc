package dev.vectornn.optim;

/**
 * An optimizer's hyperparameters for one parameter group: an immutable value (each optimizer
 * defines a record) whose learning rate can be replaced, which is all a schedule changes.
 *
 * @param <H> the implementing type
 */
public interface Hyperparameters<H extends Hyperparameters<H>> {
    /** The learning rate ({@code lr}). */
    double lr();

    /** A copy with {@code lr} replaced; validation happens when an optimizer receives it. */
    H withLr(double lr);
}
