/**
 * Internal (not exported): the allocation-free thread pool that the multi-threaded kernels of
 * {@code dev.vectornn.kernel} and {@code dev.vectornn.kernel.gemm} share. Only code under
 * {@code dev.vectornn.kernel} may use it; {@link dev.vectornn.kernel.KernelThreads} says how many
 * threads it may use.
 */
package dev.vectornn.kernel.parallel;
