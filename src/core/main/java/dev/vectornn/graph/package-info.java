/**
 * Graphs of tensor ops with shape inference at build time ({@link dev.vectornn.graph.Graph}), the
 * op table with each op's forward and vector-Jacobian product side by side
 * ({@link dev.vectornn.graph.Ops}), compiled plans with liveness-based buffer reuse
 * ({@link dev.vectornn.graph.Plan}) and gradient checking ({@link dev.vectornn.graph.GradCheck}).
 * Depends on {@code dev.vectornn.tensor} and {@code dev.vectornn.kernel} only.
 */
package dev.vectornn.graph;
