/**
 * JMH benchmarks of whole training workloads (issue 5), each the twin of a workload in
 * {@code bench/torch/compare.py}: the same shapes, loss, optimizer and hyperparameters, so the
 * two sides can be tabled together ({@code bench/run workloads}).
 *
 * <p>Every class builds its model from the {@code dev.vectornn.nn} layers once per trial, compiles
 * an inference plan and a training plan from one graph, and measures two methods on
 * {@code threads} = 1 and 2 ({@link dev.vectornn.kernel.KernelThreads#setThreads}):
 * <ul>
 *   <li>{@code forward}: the inference plan's forward pass on a fixed batch;</li>
 *   <li>{@code trainStep}: optimizer zeroGrad, forward, backward, [gradient clipping], optimizer
 *       step, returning the loss.</li>
 * </ul>
 * Data are seeded random numbers fed once (a plan keeps its feeds), so a step's time does not
 * include making data. Time is per step; the work per step (samples or tokens) is fixed per
 * workload and listed in {@code report.WorkloadTable}, which turns times into samples or
 * tokens per second. Run with {@code -prof gc}: {@code gc.alloc.rate.norm} is the bytes a
 * steady step allocates (the target is 0).
 */
package dev.vectornn.bench.workloads;
