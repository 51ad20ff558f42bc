/**
 * Numeric primitives on {@code float[]} with offsets and leading dimensions: one interface,
 * {@link dev.vectornn.kernel.Kernels}, a scalar reference and a Vector API implementation chosen
 * once by {@link dev.vectornn.kernel.KernelProvider}. This is the only package (with its
 * {@code gemm} and {@code simd} sub-packages) that touches
 * {@code jdk.incubator.vector}; it depends on nothing above it.
 */
package dev.vectornn.kernel;
