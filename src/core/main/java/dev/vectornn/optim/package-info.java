/**
 * Optimizers with PyTorch's algorithms, defaults and state names ({@link dev.vectornn.optim.SGD},
 * {@link dev.vectornn.optim.Adagrad}, {@link dev.vectornn.optim.RMSprop}, {@link dev.vectornn.optim.Adam},
 * {@link dev.vectornn.optim.AdamW}) over parameter groups, learning-rate schedules and gradient
 * clipping. Updates are in place and allocation-free after the first step. Depends on
 * {@code dev.vectornn.graph} (for {@link dev.vectornn.graph.Parameter}), {@code tensor} and {@code kernel}.
 */
package dev.vectornn.optim;
